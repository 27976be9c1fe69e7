import { own } from '../model/dict.js';
/**
 * One HCL string escape, starting at its backslash: `\n \r \t \" \\`, `\uNNNN` and
 * `\UNNNNNNNN`. Shared by the file parser and the expression evaluator, which each decide what
 * a failure means for them.
 */
export function hclEscape(s: string, at: number): { readonly text: string; readonly length: number } | { readonly error: string } {
  const c = s[at + 1];
  const simple = c === undefined ? undefined : own(SIMPLE, c);
  if (simple !== undefined) return { text: simple, length: 2 };
  if (c !== 'u' && c !== 'U') return { error: `unknown escape \\${c ?? ''}` };
  const digits = c === 'u' ? 4 : 8;
  const hex = s.slice(at + 2, at + 2 + digits);
  if (hex.length !== digits || !/^[0-9A-Fa-f]+$/.test(hex)) return { error: 'bad unicode escape' };
  const code = parseInt(hex, 16);
  if (code > 0x10ffff) return { error: 'bad unicode escape' };
  return { text: String.fromCodePoint(code), length: 2 + digits };
}

const SIMPLE: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
