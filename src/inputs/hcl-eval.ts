import { hclEscape } from './hcl-escape.js';
import { findTraversals, splitTemplate, type TemplatePart } from './expressions.js';
import { dict, mapDict } from '../model/dict.js';

/**
 * A small, safe evaluator for the Terraform expressions that configuration carries as `${...}`
 * strings (hcl2json output and cdktf synth JSON alike): literals, string templates, tuple and
 * object constructors, references (`var.x` from `variable` defaults, `local.x`, resource
 * attributes that the configuration states literally) and a fixed list of pure functions
 * (`jsonencode`, `merge`, `concat`, `tolist`, `toset`, `tomap`, `format`). Nothing else is
 * evaluated (no `file()`, no `templatefile()`, no operators, conditionals or `for`): those become
 * `Opaque` with a reason. An apply-time value inside a `jsonencode(...)` is written into the JSON
 * as its `${...}` text, exactly as cdktf's synth JSON carries an interpolation, so analyses read
 * the same document from every input form.
 */

/** A value the evaluator cannot know: an apply-time attribute, an unevaluated function, an unset variable. */
export class Opaque {
  constructor(
    /**
     * The value as Terraform JSON would write it: `${aws_s3_bucket.b.arn}` for a whole expression,
     * `${aws_s3_bucket.b.arn}/*` for a string with some parts known (`partial`).
     */
    readonly text: string,
    /** Resource and data source attributes the value is computed from (`aws_s3_bucket.b.arn`). */
    readonly refs: readonly string[],
    /** A string whose unknown parts are written inline as `${...}` (template, format, jsonencode). */
    readonly partial: boolean,
    /** Why it is not evaluated, when that is not "known only after apply". */
    readonly note?: string,
  ) {}
}

export type EvalValue = string | number | boolean | null | Opaque | readonly EvalValue[] | { readonly [key: string]: EvalValue };

/** What an expression can look up; every hook may return `undefined` for "not known here". */
export interface EvalScope {
  /** `var.NAME`: its default (or tfvars value); `Opaque` when set but unknown. */
  variable(name: string): EvalValue | undefined;
  /** `local.NAME`, evaluated in its own module. */
  local(name: string): EvalValue | undefined;
  /**
   * A resource or data source attribute stated literally in the configuration.
   * `base` is `aws_s3_bucket.b` or `data.aws_x.y`; `path` the attribute path (`tags.Name`).
   */
  attribute(base: string, path: readonly (string | number)[]): EvalValue | undefined;
  /** Module prefix for recorded references (`module.net.`), empty at the root. */
  readonly prefix: string;
}

const MAX_DEPTH = 64;
/** Largest value (nodes, or string characters / 64) one evaluation may build: locals can double a value per step. */
const MAX_WEIGHT = 200_000;
const MAX_STRING = 1_000_000;

// ---------------------------------------------------------------- syntax

type Node =
  | { kind: 'literal'; value: string | number | boolean | null; start: number; end: number }
  | { kind: 'template'; parts: (string | Node)[]; start: number; end: number }
  | { kind: 'tuple'; items: Node[]; start: number; end: number }
  | { kind: 'object'; items: { key: Node; value: Node }[]; start: number; end: number }
  | { kind: 'traversal'; root: string; steps: Step[]; start: number; end: number }
  | { kind: 'call'; name: string; args: Node[]; expand: boolean; start: number; end: number }
  | { kind: 'index'; target: Node; steps: Step[]; start: number; end: number }
  | { kind: 'heredoc'; body: string; start: number; end: number }
  | { kind: 'opaque'; note: string; start: number; end: number };

type Step = { kind: 'attr'; name: string } | { kind: 'index'; key: Node } | { kind: 'splat' };

class SyntaxFailure extends Error {}

const isIdentStart = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
const isIdentChar = (c: string | undefined): boolean => c !== undefined && (isIdentStart(c) || (c >= '0' && c <= '9') || c === '-');
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Recursive-descent parser over the expression text; positions index into `src`. */
class Parser {
  private i = 0;
  private depth = 0;
  constructor(readonly src: string) {}

