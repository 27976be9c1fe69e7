import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, workerData, type MessagePort, type ResourceLimits } from 'node:worker_threads';

/**
 * Work done on a second core while the main thread does its own: a worker thread posts results
 * by key as it goes, and the main thread takes the ones that have arrived. For a key not yet
 * posted, the main thread asks the worker for it and waits for the answer, which the worker gives
 * before going on with its own order; a worker that does not answer within `ANSWER_WAIT_MS` is not
 * asked again, and what it does not give, the main thread computes itself. Only inputs/ starts
 * threads (see .dependency-cruiser.cjs); what the worker computes is the caller's (`script`).
 */
export class BackgroundResults<T> {
  private readonly received = new Map<string, T>();
  private port: MessagePort | undefined;
  private worker: Worker | undefined;
  private readonly requests = new RequestChannel();
  /** False once the worker let a request wait too long: from then on only what it posts is taken. */
  private answering = true;

  /**
   * Starts `script` with `data` (see `backgroundTask`); without threads, takes nothing. A worker
   * that outgrows `limits` ends alone, and its output never reaches the terminal.
   */
  constructor(script: URL, data: unknown, limits?: ResourceLimits) {
    try {
      const { port1, port2 } = new MessageChannel();
      this.worker = new Worker(script, {
        workerData: { data, port: port2, requests: this.requests.buffer },
        transferList: [port2],
        stdout: true,
        stderr: true,
        ...(limits ? { resourceLimits: limits } : {}),
      });
      // The worker holds no process open, and a failure in it only means the main thread computes
      // everything itself.
      this.worker.on('error', () => this.stop());
      this.worker.unref();
      port1.unref();
      this.port = port1;
    } catch {
      this.stop();
    }
  }

  /** The result for `key`: posted already, or asked for now (undefined when the worker has none). */
  take(key: string): T | undefined {
    const found = this.received.get(key);
    if (found !== undefined) return found;
    this.drain();
    if (this.received.has(key) || !this.port || !this.answering) return this.received.get(key);
    this.answering = this.requests.ask(key, ANSWER_WAIT_MS) && !this.requests.ended();
    this.drain();
    return this.received.get(key);
  }

  /** The result for `key` if the worker has posted it already; never waits. */
  posted(key: string): T | undefined {
    if (!this.received.has(key)) this.drain();
    return this.received.get(key);
  }

  private drain(): void {
    if (!this.port) return;
    for (let message = receiveMessageOnPort(this.port); message; message = receiveMessageOnPort(this.port)) {
      for (const [key, value] of message.message as [string, T][]) this.received.set(key, value);
    }
  }

  /** Ends the worker; what was taken stays, what is still in the port is dropped unread. */
  stop(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.port?.close();
    this.port = undefined;
  }
}

/**
 * How long the main thread waits for the answer to one request. The worker answers between two
 * files, so this bounds the parse of one file it started before the request, or its own start-up
 * (loading the TypeScript compiler, as the main thread would have to).
 */
const ANSWER_WAIT_MS = 2_000;

/** Inside a worker started by `BackgroundResults`: its data, and a way to post results by key. */
export interface BackgroundTask {
  readonly data: unknown;
  post(results: readonly (readonly [string, unknown])[]): void;
  /** Calls `answer` for the main thread's waiting request, if there is one; call it between two units of work. */
  serveRequest(answer: (key: string) => void): void;
  /** After its own work: serves requests until the worker is stopped. */
  serveForever(answer: (key: string) => void): never;
}

export function backgroundTask(): BackgroundTask {
  yieldToMainThread();
  const { data, port, requests } = workerData as { data: unknown; port: MessagePort; requests: SharedArrayBuffer };
  const channel = new RequestChannel(requests);
  // A request is never left waiting on a worker that is gone (a script that threw, for one).
  process.once('exit', () => channel.end());
  const post = (results: readonly (readonly [string, unknown])[]) => port.postMessage(results);
  const serveRequest = (answer: (key: string) => void) => channel.serve(answer);
  return {
    data,
    post,
    serveRequest,
    serveForever(answer) {
      for (;;) {
        channel.awaitRequest();
        serveRequest(answer);
      }
    },
  };
}

/**
 * Lowers this thread's scheduling priority, so that where the machine has fewer free cores than
 * busy threads the main thread, whose work every answer waits for, runs first. On Linux a thread
 * is a task with its own nice value, named by its id under /proc; elsewhere, or when the system
 * refuses, the thread keeps its priority.
 */
function yieldToMainThread(): void {
  try {
    const thread = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(thread) && thread > 0) setPriority(thread, WORKER_NICENESS);
  } catch {
    // not Linux, or not permitted: the same priority as the main thread
  }
}

const WORKER_NICENESS = 10;

/**
 * One request at a time, in shared memory: the main thread writes a key and bumps `REQUEST`; the
 * worker posts what it has for that key on its port, then sets `ANSWERED` to the request's number.
 * The answer's message is in the port before `ANSWERED` moves, so the main thread, woken by it,
 * reads it synchronously. `ENDED` is set when the worker's script has ended.
 */
class RequestChannel {
  readonly buffer: SharedArrayBuffer;
  private readonly control: Int32Array;
  private readonly key: Uint8Array;
  /** The last request this side served (worker side). */
  private served = 0;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(CONTROL_BYTES + MAX_KEY_BYTES)) {
    this.buffer = buffer;
    this.control = new Int32Array(buffer, 0, CONTROL_BYTES / 4);
    this.key = new Uint8Array(buffer, CONTROL_BYTES, MAX_KEY_BYTES);
  }

  /** Main thread: asks for `key` and waits for the answer; false when it did not come in time. */
  ask(key: string, waitMs: number): boolean {
    const { written, read } = ENCODER.encodeInto(key, this.key);
    if (read !== key.length) return true; // a key too long to ask for: the main thread computes it, the worker stays useful
    Atomics.store(this.control, KEY_LENGTH, written);
    const request = Atomics.add(this.control, REQUEST, 1) + 1;
    Atomics.notify(this.control, REQUEST);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const answered = Atomics.load(this.control, ANSWERED);
      if (answered >= request) return true;
      if (this.ended()) return false;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      // `end()` wakes this wait too; a worker killed outright (out of memory) costs the bound once.
      Atomics.wait(this.control, ANSWERED, answered, left);
    }
  }

  ended(): boolean {
    return Atomics.load(this.control, ENDED) !== 0;
  }

  /** Worker: answers the waiting request, if any. */
  serve(answer: (key: string) => void): void {
    const request = Atomics.load(this.control, REQUEST);
    if (request === this.served) return;
    this.served = request;
    const key = DECODER.decode(this.key.slice(0, Atomics.load(this.control, KEY_LENGTH)));
    try {
      answer(key);
    } finally {
      Atomics.store(this.control, ANSWERED, request);
      Atomics.notify(this.control, ANSWERED);
    }
  }

  /** Worker: tells a waiting main thread that no answer will come. */
  end(): void {
    Atomics.store(this.control, ENDED, 1);
    Atomics.notify(this.control, ANSWERED);
  }

  /** Worker: sleeps until a request comes. */
  awaitRequest(): void {
    Atomics.wait(this.control, REQUEST, this.served);
  }
}

const REQUEST = 0;
const ANSWERED = 1;
const KEY_LENGTH = 2;
const ENDED = 3;
const CONTROL_BYTES = 16;
/** Root-relative paths: longer ones are not asked for. */
const MAX_KEY_BYTES = 4096;
const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();
