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
 * differs. Takes over the worker `startPrefetch` started for the same folder, if any. Undefined
 * when running from the TypeScript sources (tests in-process), where there is no worker script to
 * start.
 */
export function prefetchSummaries(root: string, cwd: string): PrefetchedSummaries | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  const results = early?.root === root && early.cwd === cwd ? early.results : startWorker(root, cwd);
  if (early?.results !== results) early?.results.stop(); // started for another folder: nobody takes it
  early = undefined;
  return {
    take: (file) => {
      const summary = results.take(file);
      return summary && revivedSummary(summary);
    },
    stop: () => results.stop(),
  };
}

/** A worker started by `startPrefetch`, until an analysis of its folder takes it over. */
let early: { readonly root: string; readonly cwd: string; readonly results: BackgroundResults<FileSummary> } | undefined;

/**
 * Starts parsing `root` before anything asks for it: the command line (bin/hybridguard.js) knows
 * the code folder before the CLI's modules load, and the worker's own start-up (about 130 ms)
 * then overlaps theirs. The analysis takes it over through `prefetchSummaries`.
 */
export function startPrefetch(root: string, cwd: string): void {
  if (!import.meta.url.endsWith('.js')) return;
  early?.results.stop();
  early = { root, cwd, results: startWorker(root, cwd) };
}

function startWorker(root: string, cwd: string): BackgroundResults<FileSummary> {
  const data: PrefetchData = { root, cwd, maxFiles: 20_000, maxDepth: 32, maxFileChars: 1_000_000, maxTotalChars: 64_000_000, batch: 32 };
  return new BackgroundResults<FileSummary>(new URL('./code-prefetch-worker.js', import.meta.url), data, { maxOldGenerationSizeMb: 256 });
}
