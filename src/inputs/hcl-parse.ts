/**
 * The one reader of Terraform's native syntax (HCL); everything else works on its output.
 *
 * - Expressions: `parseExpression` / `parseTemplate` give a syntax tree whose nodes carry their
 *   source offsets. Configuration carries expressions as `${...}` text (hcl2json output and cdktf
 *   synth JSON alike): the evaluator (inputs/hcl-eval.ts) and the reference finder
 *   (inputs/expressions.ts) read that text through this parser.
 * - Files: `parseHclFile` gives a `.tf` file as the JSON value @cdktf/hcl2json's `parse` gives
 *   (every block a list of objects keyed by its labels, keys sorted, literals as JSON values, other
 *   expressions as `"${<source>}"`), plus where its top-level blocks are written. It is a fast
 *   path: whenever it meets a construct whose hcl2json rendering was not pinned by experiment, or
 *   input that may be malformed, it throws `HclUnsupported` and the caller asks hcl2json instead
 *   (which also owns the error messages for bad HCL). One pass over the text, no backtracking
 *   regexes. `outlineHcl` gives the block positions alone for any file hcl2json accepts.
 */
import { hclEscape } from './hcl-escape.js';
import { dict } from '../model/dict.js';

/** Deepest nesting of expressions the parser (and the evaluator after it) follows. */
export const MAX_EXPRESSION_DEPTH = 64;

// ---------------------------------------------------------------- expressions

/** An expression's syntax tree; `start` and `end` are offsets into the text that was parsed. */
export type Node =
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
  | { kind: 'template-for'; keyVar?: string; valueVar: string; collection: Node; body: TemplatePiece[]; start: number; end: number };

export type TemplatePiece = string | Node;
type ForHead = { keyVar?: string; valueVar: string; collection: Node };

/** `[*]` splats every following step; the legacy `.*` only the attribute steps right after it. */
export type Step = { kind: 'attr'; name: string } | { kind: 'index'; key: Node } | { kind: 'splat'; legacy: boolean };

/** An expression or template that is not valid HCL; the message says what was expected. */
export class HclSyntaxError extends Error {}

// Character classes by UTF-16 code (`charCodeAt` past the end is NaN: in no class).
/** A name starts with an ASCII letter or `_`. */
const isNameStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
/** and goes on with letters, digits, `_` and `-`. */
const isNameChar = (c: number): boolean => isNameStart(c) || (c >= 48 && c <= 57) || c === 45;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

interface Operator {
  readonly text: string;
  readonly level: number;
}
const OPERATORS: Readonly<Record<string, Operator>> = Object.fromEntries(
  [['||'], ['&&'], ['==', '!='], ['<=', '>=', '<', '>'], ['+', '-'], ['*', '/', '%']].flatMap((ops, level) => ops.map((text) => [text, { text, level }])),
);

/** Recursive-descent parser over the expression text; positions index into `src`. */
class ExpressionParser {
  /** Offset of the next character to read. */
  protected i: number;
  private depth = 0;
  /** Offset of the next character to read. */
  get position(): number {
    return this.i;
  }
  constructor(
    readonly src: string,
    start = 0,
  ) {
    this.i = start;
  }

  parseAll(): Node {
    const node = this.expression();
    this.space();
    if (this.i < this.src.length) throw new HclSyntaxError(`unexpected ${JSON.stringify(this.src[this.i])}`);
    return node;
  }

