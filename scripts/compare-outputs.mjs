// Whether two builds print the same thing: `node scripts/compare-outputs.mjs BUILD_A BUILD_B`, each
// a checkout with `dist/` built (a `git worktree` of another commit, with `npm run build`). Runs
// `check` of both over the same inputs and compares stdout, stderr and the exit code byte for byte:
// json, text and sarif over the bundled example (with --code), the stacks, the terraform fixtures
// and every rule fixture case (with its config, policy and code); json and text over every KICS
// sample alone in a folder and every folder of .tf in the real-world corpus (../shared/corpus).
// Prints each difference and exits 1 when there is one. Plain JS so that it runs without tsx.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'fixtures');
const CORPUS = join(ROOT, '..', 'shared', 'corpus');
const builds = process.argv.slice(2).map((b) => resolve(b));
if (builds.length !== 2 || builds.some((b) => !existsSync(join(b, 'dist', 'cli', 'main.js')))) {
  console.error('usage: node scripts/compare-outputs.mjs BUILD_A BUILD_B (checkouts with dist/ built)');
  process.exit(2);
}

/** One `check` run: a name, the folder it runs in, its arguments. */
const runs = [];
const add = (name, cwd, args, formats = ['json', 'text', 'sarif']) => {
  for (const format of formats) runs.push({ name: `${name} (${format})`, cwd, args: ['check', ...args, '--format', format] });
};
add('example', join(FIXTURES, 'example'), ['cdktf.out', '--code', '.']);
for (const stack of readdirSync(join(FIXTURES, 'stacks'))) add(`stacks/${stack}`, join(FIXTURES, 'stacks', stack), []);
for (const dir of readdirSync(join(FIXTURES, 'terraform'))) add(`terraform/${dir}`, join(FIXTURES, 'terraform', dir), ['.']);
for (const rule of readdirSync(join(FIXTURES, 'rules'))) {
  for (const name of readdirSync(join(FIXTURES, 'rules', rule))) {
    const dir = join(FIXTURES, 'rules', rule, name);
    if (!statSync(dir).isDirectory()) continue;
    const args = [['cdktf.out', 'main.tf.json', 'plan.json'].find((n) => existsSync(join(dir, n))) ?? '.'];
    if (existsSync(join(dir, 'code'))) args.push('--code', 'code');
    const config = ['hybridguard.config.yaml', 'hybridguard.config.json'].find((n) => existsSync(join(dir, n)));
    if (config) args.push('--config', config);
    if (existsSync(join(dir, 'policy.yaml'))) args.push('--policy', 'policy.yaml');
    add(`rules/${rule}/${name}`, dir, args);
  }
}
const queries = join(CORPUS, 'kics', 'queries');
const samples = mkdtempSync(join(tmpdir(), 'hg-compare-'));
if (existsSync(queries)) {
  for (const query of readdirSync(queries)) {
    const tests = join(queries, query, 'test');
    if (!existsSync(tests)) continue;
    for (const file of readdirSync(tests).filter((f) => f.endsWith('.tf'))) {
      const dir = join(samples, query, file.slice(0, -3));
      mkdirSync(dir, { recursive: true });
      cpSync(join(tests, file), join(dir, 'main.tf'));
      add(`kics/${query}/${file}`, dir, ['.'], ['json', 'text']);
    }
  }
}
const realworld = join(CORPUS, 'realworld');
const walk = (dir) => {
  const entries = readdirSync(dir, { withFileTypes: true });
  if (entries.some((e) => e.isFile() && e.name.endsWith('.tf'))) add(`realworld/${dir.slice(realworld.length + 1)}`, dir, ['.'], ['json', 'text']);
  for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) walk(join(dir, e.name));
};
if (existsSync(realworld)) walk(realworld);

const check = (build, run) =>
  new Promise((done) => {
    const options = { cwd: run.cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 28 };
    execFile(process.execPath, [join(build, 'bin', 'hybridguard.js'), ...run.args], options, (error, stdout, stderr) =>
      done(`${stdout}\n--stderr--\n${stderr}\n--exit-- ${error ? error.code : 0}\n`),
    );
  });

/** A run's name as printed: it comes from corpus file names, so anything but printable ASCII is escaped (controls, bidi overrides). */
const shown = (name) => `"${name.replace(/[^\x20-\x7e]|["\\]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`)}"`;

let next = 0;
let differences = 0;
const worker = async () => {
  for (let run = runs[next++]; run; run = runs[next++]) {
    const [a, b] = [await check(builds[0], run), await check(builds[1], run)];
    if (a !== b) {
      differences++;
      console.log(`differs: ${shown(run.name)}`);
    }
  }
};
await Promise.all([worker(), worker()]);
rmSync(samples, { recursive: true, force: true });
console.log(`${runs.length} runs, ${differences} with different output`);
process.exitCode = differences > 0 ? 1 : 0;
