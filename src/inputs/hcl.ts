import { inputError } from '../errors.js';
import { parseHclNative } from './hcl-parse.js';
import { jsonPointer } from './json.js';
import { mapDict } from '../model/dict.js';

/**
 * HCL (`*.tf`) in the shape of Terraform JSON (every block a list, expressions as `${...}`
 * strings), as @cdktf/hcl2json gives it, but no positions: block header lines are found here.
 * The native parser answers for the common subset; for anything it is not sure of (and for
 * malformed HCL, so error messages stay hcl2json's) it declines and hcl2json parses the file.
 */
export async function parseHcl(file: string, text: string): Promise<{ doc: unknown; lines: Map<string, number> }> {
  let doc: unknown;
  try {
    doc = parseHclNative(text);
  } catch {
    // Declined (HclUnsupported), or a native-parser bug: hcl2json stays the authority.
    // Loaded on first use: importing hcl2json starts its Go/wasm runtime (~0.2 s), which runs
    // that only read JSON, or HCL the native parser handles, should not pay.
    const { parse } = await import('@cdktf/hcl2json');
    try {
      doc = toDicts(await parse(file, text));
    } catch (error) {
      throw hclError(error, file);
    }
  }
  return { doc, lines: hclBlockLines(text, file) };
}

/** hcl2json's objects inherit from Object.prototype; every reader expects dicts (see model/dict.ts). */
function toDicts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toDicts);
  if (value === null || typeof value !== 'object') return value;
  return mapDict(value as Record<string, unknown>, toDicts);
}

function hclError(error: unknown, file: string) {
  const message = error instanceof Error ? error.message : String(error);
  // hcl2json: `parse config: [main.tf:2,6-3,1: Invalid expression; Expected the start of an expression, ...]`
  const match = /:(\d+),(\d+)(?:-\d+(?:,\d+)?)?: ([^\]]*)/.exec(message);
  if (match) {
    const reason = (match[3] ?? '').replace(/;\s*/, ': ').trim();
    return inputError(`malformed HCL: ${reason}`, { file, line: Number(match[1]), column: Number(match[2]) }, 'valid Terraform HCL');
  }
  return inputError(`malformed HCL: ${message.replace(/^parse config: /, '')}`, { file }, 'valid Terraform HCL');
}

const LABEL = String.raw`(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_][A-Za-z0-9_-]*))`;
const HEADER = new RegExp(String.raw`^[ \t]*(resource|data)[ \t]+${LABEL}[ \t]+${LABEL}[ \t]*\{`);
const SHORT_HEADER = new RegExp(String.raw`^[ \t]*(resource|data)(?:[ \t]+${LABEL})?[ \t]*\{`);
const MODULE_HEADER = new RegExp(String.raw`^[ \t]*module[ \t]+${LABEL}[ \t]*\{`);

/**
 * Lines of `resource "T" "N" {`, `data "T" "N" {` and `module "N" {` headers, keyed by the same
 * JSON pointers the JSON readers use. Only lines outside any block and outside heredocs count, so
 * a header quoted in a heredoc or nested block is not taken for a real one.
 */
function hclBlockLines(text: string, file = ''): Map<string, number> {
  const lines = new Map<string, number>();
  let depth = 0;
  let heredoc: string | undefined;
  let inComment = false;
  const all = text.split('\n');
  let inLocals = false;
  all.forEach((raw, index) => {
    if (heredoc !== undefined) {
      if (raw.trim() === heredoc) heredoc = undefined;
      return;
    }
    if (depth === 0) inLocals = false;
    // `name = ...` directly inside `locals { }`: the line a local is defined on (for cycle errors).
    if (depth === 1 && inLocals && !inComment) {
      const local = /^[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*=(?!=)/.exec(raw);
      if (local?.[1] !== undefined) {
        const pointer = jsonPointer('locals', local[1]);
        if (!lines.has(pointer)) lines.set(pointer, index + 1);
      }
    }
    if (depth === 0 && !inComment && /^[ \t]*locals[ \t]*\{/.test(raw)) inLocals = true;
    if (depth === 0 && !inComment) {
      const header = HEADER.exec(raw);
      if (header) {
        const [, kind, q1, b1, q2, b2] = header;
        const pointer = jsonPointer(kind ?? 'resource', unquote(q1, b1), unquote(q2, b2));
        if (!lines.has(pointer)) lines.set(pointer, index + 1);
      } else if (SHORT_HEADER.test(raw)) {
        const kind = SHORT_HEADER.exec(raw)?.[1] ?? 'resource';
        throw inputError(
          `${kind} block has fewer than two labels`,
          { file, line: index + 1 },
          `${kind} "TYPE" "NAME" { ... } (Terraform requires both labels)`,
        );
      } else {
        const module = MODULE_HEADER.exec(raw);
        if (module) {
          const pointer = jsonPointer('module', unquote(module[1], module[2]));
          if (!lines.has(pointer)) lines.set(pointer, index + 1);
        }
      }
    }
    // Track brace depth, skipping strings and comments, and notice heredoc starts.
    let inString = false;
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (inComment) {
        if (c === '*' && raw[i + 1] === '/') {
          inComment = false;
          i++;
        }
        continue;
      }
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '#' || (c === '/' && raw[i + 1] === '/')) break;
      else if (c === '/' && raw[i + 1] === '*') {
        inComment = true;
        i++;
      } else if (c === '{') depth++;
      else if (c === '}') depth = Math.max(0, depth - 1);
      else if (c === '<' && raw[i + 1] === '<') {
        const marker = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(raw.slice(i));
        if (marker) {
          heredoc = marker[1];
          break;
        }
      }
    }
  });
  return lines;
}

function unquote(quoted: string | undefined, bare: string | undefined): string {
  if (quoted !== undefined) return JSON.parse(`"${quoted}"`) as string;
  return bare ?? '';
}
