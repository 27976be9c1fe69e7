/**
 * Just enough of Terraform's expression syntax to find what a value refers to: split a template
 * string into literal text and `${...}` interpolations, and pull every resource or data source
 * traversal (`aws_subnet.a[0].id`, `data.aws_iam_policy_document.p.json`, `aws_subnet.x.*.id`)
 * out of an expression, including inside function calls and nested string templates. We never
 * evaluate expressions: a value we cannot read literally stays `Unknown`.
 */

export type TemplatePart = { readonly literal: string } | { readonly expr: string };

/**
 * Splits `arn:${aws_s3_bucket.b.arn}/*` into parts. `$${` is Terraform's escape for a literal
 * `${`. Returns `undefined` when an interpolation is never closed (the text is then literal).
 */
export function splitTemplate(text: string): TemplatePart[] | undefined {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) {
      literal += text.slice(i);
      break;
    }
    if (start > 0 && text[start - 1] === '$') {
      // `$${` -> literal `${`
      literal += text.slice(i, start - 1) + '${';
      i = start + 2;
      continue;
    }
    literal += text.slice(i, start);
    const end = findExpressionEnd(text, start + 2);
    if (end < 0) return undefined;
    if (literal) parts.push({ literal });
    literal = '';
    parts.push({ expr: text.slice(start + 2, end).trim() });
    i = end + 1;
  }
  if (literal) parts.push({ literal });
  return parts;
}

/** Index of the `}` closing an interpolation body starting at `from`, skipping nested braces and strings. */
function findExpressionEnd(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i = skipString(text, i);
      if (i < 0) return -1;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
    i++;
  }
  return -1;
}

/** Index just past the string literal starting at `start` (a `"`), honouring escapes and nested templates. */
function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '"') return i + 1;
    if (c === '$' && text[i + 1] === '{') {
      const end = findExpressionEnd(text, i + 2);
      if (end < 0) return -1;
      i = end + 1;
      continue;
    }
    i++;
  }
  return -1;
}

/** One traversal that names a resource or data source. */
export interface Traversal {
  /** `aws_subnet.a` or `data.aws_iam_policy_document.p` (no index). */
  readonly base: string;
  /** `0` or `"a"` as written inside `[...]`, when one instance is named. */
  readonly index?: string;
  /** `true` for `aws_subnet.a.*.id` / `aws_subnet.a[*].id`: every instance. */
  readonly splat: boolean;
  /** The index expression when the instance is computed (`each.key` in `aws_iam_role.r[each.key]`). */
  readonly computedIndex?: string;
  /** Attribute path read from the target after the instance part (`arn`, `vpc_config.0.vpc_id`). */
  readonly attribute?: string;
  /** The traversal text as written. */
  readonly text: string;
}

/** Roots that are not resources: variables, locals, iteration symbols, module outputs. */
const NOT_RESOURCES = new Set([
  'var',
  'local',
  'each',
  'count',
  'path',
  'self',
  'terraform',
  'module',
  'true',
  'false',
  'null',
  'for',
  'in',
  'if',
  'endif',
  'endfor',
  'else',
]);
const RESOURCE_TYPE = /^[a-z][a-z0-9]*_[a-z0-9_]+$/;

const isIdentStart = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
};
const isIdentChar = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  return isIdentStart(c) || (code >= 48 && code <= 57) || code === 45;
};

/** Every resource/data traversal in an expression (the text inside `${...}`, or a plan reference string). */
export function findTraversals(expr: string): Traversal[] {
  const found: Traversal[] = [];
  scanExpression(expr, found, 0);
  return found;
}

function scanExpression(expr: string, found: Traversal[], depth: number): void {
  if (depth > 20) return;
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '"') {
      // A quoted string inside an expression may itself hold templates.
      const end = skipString(expr, i);
      const body = expr.slice(i + 1, end < 0 ? expr.length : end - 1);
      for (const part of splitTemplate(body) ?? []) if ('expr' in part) scanExpression(part.expr, found, depth + 1);
      if (end < 0) return;
      i = end;
      continue;
    }
    if (c === '<' && expr.startsWith('<<', i)) {
      i += 2;
      continue;
    }
    if (isIdentStart(c) && !isIdentChar(expr[i - 1]) && expr[i - 1] !== '.') {
      const { traversal, end } = readTraversal(expr, i);
      if (traversal) found.push(traversal);
      i = end;
      continue;
    }
    i++;
  }
}

