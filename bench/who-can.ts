/**
 * `who-can` inside one process: the time to answer one action (and one action pattern) for every
 * principal of a stack, after reading it (not timed). The target: 500 principals under 1 s.
 *
 *   node --import tsx bench/who-can.ts [--services 500] [--runs 5]
 *
 * Reads `.bench/n<N>` (written by `npm run bench` or `bench/generate.ts`; generated when missing).
 * Each run loads the project afresh, so no answer reuses another run's caches. Prints medians.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject } from '../src/api/project.js';
import { generate } from './generate.js';
import { option } from './measure.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const services = option('--services', 500);
const runs = option('--runs', 5);
const dir = join(ROOT, '.bench', `n${services}`);
if (!existsSync(join(dir, 'cdktf.out'))) generate({ out: dir, services });

const QUESTIONS = ['sagemaker:CreateModelPackage', 's3:GetObject', 'ec2:RunInstances', 'sagemaker:Create*'];
const times = new Map<string, number[]>();
let principals = 0;
const answers = new Map<string, number>();
for (let i = 0; i < runs; i++) {
  const { facts } = await loadProject({ inputs: [join(dir, 'cdktf.out')], cwd: ROOT });
  const iam = facts.iam();
  principals = iam.principals.length;
  for (const q of QUESTIONS) {
    const started = performance.now();
    const answer = iam.whoCan(q);
    times.set(q, [...(times.get(q) ?? []), performance.now() - started]);
    answers.set(q, answer.length);
  }
}
console.log(`N = ${services}: ${principals} principals; median of ${runs} runs, one fresh project per run\n`);
console.log('| who-can | rows | median (ms) | min (ms) |\n|---|---:|---:|---:|');
for (const [q, t] of times) console.log(`| ${q} | ${answers.get(q)} | ${median(t).toFixed(0)} | ${Math.min(...t).toFixed(0)} |`);
