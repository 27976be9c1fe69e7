import { inputError } from '../errors.js';
import { dict, makeDict } from '../model/dict.js';

/**
 * The JSON reader for every input file. `JSON.parse` is not enough for a gate reading files
 * written by whoever opens a pull request:
 * - it keeps only the last of repeated keys, where Terraform's JSON syntax reads a repeated block
 *   type as more blocks (an admin policy in the first `"aws_iam_role_policy"` would vanish);
 * - its objects inherit from `Object.prototype`, so a key such as `constructor` read back from
 *   them finds a function instead of nothing;
 * - its errors carry no line in this Node version, and deep nesting overflows our own walkers.
 * This parser builds dicts (objects without a prototype, see model/dict.ts), hands every repeated key to the caller's policy,
 * stops at a nesting limit with a located error, records the lines of shallow keys (what
 * findings point at) and reports syntax errors at their exact line and column.
 */

type JsonObject = { [key: string]: unknown };

interface JsonReadOptions {
  /** What the file should hold, for error messages. */
  readonly expected: string;
  /**
   * A key seen twice in one object, at `path` (the keys above it). Return the value to keep, or
   * throw. Default: an input error naming both lines.
   */
  readonly onDuplicate?: (duplicate: DuplicateKey) => unknown;
  /** Record the line of every key at this depth or shallower (1 = the top object's keys). */
  readonly keyLineDepth?: number;
}

export interface DuplicateKey {
  readonly path: readonly string[];
  readonly key: string;
  readonly first: unknown;
  readonly second: unknown;
  /** Line of the first occurrence (found again from the text: call it for messages only). */
  firstLine(): number;
  readonly line: number;
}

export interface JsonDocument {
  readonly value: unknown;
  /** JSON pointer (`/resource/aws_iam_role/fn`) -> 1-based line of its key. */
  readonly keyLines: Map<string, number>;
}

/** Deeper than any Terraform, plan or policy document; keeps every recursive walker far from the stack limit. */
const MAX_JSON_DEPTH = 200;