type Segment = { kind: 'name'; value: string } | { kind: 'index'; value: string } | { kind: 'splat'; computed?: string };

function readTraversal(expr: string, start: number): { traversal?: Traversal; end: number } {
  const segments: Segment[] = [];
  let i = start;
  let j = i;
  while (isIdentChar(expr[j])) j++;
  segments.push({ kind: 'name', value: expr.slice(i, j) });
  i = j;
  for (;;) {
    if (expr[i] === '.' && isIdentStart(expr[i + 1])) {
      j = i + 1;
      while (isIdentChar(expr[j])) j++;
      segments.push({ kind: 'name', value: expr.slice(i + 1, j) });
      i = j;
    } else if (expr[i] === '.' && /\d/.test(expr[i + 1] ?? '')) {
      j = i + 1;
      while (/\d/.test(expr[j] ?? '')) j++;
      segments.push({ kind: 'index', value: expr.slice(i + 1, j) });
      i = j;
    } else if (expr[i] === '.' && expr[i + 1] === '*') {
      segments.push({ kind: 'splat' });
      i += 2;
    } else if (expr[i] === '[') {
      const close = findIndexEnd(expr, i + 1);
      if (close < 0) break;
      const inner = expr.slice(i + 1, close).trim();
      if (inner === '*') segments.push({ kind: 'splat' });
      else if (/^\d+$/.test(inner) || /^"[^"\\$]*"$/.test(inner)) segments.push({ kind: 'index', value: inner });
      else {
        // A computed index (`[count.index]`): the instance is unknown, and the index may itself refer to things.
        segments.push({ kind: 'splat', computed: inner });
      }
      i = close + 1;
    } else break;
  }
  const end = i;
  // A name directly followed by `(` is a function call, not a traversal.
  let k = end;
  while (expr[k] === ' ') k++;
  const first = segments[0];
  if (segments.length === 1 && expr[k] === '(') return { end };
  if (!first || first.kind !== 'name' || NOT_RESOURCES.has(first.value)) return { end };
  const text = expr.slice(start, end);
  let rest: Segment[];
  let base: string;
  if (first.value === 'data') {
    const type = segments[1];
    const name = segments[2];
    if (type?.kind !== 'name' || name?.kind !== 'name') return { end };
    base = `data.${type.value}.${name.value}`;
    rest = segments.slice(3);
  } else {
    const name = segments[1];
    if (!RESOURCE_TYPE.test(first.value) || name?.kind !== 'name') return { end };
    base = `${first.value}.${name.value}`;
    rest = segments.slice(2);
  }
  let index: string | undefined;
  let splat = false;
  let computedIndex: string | undefined;
  const head = rest[0];
  if (head?.kind === 'index') {
    index = head.value;
    rest = rest.slice(1);
  } else if (head?.kind === 'splat') {
    splat = true;
    computedIndex = head.computed;
    rest = rest.slice(1);
  }
  const attribute = rest.length
    ? rest.map((s) => (s.kind === 'name' ? s.value : s.kind === 'index' ? s.value.replace(/^"|"$/g, '') : '*')).join('.')
    : undefined;
  const traversal: Traversal = {
    base,
    splat,
    text,
    ...(index !== undefined ? { index } : {}),
    ...(computedIndex !== undefined ? { computedIndex } : {}),
    ...(attribute ? { attribute } : {}),
  };
  return { traversal, end };
}

function findIndexEnd(expr: string, from: number): number {
  let depth = 0;
  for (let i = from; i < expr.length; i++) {
    const c = expr[i];
    if (c === '"') {
      const end = skipString(expr, i);
      if (end < 0) return -1;
      i = end - 1;
    } else if (c === '[') depth++;
    else if (c === ']') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

