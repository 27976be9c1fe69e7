/**
 * Worker thread of code-summaries.ts: summarizes the TypeScript, JavaScript and Python files of
 * the code folder (parsed, never run), the files the analysis asks for first, then every other
 * one in name order, and posts the summaries in batches with the text each was made from. A file
 * it cannot read or parse is posted as unavailable: the analysis reads it itself and says why.
 */
import { readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
// The parsers alone, not analysis/code/index.js: the SDK tables stay on the thread that maps calls.
import type { SummaryAhead } from '../analysis/code/index.js';
import { summarizeFile } from '../analysis/code/parse.js';
import { summarizePython } from '../analysis/code/python/parse.js';
import { pythonParser, usePythonParser } from '../analysis/code/python/parser.js';
import { isSourceFile } from '../analysis/code/resolve.js';
import { loadPythonGrammar } from '../inputs/python-grammar.js';
import { createFsSourceHost } from '../inputs/source-host.js';
import { AHEAD_BATCHES, AHEAD_FINISHED, type AheadBatch } from './code-summaries.js';

/** Folders that hold no handler code of the project (dependencies, cdktf's synth output; dot folders too). */
const SKIPPED_FOLDERS = new Set(['node_modules', 'cdktf.out']);
/** A project this large is summarized only in part: the analysis parses the rest as it reaches it. */
const MAX_FILES = 20_000;
const BATCH = 25;

/** Root-relative paths (posix) of the source files under `dir`, in name order. */
function* sourceFiles(dir: string, prefix: string): Generator<string> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory()) yield* sourceFiles(join(dir, entry.name), `${path}/`);
    else if (entry.isFile() && (isSourceFile(path) || path.endsWith('.py'))) yield path;
  }
}

async function summarize(file: string, text: string): Promise<SummaryAhead> {
  if (!file.endsWith('.py')) return { file, text, language: 'typescript', summary: summarizeFile(file, text) };
  usePythonParser(await loadPythonGrammar());
  return { file, text, language: 'python', summary: summarizePython(file, text, pythonParser()) };
}

async function run(root: string, cwd: string, port: MessagePort, state: Int32Array): Promise<void> {
  const host = createFsSourceHost(root, { cwd });
  const done = new Set<string>();
  let summaries: SummaryAhead[] = [];
  let unavailable: string[] = [];
  const post = () => {
    port.postMessage({ summaries, unavailable } satisfies AheadBatch);
    summaries = [];
    unavailable = [];
    Atomics.add(state, AHEAD_BATCHES, 1);
    Atomics.notify(state, AHEAD_BATCHES);
  };
  const summarizeOnce = async (file: string): Promise<void> => {
    if (done.has(file)) return;
    done.add(file);
    try {
      const text = host.readFile(file);
      if (text === undefined) unavailable.push(file);
      else summaries.push(await summarize(file, text));
    } catch {
      unavailable.push(file);
    }
  };
  const walk = sourceFiles(host.root, '');
  for (let count = 0; count < MAX_FILES; count++) {
    // Files the analysis is waiting for come first, and are posted at once.
    let asked = false;
    for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
      const file = message.message as string;
      if (done.has(file)) unavailable.push(file); // posted before, or failed: either way the analysis has its answer
      else await summarizeOnce(file);
      asked = true;
    }
    if (asked) post();
    const next = walk.next();
    if (next.done) break;
    await summarizeOnce(next.value);
    if (summaries.length + unavailable.length >= BATCH) post();
  }
  post();
}

const { root, cwd, port, state } = workerData as { readonly root: string; readonly cwd: string; readonly port: MessagePort; readonly state: Int32Array };
try {
  await run(root, cwd, port, state);
} finally {
  Atomics.store(state, AHEAD_FINISHED, 1);
  Atomics.notify(state, AHEAD_BATCHES);
  port.close();
}
