/**
 * The worker thread of api/code-prefetch.ts: walks the code folder and posts the listing of every
 * folder and the summary of every TypeScript/JavaScript file, in batches, while the main thread
 * reads the infrastructure. A file the main thread asks for is answered before the walk goes on,
 * and after the walk the worker waits for requests. It reads through the same source host
 * as the main thread (same symbolic-link and size rules); a file it cannot read or a folder it may
 * not enter is skipped, and the main thread meets it again itself.
 */
import { backgroundTask } from '../inputs/background.js';
import { createFsSourceHost } from '../inputs/source-host.js';
import { summarizeFile } from '../analysis/code/parse.js';
import { isSourceFile } from '../analysis/code/resolve.js';
import { listingKey, type PrefetchData, type PrefetchResult } from './code-prefetch.js';

const task = backgroundTask();
const { root, cwd, maxFiles, maxDepth, maxFileChars, maxTotalChars, batch: batchSize } = task.data as PrefetchData;
const host = createFsSourceHost(root, { cwd });
let batch: [string, PrefetchResult][] = [];
/** Files summarized, by the walk or on request. */
const summarized = new Set<string>();
let chars = 0;

function flush(): void {
  if (batch.length > 0) task.post(batch);
  batch = [];
}

/** Summarizes `path` into the batch; false when it is not ours to parse (too large, unreadable, a link out: the main thread reports it). */
function summarize(path: string): boolean {
  try {
    const text = host.readFile(path);
    if (text === undefined || text.length > maxFileChars) return false;
    summarized.add(path);
    chars += text.length;
    batch.push([path, summarizeFile(path, text)]);
    return true;
  } catch {
    return false;
  }
}

/** Puts the listing of `dir` into the batch (the main thread's host reads it instead of the folder). */
function list(dir: string): void {
  try {
    const listing = host.folderListing(dir);
    if (listing) batch.push([listingKey(dir), [...listing]]);
  } catch {
    // a link leading out of the folder: the main thread meets it itself
  }
}

/** A file the main thread waits for: what is batched goes with it. (It never waits for a listing.) */
function answer(path: string): void {
  if (!summarized.has(path) && isSourceFile(path)) summarize(path);
  flush();
}

function visit(dir: string, depth: number): void {
  list(dir);
  for (const name of host.listDirectory(dir)) {
    task.serveRequest(answer);
    if (summarized.size >= maxFiles || chars >= maxTotalChars) return;
    if (name.startsWith('.') || name === 'node_modules' || /\.zip$/i.test(name)) continue;
    const path = dir === '' ? name : `${dir}/${name}`;
    try {
      if (host.directoryExists(path)) {
        if (depth < maxDepth) visit(path, depth + 1);
      } else if (isSourceFile(path) && !summarized.has(path) && summarize(path) && batch.length >= batchSize) {
        flush();
      }
    } catch {
      // a link leading out of the folder, an unreadable folder: the main thread reports it if it matters
    }
  }
}

visit('', 0);
flush();
task.serveForever(answer);