export function escapePointer(segment: string): string {
  return segment.includes('~') || segment.includes('/') ? segment.replace(/~/g, '~0').replace(/\//g, '~1') : segment;
}

export function jsonPointer(...segments: string[]): string {
  return `/${segments.map(escapePointer).join('/')}`;
}

export function readJson(text: string, file: string, options: JsonReadOptions): JsonDocument {
  if (!primed) {
    primed = true;
    // Twice: V8 starts recording what a function does only once it has run a little.
    fastDocument(SCAN_PRIMER, 3);
    fastDocument(SCAN_PRIMER, 3);
  }
  return fastDocument(text, options.keyLineDepth ?? 0) ?? new JsonParser(text, file, options).document();
}

/**
 * The common case, fast: `JSON.parse` (native, ten times faster than any parser written here)
 * when the text is valid JSON, nested no deeper than the limit and repeats no key in any object.
 * One scan of the text counts its keys and records the lines of shallow keys; the parsed tree is
 * copied into dicts counting its own keys. A repeated key leaves fewer keys in the tree than in the
 * text: then, and on any syntax error or too deep nesting, `undefined`, and the exact parser above
 * answers (the caller's duplicate policy, located errors). Same result as that parser otherwise.
 */
function fastDocument(text: string, keyLineDepth: number): JsonDocument | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const keyLines = new Map<string, number>();
  /** Per open container: true for an object. */
  const objects: boolean[] = [];
  /** Per open array: the index of the current item. */
  const indexes: number[] = [];
  /** `pointers[k]`: the pointer of the value at path length k being read (while k <= keyLineDepth). */
  const pointers: string[] = [''];
  let textKeys = 0;
  let line = 1;
  /** Where the next backslash is (strings without one, nearly all, need no escape handling). */
  let nextBackslash = text.indexOf('\\');
  let expectKey = false;
  let itemNext = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === Ch.Newline) {
      line++;
      continue;
    }
    if (c === Ch.Space || c === Ch.Tab || c === Ch.Return || c === Ch.Colon) continue;
    if (c === Ch.CloseBrace || c === Ch.CloseBracket) {
      objects.pop();
      indexes.pop();
      expectKey = false;
      itemNext = false;
      continue;
    }
    if (c === Ch.Comma) {
      const depth = objects.length;
      if (objects[depth - 1]) expectKey = true;
      else {
        indexes[depth - 1] = (indexes[depth - 1] as number) + 1;
        itemNext = true;
      }
      continue;
    }
    const depth = objects.length;
    if (c === Ch.Quote) {
      // The closing quote, found natively; only a string holding a backslash needs `closingQuote`.
      if (nextBackslash >= 0 && nextBackslash <= i) nextBackslash = text.indexOf('\\', i + 1);
      let j = text.indexOf('"', i + 1);
      const escaped = nextBackslash >= 0 && nextBackslash < j;
      if (escaped) j = closingQuote(text, i);
      if (expectKey) {
        textKeys++;
        expectKey = false;
        if (depth <= keyLineDepth) {
          const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
          const pointer = `${pointers[depth - 1] as string}/${escapePointer(key)}`;
          pointers[depth] = pointer;
          keyLines.set(pointer, line);
        }
        i = j;
        continue;
      }
      i = j - 1; // the string is a value: recorded below, then skipped
    }
    // A value starts here (string, number, literal, object or array).
    if (itemNext) {
      itemNext = false;
      if (depth <= keyLineDepth) {
        const pointer = `${pointers[depth - 1] as string}/${indexes[depth - 1] as number}`;
        pointers[depth] = pointer;
        keyLines.set(pointer, line);
      }
    }
    if (c === Ch.Quote) {
      i++;
      continue;
    }
    if (c === Ch.OpenBrace || c === Ch.OpenBracket) {
      if (depth >= MAX_JSON_DEPTH) return undefined;
      const isObject = c === Ch.OpenBrace;
      objects.push(isObject);
      indexes.push(0);
      expectKey = isObject;
      itemNext = !isObject;
    }
  }
  return dictKeys(parsed) === textKeys ? { value: parsed, keyLines } : undefined;
}

/**
 * Turns the objects of a tree fresh from `JSON.parse` into dicts in place (no second tree: nothing
 * else holds them yet) and counts their keys.
 */
function dictKeys(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let keys = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) keys += dictKeys(value[i]);
    return keys;
  }
  makeDict(value);
  for (const key in value) keys += 1 + dictKeys((value as JsonObject)[key]);
  return keys;
}

/**
 * A small text that takes every branch of `fastDocument`'s scan (escaped strings and keys, arrays
 * of several items, every kind of value), scanned once before the first real file. The scan of a
 * large file is compiled by TurboFan while it runs (on-stack replacement); a branch that had not
 * run before that compile throws the compiled loop away the first time it runs, and the scan
 * continues in the interpreter until it is compiled again.
 */
const SCAN_PRIMER = '{\n "a\\"b": [1, -2.5e3, true, null, "x\\"y"],\r\n\t"c": {"d": [], "e": {}}, "f": [[{"g": "h"}], ["i", "j"]]}';
let primed = false;

/** The offset of the quote that closes the string opening at `open`: the first not escaped by an odd run of backslashes. */
function closingQuote(text: string, open: number): number {
  for (let quote = text.indexOf('"', open + 1); quote >= 0; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === Ch.Backslash) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return text.length;
}

/**
 * The members of the JSON object at `start` (its `{`) in a valid JSON text, as spans of the text
 * (`JSON.parse(text.slice(start, end))` is the member's value): one pass that parses no value, for
 * a large file of which a run needs a few members. A repeated key keeps its last span, as
 * `JSON.parse` keeps the last value. For trusted files only: the text is assumed valid JSON.
 */
