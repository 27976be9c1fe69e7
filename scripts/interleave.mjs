// Which of two builds is faster, on a machine whose speed drifts: `node scripts/interleave.mjs
// BUILD_A BUILD_B RUNS -- <hybridguard arguments>`, each build a checkout with `dist/` built (a
// `git worktree` of another commit, with `npm run build`). Runs the command with A, then with B,
// RUNS times, so that both meet the same hours of the machine, and prints the median and minimum
// wall time and the median CPU time (user + system, from GNU time, as `npm run bench` measures).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [a, b, runsText, separator, ...args] = process.argv.slice(2);
const runs = Number(runsText);
const builds = [a, b].map((build) => resolve(build ?? ''));
if (separator !== '--' || !Number.isInteger(runs) || runs < 1 || builds.some((build) => !existsSync(join(build, 'bin', 'hybridguard.js')))) {
  console.error('usage: node scripts/interleave.mjs BUILD_A BUILD_B RUNS -- <hybridguard arguments> (checkouts with dist/ built)');
  process.exit(2);
}
if (!existsSync('/usr/bin/time')) {
  console.error('interleave: needs GNU time at /usr/bin/time (Debian: apt-get install time)');
  process.exit(2);
}

const times = builds.map(() => ({ wall: [], cpu: [] }));
for (let run = 0; run < runs; run++) {
  builds.forEach((build, i) => {
    const done = spawnSync('/usr/bin/time', ['-f', '%e %U %S', process.execPath, join(build, 'bin', 'hybridguard.js'), ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    const [wall, user, system] = (done.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    if (![wall, user, system].every(Number.isFinite)) {
      console.error(`interleave: no timing from ${build}:\n${done.stderr}`);
      process.exit(2);
    }
    times[i].wall.push(wall);
    times[i].cpu.push(user + system);
  });
}

const median = (values) => [...values].sort((x, y) => x - y)[Math.floor((values.length - 1) / 2)];
builds.forEach((build, i) => {
  const { wall, cpu } = times[i];
  const seconds = (value) => `${value.toFixed(2)} s`;
  console.log(`${build}: wall median ${seconds(median(wall))} (min ${seconds(Math.min(...wall))}), CPU median ${seconds(median(cpu))}, ${runs} runs`);
});