  /** Skips whitespace, newlines and comments. */
  protected space(): void {
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

  protected peek(text: string): boolean {
    this.space();
    return this.src.startsWith(text, this.i);
  }

  protected eat(text: string): boolean {
    if (!this.peek(text)) return false;
    this.i += text.length;
    return true;
  }

  private expect(text: string): void {
    if (!this.eat(text)) throw new HclSyntaxError(`expected ${text}`);
  }

  private enter(): void {
    if (++this.depth > MAX_EXPRESSION_DEPTH) throw new HclSyntaxError('expression nested too deeply');
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

  /**
   * Operators by precedence climbing: `level` is the loosest operator this call may take
   * (0 `||`, 1 `&&`, 2 `==` `!=`, 3 comparisons, 4 `+` `-`, 5 `*` `/` `%`); all are left-associative.
   */
  private binary(level: number): Node {
    const start = this.i;
    let left = this.unary();
    for (;;) {
      this.space();
      const op = this.operator();
      if (!op || op.level < level) return left;
      this.i += op.text.length;
      const right = this.binary(op.level + 1);
      left = { kind: 'binary', op: op.text, left, right, start, end: this.i };
    }
  }

  /** The binary operator at the current position; `=>`, `<<` (a heredoc) and a lone `=`, `!`, `&` or `|` are none. */
  private operator(): Operator | undefined {
    const s = this.src;
    const c = s[this.i];
    const next = s[this.i + 1];
    switch (c) {
      case '|':
        return next === '|' ? OPERATORS['||'] : undefined;
      case '&':
        return next === '&' ? OPERATORS['&&'] : undefined;
      case '=':
        return next === '=' ? OPERATORS['=='] : undefined;
      case '!':
        return next === '=' ? OPERATORS['!='] : undefined;
      case '<':
        return next === '=' ? OPERATORS['<='] : next === '<' ? undefined : OPERATORS['<'];
      case '>':
        return next === '=' ? OPERATORS['>='] : OPERATORS['>'];
      case '+':
      case '-':
      case '/':
      case '%':
        return OPERATORS[c];
      case '*':
        // `.*` is a splat, not a product.
        return s[this.i - 1] === '.' ? undefined : OPERATORS['*'];
      default:
        return undefined;
    }
  }

  private unary(): Node {
    this.space();
    const start = this.i;
    const c = this.src[this.i];
    if (c === '-' && isDigit(this.src.charCodeAt(this.i + 1))) return this.postfix(this.number());
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
      } else if (s[this.i] === '.' && isNameStart(s.charCodeAt(this.i + 1))) {
        this.i++;
        steps.push({ kind: 'attr', name: this.ident() });
      } else if (s[this.i] === '.' && isDigit(s.charCodeAt(this.i + 1))) {
        this.i++;
        const from = this.i;
        while (isDigit(s.charCodeAt(this.i))) this.i++;
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
    if (node.kind === 'traversal') {
      return { kind: 'traversal', root: node.root, steps: node.steps.length ? [...node.steps, ...steps] : steps, start: node.start, end: this.i };
    }
    return { kind: 'index', target: node, steps, start: node.start, end: this.i };
  }

  protected ident(): string {
    const from = this.i;
    const s = this.src;
    if (!isNameStart(s.charCodeAt(this.i))) throw new HclSyntaxError('expected a name');
    while (isNameChar(s.charCodeAt(this.i))) this.i++;
    return this.src.slice(from, this.i);
  }

  private number(): Node {
    const start = this.i;
    const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.src.slice(this.i, this.i + 400));
    if (!match) throw new HclSyntaxError('expected a number');
    this.i += match[0].length;
    return { kind: 'literal', value: Number(match[0]), start, end: this.i };
  }

  private primary(): Node {
    this.space();
    const start = this.i;
    const c = this.src[this.i];
    if (isDigit(this.src.charCodeAt(this.i))) return this.number();
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
    if (isNameStart(this.src.charCodeAt(this.i))) {
      const name = this.ident();
      if (name === 'true' || name === 'false') return { kind: 'literal', value: name === 'true', start, end: this.i };
      if (name === 'null') return { kind: 'literal', value: null, start, end: this.i };
      if (this.peek('(')) return this.call(name, start);
      // `provider::aws::arn_parse(...)`: a call named with its provider.
      if (this.peek('::')) {
        let qualified = name;
        while (this.eat('::')) qualified += `::${this.ident()}`;
        return this.call(qualified, start);
      }
      return { kind: 'traversal', root: name, steps: [], start, end: this.i };
    }
    throw new HclSyntaxError(c === undefined ? 'unexpected end of expression' : `unexpected ${JSON.stringify(c)}`);
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

  /** Skips past the matching closer, honouring nesting and strings (see `interpolationEnd`). */
  skipBalanced(closer: string): void {
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
          if (c !== closer) throw new HclSyntaxError(`expected ${closer}`);
          this.i++;
          return;
        }
        depth--;
      }
      this.i++;
    }
    throw new HclSyntaxError(`expected ${closer}`);
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
    return this.src.startsWith(word, this.i) && !isNameChar(this.src.charCodeAt(this.i + word.length));
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
      if (isNameStart(this.src.charCodeAt(this.i))) {
        // A bare name is the key itself, unless it is a longer expression (`(var.k)` must be parenthesised).
        const name = this.ident();
        key = { kind: 'literal', value: name, start: keyStart, end: this.i };
      } else key = this.expression();
      if (!this.eat('=') && !this.eat(':')) throw new HclSyntaxError('expected = or : after an object key');
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
  protected quoted(): Node {
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
    // Most templates have neither: their pieces are the tokens as they are.
    let directives = false;
    let stripMarkers = false;
    for (;;) {
      const c = s[this.i];
      if (quoted) {
        if (c === undefined || c === '\n') throw new HclSyntaxError('unterminated string');
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
        if (literal) tokens.push({ text: literal });
        literal = '';
        const at = this.i;
        this.i += 2;
        const stripBefore = s[this.i] === '~';
        if (stripBefore) this.i++;
        if (c === '$') {
          const node = this.expression();
          const stripAfter = this.eat('~');
          this.expect('}');
          tokens.push({ node, stripBefore, stripAfter });
          stripMarkers ||= stripBefore || stripAfter;
          continue;
        }
        directives = true;
        this.space();
        const word = this.ident();
        let head: Node | ForHead | undefined;
        if (word === 'if') head = this.expression();
        else if (word === 'for') head = this.forHeadIn();
        else if (word !== 'else' && word !== 'endif' && word !== 'endfor') throw new HclSyntaxError(`unknown template directive ${word}`);
        const stripAfter = this.eat('~');
        this.expect('}');
        tokens.push({ directive: word, start: at, ...(head ? { head } : {}), stripBefore, stripAfter });
        stripMarkers ||= stripBefore || stripAfter;
        continue;
      }
      literal += c;
      this.i++;
    }
    if (literal) tokens.push({ text: literal });
    // Strip markers trim the literal text next to them.
    for (let k = 0; stripMarkers && k < tokens.length; k++) {
      const t = tokens[k] as Token;
      if (!('text' in t)) continue;
      const prev = tokens[k - 1];
      const next = tokens[k + 1];
      let text = t.text;
      if (prev && !('text' in prev) && prev.stripAfter) text = text.replace(/^[ \t\r\n]+/, '');
      if (next && !('text' in next) && next.stripBefore) text = text.replace(/[ \t\r\n]+$/, '');
      t.text = text;
    }
    if (!directives) {
      const pieces: TemplatePiece[] = [];
      for (const t of tokens) {
        if ('text' in t) {
          if (t.text) pieces.push(t.text);
        } else if ('node' in t) pieces.push(t.node);
      }
      return pieces;
    }
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
          if (otherwise.closer !== 'endif') throw new HclSyntaxError('%{if} without %{endif}');
          pieces.push({ kind: 'template-if', cond: t.head as Node, then: then.pieces, else: otherwise.pieces, start: t.start, end });
        } else if (t.directive === 'for') {
          const body = block(['endfor']);
          if (body.closer !== 'endfor') throw new HclSyntaxError('%{for} without %{endfor}');
          pieces.push({ kind: 'template-for', ...(t.head as ForHead), body: body.pieces, start: t.start, end });
        } else throw new HclSyntaxError(`unexpected %{${t.directive}}`);
      }
      return { pieces };
    };
    const all = block([]);
    if (all.closer) throw new HclSyntaxError(`unexpected %{${all.closer}}`);
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
    if (this.ident() !== 'in') throw new HclSyntaxError('expected in');
    const collection = this.expression();
    return { ...(keyVar !== undefined ? { keyVar } : {}), valueVar, collection };
  }

  private escape(): string {
    const decoded = hclEscape(this.src, this.i);
    if ('error' in decoded) throw new HclSyntaxError(decoded.error);
    this.i += decoded.length;
    return decoded.text;
  }

  /** `<<EOT` / `<<-EOT` heredoc templates (interpolations inside are evaluated like quoted ones). */
  private heredoc(): Node {
    const start = this.i;
    const s = this.src;
    const header = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(s.slice(this.i, this.i + 200));
    if (!header) throw new HclSyntaxError('bad heredoc');
    const strip = header[1] === '-';
    const marker = header[2] ?? '';
    this.i += header[0].length;
    const lines: string[] = [];
    for (;;) {
      if (this.i >= s.length) throw new HclSyntaxError('unterminated heredoc');
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

/**
 * Offset of the `}` that closes an interpolation whose body starts at `from` (`${` just read), or
 * -1. Brackets and quoted strings are stepped over, not parsed as an expression: a body that is
 * not a valid expression still ends where its braces say (the evaluator then reports it).
 */
export function interpolationEnd(text: string, from: number): number {
  // Most bodies hold no quoted string: stepped over here as skipBalanced does, without a parser.
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return quotedInterpolationEnd(text, from);
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return c === '}' ? i : -1;
      depth--;
    }
  }
  return -1;
}

