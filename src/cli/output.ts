import { resolve } from 'node:path';
import { writeOutput } from '../inputs/files.js';
import type { CliIo } from './io.js';
import type { ProgressEvent } from '../api/project.js';
import { visibleText } from '../report/common.js';

/** Colour only for a person at a terminal: not when NO_COLOR is set, output is piped, or goes to a file. */
export function useColor(io: CliIo, outputFile: string | undefined): boolean {
  if (outputFileOf(outputFile)) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true;
}

/**
 * Write the whole report to the file (opened only once the report is complete) or to stdout.
 * Control characters and bidi overrides from the inputs are made visible on the way out; a
 * coloured text report (`colored`) has escaped its values itself and carries our own colours.
 */
export function emit(io: CliIo, text: string, outputFile: string | undefined, colored = false): void {
  assertPrototypesIntact();
  const safe = colored ? text : visibleText(text, true);
  const withNewline = safe.endsWith('\n') ? safe : `${safe}\n`;
  const file = outputFileOf(outputFile);
  if (file) writeOutput(resolve(io.cwd, file), withNewline);
  else io.stdout.write(withNewline);
}

/** `--output -` is standard output, as for most command-line tools (`./-` names a file called "-"): undefined then. */
export function outputFileOf(outputFile: string | undefined): string | undefined {
  return outputFile === '-' ? undefined : outputFile;
}

/**
 * A last line of defence against prototype pollution (every map keyed by input text is a dict;
 * see model/dict.ts): if anything wrote to a shared prototype during the run, the verdict cannot
 * be trusted, so nothing is written and the run fails with exit 2 instead of passing.
 */
const PROTOTYPES: readonly object[] = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const members = (p: object): unknown[] =>
  Reflect.ownKeys(p).flatMap((key) => {
    const d = Reflect.getOwnPropertyDescriptor(p, key);
    return [key, d?.value as unknown, d?.get, d?.set];
  });
const ORIGINAL = PROTOTYPES.map(members);
export function assertPrototypesIntact(): void {
  PROTOTYPES.forEach((p, i) => {
    const now = members(p);
    const before = ORIGINAL[i] ?? [];
    if (now.length !== before.length || now.some((m, k) => m !== before[k])) {
      throw new Error('a shared prototype was modified while reading the inputs; no report is written');
    }
  });
}

/** Progress on a TTY only (files parsed, stacks read); never in CI logs or piped output. */
export function progressReporter(io: CliIo): { onProgress?: (event: ProgressEvent) => void; done(): void } {
  if (io.stderr.isTTY !== true || io.env.CI) return { done: () => undefined };
  const counts = { file: 0, stack: 0 };
  let shown = false;
  return {
    onProgress: (event) => {
      counts[event.kind]++;
      shown = true;
      io.stderr.write(`\r\x1b[2Kreading ${counts.file} file(s), ${counts.stack} stack(s): ${visibleText(event.path)}`);
    },
    done: () => {
      if (shown) io.stderr.write('\r\x1b[2K');
    },
  };
}
