/**
 * Which of two builds is faster, on a machine whose speed drifts:
 *
 *   node --import tsx bench/interleave.ts BUILD_A BUILD_B RUNS -- <hybridguard arguments>
 *
 * Each build is a checkout with `dist/` built (a `git worktree` of another commit, with `npm run
 * build`). The command runs with A, then with B, RUNS times, so that both meet the same hours of
 * the machine; prints each build's median and minimum wall time and median CPU time (user +
 * system, from GNU time), measured as `npm run bench` measures.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hasGnuTime, median, run } from './measure.js';

const [a, b, runsText, separator, ...args] = process.argv.slice(2);
const runs = Number(runsText);
const builds = [a, b].map((build) => resolve(build ?? ''));
if (separator !== '--' || !Number.isInteger(runs) || runs < 1 || builds.some((build) => !existsSync(join(build, 'bin', 'hybridguard.js')))) {
  console.error('usage: node --import tsx bench/interleave.ts BUILD_A BUILD_B RUNS -- <hybridguard arguments> (checkouts with dist/ built)');
  process.exit(2);
}
if (!hasGnuTime) console.warn('interleave: no GNU time at /usr/bin/time: wall time only (Debian: apt-get install time)');

const times = builds.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
for (let i = 0; i < runs; i++) {
  for (const [k, build] of builds.entries()) {
    const measured = await run(process.execPath, [join(build, 'bin', 'hybridguard.js'), ...args]);
    times[k]?.wall.push(measured.seconds);
    if (measured.cpuSeconds !== undefined) times[k]?.cpu.push(measured.cpuSeconds);
  }
}

const seconds = (value: number): string => `${value.toFixed(2)} s`;
for (const [k, build] of builds.entries()) {
  const { wall, cpu } = times[k] ?? { wall: [], cpu: [] };
  const cpuText = cpu.length > 0 ? `, CPU median ${seconds(median(cpu))}` : '';
  console.log(`${build}: wall median ${seconds(median(wall))} (min ${seconds(Math.min(...wall))})${cpuText}, ${runs} runs`);
}
