import { MessageChannel, receiveMessageOnPort, Worker, workerData, type MessagePort, type ResourceLimits } from 'node:worker_threads';

/**
 * Work done on a second core while the main thread does its own: a worker thread posts results
 * by key, and the main thread takes the ones that have arrived, never waiting for one (what has not
 * arrived it computes itself). Only inputs/ starts threads (see .dependency-cruiser.cjs); what the
 * worker computes is the caller's (`script`).
 */
export class BackgroundResults<T> {
  private readonly received = new Map<string, T>();
  private port: MessagePort | undefined;
  private worker: Worker | undefined;

  /**
   * Starts `script` with `data` (see `backgroundTask`); without threads, takes nothing. A worker
   * that outgrows `limits` ends alone, and its output never reaches the terminal.
   */
  constructor(script: URL, data: unknown, limits?: ResourceLimits) {
    try {
      const { port1, port2 } = new MessageChannel();
      this.worker = new Worker(script, {
        workerData: { data, port: port2 },
        transferList: [port2],
        stdout: true,
        stderr: true,
        ...(limits ? { resourceLimits: limits } : {}),
      });
      // The worker is a help, never a reason to wait: it holds no process open, and a failure in it
      // only means the main thread computes everything itself.
      this.worker.on('error', () => this.stop());
      this.worker.unref();
      port1.unref();
      this.port = port1;
    } catch {
      this.stop();
    }
  }

  /** The result for `key` if the worker has posted it by now. */
  take(key: string): T | undefined {
    const found = this.received.get(key);
    if (found !== undefined) return found;
    this.drain();
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

/** Inside a worker started by `BackgroundResults`: its data, and a way to post results by key. */
export function backgroundTask(): { readonly data: unknown; post(results: readonly (readonly [string, unknown])[]): void } {
  const { data, port } = workerData as { data: unknown; port: MessagePort };
  return { data, post: (results) => port.postMessage(results) };
}