function quotedInterpolationEnd(text: string, from: number): number {
  const parser = new ExpressionParser(text, from);
  try {
    parser.skipBalanced('}');
  } catch (error) {
    if (error instanceof HclSyntaxError || error instanceof RangeError) return -1;
    throw error;
  }
  return parser.position - 1;
}

/**
 * The parts of a template text (a heredoc body, a `templatefile` file): literal text,
 * interpolations and directives, positions indexing `text`. Throws `HclSyntaxError`.
 */
export function parseTemplate(text: string): TemplatePiece[] {
  return new ExpressionParser(text).templateBody();
}

/** Parses one expression (the text inside `${...}`); `undefined` when it is not valid HCL. */
export function parseExpression(text: string): Node | undefined {
  try {
    return new ExpressionParser(text).parseAll();
  } catch (error) {
    if (error instanceof HclSyntaxError || error instanceof RangeError) return undefined;
    throw error;
  }
}

// ---------------------------------------------------------------- files

/** Where something is written: line and column from 1 (columns count UTF-16 units). */
export interface HclPosition {
  readonly line: number;
  readonly column: number;
}

/** A top-level block (`resource "T" "N" { ... }`) and where it and its attributes are written. */
export interface HclBlock extends HclPosition {
  readonly type: string;
  readonly labels: readonly string[];
  /** Line of the closing brace. */
  readonly endLine: number;
  /** Attributes written directly in the block's body (not in a one-line block), by name. */
  readonly attributes: ReadonlyMap<string, HclPosition>;
}

/** A block as the readers find it, in source offsets (turned into lines once, at the end). */
interface BlockOffsets {
  readonly type: string;
  readonly labels: readonly string[];
  readonly start: number;
  /** Offset of the closing brace. */
  readonly end: number;
  readonly attributes: ReadonlyMap<string, number> | undefined;
}

/** Lines and columns of the offsets the readers recorded. */
function positioned(text: string, blocks: readonly BlockOffsets[]): HclBlock[] {
  if (blocks.length === 0) return [];
  const lineStarts = [0];
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) lineStarts.push(nl + 1);
  const at = (offset: number): HclPosition => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (lineStarts[lo] as number) + 1 };
  };
  return blocks.map((b) => {
    const attributes = new Map<string, HclPosition>();
    for (const [name, offset] of b.attributes ?? []) attributes.set(name, at(offset));
    return { type: b.type, labels: b.labels, ...at(b.start), endLine: at(b.end).line, attributes };
  });
}

/**
 * Parses `text` as hcl2json would, with the positions of its top-level blocks, or throws
 * `HclUnsupported`.
 */
export function parseHclFile(text: string): { doc: Record<string, unknown>; blocks: HclBlock[] } {
  const parser = new Parser(text);
  const doc = parser.file();
  return { doc, blocks: positioned(text, parser.blocks) };
}

/**
 * The top-level blocks of a file hcl2json accepts but `parseHclFile` declines: the same walk over
 * bodies, with expressions read by the expression parser. Where that parser stops (a construct it
 * does not know, or text that is not HCL), the blocks before keep their positions.
 */
export function outlineHcl(text: string): HclBlock[] {
  const parser = new OutlineParser(text);
  try {
    parser.body(0, undefined);
  } catch (error) {
    if (!(error instanceof HclSyntaxError || error instanceof RangeError)) throw error;
  }
  return positioned(text, parser.blocks);
}

/** Whether only spaces, tabs or a line comment stand between `from` and the end of its line. */
function restOfLineEmpty(s: string, from: number): boolean {
  let i = from;
  while (s[i] === ' ' || s[i] === '\t') i++;
  const c = s[i];
  return c === undefined || c === '\n' || c === '\r' || c === '#' || (c === '/' && s[i + 1] === '/');
}

class OutlineParser extends ExpressionParser {
  readonly blocks: BlockOffsets[] = [];

