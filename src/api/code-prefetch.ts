import { BackgroundResults } from '../inputs/background.js';
import { revivedSummary, type FileSummary } from '../analysis/code/parse.js';
import type { PrefetchedSummaries } from '../analysis/code/index.js';

/** What the worker (api/code-prefetch-worker.ts) is given. */
export interface PrefetchData {
  /** The code folder, absolute, and the directory paths are shown relative to. */
  readonly root: string;
  readonly cwd: string;
  /**
   * How much it parses ahead: a code folder may hold far more than the handlers reach, and a pull
   * request may add anything to it. A larger file, or anything past the budget, is left to the
   * main thread, which parses a file only when a handler reaches it.
   */
  readonly maxFiles: number;
  readonly maxDepth: number;
  readonly maxFileChars: number;
  readonly maxTotalChars: number;
  /** Summaries per message. */
  readonly batch: number;
}

/**
 * Parses handler code on the second core while the main thread reads the infrastructure: the
 * code analysis takes every summary the worker has made by the time it needs one, and asks the
 * worker for any other (see inputs/background.ts); what the worker cannot give, it parses itself.
 * The same summaries either way (a pure function of a file's path and text); only the wall time
 * differs. Undefined when running from the TypeScript sources (tests in-process), where there is
 * no worker script to start.
 */
export function prefetchSummaries(root: string, cwd: string): PrefetchedSummaries | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  const data: PrefetchData = { root, cwd, maxFiles: 20_000, maxDepth: 32, maxFileChars: 1_000_000, maxTotalChars: 64_000_000, batch: 32 };
  const results = new BackgroundResults<FileSummary>(new URL('./code-prefetch-worker.js', import.meta.url), data, { maxOldGenerationSizeMb: 256 });
  return {
    take: (file) => {
      const summary = results.take(file);
      return summary && revivedSummary(summary);
    },
    stop: () => results.stop(),
  };
}
