/**
 * What a configuration value refers to: split a Terraform JSON template string into literal text
 * and `${...}` interpolations, and find every resource or data source traversal
 * (`aws_subnet.a[0].id`, `data.aws_iam_policy_document.p.json`, `aws_subnet.x.*.id`) in an
 * expression, including inside function calls and nested string templates. Both read the text
 * with the HCL parser (inputs/hcl-parse.ts); nothing here evaluates (see inputs/hcl-eval.ts).
 */
import { interpolationEnd, parseExpression, parseTemplate, HclSyntaxError, type Node, type Step, type TemplatePiece } from './hcl-parse.js';

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
    const end = interpolationEnd(text, start + 2);
    if (end < 0) return undefined;
    if (literal) parts.push({ literal });
    literal = '';
    parts.push({ expr: text.slice(start + 2, end).trim() });
    i = end + 1;
  }
  if (literal) parts.push({ literal });
  return parts;
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
const NOT_RESOURCES = new Set(['var', 'local', 'each', 'count', 'path', 'self', 'terraform', 'module']);
const RESOURCE_TYPE = /^[a-z][a-z0-9]*_[a-z0-9_]+$/;

/**
 * Every resource/data traversal in an expression (the text inside `${...}`, or a plan reference
 * string), in the order written; none when the text is not a valid expression.
 */
export function findTraversals(expr: string): Traversal[] {
  const node = parseExpression(expr);
  return node ? traversalsIn(node, expr) : [];
}

/** `findTraversals` of an expression already parsed from `expr`. */
export function traversalsIn(node: Node, expr: string): Traversal[] {
  const found: Traversal[] = [];
  collect(node, expr, found);
  return found;
}

function collectPieces(pieces: readonly TemplatePiece[], src: string, found: Traversal[]): void {
  for (const piece of pieces) if (typeof piece !== 'string') collect(piece, src, found);
}

/**
 * Walks a syntax tree in source order. A traversal's own index expressions are part of it (see
 * `computedIndex`), and template directives' conditions and collections are not looked into:
 * only what is interpolated into the text.
 */
function collect(node: Node, src: string, found: Traversal[]): void {
  switch (node.kind) {
    case 'literal':
      return;
    case 'traversal': {
      const traversal = traversalOf(node, src);
      if (traversal) found.push(traversal);
      return;
    }
    case 'template':
      collectPieces(node.parts, src, found);
      return;
    case 'tuple':
      for (const item of node.items) collect(item, src, found);
      return;
    case 'object':
      for (const { key, value } of node.items) {
        collect(key, src, found);
        collect(value, src, found);
      }
      return;
    case 'call':
      for (const arg of node.args) collect(arg, src, found);
      return;
    case 'index':
      collect(node.target, src, found);
      for (const step of node.steps) if (step.kind === 'index') collect(step.key, src, found);
      return;
    case 'heredoc': {
      let pieces: TemplatePiece[];
      try {
        pieces = parseTemplate(node.body);
      } catch (error) {
        if (error instanceof HclSyntaxError || error instanceof RangeError) return;
        throw error;
      }
      collectPieces(pieces, node.body, found);
      return;
    }
    case 'binary':
      collect(node.left, src, found);
      collect(node.right, src, found);
      return;
    case 'unary':
      collect(node.operand, src, found);
      return;
    case 'conditional':
      collect(node.cond, src, found);
      collect(node.then, src, found);
      collect(node.else, src, found);
      return;
    case 'for':
      collect(node.collection, src, found);
      if (node.key) collect(node.key, src, found);
      collect(node.value, src, found);
      if (node.cond) collect(node.cond, src, found);
      return;
    case 'template-if':
      collectPieces(node.then, src, found);
      collectPieces(node.else, src, found);
      return;
    case 'template-for':
      collectPieces(node.body, src, found);
      return;
  }
}

/** A step as a traversal reads it: an index written as a number or a plain string names one instance; any other is computed. */
type Segment = { kind: 'name'; value: string } | { kind: 'index'; value: string } | { kind: 'splat'; computed?: string };

function segmentOf(step: Step, src: string): Segment {
  if (step.kind === 'attr') return { kind: 'name', value: step.name };
  if (step.kind === 'splat') return { kind: 'splat' };
  const written = src.slice(step.key.start, step.key.end).trim();
  return /^\d+$/.test(written) || /^"[^"\\$]*"$/.test(written) ? { kind: 'index', value: written } : { kind: 'splat', computed: written };
}

function traversalOf(node: Extract<Node, { kind: 'traversal' }>, src: string): Traversal | undefined {
  const { root } = node;
  if (NOT_RESOURCES.has(root)) return undefined;
  let rest: Segment[] = [];
  for (const step of node.steps) rest.push(segmentOf(step, src));
  let base: string;
  if (root === 'data') {
    const [type, name] = rest;
    if (type?.kind !== 'name' || name?.kind !== 'name') return undefined;
    base = `data.${type.value}.${name.value}`;
    rest = rest.slice(2);
  } else {
    const [name] = rest;
    if (!RESOURCE_TYPE.test(root) || name?.kind !== 'name') return undefined;
    base = `${root}.${name.value}`;
    rest = rest.slice(1);
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
  let attribute: string | undefined;
  for (const s of rest) {
    const name = s.kind === 'name' ? s.value : s.kind === 'index' ? s.value.replace(/^"|"$/g, '') : '*';
    attribute = attribute === undefined ? name : `${attribute}.${name}`;
  }
  const text = src.slice(node.start, node.end);
  return {
    base,
    splat,
    text,
    ...(index !== undefined ? { index } : {}),
    ...(computedIndex !== undefined ? { computedIndex } : {}),
    ...(attribute ? { attribute } : {}),
  };
}