  /** Items up to the closing brace (or the end of the text, at `nesting` 0). */
  body(nesting: number, attributes: Map<string, number> | undefined): void {
    for (;;) {
      this.space();
      if (this.i >= this.src.length) {
        if (nesting > 0) throw new HclSyntaxError('unterminated block');
        return;
      }
      if (this.src[this.i] === '}') {
        if (nesting === 0) throw new HclSyntaxError('unexpected }');
        this.i++;
        return;
      }
      const start = this.i;
      const name = this.ident();
      if (this.eat('=')) {
        if (attributes && !attributes.has(name)) attributes.set(name, start);
        this.expression();
        continue;
      }
      const labels: string[] = [];
      while (!this.peek('{')) {
        if (this.src[this.i] === '"') {
          const label = this.quoted();
          if (label.kind !== 'template' || !label.parts.every((p) => typeof p === 'string')) throw new HclSyntaxError('a label is a literal string');
          labels.push(label.parts.join(''));
        } else labels.push(this.ident());
      }
      this.i++;
      const own = nesting === 0 && restOfLineEmpty(this.src, this.i) ? new Map<string, number>() : undefined;
      this.body(nesting + 1, own);
      if (nesting === 0) this.blocks.push({ type: name, labels, start, end: this.i - 1, attributes: own });
    }
  }
}

/** Thrown when the native parser will not answer for this text; the caller falls back to hcl2json. */
export class HclUnsupported extends Error {
  constructor(reason: string, at: number) {
    super(`native HCL parser declines at offset ${at}: ${reason}`);
    this.name = 'HclUnsupported';
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** How an expression is rendered by hcl2json at a conversion point. */
type Expr =
  | { readonly kind: 'value'; readonly value: Json } // literal, negated number, tuple, object, string template
  | { readonly kind: 'other' } // rendered as `${source}`
  | { readonly kind: 'cond' } // a conditional (rendered differently inside templates)
  | { readonly kind: 'decline' }; // a shape whose rendering is not pinned

const OTHER: Expr = { kind: 'other' };
const SURROGATE = /[\uD800-\uDFFF]/;
const NON_ASCII = /[\u0080-\uffff]/;
const KEYWORDS = new Set(['true', 'false', 'null', 'for', 'in', 'if']);

interface BodyBuilder {
  readonly attrs: Map<string, Json>;
  /** Block type -> label count, and the nested label maps / lists. */
  readonly blocks: Map<string, { labels: number; root: unknown }>;
}

/** The hcl2json-compatible reader behind `parseHclFile`. */
class Parser {
  private pos = 0;
  /** Top-level blocks read so far. */
  readonly blocks: BlockOffsets[] = [];
  /** How many blocks enclose the body being read (0 at the top level). */
  private nesting = 0;
  /** End offset of the last token consumed (comments and whitespace excluded). */
  private lastEnd = 0;
  /** Offset right after a heredoc's closing line: that newline also ends the attribute. */
  private heredocEnd = -1;
  private heredocs = 0;
  /** Strings read whose value hcl2json would write in another Unicode normal form. */
  private unnormalized = 0;

  constructor(private readonly s: string) {}

  private fail(reason: string): never {
    throw new HclUnsupported(reason, this.pos);
  }

  file(): Record<string, unknown> {
    if (this.s.charCodeAt(0) === 0xfeff) this.fail('byte order mark');
    // Lone surrogates become U+FFFD on the way through Go: not worth reproducing.
    if (SURROGATE.test(this.s)) {
      const s = this.s;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff) {
          const d = s.charCodeAt(i + 1);
          if (!(d >= 0xdc00 && d <= 0xdfff)) this.fail('lone surrogate');
          i++;
        } else if (c >= 0xdc00 && c <= 0xdfff) this.fail('lone surrogate');
      }
    }
    const body = this.body(false);
    return body;
  }

  // ---- whitespace and comments ----

