// Run by `npm run build`, after tsc (and by the fast test suite's setup, over its transpiled
// sources): `node scripts/write-compile-cache.mjs [dist folder]`. Writes what makes every run start
// faster: the V8 code caches of the TypeScript parser (see analysis/code/typescript.js) and of the
// command's bundle (see bin/load-cli.js), and the built-in policies parsed (see
// inputs/shipped-policies.js). Plain JS so that it runs without tsx.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const dist = resolve(process.argv[2] ?? join(root, 'dist'));
const load = (module) => import(pathToFileURL(join(dist, module)).href);

// One code cache for a program using the API (V8's default flags), one for the command's tuning.
const { writeTypeScriptCodeCache } = await load('analysis/code/typescript.js');
writeTypeScriptCodeCache();
(await import('../bin/v8-tuning.js')).applyV8Tuning();
writeTypeScriptCodeCache();

const { parseLocated, positionTable } = await load('policy/parse.js');
const { SHIPPED_POLICY_CACHE } = await load('inputs/shipped-policies.js');
const policyDir = join(root, 'policies');
const entries = readdirSync(policyDir)
  .filter((name) => /\.(ya?ml|json)$/i.test(name))
  .sort()
  .map((name) => {
    const text = readFileSync(join(policyDir, name), 'utf8');
    const doc = parseLocated({ path: name, text }, 'policy');
    return { text, data: doc.data, positions: positionTable(doc) };
  });
writeFileSync(SHIPPED_POLICY_CACHE, JSON.stringify(entries));

// The command's bundle (scripts/bundle-cli.mjs) of dist/, when there is one: only the command runs
// it, always tuned, and its cache is written after a check that reads the policies as above.
if (process.argv[2] === undefined) await (await import('../bin/load-cli.js')).writeCliCodeCache(root);
