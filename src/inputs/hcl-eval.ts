import { hclEscape } from './hcl-escape.js';
import { findTraversals, splitTemplate, type TemplatePart } from './expressions.js';
import { dict, mapDict } from '../model/dict.js';
import { MAX_STRING, Opaque, toSet, valuesEqual, type EvalValue } from './hcl-value.js';
import { bool, callFunction, FunctionError, hasFunction, num, numberText, str, UnknownResult } from './hcl-functions.js';

/**
 * The evaluator of Terraform expressions, as configuration carries them (`${...}` strings in
 * hcl2json output and cdktf synth JSON alike): literals, templates with `%{if}` and `%{for}`
 * directives, heredocs, tuple and object constructors, operators, conditionals, `for`
 * expressions, splats, indexes, references (variables, locals, resource, data and module
 * attributes, `count.index`, `each.*`, as the caller's scope answers them), type conversions of
 * variables, and the pure functions of inputs/hcl-functions.ts (plus `try`, `can`, `file` and
 * `templatefile`, which need the evaluator). Impure functions (`timestamp`, `uuid`, ...) and
 * apply-time values become `Opaque` with a reason. An apply-time value inside a `jsonencode(...)`
 * is written into the JSON as its `${...}` text, exactly as cdktf's synth JSON carries an
 * interpolation, so analyses read the same document from every input form. Values and the
 * operations the function library shares live in inputs/hcl-value.ts.
 */

/** What an expression can look up; every hook may return `undefined` for "not known here". */
export interface EvalScope {
  /** `var.NAME`: its default (or tfvars value); `Opaque` when set but unknown. */
  variable(name: string): EvalValue | undefined;
  /** `local.NAME`, evaluated in its own module. */
  local(name: string): EvalValue | undefined;
  /**
   * A resource or data source as an expression sees it (`base` is `aws_s3_bucket.b` or
   * `data.aws_x.y`): its object (attributes stated in the configuration; the others are known
   * after apply), a list of them with `count`, a map with `for_each`, or an `Opaque` when its
   * instances are not known. Objects in `APPLY_TIME` answer "unknown", not "no such attribute",
   * for what they do not hold.
   */
  resource?(base: string): EvalValue | undefined;
  /** `module.NAME`: the module's outputs (a list or map of them for a call with count/for_each). */
  module?(name: string): EvalValue | undefined;
  /** `count`, `each`, `path`, `terraform`, and `dynamic` block iterators, where they are defined. */
  symbol?(name: string): EvalValue | undefined;
  /** `file()` / `templatefile()`: the text of a file under the module's folder, or why it cannot be read. */
  readFile?(path: string): { text: string } | { error: string };
  /** Module prefix for recorded references (`module.net.`), empty at the root. */
  readonly prefix: string;
}

const MAX_DEPTH = 64;
/** Largest value (nodes, or string characters / 64) one evaluation may build: locals can double a value per step. */
const MAX_WEIGHT = 200_000;

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
  | { kind: 'binary'; op: string; left: Node; right: Node; start: number; end: number }
  | { kind: 'unary'; op: '!' | '-'; operand: Node; start: number; end: number }
  | { kind: 'conditional'; cond: Node; then: Node; else: Node; start: number; end: number }
  | {
      kind: 'for';
      /** `{ for ... }` builds an object, `[ for ... ]` a tuple. */
      object: boolean;
      keyVar?: string;
      valueVar: string;
      collection: Node;
      key?: Node;
      value: Node;
      /** `...` after the value: values with the same key are grouped into lists. */
      group: boolean;
      cond?: Node;
      start: number;
      end: number;
    }
  | { kind: 'template-if'; cond: Node; then: TemplatePiece[]; else: TemplatePiece[]; start: number; end: number }
  | { kind: 'template-for'; keyVar?: string; valueVar: string; collection: Node; body: TemplatePiece[]; start: number; end: number }
  | { kind: 'opaque'; note: string; start: number; end: number };

type TemplatePiece = string | Node;
type ForHead = { keyVar?: string; valueVar: string; collection: Node };

