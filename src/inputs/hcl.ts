import { createRequire } from 'node:module';
import { inputError } from '../errors.js';
import { outlineHcl, parseHclFile, type HclBlock } from './hcl-parse.js';
import { jsonPointer } from './json.js';
import { mapDict } from '../model/dict.js';

/**
 * HCL (`*.tf`) in the shape of Terraform JSON (every block a list, expressions as `${...}`
 * strings), as @cdktf/hcl2json gives it, with the lines of its blocks. The native parser answers
 * for the common subset; for anything it is not sure of (and for malformed HCL, so error messages
 * stay hcl2json's) it declines and hcl2json parses the file, which has no positions: the native
 * parser's outline gives them.
 */
export async function parseHcl(file: string, text: string): Promise<{ doc: unknown; lines: Map<string, number> }> {
  let doc: unknown;
  let blocks: HclBlock[];
  try {
    ({ doc, blocks } = parseHclFile(text));
  } catch {
    // Declined (HclUnsupported), or a native-parser bug: hcl2json stays the authority.
    // Loaded on first use: importing hcl2json starts its Go/wasm runtime (~0.2 s), which runs
    // that only read JSON, or HCL the native parser handles, should not pay. Required (it is
    // CommonJS), not `import()`ed: the command's bundle runs from a code cache, where Node 20 has
    // no `import()` (scripts/bundle-cli.mjs), and hcl2json reads its WebAssembly from its own folder.
    const { parse } = createRequire(import.meta.url)('@cdktf/hcl2json') as typeof import('@cdktf/hcl2json');
    try {
      doc = toDicts(await parse(file, text));
    } catch (error) {
      throw hclError(error, file);
    }
    blocks = outlineHcl(text);
  }
  return { doc, lines: blockLines(blocks, file) };
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

/**
 * Lines of `resource "T" "N" {`, `data "T" "N" {` and `module "N" {` headers, and of the
 * attributes of multi-line `locals` blocks (for cycle errors), keyed by the same JSON pointers the
 * JSON readers use; the first wins. Only top-level blocks count, so a header quoted in a heredoc
 * or written in a nested block is not taken for a real one.
 */
function blockLines(blocks: readonly HclBlock[], file: string): Map<string, number> {
  const lines = new Map<string, number>();
  const note = (pointer: string, line: number) => {
    if (!lines.has(pointer)) lines.set(pointer, line);
  };
  for (const block of blocks) {
    const [first, second] = block.labels;
    if (block.type === 'resource' || block.type === 'data') {
      if (block.labels.length < 2) {
        const kind = block.type;
        const expected = `${kind} "TYPE" "NAME" { ... } (Terraform requires both labels)`;
        throw inputError(`${kind} block has fewer than two labels`, { file, line: block.line }, expected);
      }
      if (block.labels.length === 2) note(jsonPointer(block.type, first ?? '', second ?? ''), block.line);
    } else if (block.type === 'module' && block.labels.length === 1) note(jsonPointer('module', first ?? ''), block.line);
    else if (block.type === 'locals') for (const [name, at] of block.attributes) note(jsonPointer('locals', name), at.line);
  }
  return lines;
}
