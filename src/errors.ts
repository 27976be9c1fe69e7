/**
 * The one error type a user ever sees. Every layer throws `HybridguardError` for bad input,
 * bad policies and bad usage; the CLI prints `format()` and exits 2. Anything else that
 * escapes is a bug in hybridguard, and only `--debug` shows its stack.
 */
export type ErrorKind = 'usage' | 'input' | 'policy' | 'config';

interface ErrorLocation {
  /** Path of the offending file, as the user named it (relative to cwd where possible). */
  readonly file?: string;
  /** 1-based line, where one is known. */
  readonly line?: number;
  /** 1-based column, where one is known. */
  readonly column?: number;
  /** JSON pointer or dotted field inside the file (`/policies/0/severity`). */
  readonly field?: string;
}

export class HybridguardError extends Error {
  override readonly name = 'HybridguardError';
  constructor(
    readonly kind: ErrorKind,
    /** What is wrong, in one sentence. */
    message: string,
    readonly location: ErrorLocation = {},
    /** What was expected instead, in one phrase (`a JSON object with a "resource" key`). */
    readonly expected?: string,
  ) {
    super(message);
  }

  /** `file:line:col: message (field) — expected ...`, the single line the CLI prints. */
  format(): string {
    // Every part may come from the input (a resource name, a path): each stays on one line.
    const file = this.location.file === undefined ? undefined : visibleText(this.location.file);
    const field = this.location.field === undefined ? undefined : visibleText(this.location.field);
    const { line, column } = this.location;
    let where = file ?? '';
    if (file && line !== undefined) where += `:${line}`;
    if (file && line !== undefined && column !== undefined) where += `:${column}`;
    const parts = [where ? `${where}: ` : '', `${this.kind} error: ${visibleText(this.message)}`];
    if (field) parts.push(` (at ${field})`);
    if (this.expected) parts.push(`; expected ${visibleText(this.expected)}`);
    return parts.join('');
  }
}

export const inputError = (message: string, location: ErrorLocation, expected?: string) =>
  new HybridguardError('input', message, location, expected);
export const usageError = (message: string, expected?: string) =>
  new HybridguardError('usage', message, {}, expected);

/** 1-based line and column of a character offset in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Text from the inputs made safe to print: C0 and C1 control characters (an ESC that clears the
 * screen, a CR that overwrites a line), DEL, bidirectional overrides and isolates (which reorder
 * what a reader sees) and line separators become visible `\u001b` escapes. With `keepLines`, LF
 * and tab stay (a whole report); without, a value stays on its line. The escapes are ASCII, so
 * applying this twice changes nothing, and inside a JSON string they decode to the same value.
 */
export function visibleText(text: string, keepLines = false): string {
  return text.replace(keepLines ? UNSAFE_IN_REPORT : UNSAFE_IN_LINE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_REPORT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
