/**
 * The worker thread of api/code-prefetch.ts: walks the code folder and posts the summary of every
 * TypeScript/JavaScript file, in batches, while the main thread reads the infrastructure. It reads
 * through the same source host as the main thread (same symbolic-link and size rules); a file it
 * cannot read or a folder it may not enter is skipped, and the main thread meets it again itself.
 */
import { backgroundTask } from '../inputs/background.js';
import { createFsSourceHost } from '../inputs/source-host.js';
import { summarizeFile, type FileSummary } from '../analysis/code/parse.js';
import { isSourceFile } from '../analysis/code/resolve.js';
import type { PrefetchData } from './code-prefetch.js';

const task = backgroundTask();
const { root, cwd, maxFiles, maxDepth, maxFileChars, maxTotalChars, batch: batchSize } = task.data as PrefetchData;
const host = createFsSourceHost(root, { cwd });
let batch: [string, FileSummary][] = [];
let files = 0;
let chars = 0;

function visit(dir: string, depth: number): void {
  for (const name of host.listDirectory(dir)) {
    if (files >= maxFiles || chars >= maxTotalChars) return;
    if (name.startsWith('.') || name === 'node_modules' || /\.zip$/i.test(name)) continue;
    const path = dir === '' ? name : `${dir}/${name}`;
    try {
      if (host.directoryExists(path)) {
        if (depth < maxDepth) visit(path, depth + 1);
      } else if (isSourceFile(path)) {
        const text = host.readFile(path);
        if (text === undefined || text.length > maxFileChars) continue;
        files++;
        chars += text.length;
        batch.push([path, summarizeFile(path, text)]);
        if (batch.length >= batchSize) {
          task.post(batch);
          batch = [];
        }
      }
    } catch {
      // a link leading out of the folder, an unreadable or oversized file: the main thread reports it if it matters
    }
  }
}

visit('', 0);
if (batch.length > 0) task.post(batch);
