/**
 * Times each analysis inside one process on a generated stack, for the per-analysis targets
 * (IAM of every role, exposure of the whole stack, code of every handler): what a whole-process
 * timing in run.ts cannot separate from start-up and reading.
 *
 *   node --import tsx bench/phases.ts [--services 1000] [--runs 5] [--python] [--shape services|tiny]
 *
 * `--python`: the regular functions' handlers are Python (boto3), read with tree-sitter (`.bench/n<N>-py`).
 * `--shape tiny`: the second generator shape (tiny handler files in import chains, many small
 * policies, findings by the thousand; `.bench/n<N>-tiny`).
 *
 * Reads `.bench/n<N>` (written by `npm run bench` or `bench/generate.ts`; generated when missing).
 * Each run loads the project afresh, so no analysis reuses another run's caches. Prints medians.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject } from '../src/api/project.js';
import { exposureReport } from '../src/analysis/network/index.js';
import { runPolicies } from '../src/engine/run.js';
import { benchDir, generate } from './generate.js';
import { option } from './measure.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');

/** Wall time, and CPU time of the process (all threads: GC included), which a busy shared machine distorts less. */
async function timed<T>(work: () => T | Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const services = option('--services', 1000);
const runs = option('--runs', 5);
const python = process.argv.includes('--python');
const shapeAt = process.argv.indexOf('--shape');
const shape = shapeAt >= 0 ? process.argv[shapeAt + 1] : 'services';
if (shape !== 'services' && shape !== 'tiny') throw new Error('--shape is services or tiny');
const dir = join(ROOT, benchDir(services, { python, shape }));
if (!existsSync(join(dir, 'cdktf.out'))) generate({ out: dir, services, python, shape });

const phases = new Map<string, number[]>();
const cpuTimes = new Map<string, number[]>();
const record = (phase: string, ms: number, cpuMs?: number) => {
  phases.set(phase, [...(phases.get(phase) ?? []), ms]);
  if (cpuMs !== undefined) cpuTimes.set(phase, [...(cpuTimes.get(phase) ?? []), cpuMs]);
};
let counts = '';

for (let i = 0; i < runs; i++) {
  const load = await timed(() => loadProject({ inputs: [join(dir, 'cdktf.out')], cwd: ROOT, code: dir }));
  record('read inputs, resolve references, service types (+ policy packs)', load.ms, load.cpuMs);
  const { facts, policies, suppressions } = load.value;

  const iam = await timed(() => {
    const model = facts.iam();
    let held = 0;
    for (const principal of model.principals)
      for (const capability of facts.capabilities.keys()) if (model.capabilityGrants(principal, capability).held) held++;
    return { principals: model.principals.length, held };
  });
  record(`IAM: every principal x every capability`, iam.ms, iam.cpuMs);

  const network = await timed(() => exposureReport(facts.network(), { includeUndecided: true }).length);
  record('network: exposure of every resource', network.ms, network.cpuMs);

  const code = await timed(() => {
    const model = facts.code();
    return {
      handlers: model?.handlers.length ?? 0,
      files: model?.parsedFiles ?? 0,
      python: model?.handlers.flatMap((h) => h.files).filter((f) => f.endsWith('.py')).length ?? 0,
    };
  });
  record('code: parse and map every handler', code.ms, code.cpuMs);

  const rules = await timed(() => runPolicies({ facts, policies, suppressions, today: '2026-01-01', version: 'bench' }).results.length);
  record('policies over the computed facts', rules.ms, rules.cpuMs);

  counts = `${facts.graph.resources.length} resources; ${iam.value.principals} principals, ${iam.value.held} capabilities held; ${network.value} exposures; ` +
    `${code.value.handlers} handlers, ${code.value.files} files parsed (${code.value.python} Python); ${rules.value} findings`;
}

console.log(`N = ${services}${shape === 'tiny' ? ', tiny shape' : ''} (${counts}); median of ${runs} runs, in one process\n`);
console.log('| phase | median (ms) | min (ms) | median CPU (ms) |\n|---|---:|---:|---:|');
for (const [phase, times] of phases)
  console.log(`| ${phase} | ${median(times).toFixed(0)} | ${Math.min(...times).toFixed(0)} | ${median(cpuTimes.get(phase) ?? [NaN]).toFixed(0)} |`);