  parseAll(): Node {
    const node = this.expression();
    this.space();
    if (this.i < this.src.length) throw new SyntaxFailure(`unexpected ${JSON.stringify(this.src[this.i])}`);
    return node;
  }

  /** Skips whitespace, newlines and comments. */
  private space(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else if (c === '#' || (c === '/' && s[this.i + 1] === '/')) {
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
      } else if (c === '/' && s[this.i + 1] === '*') {
        const end = s.indexOf('*/', this.i + 2);
        this.i = end < 0 ? s.length : end + 2;
      } else return;
    }
  }

  private peek(text: string): boolean {
    this.space();
    return this.src.startsWith(text, this.i);
  }

  private eat(text: string): boolean {
    if (!this.peek(text)) return false;
    this.i += text.length;
    return true;
  }

  private expect(text: string): void {
    if (!this.eat(text)) throw new SyntaxFailure(`expected ${text}`);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new SyntaxFailure('expression nested too deeply');
  }

  expression(): Node {
    this.enter();
    this.space();
    const start = this.i;
    const first = this.binary(0);
    let node = first;
    if (this.peek('?')) {
      this.i++;
      this.expression();
      this.expect(':');
      this.expression();
      node = { kind: 'opaque', note: 'conditional expressions are not evaluated', start, end: this.i };
    }
    this.depth--;
    return node;
  }

  private static readonly LEVELS: readonly (readonly string[])[] = [['||'], ['&&'], ['==', '!='], ['<=', '>=', '<', '>'], ['+', '-'], ['*', '/', '%']];

  private binary(level: number): Node {
    if (level >= Parser.LEVELS.length) return this.unary();
    const start = this.i;
    let left = this.binary(level + 1);
    for (;;) {
      this.space();
      const op = (Parser.LEVELS[level] ?? []).find((o) => this.src.startsWith(o, this.i) && !(o === '<' && this.src.startsWith('<<', this.i)) && !(o === '*' && this.src[this.i - 1] === '.'));
      if (!op) return left;
      // `=>` and `==` share a first character with `=`; only whole operators are taken.
      this.i += op.length;
      this.binary(level + 1);
      left = { kind: 'opaque', note: `operator ${op} is not evaluated`, start, end: this.i };
    }
  }

  private unary(): Node {
    this.space();
    const start = this.i;
    const c = this.src[this.i];
    if (c === '-' && isDigit(this.src[this.i + 1])) return this.postfix(this.number());
    if (c === '!' || c === '-') {
      this.i++;
      this.unary();
      return { kind: 'opaque', note: `operator ${c} is not evaluated`, start, end: this.i };
    }
    return this.postfix(this.primary());
  }

  private postfix(node: Node): Node {
    const steps: Step[] = [];
    for (;;) {
      const save = this.i;
      this.space();
      const s = this.src;
      if (s[this.i] === '.' && s[this.i + 1] === '*') {
        this.i += 2;
        steps.push({ kind: 'splat' });
      } else if (s[this.i] === '.' && isIdentStart(s[this.i + 1])) {
        this.i++;
        steps.push({ kind: 'attr', name: this.ident() });
      } else if (s[this.i] === '.' && isDigit(s[this.i + 1])) {
        this.i++;
        const from = this.i;
        while (isDigit(s[this.i])) this.i++;
        steps.push({ kind: 'index', key: { kind: 'literal', value: Number(s.slice(from, this.i)), start: from, end: this.i } });
      } else if (s[this.i] === '[') {
        this.i++;
        if (this.eat('*')) steps.push({ kind: 'splat' });
        else steps.push({ kind: 'index', key: this.expression() });
        this.expect(']');
      } else {
        this.i = save;
        break;
      }
    }
    if (!steps.length) return node;
    if (node.kind === 'traversal') return { ...node, steps: [...node.steps, ...steps], end: this.i };
    return { kind: 'index', target: node, steps, start: node.start, end: this.i };
  }

  private ident(): string {
    const from = this.i;
    if (!isIdentStart(this.src[this.i])) throw new SyntaxFailure('expected a name');
    while (isIdentChar(this.src[this.i])) this.i++;
    return this.src.slice(from, this.i);
  }

  private number(): Node {
    const start = this.i;
    const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.src.slice(this.i, this.i + 400));
    if (!match) throw new SyntaxFailure('expected a number');
    this.i += match[0].length;
    return { kind: 'literal', value: Number(match[0]), start, end: this.i };
  }

  private primary(): Node {
    this.space();
    const start = this.i;
    const c = this.src[this.i];
    if (isDigit(c)) return this.number();
    if (c === '"') return this.quoted();
    if (c === '<' && this.src.startsWith('<<', this.i)) return this.heredoc();
    if (c === '(') {
      this.i++;
      const inner = this.expression();
      this.expect(')');
      return { ...inner, start, end: this.i };
    }
    if (c === '[') return this.tuple();
    if (c === '{') return this.object();
    if (isIdentStart(c)) {
      const name = this.ident();
      if (name === 'true' || name === 'false') return { kind: 'literal', value: name === 'true', start, end: this.i };
      if (name === 'null') return { kind: 'literal', value: null, start, end: this.i };
      if (this.peek('(')) return this.call(name, start);
      // `provider::aws::arn_parse(...)`: provider functions are not evaluated.
      if (this.peek('::')) {
        while (this.eat('::')) this.ident();
        this.expect('(');
        this.skipBalanced(')');
        return { kind: 'opaque', note: 'provider functions are not evaluated', start, end: this.i };
      }
      return { kind: 'traversal', root: name, steps: [], start, end: this.i };
    }
    throw new SyntaxFailure(c === undefined ? 'unexpected end of expression' : `unexpected ${JSON.stringify(c)}`);
  }

  private call(name: string, start: number): Node {
    this.expect('(');
    const args: Node[] = [];
    let expand = false;
    while (!this.peek(')')) {
      args.push(this.expression());
      if (this.eat('...')) expand = true;
      if (!this.eat(',')) break;
    }
    this.expect(')');
    return { kind: 'call', name, args, expand, start, end: this.i };
  }

  /** Skips to the matching closer, honouring nesting and strings; for constructs we only step over. */
  private skipBalanced(closer: string): void {
    let depth = 0;
    const s = this.src;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === '"') {
        this.quoted();
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) {
          if (c !== closer) throw new SyntaxFailure(`expected ${closer}`);
          this.i++;
          return;
        }
        depth--;
      }
      this.i++;
    }
    throw new SyntaxFailure(`expected ${closer}`);
  }

  private isFor(): boolean {
    const save = this.i;
    this.space();
    const isFor = /^for[ \t\r\n]/.test(this.src.slice(this.i, this.i + 4));
    this.i = save;
    return isFor;
  }

  private tuple(): Node {
    const start = this.i;
    this.i++;
    if (this.isFor()) {
      this.skipBalanced(']');
      return { kind: 'opaque', note: 'for expressions are not evaluated', start, end: this.i };
    }
    this.enter();
    const items: Node[] = [];
    while (!this.peek(']')) {
      items.push(this.expression());
      if (!this.eat(',')) break;
    }
    this.expect(']');
    this.depth--;
    return { kind: 'tuple', items, start, end: this.i };
  }

  private object(): Node {
    const start = this.i;
    this.i++;
    if (this.isFor()) {
      this.skipBalanced('}');
      return { kind: 'opaque', note: 'for expressions are not evaluated', start, end: this.i };
    }
    this.enter();
    const items: { key: Node; value: Node }[] = [];
    while (!this.peek('}')) {
      this.space();
      const keyStart = this.i;
      let key: Node;
      if (isIdentStart(this.src[this.i])) {
        // A bare name is the key itself, unless it is a longer expression (`(var.k)` must be parenthesised).
        const name = this.ident();
        key = { kind: 'literal', value: name, start: keyStart, end: this.i };
      } else key = this.expression();
      if (!this.eat('=') && !this.eat(':')) throw new SyntaxFailure('expected = or : after an object key');
      const value = this.expression();
      items.push({ key, value });
      // Items are separated by a comma or a newline.
      this.eat(',');
    }
    this.expect('}');
    this.depth--;
    return { kind: 'object', items, start, end: this.i };
  }

  /** A quoted template: `"a ${x} b"`, escapes decoded; `%{...}` directives are not evaluated. */
  private quoted(): Node {
    const start = this.i;
    const s = this.src;
    this.i++;
    const parts: (string | Node)[] = [];
    let literal = '';
    let directive = false;
    for (;;) {
      const c = s[this.i];
      if (c === undefined || c === '\n') throw new SyntaxFailure('unterminated string');
      if (c === '"') {
        this.i++;
        break;
      }
      if (c === '\\') {
        literal += this.escape();
        continue;
      }
      if ((c === '$' || c === '%') && s[this.i + 1] === c && s[this.i + 2] === '{') {
        literal += `${c}{`;
        this.i += 3;
        continue;
      }
      if (c === '$' && s[this.i + 1] === '{') {
        if (literal) parts.push(literal);
        literal = '';
        this.i += 2;
        this.eat('~');
        parts.push(this.expression());
        this.eat('~');
        this.expect('}');
        continue;
      }
      if (c === '%' && s[this.i + 1] === '{') {
        directive = true;
        this.i += 2;
        this.skipBalanced('}');
        continue;
      }
      literal += c;
      this.i++;
    }
    if (literal) parts.push(literal);
    if (directive) return { kind: 'opaque', note: 'template directives (%{...}) are not evaluated', start, end: this.i };
    return { kind: 'template', parts, start, end: this.i };
  }

  private escape(): string {
    const decoded = hclEscape(this.src, this.i);
    if ('error' in decoded) throw new SyntaxFailure(decoded.error);
    this.i += decoded.length;
    return decoded.text;
  }

  /** `<<EOT` / `<<-EOT` heredoc templates (interpolations inside are evaluated like quoted ones). */
  private heredoc(): Node {
    const start = this.i;
    const s = this.src;
    const header = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(s.slice(this.i, this.i + 200));
    if (!header) throw new SyntaxFailure('bad heredoc');
    const strip = header[1] === '-';
    const marker = header[2] ?? '';
    this.i += header[0].length;
    const lines: string[] = [];
    for (;;) {
      if (this.i >= s.length) throw new SyntaxFailure('unterminated heredoc');
      const nl = s.indexOf('\n', this.i);
      const line = s.slice(this.i, nl < 0 ? s.length : nl);
      this.i = nl < 0 ? s.length : nl + 1;
      if (line.trim() === marker) {
        if (nl >= 0) this.i = nl; // the newline after the marker is not part of the expression
        break;
      }
      lines.push(line);
    }
    let body = lines.map((l) => `${l.replace(/\r$/, '')}\n`);
    if (strip) {
      const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0));
      body = body.map((l) => l.slice(Number.isFinite(indent) ? indent : 0));
    }
    return { kind: 'heredoc', body: body.join(''), start, end: this.i };
  }

  /** The parts of a heredoc body: literal text and `${...}` interpolations (positions index `src`, the body). */
  templateBody(): (string | Node)[] {
    const text = this.src;
    if (text.includes('%{')) throw new SyntaxFailure('template directives (%{...}) are not evaluated');
    const parts: (string | Node)[] = [];
    let literal = '';
    while (this.i < text.length) {
      if (text.startsWith('$${', this.i)) {
        literal += '${';
        this.i += 3;
      } else if (text.startsWith('${', this.i)) {
        if (literal) parts.push(literal);
        literal = '';
        this.i += 2;
        this.eat('~');
        parts.push(this.expression());
        this.eat('~');
        this.expect('}');
      } else {
        literal += text[this.i];
        this.i++;
      }
    }
    if (literal) parts.push(literal);
    return parts;
  }
}

