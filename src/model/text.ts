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
