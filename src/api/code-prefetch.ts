import { BackgroundResults } from '../inputs/background.js';
import { revivedSummary, type FileSummary } from '../analysis/code/parse.js';
import type { PrefetchedSummaries } from '../analysis/code/index.js';
import type { EntryKind, FolderListing } from '../inputs/source-host.js';

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

/** The summaries for the code analysis, and the folder listings for the main thread's source host. */
export interface PrefetchedCode extends PrefetchedSummaries {
  /** The listing of a root-relative folder, read by the same rules, if the worker has posted it; undefined: read it here. */
  listing(folder: string): FolderListing | undefined;
}

/** A folder's listing as the worker posts it (a Map is rebuilt from it). */
type ListingEntries = readonly (readonly [string, EntryKind])[];

/** What the worker posts: a file's summary, or (under `listingKey`) a folder's listing. */
export type PrefetchResult = FileSummary | ListingEntries;

/** Results are keyed by root-relative path; a folder's listing by its path after a NUL, which no path holds. */
export const listingKey = (folder: string): string => `\u0000${folder}`;

/**
 * Parses handler code on the second core while the main thread reads the infrastructure: the
 * code analysis takes every summary the worker has made by the time it needs one, and asks the
 * worker for any other (see inputs/background.ts); what the worker cannot give, it parses itself.
 * The same summaries either way (a pure function of a file's path and text); only the wall time
 * differs. Takes over the worker `startPrefetch` started for the same folder, if any. Undefined
 * when running from the TypeScript sources (tests in-process), where there is no worker script to
 * start.
 */
export function prefetchSummaries(root: string, cwd: string): PrefetchedCode | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  const results = early?.root === root && early.cwd === cwd ? early.results : startWorker(root, cwd);
  if (early?.results !== results) early?.results.stop(); // started for another folder: nobody takes it
  early = undefined;
  return {
    take: (file) => {
      const summary = results.take(file) as FileSummary | undefined;
      return summary && revivedSummary(summary);
    },
    // Never waited for: reading a folder here costs less than waiting for the worker to get to it.
    listing: (folder) => {
      const entries = results.posted(listingKey(folder)) as ListingEntries | undefined;
      return entries && new Map(entries);
    },
    stop: () => results.stop(),
  };
}

/** A worker started by `startPrefetch`, until an analysis of its folder takes it over. */
let early: { readonly root: string; readonly cwd: string; readonly results: BackgroundResults<PrefetchResult> } | undefined;

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

function startWorker(root: string, cwd: string): BackgroundResults<PrefetchResult> {
  const data: PrefetchData = { root, cwd, maxFiles: 20_000, maxDepth: 32, maxFileChars: 1_000_000, maxTotalChars: 64_000_000, batch: 32 };
  return new BackgroundResults<PrefetchResult>(new URL('./code-prefetch-worker.js', import.meta.url), data, { maxOldGenerationSizeMb: 256 });
}