/** Parses one expression (the text inside `${...}`); `undefined` when it is not valid HCL. */
export function parseExpression(text: string): Node | undefined {
  try {
    return new Parser(text).parseAll();
  } catch (error) {
    if (error instanceof SyntaxFailure || error instanceof RangeError) return undefined;
    throw error;
  }
}

// ---------------------------------------------------------------- evaluation

const isObject = (v: EvalValue): v is { readonly [key: string]: EvalValue } => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Opaque);

/** Size of a value as a tree (what converting or encoding it would cost), memoised per container. */
const weights = new WeakMap<object, number>();
export function weightOf(value: EvalValue): number {
  if (typeof value === 'string') return 1 + (value.length >> 6);
  if (value === null || typeof value !== 'object') return 1;
  if (value instanceof Opaque) return 1 + (value.text.length >> 6);
  const known = weights.get(value);
  if (known !== undefined) return known;
  let total = 1;
  for (const item of Array.isArray(value) ? (value as readonly EvalValue[]) : Object.values(value)) {
    total += weightOf(item);
    if (total > MAX_WEIGHT) break;
  }
  weights.set(value, total);
  return total;
}

/** True when no part of the value is opaque. */
export function isKnown(value: EvalValue): boolean {
  if (value instanceof Opaque) return false;
  if (value === null || typeof value !== 'object') return true;
  return (Array.isArray(value) ? (value as readonly EvalValue[]) : Object.values(value)).every(isKnown);
}

