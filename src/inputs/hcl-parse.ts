/**
 * A native reader for the common subset of Terraform HCL, producing exactly the JSON value
 * @cdktf/hcl2json's `parse` gives (every block a list of objects keyed by its labels, keys sorted,
 * literals as JSON values, other expressions as `"${<source>}"`). It is only a fast path:
 * whenever it meets a construct whose hcl2json rendering was not pinned by experiment, or input
 * that may be malformed, it throws `HclUnsupported` and the caller asks hcl2json instead (which
 * also owns the error messages for bad HCL). One pass over the text, no backtracking regexes.
 */
import { hclEscape } from './hcl-escape.js';
import { dict } from '../model/dict.js';

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

/** Parses `text` as hcl2json would, or throws `HclUnsupported`. */
export function parseHclNative(text: string): Record<string, unknown> {
  return new Parser(text).file();
}

interface BodyBuilder {
  readonly attrs: Map<string, Json>;
  /** Block type -> label count, and the nested label maps / lists. */
  readonly blocks: Map<string, { labels: number; root: unknown }>;
}

class Parser {
  private pos = 0;
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
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) return undefined;
    let i = start + 1;
    for (;;) {
      const d = s.charCodeAt(i);
      if ((d >= 65 && d <= 90) || (d >= 97 && d <= 122) || (d >= 48 && d <= 57) || d === 95 || d === 45) i++;
      else break;
    }
    if (s.charCodeAt(i) >= 128) this.fail('non-ASCII identifier');
    this.pos = i;
    this.lastEnd = i;
    return s.slice(start, i);
  }

  // ---- bodies ----

  private body(inBlock: boolean): Record<string, unknown> {
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
      this.item(b, false);
      if (!this.atLineEnd()) this.fail('missing newline after item');
    }
    return build(b, this);
  }

  /** One attribute or block; `single` when inside a one-line block `x { a = 1 }`. */
  private item(b: BodyBuilder, single: boolean): void {
    const s = this.s;
    const name = this.ident();
    if (name === undefined) this.fail('expected an identifier');
    this.skip(false);
    if (s[this.pos] === '=' && s[this.pos + 1] !== '=') {
      this.pos++;
      if (b.attrs.has(name) || b.blocks.has(name)) this.fail('repeated name');
      checkKey(name, this);
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
    if (c === 10 || c === 13) content = this.body(true);
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
    return !((d >= 65 && d <= 90) || (d >= 97 && d <= 122) || (d >= 48 && d <= 57) || d === 95 || d === 45);
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
    const lead = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
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