  /** Skips spaces, tabs and comments; newlines too when `newlines` is true. */
  private skip(newlines: boolean): void {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === 32 || c === 9) this.pos++;
      else if (c === 13) {
        if (s.charCodeAt(this.pos + 1) !== 10) this.fail('bare carriage return');
        if (!newlines) return;
        this.pos++;
      } else if (c === 10) {
        if (!newlines) return;
        this.pos++;
      } else if (c === 35 || (c === 47 && s.charCodeAt(this.pos + 1) === 47)) {
        // A line comment runs up to (not including) the newline, which still ends a line.
        const nl = s.indexOf('\n', this.pos);
        this.pos = nl < 0 ? s.length : s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      } else if (c === 47 && s.charCodeAt(this.pos + 1) === 42) {
        const end = s.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unterminated comment');
        if (!newlines && s.slice(this.pos, end).includes('\n')) this.fail('multi-line comment where newlines matter');
        this.pos = end + 2;
      } else return;
    }
  }

  /** After an item: a newline (consumed), the end of the text, or a heredoc that already ended the line. */
  private atLineEnd(): boolean {
    if (this.pos === this.heredocEnd) return true;
    this.skip(false);
    const c = this.s.charCodeAt(this.pos);
    if (this.pos >= this.s.length) return true;
    if (c === 13 || c === 10) {
      this.pos += c === 13 ? 2 : 1;
      return true;
    }
    return false;
  }

  private ident(): string | undefined {
    const s = this.s;
    const start = this.pos;
    const c = s.charCodeAt(start);
    if (!isNameStart(c)) return undefined;
    let i = start + 1;
    for (;;) {
      const d = s.charCodeAt(i);
      if (isNameChar(d)) i++;
      else break;
    }
    if (s.charCodeAt(i) >= 128) this.fail('non-ASCII identifier');
    this.pos = i;
    this.lastEnd = i;
    return s.slice(start, i);
  }

  // ---- bodies ----

  /** A body's items; `attributes` records where each attribute is written (for a top-level block's body). */
  private body(inBlock: boolean, attributes?: Map<string, number>): Record<string, unknown> {
    const b: BodyBuilder = { attrs: new Map(), blocks: new Map() };
    const s = this.s;
    for (;;) {
      this.skip(true);
      if (this.pos >= s.length) {
        if (inBlock) this.fail('unterminated block');
        break;
      }
      if (s[this.pos] === '}') {
        if (!inBlock) this.fail('unexpected }');
        this.pos++;
        break;
      }
      this.item(b, false, attributes);
      if (!this.atLineEnd()) this.fail('missing newline after item');
    }
    return build(b, this);
  }

  /** One attribute or block; `single` when inside a one-line block `x { a = 1 }`. */
  private item(b: BodyBuilder, single: boolean, attributes?: Map<string, number>): void {
    const s = this.s;
    const start = this.pos;
    const name = this.ident();
    if (name === undefined) this.fail('expected an identifier');
    this.skip(false);
    if (s[this.pos] === '=' && s[this.pos + 1] !== '=') {
      this.pos++;
      if (b.attrs.has(name) || b.blocks.has(name)) this.fail('repeated name');
      checkKey(name, this);
      attributes?.set(name, start);
      b.attrs.set(name, this.value(false));
      return;
    }
    if (single) this.fail('block in a one-line block');
    const labels: string[] = [];
    for (;;) {
      const c = s[this.pos];
      if (c === '{') break;
      if (c === '"') labels.push(this.label());
      else {
        const l = this.ident();
        if (l === undefined) this.fail('expected a label or {');
        labels.push(l);
      }
      this.skip(false);
    }
    this.pos++;
    if (b.attrs.has(name)) this.fail('block named like an attribute');
    this.skip(false);
    let content: Record<string, unknown>;
    const c = s.charCodeAt(this.pos);
    const own = this.nesting === 0 && (c === 10 || c === 13) ? new Map<string, number>() : undefined;
    this.nesting++;
    if (c === 10 || c === 13) content = this.body(true, own);
    else if (c === 125) {
      this.pos++;
      content = dict();
    } else {
      const inner: BodyBuilder = { attrs: new Map(), blocks: new Map() };
      this.item(inner, true);
      if (this.pos === this.heredocEnd) this.fail('heredoc in a one-line block');
      this.skip(false);
      if (s[this.pos] !== '}') this.fail('one-line block not closed');
      this.pos++;
      content = build(inner, this);
    }
    this.nesting--;
    if (this.nesting === 0) this.blocks.push({ type: name, labels, start, end: this.pos - 1, attributes: own });
    addBlock(b, name, labels, content, this);
  }

  private label(): string {
    const s = this.s;
    const start = ++this.pos;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === 34) break;
      if (c === 92 || c === 36 || c === 37 || c === 10 || c === 13 || c < 32 || Number.isNaN(c)) this.fail('label needs care');
      this.pos++;
    }
    const label = s.slice(start, this.pos);
    this.pos++;
    return label;
  }

  // ---- expressions ----

  /** An expression at a conversion point (attribute, tuple element, object value). */
  private value(newlines: boolean): Json {
    this.skip(newlines);
    const start = this.pos;
    const heredocs = this.heredocs;
    const unnormalized = this.unnormalized;
    const e = this.expr(newlines);
    if (e.kind === 'value') {
      if (this.unnormalized !== unnormalized) this.fail('string not in Unicode NFC');
      return e.value;
    }
    if (e.kind === 'decline') this.fail('expression rendering not pinned');
    // The source range hcl2json keeps for a heredoc inside a larger expression is not pinned.
    if (this.heredocs !== heredocs) this.fail('heredoc inside an expression');
    return `\${${this.s.slice(start, this.lastEnd)}}`;
  }

  /** expr := binary ('?' expr ':' expr)? */
  private expr(newlines: boolean): Expr {
    const first = this.binary(newlines);
    const save = this.pos;
    this.skip(newlines);
    if (this.s[this.pos] === '?') {
      this.pos++;
      this.skip(newlines);
      this.expr(newlines);
      this.skip(newlines);
      if (this.s[this.pos] !== ':') this.fail('conditional without :');
      this.pos++;
      this.skip(newlines);
      this.expr(newlines);
      return { kind: 'cond' };
    }
    this.pos = save;
    return first;
  }

  private binary(newlines: boolean): Expr {
    let e = this.unary(newlines);
    for (;;) {
      const save = this.pos;
      this.skip(newlines);
      const op = this.operator();
      if (op === 0) {
        this.pos = save;
        return e;
      }
      this.pos += op;
      this.skip(newlines);
      this.unary(newlines);
      e = OTHER;
    }
  }

  /** Length of a binary operator at pos, or 0. */
  private operator(): number {
    const s = this.s;
    const c = s[this.pos];
    const d = s[this.pos + 1];
    if ((c === '=' || c === '!') && d === '=') return 2;
    if (c === '<' || c === '>') {
      if (c === '<' && d === '<') return 0;
      return d === '=' ? 2 : 1;
    }
    if ((c === '&' && d === '&') || (c === '|' && d === '|')) return 2;
    if (c === '+' || c === '-' || c === '*' || c === '%') return 1;
    if (c === '/' && d !== '/' && d !== '*') return 1;
    return 0;
  }

  private unary(newlines: boolean): Expr {
    const c = this.s[this.pos];
    if (c === '-' || c === '!') {
      this.pos++;
      this.skip(newlines);
      const next = this.s.charCodeAt(this.pos);
      const operandStart = this.pos;
      const operand = this.unary(newlines);
      if (c === '-' && next >= 48 && next <= 57 && operand.kind === 'value' && typeof operand.value === 'number') {
        // hcl2json evaluates a minus applied directly to a number literal.
        if (this.lastEnd !== this.numberEnd || operand.value === 0) return { kind: 'decline' };
        return { kind: 'value', value: -operand.value };
      }
      if (operand.kind === 'other' && operandStart < this.pos) return OTHER;
      return { kind: 'decline' };
    }
    return this.postfix(newlines);
  }

  private numberEnd = -1;

  private postfix(newlines: boolean): Expr {
    let e = this.primary();
    const s = this.s;
    for (;;) {
      const save = this.pos;
      this.skip(newlines);
      const c = s[this.pos];
      if (c === '.') {
        if (s[this.pos + 1] === '.') {
          this.pos = save;
          return e;
        }
        this.pos++;
        this.skip(newlines);
        if (s[this.pos] === '*') {
          this.pos++;
          this.lastEnd = this.pos;
        } else if (this.ident() === undefined) this.fail('bad attribute access');
        e = OTHER;
      } else if (c === '[') {
        this.pos++;
        // `[*]` is one token: `[ *]` is an error in HCL.
        if (s[this.pos] === '*' && s[this.pos + 1] === ']') this.pos++;
        else {
          this.skip(true);
          this.expr(true);
        }
        this.skip(true);
        if (s[this.pos] !== ']') this.fail('index not closed');
        this.pos++;
        this.lastEnd = this.pos;
        e = OTHER;
      } else {
        this.pos = save;
        return e;
      }
    }
  }

  private primary(): Expr {
    const s = this.s;
    const c = s.charCodeAt(this.pos);
    if (c >= 48 && c <= 57) return { kind: 'value', value: this.number() };
    if (c === 34) return this.quoted();
    if (c === 60 && s.charCodeAt(this.pos + 1) === 60) return this.heredoc();
    if (c === 40) {
      this.pos++;
      this.skip(true);
      this.expr(true);
      this.skip(true);
      if (s[this.pos] !== ')') this.fail('parenthesis not closed');
      this.pos++;
      this.lastEnd = this.pos;
      return OTHER;
    }
    if (c === 91) return this.tuple();
    if (c === 123) return this.object();
    const name = this.ident();
    if (name === undefined) this.fail('expected an expression');
    if (name === 'true' || name === 'false') return { kind: 'value', value: name === 'true' };
    if (name === 'null') return { kind: 'value', value: null };
    if (KEYWORDS.has(name)) this.fail('keyword as expression');
    if (s[this.pos] === '(') {
      this.call();
      return OTHER;
    }
    if (s[this.pos] === ':' && s[this.pos + 1] === ':') this.fail('namespaced function');
    return OTHER;
  }

  private call(): void {
    const s = this.s;
    this.pos++;
    this.skip(true);
    if (s[this.pos] !== ')') {
      for (;;) {
        this.expr(true);
        this.skip(true);
        if (s.startsWith('...', this.pos)) {
          this.pos += 3;
          this.skip(true);
          if (s[this.pos] !== ')') this.fail('... not last');
          break;
        }
        if (s[this.pos] !== ',') break;
        this.pos++;
        this.skip(true);
        if (s[this.pos] === ')') break;
      }
    }
    if (s[this.pos] !== ')') this.fail('call not closed');
    this.pos++;
    this.lastEnd = this.pos;
  }

  private number(): number {
    const s = this.s;
    const start = this.pos;
    let i = start;
    const digits = (): void => {
      const from = i;
      while (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
      if (i === from) this.fail('malformed number');
    };
    digits();
    if (s[i] === '.' && s.charCodeAt(i + 1) >= 48 && s.charCodeAt(i + 1) <= 57) {
      i++;
      digits();
    }
    if (s[i] === 'e' || s[i] === 'E') {
      i++;
      if (s[i] === '+' || s[i] === '-') i++;
      digits();
    }
    const next = s.charCodeAt(i);
    // `1.` `1x` `0x10` and friends are errors or traversals in HCL.
    if (next === 46 || (next >= 65 && next <= 90) || (next >= 97 && next <= 122) || next === 95) this.fail('number followed by a name');
    const text = s.slice(start, i);
    const mantissa = text.replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '');
    const exp = /[eE]([+-]?\d+)$/.exec(text);
    // Beyond 15 significant digits or huge exponents, rounding through Go's big floats is not pinned.
    if (mantissa.length > 15 || (exp && Math.abs(Number(exp[1])) > 200)) this.fail('number precision');
    this.pos = i;
    this.lastEnd = i;
    this.numberEnd = i;
    return Number(text);
  }

  private tuple(): Expr {
    const s = this.s;
    this.pos++;
    this.skip(true);
    if (this.keywordAhead('for')) {
      this.forExpr(']');
      return OTHER;
    }
    const items: Json[] = [];
    while (s[this.pos] !== ']') {
      items.push(this.value(true));
      this.skip(true);
      if (s[this.pos] === ',') {
        this.pos++;
        this.skip(true);
      } else if (s[this.pos] !== ']') this.fail('tuple separator');
    }
    this.pos++;
    this.lastEnd = this.pos;
    return { kind: 'value', value: items };
  }

  private keywordAhead(word: string): boolean {
    const s = this.s;
    if (!s.startsWith(word, this.pos)) return false;
    const d = s.charCodeAt(this.pos + word.length);
    return !isNameChar(d);
  }

  /** `for k, v in coll : result (=> value ...)? (if cond)?` up to the closing bracket. */
  private forExpr(close: string): void {
    const s = this.s;
    this.pos += 3;
    this.skip(true);
    if (this.ident() === undefined) this.fail('for variable');
    this.skip(true);
    if (s[this.pos] === ',') {
      this.pos++;
      this.skip(true);
      if (this.ident() === undefined) this.fail('for variable');
      this.skip(true);
    }
    if (!this.keywordAhead('in')) this.fail('for without in');
    this.pos += 2;
    this.skip(true);
    this.expr(true);
    this.skip(true);
    if (s[this.pos] !== ':') this.fail('for without :');
    this.pos++;
    this.skip(true);
    this.expr(true);
    this.skip(true);
    if (close === '}') {
      if (!s.startsWith('=>', this.pos)) this.fail('object for without =>');
      this.pos += 2;
      this.skip(true);
      this.expr(true);
      this.skip(true);
      if (s.startsWith('...', this.pos)) {
        this.pos += 3;
        this.skip(true);
      }
    }
    if (this.keywordAhead('if')) {
      this.pos += 2;
      this.skip(true);
      this.expr(true);
      this.skip(true);
    }
    if (s[this.pos] !== close) this.fail('for not closed');
    this.pos++;
    this.lastEnd = this.pos;
  }

  private object(): Expr {
    const s = this.s;
    this.pos++;
    this.skip(true);
    if (this.keywordAhead('for')) {
      this.forExpr('}');
      return OTHER;
    }
    const out = new Map<string, Json>();
    for (;;) {
      this.skip(true);
      if (s[this.pos] === '}') break;
      let key: string;
      const c = s[this.pos];
      if (c === '"') {
        const unnormalized = this.unnormalized;
        const k = this.quoted();
        if (this.unnormalized !== unnormalized) this.fail('key not in Unicode NFC');
        if (k.kind !== 'value' || typeof k.value !== 'string' || k.value.includes('{')) this.fail('object key needs care');
        key = k.value;
      } else if (c === '(') {
        const start = this.pos;
        this.primary();
        key = `\${${s.slice(start, this.lastEnd)}}`;
      } else {
        const name = this.ident();
        if (name === undefined || KEYWORDS.has(name)) this.fail('object key');
        key = name;
      }
      this.skip(false);
      const sep = s[this.pos];
      if (!((sep === '=' && s[this.pos + 1] !== '=' && s[this.pos + 1] !== '>') || sep === ':')) this.fail('object key separator');
      this.pos++;
      if (out.has(key)) this.fail('repeated object key');
      checkKey(key, this);
      out.set(key, this.value(false));
      if (this.pos === this.heredocEnd) continue;
      this.skip(false);
      const d = s[this.pos];
      if (d === ',') this.pos++;
      else if (d === '\n' || d === '\r') this.skip(true);
      else if (d !== '}') this.fail('object separator');
    }
    this.pos++;
    this.lastEnd = this.pos;
    return { kind: 'value', value: sorted(out) };
  }

  /** A quoted template: a plain string, or literal text mixed with `${reference}` interpolations. */
  private quoted(): Expr {
    const s = this.s;
    this.pos++;
    let out = '';
    let run = this.pos;
    let interpolated = false;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === 34) break;
      if (Number.isNaN(c) || c === 10 || c === 13) this.fail('unterminated string');
      if (c < 32 && c !== 9) this.fail('control character in string');
      if (c === 92) {
        out += s.slice(run, this.pos);
        out += this.escape();
        run = this.pos;
      } else if ((c === 36 || c === 37) && s.charCodeAt(this.pos + 1) === 123) {
        if (c === 37) this.fail('template directive');
        out += s.slice(run, this.pos);
        this.interpolation(false);
        interpolated = true;
        out += `\${${this.interpolationText}}`;
        run = this.pos;
      } else if ((c === 36 || c === 37) && s.charCodeAt(this.pos + 1) === c && s.charCodeAt(this.pos + 2) === 123) {
        // `$${` and `%%{` are escapes, but hcl2json writes them escaped again (as Terraform JSON
        // needs), so the source text is the output.
        this.pos += 3;
      } else this.pos++;
    }
    out += s.slice(run, this.pos);
    this.pos++;
    this.lastEnd = this.pos;
    return { kind: 'value', value: this.normalized(out, interpolated) };
  }

  private interpolationText = '';

  /** `${ expr }` at pos; sets interpolationText to the expression's own source. */
  private interpolation(heredoc: boolean): void {
    const s = this.s;
    this.pos += 2;
    if (s[this.pos] === '~') this.fail('strip marker');
    this.skip(true);
    const start = this.pos;
    const c = s.charCodeAt(start);
    // Only references, calls and operators on them are pinned (literals, nested templates,
    // conditionals and constructors inside `${}` are rendered in other ways).
    const lead = isNameStart(c);
    const e = this.expr(true);
    const end = this.lastEnd;
    this.skip(true);
    if (s[this.pos] === '~') this.fail('strip marker');
    if (s[this.pos] !== '}') this.fail('interpolation not closed');
    this.pos++;
    if (!lead || e.kind !== 'other') this.fail('interpolation rendering not pinned');
    const text = s.slice(start, end);
    if (heredoc && text.includes('\n')) this.fail('multi-line interpolation in heredoc');
    this.interpolationText = text;
  }

  private escape(): string {
    const decoded = hclEscape(this.s, this.pos);
    if ('error' in decoded) return this.fail(decoded.error);
    this.pos += decoded.length;
    const code = decoded.text.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) this.fail('bad code point');
    // A decoded `${`/`%{` is escaped again by hcl2json: keep the brace check simple by declining.
    if (decoded.text === '$' || decoded.text === '%' || decoded.text === '{') this.fail('escaped template character');
    return decoded.text;
  }

  /** `<<EOF` / `<<-EOF` heredoc up to and including its closing line's newline. */
  private heredoc(): Expr {
    const s = this.s;
    this.pos += 2;
    const strip = s[this.pos] === '-';
    if (strip) this.pos++;
    const marker = this.ident();
    if (marker === undefined) this.fail('heredoc marker');
    if (s[this.pos] === '\r') this.pos++;
    if (s[this.pos] !== '\n') this.fail('heredoc marker not followed by newline');
    this.pos++;
    // Lines of content up to the closing marker line.
    const lines: { start: number; end: number }[] = [];
    let closeEnd = -1;
    for (let at = this.pos; at < s.length; ) {
      const nl = s.indexOf('\n', at);
      if (nl < 0) break; // a closing marker must end with a newline
      const lineEnd = s.charCodeAt(nl - 1) === 13 && nl - 1 >= at ? nl - 1 : nl;
      const line = s.slice(at, lineEnd);
      // The closing marker may be indented (with or without `-`).
      const trimmed = line.replace(/^[ \t]+/, '');
      if (trimmed === marker) {
        closeEnd = nl + 1;
        break;
      }
      if (trimmed.startsWith(marker) && trimmed.trim() === marker) this.fail('heredoc marker with trailing space');
      if (line.includes('\r')) this.fail('carriage return inside heredoc line');
      lines.push({ start: at, end: nl + 1 });
      at = nl + 1;
    }
    if (closeEnd < 0) this.fail('unterminated heredoc');
    let indent = 0;
    if (strip) {
      // `<<-` removes the smallest indent (counted in characters) of the non-empty lines; when
      // those leading characters are not the same on every line (tabs vs spaces) it is not pinned.
      let prefix: string | undefined;
      const indents: string[] = [];
      for (const l of lines) {
        const text = s.slice(l.start, l.end).replace(/\r?\n$/, '');
        if (text === '') continue;
        const ws = /^[ \t]*/.exec(text)?.[0] ?? '';
        if (ws.length === text.length) this.fail('whitespace-only line in indented heredoc');
        indents.push(ws);
        if (prefix === undefined || ws.length < prefix.length) prefix = ws;
      }
      indent = prefix?.length ?? 0;
      for (const ws of indents) if (!ws.startsWith(prefix ?? '')) this.fail('mixed indentation');
    }
    let out = '';
    let interpolated = false;
    for (const l of lines) {
      const blank = l.end - l.start <= 2 && s.slice(l.start, l.end).replace(/\r?\n$/, '') === '';
      this.pos = blank ? l.start : l.start + indent;
      let run = this.pos;
      while (this.pos < l.end) {
        const c = s.charCodeAt(this.pos);
        if ((c === 36 || c === 37) && s.charCodeAt(this.pos + 1) === 123) {
          if (c === 37 || strip) this.fail('heredoc template needs care');
          out += s.slice(run, this.pos);
          this.interpolation(true);
          interpolated = true;
          if (this.pos > l.end) this.fail('interpolation across lines');
          out += `\${${this.interpolationText}}`;
          run = this.pos;
        } else if ((c === 36 || c === 37) && s.charCodeAt(this.pos + 1) === c && s.charCodeAt(this.pos + 2) === 123) {
          this.pos += 3;
        } else if (c < 32 && c !== 9 && c !== 10 && c !== 13) this.fail('control character in heredoc');
        else this.pos++;
      }
      out += s.slice(run, l.end);
    }
    this.pos = closeEnd;
    // The closing newline is not part of the expression's source range.
    this.lastEnd = s.charCodeAt(closeEnd - 2) === 13 ? closeEnd - 2 : closeEnd - 1;
    this.heredocEnd = closeEnd;
    this.heredocs++;
    return { kind: 'value', value: this.normalized(out, interpolated) };
  }

  /**
   * hcl2json gives string literals in Unicode NFC (`e` + U+0301 becomes `é`). Text already in NFC
   * passes; non-ASCII text that would change, or that is split by interpolations (where the
   * normalization boundaries are not pinned), is declined where its value is used.
   */
  private normalized(text: string, interpolated: boolean): string {
    // Counted, not thrown: inside an expression kept as source text, a string is not normalized.
    if (NON_ASCII.test(text) && (interpolated || text.normalize('NFC') !== text)) this.unnormalized++;
    return text;
  }

  declineFor(reason: string): never {
    return this.fail(reason);
  }
}