/** Parsed expressions by text: a big stack repeats `${aws_vpc.main.id}` thousands of times. */
const parsed = new Map<string, Node | null>();

/** Evaluates an expression text (without `${}`) in a scope. */
export function evaluateExpression(text: string, scope: EvalScope): EvalValue {
  let node = parsed.get(text);
  if (node === undefined) {
    if (parsed.size > 50_000) parsed.clear();
    node = parseExpression(text) ?? null;
    parsed.set(text, node);
  }
  if (!node) {
    const trimmed = text.trim();
    return new Opaque(`\${${trimmed}}`, refsOf(trimmed, scope.prefix), false, 'the expression is not valid HCL');
  }
  return new Evaluator(text, scope).run(node);
}

/**
 * Evaluates a Terraform JSON string (`arn:${aws_s3_bucket.b.arn}/*`, or a whole `${expr}`) already
 * split into parts. A string that is one interpolation is that expression's value, of any type.
 */
export function evaluateTemplate(parts: readonly TemplatePart[], scope: EvalScope): EvalValue {
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only && 'expr' in only) return evaluateExpression(only.expr, scope);
  let text = '';
  let known = true;
  const refs: string[] = [];
  for (const part of parts) {
    if ('literal' in part) {
      text += part.literal;
      continue;
    }
    const value = evaluateExpression(part.expr, scope);
    if (value instanceof Opaque) {
      known = false;
      text += value.text;
      refs.push(...value.refs);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') text += String(value);
    else {
      known = false;
      text += `\${${part.expr.trim()}}`;
      refs.push(...refsOf(part.expr, scope.prefix));
    }
    if (text.length > MAX_STRING) return new Opaque(text.slice(0, 200), refs, false, 'the string is too large to evaluate');
  }
  return known ? text : new Opaque(text, [...new Set(refs)], true);
}