export function objectMembers(text: string, start: number): Map<string, { readonly start: number; readonly end: number }> {
  const members = new Map<string, { start: number; end: number }>();
  const isSpace = (c: number): boolean => c === Ch.Space || c === Ch.Newline || c === Ch.Return || c === Ch.Tab;
  const isDelimiter = (c: number): boolean => c === Ch.Comma || c === Ch.CloseBrace || c === Ch.CloseBracket;
  const skipSpace = (at: number): number => {
    let i = at;
    while (isSpace(text.charCodeAt(i))) i++;
    return i;
  };
  /** The offset just past the string that opens at `at`. */
  const stringEnd = (at: number): number => Math.min(closingQuote(text, at) + 1, text.length);
  /** The offset just past the value that starts at `at`. */
  const valueEnd = (at: number): number => {
    const first = text.charCodeAt(at);
    if (first === Ch.Quote) return stringEnd(at);
    let i = at;
    if (first !== Ch.OpenBrace && first !== Ch.OpenBracket) {
      // A number or a literal: up to the next delimiter.
      while (i < text.length && !isSpace(text.charCodeAt(i)) && !isDelimiter(text.charCodeAt(i))) i++;
      return i;
    }
    let depth = 0;
    do {
      const c = text.charCodeAt(i);
      if (c === Ch.Quote) {
        i = stringEnd(i);
        continue;
      }
      if (c === Ch.OpenBrace || c === Ch.OpenBracket) depth++;
      else if (c === Ch.CloseBrace || c === Ch.CloseBracket) depth--;
      i++;
    } while (depth > 0 && i < text.length);
    return i;
  };
  let i = skipSpace(start + 1);
  while (text.charCodeAt(i) === Ch.Quote) {
    const keyEnd = stringEnd(i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const valueStart = skipSpace(skipSpace(keyEnd) + 1);
    const end = valueEnd(valueStart);
    members.set(key, { start: valueStart, end });
    i = skipSpace(end);
    if (text.charCodeAt(i) === Ch.Comma) i = skipSpace(i + 1);
  }
  return members;
}

/** A JSON value's line, by pointer, found again on the error path (`/planned_values/root_module/resources/3`). */
export function lineOfPointer(text: string, pointer: string): number | undefined {
  const depth = pointer === '' ? 0 : pointer.split('/').length - 1;
  try {
    const { keyLines } = new JsonParser(text, '', { expected: '', keyLineDepth: depth, onDuplicate: (d) => d.second }).document();
    for (let p = pointer; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) {
      const line = keyLines.get(p);
      if (line !== undefined) return line;
    }
  } catch {
    // the text parsed before; nothing better to say than no line
  }
  return undefined;
}

const enum Ch {
  Tab = 9,
  Newline = 10,
  Return = 13,
  Space = 32,
  Quote = 34,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  E = 69,
  OpenBracket = 91,
  Backslash = 92,
  CloseBracket = 93,
  LowerE = 101,
  OpenBrace = 123,
  CloseBrace = 125,
}

class JsonParser {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private readonly keyLines = new Map<string, number>();
  /** Keys and array indexes above the current value. */
  private readonly path: (string | number)[] = [];
  /** JSON pointers of the keys above, while no deeper than keyLineDepth (`pointers[0]` is the root's). */
  private readonly pointers: string[] = [''];
  private readonly keyLineDepth: number;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly options: JsonReadOptions,
  ) {
    this.keyLineDepth = options.keyLineDepth ?? 0;
  }

  document(): JsonDocument {
    this.space();
    if (this.i >= this.text.length) this.fail('the file is empty', 'a JSON value');
    const value = this.value();
    this.space();
    if (this.i < this.text.length) this.fail(`unexpected ${this.describe()} after the JSON value`, 'the end of the file');
    return { value, keyLines: this.keyLines };
  }

  private value(): unknown {
    const c = this.text.charCodeAt(this.i);
    if (c === Ch.OpenBrace) return this.object();
    if (c === Ch.OpenBracket) return this.array();
    if (c === Ch.Quote) return this.string();
    if (c === Ch.Minus || (c >= Ch.Zero && c <= Ch.Nine)) return this.number();
    if (this.text.startsWith('true', this.i)) return this.word(4, true);
    if (this.text.startsWith('false', this.i)) return this.word(5, false);
    if (this.text.startsWith('null', this.i)) return this.word(4, null);
    return this.fail(`unexpected ${this.describe()}`, 'a JSON value');
  }

  private word<T>(length: number, value: T): T {
    this.i += length;
    return value;
  }

  private enter(): void {
    if (this.path.length >= MAX_JSON_DEPTH) this.fail(`nested too deeply (more than ${MAX_JSON_DEPTH} levels)`, `at most ${MAX_JSON_DEPTH} levels of nesting`);
  }

  private object(): JsonObject {
    this.enter();
    const out: JsonObject = dict();
    this.i++;
    this.space();
    if (this.text.charCodeAt(this.i) === Ch.CloseBrace) {
      this.i++;
      return out;
    }
    for (;;) {
      if (this.text.charCodeAt(this.i) !== Ch.Quote) this.fail(`unexpected ${this.describe()}`, 'a quoted object key');
      const keyLine = this.line;
      const key = this.string();
      this.space();
      if (this.text.charCodeAt(this.i) !== Ch.Colon) this.fail(`unexpected ${this.describe()} after the key ${JSON.stringify(key)}`, 'a colon');
      this.i++;
      this.space();
      this.path.push(key);
      if (this.path.length <= this.keyLineDepth) {
        const pointer = `${this.pointers[this.path.length - 1] as string}/${escapePointer(key)}`;
        this.pointers[this.path.length] = pointer;
        if (!this.keyLines.has(pointer)) this.keyLines.set(pointer, keyLine);
      }
      const value = this.value();
      this.path.pop();
      // No JSON value is undefined, and `out` has no prototype: `in` means "seen in this object".
      if (!(key in out)) out[key] = value;
      else {
        const pointer = this.pointer() + `/${escapePointer(key)}`;
        const firstLine = () => this.keyLines.get(pointer) ?? lineOfPointer(this.text, pointer) ?? keyLine;
        const duplicate: DuplicateKey = { path: this.path.map(String), key, first: out[key], second: value, firstLine, line: keyLine };
        out[key] = this.options.onDuplicate ? this.options.onDuplicate(duplicate) : this.duplicateError(duplicate);
      }
      this.space();
      const c = this.text.charCodeAt(this.i);
      this.i++;
      if (c === Ch.CloseBrace) return out;
      if (c !== Ch.Comma) {
        this.i--;
        this.fail(`unexpected ${this.describe()} in an object`, 'a comma or a closing brace');
      }
      this.space();
    }
  }

  private duplicateError(d: DuplicateKey): never {
    throw inputError(
      `key ${JSON.stringify(d.key)} appears twice in one object (lines ${d.firstLine()} and ${d.line})`,
      { file: this.file, line: d.line },
      'each key once per object',
    );
  }

  private array(): unknown[] {
    this.enter();
    const out: unknown[] = [];
    this.i++;
    this.space();
    if (this.text.charCodeAt(this.i) === Ch.CloseBracket) {
      this.i++;
      return out;
    }
    for (;;) {
      this.path.push(out.length);
      if (this.path.length <= this.keyLineDepth) {
        const pointer = `${this.pointers[this.path.length - 1] as string}/${out.length}`;
        this.pointers[this.path.length] = pointer;
        this.keyLines.set(pointer, this.line);
      }
      out.push(this.value());
      this.path.pop();
      this.space();
      const c = this.text.charCodeAt(this.i);
      this.i++;
      if (c === Ch.CloseBracket) return out;
      if (c !== Ch.Comma) {
        this.i--;
        this.fail(`unexpected ${this.describe()} in an array`, 'a comma or a closing bracket');
      }
      this.space();
    }
  }

  private string(): string {
    const text = this.text;
    const start = this.i + 1;
    let j = start;
    // Fast path: no escapes.
    for (;;) {
      const c = text.charCodeAt(j);
      if (c === Ch.Quote) {
        this.i = j + 1;
        return text.slice(start, j);
      }
      if (c === Ch.Backslash || c < 0x20 || Number.isNaN(c)) break;
      j++;
    }
    let out = text.slice(start, j);
    for (;;) {
      const c = text.charCodeAt(j);
      if (Number.isNaN(c)) {
        this.i = j;
        this.fail('a string is not closed', 'a closing quote');
      }
      if (c === Ch.Quote) {
        this.i = j + 1;
        return out;
      }
      if (c < 0x20) {
        this.i = j;
        this.fail('a raw control character (a line break or tab) inside a string', 'an escape such as \\n or \\t');
      }
      if (c !== Ch.Backslash) {
        out += text[j]!;
        j++;
        continue;
      }
      const e = text[j + 1];
      const simple = e === undefined ? undefined : ESCAPES.get(e);
      if (simple !== undefined) {
        out += simple;
        j += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
        out += String.fromCharCode(parseInt(text.slice(j + 2, j + 6), 16));
        j += 6;
      } else {
        this.i = j;
        this.fail('an invalid escape in a string', 'one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX');
      }
    }
  }

  private number(): number {
    const text = this.text;
    const start = this.i;
    let j = start;
    if (text.charCodeAt(j) === Ch.Minus) j++;
    const digits = () => {
      const from = j;
      while (text.charCodeAt(j) >= Ch.Zero && text.charCodeAt(j) <= Ch.Nine) j++;
      return j - from;
    };
    const intStart = j;
    const intDigits = digits();
    const bad = (what: string) => {
      this.i = j;
      return this.fail(`a malformed number (${what})`, 'a JSON number such as 12, -3.5 or 1e6');
    };
    if (intDigits === 0) bad('no digits');
    if (intDigits > 1 && text.charCodeAt(intStart) === Ch.Zero) {
      this.i = intStart;
      this.fail('a malformed number (a leading zero)', 'a JSON number such as 12, -3.5 or 1e6');
    }
    if (text.charCodeAt(j) === Ch.Dot) {
      j++;
      if (digits() === 0) bad('no digits after the decimal point');
    }
    const e = text.charCodeAt(j);
    if (e === Ch.LowerE || e === Ch.E) {
      j++;
      const sign = text.charCodeAt(j);
      if (sign === Ch.Plus || sign === Ch.Minus) j++;
      if (digits() === 0) bad('no digits in the exponent');
    }
    this.i = j;
    return Number(text.slice(start, j));
  }

  private space(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.i);
      if (c === Ch.Space || c === Ch.Tab || c === Ch.Return) this.i++;
      else if (c === Ch.Newline) {
        this.i++;
        this.line++;
        this.lineStart = this.i;
      } else return;
    }
  }

  private pointer(): string {
    let out = '';
    for (const segment of this.path) out += `/${typeof segment === 'number' ? segment : escapePointer(segment)}`;
    return out;
  }

  private describe(): string {
    if (this.i >= this.text.length) return 'end of file';
    const c = this.text.codePointAt(this.i) ?? 0;
    return c < 0x20 || c === 0x7f ? `character U+${c.toString(16).toUpperCase().padStart(4, '0')}` : `character ${JSON.stringify(String.fromCodePoint(c))}`;
  }

  private fail(message: string, expected: string): never {
    // The file ended too early: point just after its last non-blank character, not at a blank line.
    if (this.i >= this.text.length) {
      this.i = this.text.length;
      while (this.i > 0 && /\s/.test(this.text[this.i - 1] ?? '')) this.i--;
      this.line = 1;
      this.lineStart = 0;
    }
    // A line break inside a string has not moved `line`: count from the last one we passed.
    let line = this.line;
    let lineStart = this.lineStart;
    for (let k = lineStart; k < this.i && k < this.text.length; k++) {
      if (this.text.charCodeAt(k) === Ch.Newline) {
        line++;
        lineStart = k + 1;
      }
    }
    throw inputError(`malformed JSON: ${message}`, { file: this.file, line, column: this.i - lineStart + 1 }, `${expected} (reading ${this.options.expected})`);
  }
}

const ESCAPES = new Map<string, string>([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);