function checkKey(key: string, p: Parser): void {
  if (key === '__proto__') p.declineFor('__proto__ key');
  for (let i = 0; i < key.length; i++) {
    // Go sorts keys by UTF-8 bytes, JS by UTF-16 units: they agree below the surrogate range.
    if (key.charCodeAt(i) >= 0xd800) p.declineFor('key sort order not pinned');
  }
}

function sorted(map: Map<string, Json>): { [key: string]: Json } {
  const out: { [key: string]: Json } = dict();
  for (const key of [...map.keys()].sort()) out[key] = map.get(key) as Json;
  return out;
}

function addBlock(b: BodyBuilder, name: string, labels: string[], content: Record<string, unknown>, p: Parser): void {
  let entry = b.blocks.get(name);
  if (!entry) {
    entry = { labels: labels.length, root: labels.length === 0 ? [] : new Map() };
    b.blocks.set(name, entry);
  } else if (entry.labels !== labels.length) p.declineFor('block type with differing label counts');
  let node = entry.root;
  labels.forEach((label, i) => {
    checkKey(label, p);
    const map = node as Map<string, unknown>;
    let next = map.get(label);
    if (next === undefined) {
      next = i === labels.length - 1 ? [] : new Map();
      map.set(label, next);
    }
    node = next;
  });
  (node as unknown[]).push(content);
}

function build(b: BodyBuilder, p: Parser): Record<string, unknown> {
  const all = new Map<string, unknown>(b.attrs);
  for (const [name, entry] of b.blocks) {
    checkKey(name, p);
    all.set(name, materialize(entry.root));
  }
  const out: Record<string, unknown> = dict();
  for (const key of [...all.keys()].sort()) out[key] = all.get(key);
  return out;
}

function materialize(node: unknown): unknown {
  if (Array.isArray(node)) return node;
  const map = node as Map<string, unknown>;
  const out: Record<string, unknown> = dict();
  for (const key of [...map.keys()].sort()) out[key] = materialize(map.get(key));
  return out;
}