/**
 * Evaluates a raw configuration value as Terraform JSON reads it (a local's or variable's value,
 * a module argument): strings holding `${...}` are templates, containers are walked.
 */
export function evaluateRaw(value: unknown, scope: EvalScope, depth = 0): EvalValue {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    const parts = splitTemplate(value);
    return parts ? evaluateTemplate(parts, scope) : value;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (depth > MAX_DEPTH) return new Opaque('${...}', [], false, 'value nested too deeply');
  if (Array.isArray(value)) return value.map((v: unknown) => evaluateRaw(v, scope, depth + 1));
  if (typeof value === 'object') {
    return mapDict(value as Record<string, unknown>, (v) => evaluateRaw(v, scope, depth + 1));
  }
  return null;
}

const refsCache = new Map<string, readonly string[]>();

/** Resource attributes an expression text reads (cached: the same reference recurs across a stack). */
function refsOf(text: string, prefix: string): readonly string[] {
  const key = `${prefix}\u0000${text}`;
  const cached = refsCache.get(key);
  if (cached) return cached;
  const out = new Set<string>();
  for (const t of findTraversals(text)) out.add(`${prefix}${t.base}${t.attribute ? `.${t.attribute}` : ''}`);
  if (refsCache.size > 50_000) refsCache.clear();
  const refs = [...out];
  refsCache.set(key, refs);
  return refs;
}

