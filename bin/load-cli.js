// The command's modules, for bin/hybridguard.js: the one-file bundle of dist/ (scripts/bundle-cli.mjs)
// compiled with the V8 code cache written at build time (scripts/write-compile-cache.mjs), or,
// without a bundle of this build of dist/, the ESM build itself. Both are the same code.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedDataVersionTag } from 'node:v8';
import { Script } from 'node:vm';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli');
const BUNDLE = join(CLI, 'hybridguard.bundle.cjs');
/** V8 accepts a cache only from the same V8 and the same flags (bin/v8-tuning.js): one per version tag. */
const cacheFile = () => join(CLI, `hybridguard.bundle.${cachedDataVersionTag()}.v8-cache`);

let loadedFrom;
/**
 * What `loadCli` loaded: `bundle with code cache`, `bundle` or `esm` (undefined before).
 * @public read by test/installed.test.ts
 */
export const cliLoadedFrom = () => loadedFrom;

/**
 * `{ main, prefetchCodeOf }` of cli/main.js and cli/code-prefetch.js. `prefetchCodeOf` is called
 * first (it starts the code worker), so the ESM build loads main.js only after it.
 */
export async function loadCli() {
  const bundle = loadBundle();
  if (bundle) {
    loadedFrom = bundle.script.cachedDataRejected === false ? 'bundle with code cache' : 'bundle';
    return bundle.exports;
  }
  loadedFrom = 'esm';
  const { prefetchCodeOf } = await import('../dist/cli/code-prefetch.js');
  return { prefetchCodeOf, main: async (...args) => (await import('../dist/cli/main.js')).main(...args) };
}

/**
 * The bundle's text and stamp line, when the dist/ build next to it is the one it was made from
 * (scripts/bundle-cli.mjs); undefined otherwise.
 * @public also read by bench/run.ts, which says which build it timed
 */
export function currentBundle() {
  if (!existsSync(BUNDLE)) return undefined;
  const text = readFileSync(BUNDLE, 'latin1');
  const stamp = /^\/\/ hybridguard bundle \S+\n/.exec(text)?.[0];
  return stamp && readFileSync(join(CLI, 'main.js'), 'latin1').endsWith(stamp) ? { text, stamp } : undefined;
}

/** The bundle run (see `currentBundle`). */
function loadBundle() {
  const current = currentBundle();
  if (!current) return undefined;
  const { text, stamp } = current;
  // V8 checks a cache against the source's length only: the key names this very bundle.
  const key = `${process.version} ${process.arch} ${stamp.slice(3)}`;
  const script = new Script(Module.wrap(text), { filename: BUNDLE, cachedData: readCache(key) });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, CLI);
  return { exports: module.exports, script, key };
}

/**
 * The cache's V8 data when its first line is `key` (the form of the TypeScript parser's cache,
 * analysis/code/typescript.ts; this file runs before any of dist/ loads, so it keeps its own reader).
 */
function readCache(key) {
  const file = cacheFile();
  if (!existsSync(file)) return undefined;
  const data = readFileSync(file);
  const newline = data.indexOf(10);
  return data.subarray(0, newline + 1).toString() === key ? data.subarray(newline + 1) : undefined;
}

/**
 * Writes the bundle's code cache after one check of the bundled example, so that the functions a
 * check calls are in it, not only the top level (run by scripts/write-compile-cache.mjs, under the
 * command's V8 tuning). False when there is no bundle of this build.
 */
export async function writeCliCodeCache(root) {
  const bundle = loadBundle();
  if (!bundle) return false;
  const silent = { write: () => true };
  const example = join(root, 'fixtures', 'example');
  const io = { cwd: root, env: {}, stdout: silent, stderr: silent };
  await bundle.exports.main(['check', join(example, 'cdktf.out'), '--code', example, '--format', 'json'], io);
  writeFileSync(cacheFile(), Buffer.concat([Buffer.from(bundle.key), bundle.script.createCachedData()]));
  return true;
}
