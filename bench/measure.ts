/**
 * Runs a command and measures wall time and peak memory (max RSS of the process tree's largest
 * process, from GNU time `-v`; where GNU time is missing, by sampling /proc/<pid>/status VmHWM).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface Measurement {
  readonly seconds: number;
  /** User plus system CPU time in seconds (undefined without GNU time). */
  readonly cpuSeconds?: number;
  /** Peak resident set size in MiB (undefined when it could not be measured). */
  readonly maxRssMiB?: number;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Keep stdout (for checking answers); otherwise it is discarded so piping costs nothing. */
  readonly captureStdout?: boolean;
}

const GNU_TIME = '/usr/bin/time';
export const hasGnuTime = existsSync(GNU_TIME);

export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<Measurement> {
  const useTime = hasGnuTime;
  const file = useTime ? GNU_TIME : command;
  const argv = useTime ? ['-v', command, ...args] : [...args];
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', options.captureStdout ? 'pipe' : 'ignore', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    let sampledKiB = 0;
    const sampler = useTime
      ? undefined
      : setInterval(() => {
          try {
            const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (match) sampledKiB = Math.max(sampledKiB, Number(match[1]));
          } catch {
            // the process ended between samples
          }
        }, 10);
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (sampler) clearInterval(sampler);
      let stderr = Buffer.concat(err).toString('utf8');
      let maxRssKiB = sampledKiB || undefined;
      let exitCode = code ?? 1;
      let cpuSeconds: number | undefined;
      if (useTime) {
        const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
        const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
        if (user && system) cpuSeconds = Number(user[1]) + Number(system[1]);
        const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
        if (rss) maxRssKiB = Number(rss[1]);
        const status = /Exit status: (\d+)/.exec(stderr);
        if (status) exitCode = Number(status[1]);
        const cut = stderr.indexOf('\tCommand being timed:');
        if (cut >= 0) stderr = stderr.slice(0, cut).replace(/Command exited with non-zero status \d+\n$/, '');
      }
      resolvePromise({
        seconds,
        ...(cpuSeconds !== undefined ? { cpuSeconds } : {}),
        ...(maxRssKiB !== undefined ? { maxRssMiB: maxRssKiB / 1024 } : {}),
        exitCode,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
      });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A positive integer command-line option of a bench script (`--services 1000`), or `fallback` when absent. */
export function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} takes a positive integer`);
  return value;
}