/** Functions evaluated; everything else is opaque with a reason. */
const FUNCTIONS = new Set(['jsonencode', 'merge', 'concat', 'tolist', 'toset', 'tomap', 'format']);
/** Functions that read the machine running Terraform: named in the reason, never run. */
const IMPURE = new Set(['file', 'filebase64', 'templatefile', 'fileset', 'fileexists', 'filemd5', 'filesha1', 'filesha256', 'filesha512', 'filebase64sha256', 'filebase64sha512', 'timestamp', 'uuid', 'plantimestamp', 'bcrypt', 'abspath', 'pathexpand']);

class Evaluator {
  depth = 0;
  constructor(
    readonly src: string,
    readonly scope: EvalScope,
  ) {}

  run(node: Node): EvalValue {
    const value = this.eval(node);
    return weightOf(value) > MAX_WEIGHT ? this.opaque(node, 'the value is too large to evaluate') : value;
  }

  private textOf(node: Node): string {
    return this.src.slice(node.start, node.end).trim();
  }

  private opaque(node: Node, note?: string): Opaque {
    const text = this.textOf(node);
    return new Opaque(`\${${text}}`, refsOf(text, this.scope.prefix), false, note);
  }

  private eval(node: Node): EvalValue {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      return this.opaque(node, 'expression nested too deeply');
    }
    try {
      return this.evalNode(node);
    } finally {
      this.depth--;
    }
  }

  private evalNode(node: Node): EvalValue {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'template':
        return this.template(node.parts);
      case 'tuple':
        return node.items.map((item) => this.eval(item));
      case 'object': {
        const entries: [string, EvalValue][] = [];
        for (const { key, value } of node.items) {
          const k = this.eval(key);
          if (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'boolean') return this.opaque(node, 'an object key is known only after apply');
          entries.push([String(k), this.eval(value)]);
        }
        return dict(entries);
      }
      case 'traversal':
        return this.traversal(node);
      case 'index': {
        const target = this.eval(node.target);
        return this.steps(target, node.steps, node);
      }
      case 'call':
        return this.call(node);
      case 'heredoc': {
        let parts: (string | Node)[];
        try {
          parts = new Parser(node.body).templateBody();
        } catch (error) {
          if (error instanceof SyntaxFailure) return this.opaque(node, error.message);
          throw error;
        }
        const inner = new Evaluator(node.body, this.scope);
        inner.depth = this.depth;
        return inner.template(parts);
      }
      case 'opaque':
        return this.opaque(node, node.note);
    }
  }

  template(parts: readonly (string | Node)[]): EvalValue {
    // `"${x}"` alone is x itself (a number stays a number, a reference keeps its type).
    if (parts.length === 1 && typeof parts[0] !== 'string' && parts[0]) return this.eval(parts[0]);
    let text = '';
    let known = true;
    const refs: string[] = [];
    for (const part of parts) {
      if (typeof part === 'string') {
        text += part;
        continue;
      }
      const value = this.eval(part);
      if (value instanceof Opaque) {
        known = false;
        text += value.text;
        refs.push(...value.refs);
      } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        text += String(value);
      } else {
        // null or a collection in a template is an error Terraform reports; we only say we cannot tell.
        const opaque = this.opaque(part, 'the value cannot be written into a string');
        known = false;
        text += opaque.text;
        refs.push(...opaque.refs);
      }
      if (text.length > MAX_STRING) return new Opaque(text.slice(0, 200), refs, false, 'the string is too large to evaluate');
    }
    return known ? text : new Opaque(text, [...new Set(refs)], true);
  }

  private traversal(node: Extract<Node, { kind: 'traversal' }>): EvalValue {
    const { root, steps } = node;
    const first = steps[0];
    if (root === 'var' || root === 'local') {
      if (first?.kind !== 'attr') return this.opaque(node);
      const value = root === 'var' ? this.scope.variable(first.name) : this.scope.local(first.name);
      if (value === undefined) return this.opaque(node, root === 'var' ? `variable ${first.name} has no default value` : `local ${first.name} is not defined`);
      return this.steps(value, steps.slice(1), node);
    }
    // A resource (`aws_s3_bucket.b.arn`) or data source (`data.aws_x.y.json`) attribute.
    let base: string;
    let rest: Step[];
    if (root === 'data') {
      const [type, name] = steps;
      if (type?.kind !== 'attr' || name?.kind !== 'attr') return this.opaque(node);
      base = `data.${type.name}.${name.name}`;
      rest = steps.slice(2);
    } else {
      if (first?.kind !== 'attr' || !/^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(root)) return this.opaque(node);
      base = `${root}.${first.name}`;
      rest = steps.slice(1);
    }
    // An instance key (`[0]`, `["a"]`) selects an instance; configuration holds one body for all.
    if (rest[0]?.kind === 'index') rest = rest.slice(1);
    const path: (string | number)[] = [];
    for (const step of rest) {
      if (step.kind === 'attr') path.push(step.name);
      else if (step.kind === 'index' && step.key.kind === 'literal' && (typeof step.key.value === 'number' || typeof step.key.value === 'string')) path.push(step.key.value);
      else return this.opaque(node);
    }
    if (!path.length) return this.opaque(node);
    const value = this.scope.attribute(base, path);
    return value === undefined ? this.opaque(node) : value;
  }

  /** `.name`, `[key]` and splats applied to a value that is already evaluated. */
  private steps(value: EvalValue, steps: readonly Step[], node: Node): EvalValue {
    let current = value;
    for (const step of steps) {
      if (current instanceof Opaque) return this.opaque(node);
      if (step.kind === 'splat') return this.opaque(node, 'splat expressions are not evaluated');
      let key: EvalValue;
      if (step.kind === 'attr') key = step.name;
      else key = this.eval(step.key);
      if (Array.isArray(current)) {
        if (typeof key !== 'number' || !Number.isInteger(key)) return this.opaque(node);
        const next = (current as readonly EvalValue[])[key];
        if (next === undefined) return this.opaque(node, 'index out of range');
        current = next;
      } else if (isObject(current)) {
        if (typeof key !== 'string') return this.opaque(node);
        if (!Object.prototype.hasOwnProperty.call(current, key)) return this.opaque(node, `no attribute ${key}`);
        current = current[key] as EvalValue;
      } else return this.opaque(node);
    }
    return current;
  }

  private call(node: Extract<Node, { kind: 'call' }>): EvalValue {
    const { name } = node;
    if (IMPURE.has(name)) return this.opaque(node, `${name}() reads the machine running Terraform and is not evaluated`);
    if (!FUNCTIONS.has(name)) return this.opaque(node, `function ${name}() is not evaluated`);
    let args = node.args.map((a) => this.eval(a));
    if (node.expand) {
      const last = args[args.length - 1];
      if (last === undefined || !Array.isArray(last)) return this.opaque(node);
      args = [...args.slice(0, -1), ...(last as readonly EvalValue[])];
    }
    switch (name) {
      case 'jsonencode': {
        const [arg] = args;
        if (args.length !== 1 || arg === undefined) return this.opaque(node, 'jsonencode takes one argument');
        // A wholly unknown argument has no shape to write: the call stays an expression.
        if (arg instanceof Opaque) return this.opaque(node);
        const refs: string[] = [];
        const text = jsonEncode(arg, refs);
        if (text === undefined || text.length > MAX_STRING) return this.opaque(node, 'the value is too large to evaluate');
        return refs.length ? new Opaque(text, [...new Set(refs)], true) : text;
      }
      case 'merge': {
        const entries: [string, EvalValue][] = [];
        for (const arg of args) {
          if (arg === null) continue;
          if (!isObject(arg)) return this.opaque(node, arg instanceof Opaque ? undefined : 'merge takes maps or objects');
          entries.push(...Object.entries(arg));
        }
        return dict(entries);
      }
      case 'concat': {
        const out: EvalValue[] = [];
        for (const arg of args) {
          if (!Array.isArray(arg)) return this.opaque(node, arg instanceof Opaque ? undefined : 'concat takes lists');
          out.push(...(arg as readonly EvalValue[]));
        }
        return out;
      }
      case 'tolist':
      case 'toset': {
        const [arg] = args;
        if (args.length !== 1 || !Array.isArray(arg)) return this.opaque(node, arg instanceof Opaque ? undefined : `${name} takes one list`);
        const list = arg as readonly EvalValue[];
        return name === 'toset' ? toSet(list) ?? this.opaque(node, 'toset of mixed element types is not evaluated') : list;
      }
      case 'tomap': {
        const [arg] = args;
        if (args.length !== 1 || arg === undefined || !isObject(arg)) return this.opaque(node, arg instanceof Opaque ? undefined : 'tomap takes one object');
        return arg;
      }
      case 'format':
        return this.format(node, args);
    }
    return this.opaque(node);
  }

  /** `format` with `%s`, `%v`, `%d` and `%%` only; an unknown `%s` argument is written as its `${...}` text. */
  private format(node: Node, args: EvalValue[]): EvalValue {
    const [spec, ...rest] = args;
    if (typeof spec !== 'string') return this.opaque(node, spec instanceof Opaque ? undefined : 'format needs a string');
    let out = '';
    let next = 0;
    let known = true;
    const refs: string[] = [];
    for (let i = 0; i < spec.length; i++) {
      const c = spec[i];
      if (c !== '%') {
        out += c;
        continue;
      }
      const verb = spec[++i];
      if (verb === '%') {
        out += '%';
        continue;
      }
      const arg = rest[next++];
      if (arg === undefined) return this.opaque(node, 'format has too few arguments');
      if (verb === 's' || verb === 'v') {
        if (arg instanceof Opaque) {
          known = false;
          out += arg.text;
          refs.push(...arg.refs);
        } else if (typeof arg === 'string' || typeof arg === 'number' || typeof arg === 'boolean') out += String(arg);
        else return this.opaque(node, 'format of a collection is not evaluated');
      } else if (verb === 'd') {
        if (typeof arg !== 'number' || !Number.isInteger(arg)) return this.opaque(node, arg instanceof Opaque ? undefined : 'format %d needs a whole number');
        out += String(arg);
      } else return this.opaque(node, `format verb %${verb ?? ''} is not evaluated`);
      if (out.length > MAX_STRING) return this.opaque(node, 'the string is too large to evaluate');
    }
    if (next !== rest.length) return this.opaque(node, 'format has too many arguments');
    return known ? out : new Opaque(out, [...new Set(refs)], true);
  }
}

