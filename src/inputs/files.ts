import { isAscii } from 'node:buffer';
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { HybridguardError, inputError } from '../errors.js';
import { readJson } from './json.js';

/** `path` relative to `cwd` with posix separators, as every location in a finding shows it. */
export function displayPath(path: string, cwd: string): string {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  const rel = relative(cwd, absolute);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
  return sep === '/' ? shown : shown.split(sep).join('/');
}

/** `path` is `dir` or below it (compare real paths, so a symbolic link cannot hide where it leads). */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes bytes as strict UTF-8. A NUL byte, or bytes that are not UTF-8, mean the file is not
 * a text file we can check; the error points at the first bad byte's line.
 */
export function decodeText(bytes: Uint8Array, shownPath: string, expected: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const line = countLines(bytes, nul);
    throw inputError('file is binary (it contains a NUL byte), not text', { file: shownPath, line }, expected);
  }
  // ASCII text (nearly every input) reads the same as UTF-8 or Latin-1; Latin-1 is a plain copy.
  if (isAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  try {
    // A BOM is legal UTF-8 but JSON.parse rejects it: drop it here once for every reader.
    const text = UTF8.decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const bad = firstInvalidUtf8(bytes);
    throw inputError('file is not valid UTF-8 text', { file: shownPath, line: countLines(bytes, bad) }, expected);
  }
}

function countLines(bytes: Uint8Array, end: number): number {
  let line = 1;
  for (let i = 0; i < end; i++) if (bytes[i] === 10) line++;
  return line;
}

/** Offset of the first byte that breaks UTF-8, found with a small state machine (only on the error path). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

/**
 * Reads a UTF-8 text file for any part of hybridguard (inputs, policies, config, baseline).
 * Missing, unreadable, binary and non-UTF-8 files all become a located `HybridguardError`.
 */
export function readTextFile(path: string, cwd: string, expected = 'a UTF-8 text file'): { path: string; text: string } {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  const shown = displayPath(absolute, cwd);
  return { path: shown, text: decodeText(readRegularFile(absolute, shown, expected), shown, expected) };
}

/** Larger than any stack, plan or policy we have seen by two orders of magnitude; a bound on memory. */
const MAX_INPUT_BYTES = 512 * 1024 * 1024;

/**
 * The bytes of a regular file. A FIFO, a device (`/dev/zero`) or a socket would block or never
 * end: they are refused before opening, as is a file larger than `maxBytes`.
 */
export function readRegularFile(absolute: string, shown: string, expected: string, maxBytes = MAX_INPUT_BYTES): Buffer {
  try {
    const stat = statSync(absolute);
    if (stat.isDirectory()) throw inputError(`expected a file but found a folder: ${shown}`, { file: shown }, expected);
    if (!stat.isFile()) throw inputError(`not a regular file (a device, pipe or socket): ${shown}`, { file: shown }, expected);
    if (stat.size > maxBytes) {
      throw inputError(
        `file is too large (${Math.ceil(stat.size / 1048576)} MiB, the limit is ${maxBytes / 1048576} MiB): ${shown}`,
        { file: shown },
        expected,
      );
    }
    return readFileSync(absolute);
  } catch (error) {
    if (error instanceof HybridguardError) throw error;
    throw fileSystemError(error, shown, expected);
  }
}

/** Turns a Node fs error into a user-facing input error naming the path. */
export function fileSystemError(error: unknown, shown: string, expected: string): HybridguardError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return inputError(`path does not exist: ${shown}`, { file: shown }, expected);
  if (code === 'EISDIR') return inputError(`expected a file but found a folder: ${shown}`, { file: shown }, expected);
  if (code === 'EACCES' || code === 'EPERM') return inputError(`permission denied reading ${shown}`, { file: shown }, expected);
  if (code === 'ELOOP') return inputError(`symbolic link loop at ${shown}`, { file: shown }, expected);
  return inputError(`cannot read ${shown}: ${(error as Error).message}`, { file: shown }, expected);
}

/**
 * Writes a finished report to `path` as other tools do: through the path (a symlink is followed,
 * a device such as /dev/null stays a device, an existing file keeps its owner and mode). The
 * report is complete before the file is opened, so nothing is half-written by hybridguard itself;
 * a folder we cannot write to is a usage error naming the path.
 */
export function writeOutput(path: string, text: string): void {
  const target = resolve(path);
  const expected = 'an output path in an existing, writable folder';
  let fd: number | undefined;
  try {
    fd = openSync(target, 'w', 0o644);
    const bytes = Buffer.from(text, 'utf8');
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
    closeSync(fd);
    fd = undefined;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new HybridguardError('usage', `cannot write ${path}: folder ${dirname(target)} does not exist or is not a folder`, { file: path }, expected);
    }
    if (code === 'EISDIR') throw new HybridguardError('usage', `cannot write ${path}: it is a folder`, { file: path }, 'a file path');
    throw new HybridguardError('usage', `cannot write ${path} (${code})`, { file: path }, expected);
  }
}

/**
 * Parses a JSON file (null-prototype objects; a repeated key, deep nesting and syntax errors are
 * input errors at their line and column). Terraform JSON, which repeats block types, has its own
 * reader in inputs/index.ts.
 */
export function parseJson(text: string, shownPath: string, expected: string): unknown {
  return readJson(text, shownPath, { expected }).value;
}
