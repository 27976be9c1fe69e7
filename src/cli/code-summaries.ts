import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { SummariesAhead, SummaryAhead } from '../analysis/code/index.js';

/** What the worker posts: summaries, and files asked for that it has no summary of. */
export interface AheadBatch {
  readonly summaries: readonly SummaryAhead[];
  readonly unavailable: readonly string[];
}

/** Slots of the state shared with the worker: batches posted so far (waited on), and 1 once the worker has ended. */
export const AHEAD_BATCHES = 0;
export const AHEAD_FINISHED = 1;

/** Summaries made by a worker thread, and a way to stop it. */
interface CodeSummariesWorker extends SummariesAhead {
  close(): void;
}

/** How long the analysis waits for the worker to post anything before it parses on its own. */
const PATIENCE_MS = 10_000;

/**
 * Parses the handler code in a worker thread (code-summaries-worker.ts) while this thread reads
 * the inputs and runs the infrastructure analyses: on two cores the summaries are ready when the
 * code rules ask for them. A file the analysis reaches before the worker did is asked for first
 * and waited for (no file is parsed twice); a worker that ends or stalls leaves the rest to the
 * analysis, so the worker changes nothing but the time.
 * Only from the built package (dist/): run from TypeScript sources (tsx, vitest) the worker's
 * own source would not load, and the analysis runs on one thread.
 */
export function startCodeSummaries(root: string, cwd: string): CodeSummariesWorker | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  const { port1, port2 } = new MessageChannel();
  const state = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(new URL('./code-summaries-worker.js', import.meta.url), { workerData: { root, cwd, port: port2, state }, transferList: [port2] });
  worker.unref();
  // A worker that fails to start leaves every file to the analysis, which reports any problem itself.
  worker.on('error', () => undefined);
  const ready = new Map<string, SummaryAhead>();
  const unavailable = new Set<string>();
  let abandoned = false;
  /** Reads the batches that arrived, without waiting. */
  const drain = () => {
    for (let received = receiveMessageOnPort(port1); received; received = receiveMessageOnPort(port1)) {
      const batch = received.message as AheadBatch;
      for (const summary of batch.summaries) ready.set(summary.file, summary);
      for (const file of batch.unavailable) unavailable.add(file);
    }
  };
  const found = (file: string): SummaryAhead | undefined => {
    const summary = ready.get(file);
    ready.delete(file);
    return summary;
  };
  return {
    take(file) {
      drain();
      if (ready.has(file)) return found(file);
      if (abandoned || unavailable.has(file) || Atomics.load(state, AHEAD_FINISHED) === 1) return undefined;
      port1.postMessage(file);
      for (;;) {
        const batches = Atomics.load(state, AHEAD_BATCHES);
        drain();
        if (ready.has(file)) return found(file);
        if (unavailable.has(file) || Atomics.load(state, AHEAD_FINISHED) === 1) return undefined;
        if (Atomics.wait(state, AHEAD_BATCHES, batches, PATIENCE_MS) === 'timed-out') {
          abandoned = true;
          return undefined;
        }
      }
    },
    close() {
      port1.close();
      void worker.terminate();
    },
  };
}