/** Terraform sets of strings (or of numbers) iterate sorted and without duplicates; unknown elements keep their order after them. */
function toSet(list: readonly EvalValue[]): EvalValue[] | undefined {
  const strings: string[] = [];
  const numbers: number[] = [];
  const unknown: Opaque[] = [];
  const other: EvalValue[] = [];
  for (const item of list) {
    if (typeof item === 'string') strings.push(item);
    else if (typeof item === 'number') numbers.push(item);
    else if (item instanceof Opaque) unknown.push(item);
    else other.push(item);
  }
  if (other.length || (strings.length && numbers.length)) return undefined;
  const known: EvalValue[] = strings.length
    ? [...new Set(strings)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    : [...new Set(numbers)].sort((a, b) => a - b);
  return [...known, ...unknown];
}

/**
 * Terraform's `jsonencode`: object keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped as Go's
 * encoder does. An unknown part is written as its `${...}` text in a JSON string.
 */
export function jsonEncode(value: EvalValue, refs: string[]): string | undefined {
  let budget = MAX_STRING;
  const encode = (v: EvalValue): string => {
    if (--budget < 0) throw new RangeError('too large');
    if (v instanceof Opaque) {
      refs.push(...v.refs);
      return goString(v.text);
    }
    if (v === null) return 'null';
    if (typeof v === 'string') return goString(v);
    if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (Array.isArray(v)) return `[${(v as readonly EvalValue[]).map(encode).join(',')}]`;
    const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${goString(k)}:${encode((v as { readonly [key: string]: EvalValue })[k] as EvalValue)}`).join(',')}}`;
  };
  try {
    return encode(value);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

const goString = (text: string): string =>
  JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