/** `[*]` splats every following step; the legacy `.*` only the attribute steps right after it. */
type Step = { kind: 'attr'; name: string } | { kind: 'index'; key: Node } | { kind: 'splat'; legacy: boolean };

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
      const then = this.expression();
      this.expect(':');
      const otherwise = this.expression();
      node = { kind: 'conditional', cond: first, then, else: otherwise, start, end: this.i };
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
      const op = (Parser.LEVELS[level] ?? []).find(
        (o) => this.src.startsWith(o, this.i) && !(o === '<' && this.src.startsWith('<<', this.i)) && !(o === '*' && this.src[this.i - 1] === '.'),
      );
      if (!op) return left;
      // `=>` and `==` share a first character with `=`; only whole operators are taken.
      this.i += op.length;
      const right = this.binary(level + 1);
      left = { kind: 'binary', op, left, right, start, end: this.i };
    }
  }

  private unary(): Node {
    this.space();
    const start = this.i;
    const c = this.src[this.i];
    if (c === '-' && isDigit(this.src[this.i + 1])) return this.postfix(this.number());
    if (c === '!' || c === '-') {
      this.i++;
      const operand = this.unary();
      return { kind: 'unary', op: c, operand, start, end: this.i };
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
        steps.push({ kind: 'splat', legacy: true });
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
        if (this.eat('*')) steps.push({ kind: 'splat', legacy: false });
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

  /** `for k, v in coll :` after the opening bracket; the caller parses the rest. */
  private forHead(): ForHead {
    this.space();
    this.ident(); // `for`
    const head = this.forHeadIn();
    this.expect(':');
    return head;
  }

  private peekWord(word: string): boolean {
    this.space();
    return this.src.startsWith(word, this.i) && !isIdentChar(this.src[this.i + word.length]);
  }

  private forRest(object: boolean, start: number, closer: string): Node {
    this.enter();
    const head = this.forHead();
    let key: Node | undefined;
    if (object) {
      key = this.expression();
      this.expect('=>');
    }
    const value = this.expression();
    const group = object && this.eat('...');
    let cond: Node | undefined;
    if (this.peekWord('if')) {
      this.i += 2;
      cond = this.expression();
    }
    this.expect(closer);
    this.depth--;
    return { kind: 'for', object, ...head, ...(key ? { key } : {}), value, group, ...(cond ? { cond } : {}), start, end: this.i };
  }

  private tuple(): Node {
    const start = this.i;
    this.i++;
    if (this.isFor()) return this.forRest(false, start, ']');
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
    if (this.isFor()) return this.forRest(true, start, '}');
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

  /** A quoted template: `"a ${x} b"`, escapes decoded, `%{if}` / `%{for}` directives included. */
  private quoted(): Node {
    const start = this.i;
    this.i++;
    const parts = this.templatePieces(true);
    return { kind: 'template', parts, start, end: this.i };
  }

  /**
   * Template text up to the closing quote (`quoted`) or the end of the source (a heredoc body):
   * literal text, `${...}` interpolations and `%{...}` directives folded into `template-if` /
   * `template-for` nodes. Strip markers (`${~`, `~}`) trim the whitespace beside them.
   */
  private templatePieces(quoted: boolean): TemplatePiece[] {
    const s = this.src;
    type Token =
      | { text: string }
      | { node: Node; stripBefore: boolean; stripAfter: boolean }
      | { directive: string; start: number; head?: Node | ForHead; stripBefore: boolean; stripAfter: boolean };
    const tokens: Token[] = [];
    let literal = '';
    const flush = () => {
      if (literal) tokens.push({ text: literal });
      literal = '';
    };
    for (;;) {
      const c = s[this.i];
      if (quoted) {
        if (c === undefined || c === '\n') throw new SyntaxFailure('unterminated string');
        if (c === '"') {
          this.i++;
          break;
        }
        if (c === '\\') {
          literal += this.escape();
          continue;
        }
      } else if (c === undefined) break;
      if ((c === '$' || c === '%') && s[this.i + 1] === c && s[this.i + 2] === '{') {
        literal += `${c}{`;
        this.i += 3;
        continue;
      }
      if ((c === '$' || c === '%') && s[this.i + 1] === '{') {
        flush();
        const at = this.i;
        this.i += 2;
        const stripBefore = s[this.i] === '~';
        if (stripBefore) this.i++;
        if (c === '$') {
          const node = this.expression();
          const stripAfter = this.eat('~');
          this.expect('}');
          tokens.push({ node, stripBefore, stripAfter });
          continue;
        }
        this.space();
        const word = this.ident();
        let head: Node | ForHead | undefined;
        if (word === 'if') head = this.expression();
        else if (word === 'for') head = this.forHeadIn();
        else if (word !== 'else' && word !== 'endif' && word !== 'endfor') throw new SyntaxFailure(`unknown template directive ${word}`);
        const stripAfter = this.eat('~');
        this.expect('}');
        tokens.push({ directive: word, start: at, ...(head ? { head } : {}), stripBefore, stripAfter });
        continue;
      }
      literal += c;
      this.i++;
    }
    flush();
    // Strip markers trim the literal text next to them.
    tokens.forEach((t, k) => {
      if (!('text' in t)) return;
      const prev = tokens[k - 1];
      const next = tokens[k + 1];
      let text = t.text;
      if (prev && !('text' in prev) && prev.stripAfter) text = text.replace(/^[ \t\r\n]+/, '');
      if (next && !('text' in next) && next.stripBefore) text = text.replace(/[ \t\r\n]+$/, '');
      t.text = text;
    });
    // Fold directives into nested nodes.
    let k = 0;
    const end = this.i;
    const block = (closers: readonly string[]): { pieces: TemplatePiece[]; closer?: string } => {
      const pieces: TemplatePiece[] = [];
      while (k < tokens.length) {
        const t = tokens[k++] as Token;
        if ('text' in t) {
          if (t.text) pieces.push(t.text);
        } else if ('node' in t) pieces.push(t.node);
        else if (closers.includes(t.directive)) return { pieces, closer: t.directive };
        else if (t.directive === 'if') {
          const then = block(['else', 'endif']);
          const otherwise = then.closer === 'else' ? block(['endif']) : { pieces: [], closer: then.closer };
          if (otherwise.closer !== 'endif') throw new SyntaxFailure('%{if} without %{endif}');
          pieces.push({ kind: 'template-if', cond: t.head as Node, then: then.pieces, else: otherwise.pieces, start: t.start, end });
        } else if (t.directive === 'for') {
          const body = block(['endfor']);
          if (body.closer !== 'endfor') throw new SyntaxFailure('%{for} without %{endfor}');
          pieces.push({ kind: 'template-for', ...(t.head as ForHead), body: body.pieces, start: t.start, end });
        } else throw new SyntaxFailure(`unexpected %{${t.directive}}`);
      }
      return { pieces };
    };
    const all = block([]);
    if (all.closer) throw new SyntaxFailure(`unexpected %{${all.closer}}`);
    return all.pieces;
  }

  /** `k, v in coll` of a `%{for}` directive. */
  private forHeadIn(): ForHead {
    this.space();
    let valueVar = this.ident();
    let keyVar: string | undefined;
    if (this.eat(',')) {
      keyVar = valueVar;
      this.space();
      valueVar = this.ident();
    }
    this.space();
    if (this.ident() !== 'in') throw new SyntaxFailure('expected in');
    const collection = this.expression();
    return { ...(keyVar !== undefined ? { keyVar } : {}), valueVar, collection };
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

  /** The parts of a heredoc body: literal text, interpolations, directives (positions index `src`, the body). */
  templateBody(): TemplatePiece[] {
    return this.templatePieces(false);
  }
}

/** Parses one expression (the text inside `${...}`); `undefined` when it is not valid HCL. */
function parseExpression(text: string): Node | undefined {
  try {
    return new Parser(text).parseAll();
  } catch (error) {
    if (error instanceof SyntaxFailure || error instanceof RangeError) return undefined;
    throw error;
  }
}

// ---------------------------------------------------------------- evaluation

const isObject = (v: EvalValue): v is { readonly [key: string]: EvalValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Opaque);

/** Size of a value as a tree (what converting or encoding it would cost), memoised per container. */
const weights = new WeakMap<object, number>();
function weightOf(value: EvalValue): number {
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
function isKnown(value: EvalValue): boolean {
  if (value instanceof Opaque) return false;
  if (value === null || typeof value !== 'object') return true;
  return (Array.isArray(value) ? (value as readonly EvalValue[]) : Object.values(value)).every(isKnown);
}

/** Parsed expressions by text: a big stack repeats `${aws_vpc.main.id}` thousands of times. */
const parsed = new Map<string, Node | null>();

/**
 * Empties the memo tables of parsed expressions, references and type constraints: called when a
 * run has read its inputs, so a long-lived process (a language server, the test runner, the
 * synth-time check) does not keep one run's texts alive for the next. Pure memoization: clearing
 * changes no answer.
 */
export function clearEvaluationCaches(): void {
  parsed.clear();
  refsCache.clear();
  typeCache.clear();
}

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

/** Functions that read the machine running Terraform or the clock: named in the reason, never run. */
const IMPURE = new Set([
  'filebase64',
  'fileset',
  'fileexists',
  'filemd5',
  'filesha1',
  'filesha256',
  'filesha512',
  'filebase64sha256',
  'filebase64sha512',
  'timestamp',
  'uuid',
  'plantimestamp',
  'bcrypt',
  'abspath',
  'pathexpand',
  'uuidv5',
]);

/**
 * Objects standing for resources and data sources (and everything inside them): an attribute
 * they do not hold, or hold as null, is decided by the provider at apply time, so reading it is
 * unknown rather than an error.
 */
export const APPLY_TIME = new WeakMap<object, string>();

/** Every opaque part of a value, for the references of a result computed from it. */
function refsIn(values: readonly EvalValue[], out: string[] = [], depth = 0): string[] {
  for (const v of values) {
    if (v instanceof Opaque) out.push(...v.refs);
    else if (v !== null && typeof v === 'object' && depth < 32) refsIn(Array.isArray(v) ? (v as readonly EvalValue[]) : Object.values(v), out, depth + 1);
  }
  return out;
}

/** The first error inside a value (a failed part makes the whole `try` argument fail). */
function errorIn(v: EvalValue, depth = 0): Opaque | undefined {
  if (v instanceof Opaque) return v.error ? v : undefined;
  if (v === null || typeof v !== 'object' || depth > 32) return undefined;
  for (const item of Array.isArray(v) ? (v as readonly EvalValue[]) : Object.values(v)) {
    const found = errorIn(item, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const EMPTY_BINDINGS: ReadonlyMap<string, EvalValue> = new Map();

class Evaluator {
  depth = 0;
  /** Names bound by `for` expressions, template `%{for}` and templatefile variables. */
  bindings: ReadonlyMap<string, EvalValue> = EMPTY_BINDINGS;
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

  /** The node as an unknown value; `from` are the values it was computed from (their references are kept). */
  private opaque(node: Node, note?: string, from: readonly EvalValue[] = [], error = false): Opaque {
    const text = this.textOf(node);
    const refs = refsOf(text, this.scope.prefix);
    const inner = from.length ? refsIn(from) : [];
    // Only a Terraform error is worth repeating on what is computed from it; "known after apply" is not.
    const fromNote = note ?? from.map((v) => (v instanceof Opaque && v.error ? v.note : undefined)).find((n) => n !== undefined);
    return new Opaque(
      `\${${text}}`,
      inner.length ? [...new Set([...refs, ...inner])] : refs,
      false,
      fromNote,
      error || from.some((v) => v instanceof Opaque && v.error),
    );
  }

  private failure(node: Node, note: string): Opaque {
    return this.opaque(node, note, [], true);
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
          if (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'boolean')
            return this.opaque(node, k instanceof Opaque ? 'an object key is known only after apply' : 'an object key must be a string', [k]);
          entries.push([typeof k === 'number' ? numberText(k) : String(k), this.eval(value)]);
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
        let parts: TemplatePiece[];
        try {
          parts = new Parser(node.body).templateBody();
        } catch (error) {
          if (error instanceof SyntaxFailure) return this.opaque(node, error.message);
          throw error;
        }
        const inner = new Evaluator(node.body, this.scope);
        inner.depth = this.depth;
        inner.bindings = this.bindings;
        return inner.template(parts);
      }
      case 'binary':
        return this.binary(node);
      case 'unary': {
        const v = this.eval(node.operand);
        if (v instanceof Opaque) return this.opaque(node, undefined, [v]);
        return this.attempt(node, () => (node.op === '!' ? !bool(v) : -num(v)));
      }
      case 'conditional': {
        const cond = this.eval(node.cond);
        if (cond instanceof Opaque) return this.opaque(node, cond.error ? cond.note : 'the condition is known only after apply', [cond]);
        let chosen: boolean;
        try {
          chosen = bool(cond, 'a bool condition');
        } catch (error) {
          return this.caught(node, error, [cond]);
        }
        return this.eval(chosen ? node.then : node.else);
      }
      case 'for':
        return this.forExpression(node);
      case 'template-if': {
        const cond = this.eval(node.cond);
        if (cond instanceof Opaque) return this.opaque(node.cond, 'a template condition is known only after apply', [cond]);
        try {
          return this.template(bool(cond, 'a bool condition') ? node.then : node.else, true);
        } catch (error) {
          return this.caught(node.cond, error, [cond]);
        }
      }
      case 'template-for': {
        const collection = this.eval(node.collection);
        const pairs = this.iterate(node.collection, collection);
        if (pairs instanceof Opaque) return pairs;
        const pieces: EvalValue[] = [];
        for (const [k, v] of pairs) pieces.push(this.withBindings(node.keyVar, k, node.valueVar, v, () => this.template(node.body, true)));
        return this.concatenate(pieces);
      }
      case 'opaque':
        return this.opaque(node, node.note);
    }
  }

  /** Runs `fn` with loop variables bound. */
  private withBindings<T>(keyVar: string | undefined, key: EvalValue, valueVar: string, value: EvalValue, fn: () => T): T {
    const saved = this.bindings;
    const next = new Map(saved);
    if (keyVar !== undefined) next.set(keyVar, key);
    next.set(valueVar, value);
    this.bindings = next;
    try {
      return fn();
    } finally {
      this.bindings = saved;
    }
  }

  /** Key/value pairs of a collection, as `for` visits them (maps in key order); Opaque when unknown or not a collection. */
  private iterate(node: Node, collection: EvalValue): [EvalValue, EvalValue][] | Opaque {
    if (collection instanceof Opaque) return this.opaque(node, collection.error ? collection.note : undefined, [collection]);
    if (Array.isArray(collection)) return (collection as readonly EvalValue[]).map((v, i) => [i, v]);
    if (isObject(collection)) return Object.keys(collection).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((k) => [k, collection[k] as EvalValue]);
    return this.failure(node, collection === null ? 'cannot iterate over null' : 'a for expression needs a list, set, map or object');
  }

  private forExpression(node: Extract<Node, { kind: 'for' }>): EvalValue {
    const pairs = this.iterate(node.collection, this.eval(node.collection));
    if (pairs instanceof Opaque) return this.opaque(node, pairs.note, [pairs]);
    const items: EvalValue[] = [];
    const groups = new Map<string, EvalValue[]>();
    const entries = new Map<string, EvalValue>();
    for (const [k, v] of pairs) {
      const outcome = this.withBindings(node.keyVar, k, node.valueVar, v, (): Opaque | undefined => {
        if (node.cond) {
          const keep = this.eval(node.cond);
          if (keep instanceof Opaque) return this.opaque(node, keep.error ? keep.note : 'a for expression condition is known only after apply', [keep]);
          try {
            if (!bool(keep, 'a bool condition')) return undefined;
          } catch (error) {
            return this.caught(node, error, [keep]);
          }
        }
        const value = this.eval(node.value);
        if (!node.object || !node.key) {
          items.push(value);
          return undefined;
        }
        const key = this.eval(node.key);
        if (key instanceof Opaque) return this.opaque(node, key.error ? key.note : 'a key is known only after apply', [key]);
        let text: string;
        try {
          text = str(key, 'a string key');
        } catch (error) {
          return this.caught(node, error, [key]);
        }
        if (node.group) groups.set(text, [...(groups.get(text) ?? []), value]);
        else if (entries.has(text)) return this.failure(node, `duplicate key ${JSON.stringify(text)} (use ... to group values by key)`);
        else entries.set(text, value);
        return undefined;
      });
      if (outcome) return outcome;
    }
    if (!node.object) return items;
    return dict(node.group ? groups : entries);
  }

  private binary(node: Extract<Node, { kind: 'binary' }>): EvalValue {
    const { op } = node;
    const left = this.eval(node.left);
    // A known left side decides `&&` / `||` alone.
    if ((op === '&&' && left === false) || (op === '||' && left === true)) return left;
    const right = this.eval(node.right);
    if (op === '==' || op === '!=') {
      const same = valuesEqual(left, right);
      if (same === undefined) return this.opaque(node, undefined, [left, right]);
      return op === '==' ? same : !same;
    }
    if (left instanceof Opaque || right instanceof Opaque) {
      if ((op === '&&' && right === false) || (op === '||' && right === true)) return right;
      return this.opaque(node, undefined, [left, right]);
    }
    return this.attempt(node, () => {
      switch (op) {
        case '&&':
          return bool(left) && bool(right);
        case '||':
          return bool(left) || bool(right);
        case '<':
          return num(left) < num(right);
        case '<=':
          return num(left) <= num(right);
        case '>':
          return num(left) > num(right);
        case '>=':
          return num(left) >= num(right);
        case '+':
          return num(left) + num(right);
        case '-':
          return num(left) - num(right);
        case '*':
          return num(left) * num(right);
        case '/': {
          const d = num(right);
          if (d === 0) throw new FunctionError('division by zero');
          return num(left) / d;
        }
        case '%': {
          const d = num(right);
          if (d === 0) throw new FunctionError('division by zero');
          return num(left) % d;
        }
      }
      throw new FunctionError(`operator ${op} is not known`);
    });
  }

  /** Runs a computation that may hit a Terraform error or an unknown operand. */
  private attempt(node: Node, fn: () => EvalValue, from: readonly EvalValue[] = []): EvalValue {
    try {
      return fn();
    } catch (error) {
      return this.caught(node, error, from);
    }
  }

  private caught(node: Node, error: unknown, from: readonly EvalValue[]): Opaque {
    if (error instanceof FunctionError) return this.failure(node, error.message);
    if (error instanceof UnknownResult) return this.opaque(node, undefined, from);
    if (error instanceof RangeError) return this.opaque(node, 'the value is too large to evaluate');
    throw error;
  }

  /** Joins template pieces: known text, or a partial string with the unknown parts as `${...}`. */
  private concatenate(pieces: readonly EvalValue[]): EvalValue {
    let text = '';
    let known = true;
    const refs: string[] = [];
    for (const value of pieces) {
      if (value instanceof Opaque) {
        known = false;
        text += value.text;
        refs.push(...value.refs);
      } else if (typeof value === 'string') text += value;
      else if (typeof value === 'number') text += numberText(value);
      else if (typeof value === 'boolean') text += String(value);
      else
        return new Opaque(
          '${...}',
          refs,
          false,
          value === null ? 'a null value cannot be written into a string' : 'a collection cannot be written into a string',
          true,
        );
      if (text.length > MAX_STRING) return new Opaque(text.slice(0, 200), refs, false, 'the string is too large to evaluate');
    }
    return known ? text : new Opaque(text, [...new Set(refs)], true);
  }

  template(parts: readonly TemplatePiece[], nested = false): EvalValue {
    // `"${x}"` alone is x itself (a number stays a number, a reference keeps its type).
    const only = parts.length === 1 ? parts[0] : undefined;
    if (!nested && only !== undefined && typeof only !== 'string' && only.kind !== 'template-if' && only.kind !== 'template-for') return this.eval(only);
    const pieces: EvalValue[] = [];
    for (const part of parts) {
      if (typeof part === 'string') {
        pieces.push(part);
        continue;
      }
      const value = this.eval(part);
      if (value === null || (typeof value === 'object' && !(value instanceof Opaque))) {
        // null or a collection in a template is an error Terraform reports.
        pieces.push(this.failure(part, value === null ? 'a null value cannot be written into a string' : 'a collection cannot be written into a string'));
      } else pieces.push(value);
    }
    return this.concatenate(pieces);
  }

  private traversal(node: Extract<Node, { kind: 'traversal' }>): EvalValue {
    const { root, steps } = node;
    const first = steps[0];
    const bound = this.bindings.get(root);
    if (bound !== undefined) return this.steps(bound, steps, node);
    if (root === 'var' || root === 'local') {
      if (first?.kind !== 'attr') return this.opaque(node);
      const value = root === 'var' ? this.scope.variable(first.name) : this.scope.local(first.name);
      if (value === undefined) return this.opaque(node, root === 'var' ? `variable ${first.name} has no default value` : `local ${first.name} is not defined`);
      return this.steps(value, steps.slice(1), node);
    }
    if (root === 'module') {
      if (first?.kind !== 'attr') return this.opaque(node);
      const value = this.scope.module?.(first.name);
      return value === undefined ? this.opaque(node) : this.steps(value, steps.slice(1), node);
    }
    if (
      root !== 'data' &&
      (root === 'count' ||
        root === 'each' ||
        root === 'path' ||
        root === 'terraform' ||
        root === 'self' ||
        !/^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(root) ||
        first?.kind !== 'attr')
    ) {
      const value = this.scope.symbol?.(root);
      return value === undefined ? this.opaque(node) : this.steps(value, steps, node);
    }
    // A resource (`aws_s3_bucket.b.arn`) or data source (`data.aws_x.y.json`).
    let base: string;
    let rest: Step[];
    if (root === 'data') {
      const [type, name] = steps;
      if (type?.kind !== 'attr' || name?.kind !== 'attr') return this.opaque(node);
      base = `data.${type.name}.${name.name}`;
      rest = steps.slice(2);
    } else {
      if (first?.kind !== 'attr') return this.opaque(node);
      base = `${root}.${first.name}`;
      rest = steps.slice(1);
    }
    const value = this.scope.resource?.(base);
    return value === undefined ? this.opaque(node) : this.steps(value, rest, node);
  }

  /** `.name`, `[key]` and splats applied to a value that is already evaluated. */
  private steps(value: EvalValue, steps: readonly Step[], node: Node): EvalValue {
    let current = value;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as Step;
      if (current instanceof Opaque) return this.opaque(node, undefined, [current]);
      if (step.kind === 'splat') {
        // `[*]` applies every following step to each element; `.*` only the attribute steps after it.
        let end = steps.length;
        if (step.legacy) {
          end = i + 1;
          while (end < steps.length && steps[end]?.kind === 'attr') end++;
        }
        const rest = steps.slice(i + 1, end);
        const items = current === null ? [] : Array.isArray(current) ? (current as readonly EvalValue[]) : [current];
        current = items.map((item) => this.steps(item, rest, node));
        i = end - 1;
        continue;
      }
      const applyTime = typeof current === 'object' && current !== null && APPLY_TIME.has(current);
      // An attribute the provider decides: unknown, named by the instance's own address.
      const decidedLater = (path: string): Opaque => {
        const owner = APPLY_TIME.get(current as object);
        if (owner === undefined || owner === '') return this.opaque(node);
        const at = `${owner}${path}`;
        return new Opaque(`\${${at}}`, [at], false);
      };
      let key: EvalValue;
      if (step.kind === 'attr') key = step.name;
      else key = this.eval(step.key);
      if (key instanceof Opaque) return this.opaque(node, undefined, [key]);
      if (Array.isArray(current)) {
        const n = typeof key === 'number' ? key : typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : NaN;
        if (!Number.isInteger(n)) return this.failure(node, `a list index must be a whole number`);
        const next = (current as readonly EvalValue[])[n];
        if (next === undefined)
          return applyTime ? decidedLater(`[${n}]`) : this.failure(node, `index ${n} out of range for a list of ${(current as readonly EvalValue[]).length}`);
        current = next;
      } else if (isObject(current)) {
        const k = typeof key === 'number' ? numberText(key) : key;
        if (typeof k !== 'string') return this.failure(node, 'an object key must be a string');
        if (!Object.prototype.hasOwnProperty.call(current, k))
          return applyTime ? decidedLater(`.${k}`) : this.failure(node, `no attribute or key ${JSON.stringify(k)}`);
        const owner = current;
        current = current[k] as EvalValue;
        // A null attribute of a resource is unset: the provider decides it at apply time.
        if (current === null && applyTime) {
          current = owner;
          return decidedLater(`.${k}`);
        }
      } else if (current === null) return this.failure(node, 'attempt to read from a null value');
      else return this.failure(node, `cannot read ${step.kind === 'attr' ? `.${step.name}` : '[...]'} from a ${typeof current}`);
    }
    return current;
  }

  private call(node: Extract<Node, { kind: 'call' }>): EvalValue {
    const { name } = node;
    if (IMPURE.has(name)) return this.opaque(node, `${name}() reads the machine running Terraform and is not evaluated`);
    if (name === 'try' || name === 'can') return this.tryCall(node);
    if (name !== 'file' && name !== 'templatefile' && !hasFunction(name)) return this.opaque(node, `function ${name}() is not evaluated`);
    let args = node.args.map((a) => this.eval(a));
    if (node.expand) {
      const last = args[args.length - 1];
      if (last instanceof Opaque) return this.opaque(node, undefined, [last]);
      if (last === undefined || !Array.isArray(last)) return this.failure(node, 'the expanded argument must be a list');
      args = [...args.slice(0, -1), ...(last as readonly EvalValue[])];
    }
    const failed = args.map((a) => errorIn(a)).find((e) => e !== undefined);
    if (failed) return this.opaque(node, failed.note, [failed]);
    if (name === 'file' || name === 'templatefile') return this.fileCall(node, args);
    try {
      return callFunction(name, args);
    } catch (error) {
      if (error instanceof FunctionError) return this.failure(node, `${name}(): ${error.message}`);
      return this.caught(node, error, args);
    }
  }

  /** `try(a, b, ...)`: the first argument that evaluates without an error; `can(x)`: whether x does. */
  private tryCall(node: Extract<Node, { kind: 'call' }>): EvalValue {
    for (const arg of node.args) {
      const value = this.eval(arg);
      const failed = errorIn(value);
      if (failed) continue;
      if (!isKnown(value) && node.name === 'can') return this.opaque(node, undefined, [value]);
      // An unknown part might still fail at apply time; Terraform then says unknown too.
      if (value instanceof Opaque) return this.opaque(node, undefined, [value]);
      return node.name === 'can' ? true : value;
    }
    return node.name === 'can' ? false : this.failure(node, 'no argument of try() could be evaluated');
  }

  /** `file(path)` and `templatefile(path, vars)`: only files under the module's folder are read. */
  private fileCall(node: Extract<Node, { kind: 'call' }>, args: readonly EvalValue[]): EvalValue {
    const [pathArg, vars] = args;
    if (typeof pathArg !== 'string')
      return pathArg instanceof Opaque ? this.opaque(node, undefined, [pathArg]) : this.failure(node, `${node.name}(): a path is required`);
    if (!this.scope.readFile) return this.opaque(node, `${node.name}() reads the machine running Terraform and is not evaluated`);
    const read = this.scope.readFile(pathArg);
    if ('error' in read) return this.opaque(node, `${node.name}(): ${read.error}`);
    if (node.name === 'file') return read.text;
    if (vars !== undefined && !isObject(vars))
      return vars instanceof Opaque ? this.opaque(node, undefined, [vars]) : this.failure(node, 'templatefile(): the variables must be an object');
    let parts: TemplatePiece[];
    try {
      parts = new Parser(read.text).templateBody();
    } catch (error) {
      if (error instanceof SyntaxFailure) return this.failure(node, `templatefile(): ${error.message}`);
      throw error;
    }
    // The template sees only its variables and the functions: not the module's vars or resources.
    const inner = new Evaluator(read.text, TEMPLATE_SCOPE);
    inner.depth = this.depth;
    inner.bindings = new Map(Object.entries(vars ?? {}));
    const value = inner.template(parts);
    return value instanceof Opaque && !value.partial ? this.opaque(node, value.note, [value]) : value;
  }
}

const TEMPLATE_SCOPE: EvalScope = { prefix: '', variable: () => undefined, local: () => undefined };

// ---------------------------------------------------------------- type constraints

/** A variable's `type`: what Terraform converts the given value to. */
type TypeSpec =
  | { readonly kind: 'any' | 'string' | 'number' | 'bool' }
  | { readonly kind: 'list' | 'set' | 'map'; readonly element: TypeSpec }
  | { readonly kind: 'tuple'; readonly elements: readonly TypeSpec[] }
  | {
      readonly kind: 'object';
      readonly attributes: ReadonlyMap<string, { readonly type: TypeSpec; readonly optional: boolean; readonly default?: EvalValue }>;
    };

const typeCache = new Map<string, TypeSpec | null>();

/** Parses a type constraint (`map(object({ create = optional(bool, true) }))`); undefined when it is not one. */
export function parseTypeConstraint(text: string): TypeSpec | undefined {
  const cached = typeCache.get(text);
  if (cached !== undefined) return cached ?? undefined;
  const node = parseExpression(text);
  const spec = node ? typeOf(node, text, 0) : undefined;
  if (typeCache.size > 5_000) typeCache.clear();
  typeCache.set(text, spec ?? null);
  return spec;
}

function typeOf(node: Node, src: string, depth: number): TypeSpec | undefined {
  if (depth > 32) return undefined;
  if (node.kind === 'traversal' && node.steps.length === 0) {
    return node.root === 'string' || node.root === 'number' || node.root === 'bool' || node.root === 'any' ? { kind: node.root } : undefined;
  }
  if (node.kind !== 'call') return undefined;
  const [arg] = node.args;
  if (!arg) return undefined;
  switch (node.name) {
    case 'list':
    case 'set':
    case 'map': {
      const element = typeOf(arg, src, depth + 1);
      return element ? { kind: node.name, element } : undefined;
    }
    case 'tuple': {
      if (arg.kind !== 'tuple') return undefined;
      const elements = arg.items.map((item) => typeOf(item, src, depth + 1));
      return elements.every((e) => e !== undefined) ? { kind: 'tuple', elements: elements } : undefined;
    }
    case 'object': {
      if (arg.kind !== 'object') return undefined;
      const attributes = new Map<string, { type: TypeSpec; optional: boolean; default?: EvalValue }>();
      for (const { key, value } of arg.items) {
        if (key.kind !== 'literal' || typeof key.value !== 'string') return undefined;
        if (value.kind === 'call' && value.name === 'optional' && value.args[0]) {
          const type = typeOf(value.args[0], src, depth + 1);
          if (!type) return undefined;
          const fallback = value.args[1];
          attributes.set(key.value, { type, optional: true, ...(fallback ? { default: new Evaluator(src, TEMPLATE_SCOPE).run(fallback) } : {}) });
        } else {
          const type = typeOf(value, src, depth + 1);
          if (!type) return undefined;
          attributes.set(key.value, { type, optional: false });
        }
      }
      return { kind: 'object', attributes };
    }
  }
  return undefined;
}

/**
 * Converts a value to a type as Terraform does for variables: primitives convert, sets sort and
 * drop duplicates, objects keep their declared attributes and fill absent optional ones with their
 * default (or null). A value that does not fit is kept as given (Terraform would reject it).
 */
export function convertToType(value: EvalValue, spec: TypeSpec, depth = 0): EvalValue {
  if (value === null || value instanceof Opaque || depth > 32) return value;
  switch (spec.kind) {
    case 'any':
      return value;
    case 'string':
      return typeof value === 'number' ? numberText(value) : typeof value === 'boolean' ? String(value) : value;
    case 'number':
      return typeof value === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value) ? Number(value) : value;
    case 'bool':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'list':
    case 'set': {
      if (!Array.isArray(value)) return value;
      const items = (value as readonly EvalValue[]).map((v) => convertToType(v, spec.element, depth + 1));
      return spec.kind === 'set' ? toSet(items) ?? items : items;
    }
    case 'tuple':
      return Array.isArray(value)
        ? (value as readonly EvalValue[]).map((v, i) => (spec.elements[i] ? convertToType(v, spec.elements[i], depth + 1) : v))
        : value;
    case 'map':
      return isObject(value) ? mapDict(value, (v) => convertToType(v, spec.element, depth + 1)) : value;
    case 'object': {
      if (!isObject(value)) return value;
      const entries: [string, EvalValue][] = [];
      for (const [name, attribute] of spec.attributes) {
        if (Object.prototype.hasOwnProperty.call(value, name) && value[name] !== null)
          entries.push([name, convertToType(value[name] as EvalValue, attribute.type, depth + 1)]);
        else if (attribute.optional) entries.push([name, attribute.default !== undefined ? convertToType(attribute.default, attribute.type, depth + 1) : null]);
        else if (Object.prototype.hasOwnProperty.call(value, name)) entries.push([name, null]);
      }
      return dict(entries);
    }
  }
}
