import { resolve } from 'node:path';

/** The commands whose `--code` folder the policies read (commands/project-options.ts). */
const COMMANDS_READING_CODE = new Set(['check', 'audit', 'baseline', 'query']);

/**
 * Run by bin/hybridguard.js before the CLI's modules load: when the command line names a code
 * folder, its handler files start being parsed on the second core at once. Only a head start: the
 * analysis takes the worker over only for the folder the parsed options name (a guess that
 * misreads the command line costs some parsing, never an answer).
 */
export async function prefetchCodeOf(argv: readonly string[], cwd: string): Promise<void> {
  const folder = codeFolderOf(argv);
  // Loaded only then: a command without code loads none of the code analysis.
  if (folder) (await import('../api/code-prefetch.js')).startPrefetch(resolve(cwd, folder), cwd);
}

/** The `--code` folder of a command that reads one, as commander will read it (the last one given). */
export function codeFolderOf(argv: readonly string[]): string | undefined {
  const command = argv.find((arg) => !arg.startsWith('-'));
  if (command === undefined || !COMMANDS_READING_CODE.has(command)) return undefined;
  let folder: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--code') folder = argv[++i];
    else if (arg.startsWith('--code=')) folder = arg.slice('--code='.length);
  }
  return folder;
}
