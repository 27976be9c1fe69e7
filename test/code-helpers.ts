/**
 * Shared set-up for the handler-code tests: read a fixture stack into a graph, load the IAM
 * catalog and the built-in policies, and build facts over a code folder, the way `check --code` does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readInputs } from '../src/inputs/index.js';
import { loadIamCatalog } from '../src/inputs/iam-catalog.js';
import { readPolicySources } from '../src/inputs/policy-files.js';
import { createFsSourceHost } from '../src/inputs/source-host.js';
import { loadPythonGrammar } from '../src/inputs/python-grammar.js';
import { analyzeCode, usePython } from '../src/analysis/code/index.js';
import { assignServiceTypes } from '../src/model/service-types.js';
import { createFacts } from '../src/engine/facts.js';
import type { Facts } from '../src/rules/types.js';
import { runPolicies } from '../src/engine/run.js';
import { loadPolicies } from '../src/policy/load.js';
import { EMPTY_CONFIG, type Policy, type ProjectConfig } from '../src/model/policy.js';
import type { IamCatalog } from '../src/model/catalog.js';
import type { Capability } from '../src/model/policy.js';
import type { RunResults } from '../src/model/findings.js';
import type { SourceHost } from '../src/model/source-host.js';

export const REPO = join(import.meta.dirname, '..');
export const FIXTURES = join(REPO, 'fixtures', 'code');

let shared: { catalog: IamCatalog; policies: readonly Policy[]; capabilities: ReadonlyMap<string, Capability> } | undefined;
export function builtins() {
  if (!shared) {
    const catalog = loadIamCatalog();
    const { policies, capabilities } = loadPolicies(readPolicySources([join(REPO, 'policies')], REPO), catalog);
    shared = { catalog, policies, capabilities };
  }
  return shared;
}

/** Facts over `stackFile` with handler code under `codeRoot`. `config.services` etc. as given. */
export async function factsFor(stackFile: string, codeRoot: string, config: Partial<ProjectConfig> = {}): Promise<Facts> {
  const { catalog, capabilities } = builtins();
  const { graph } = await readInputs([stackFile], { cwd: REPO });
  await usePython(await loadPythonGrammar());
  const full: ProjectConfig = { ...EMPTY_CONFIG, ...config };
  assignServiceTypes(graph, full);
  const sources = createFsSourceHost(codeRoot, { cwd: REPO });
  return createFacts({ graph, catalog, capabilities, config: full, code: { analyze: () => analyzeCode(graph, sources, full, catalog) } });
}

/** A rules fixture (`fixtures/rules/<policy>/<case>/`): main.tf.json or main.tf, code/, optional hybridguard.config.yaml. */
export async function runRuleCase(dir: string, policyNames: readonly string[]): Promise<RunResults> {
  const configFile = join(dir, 'hybridguard.config.yaml');
  const raw = existsSync(configFile) ? (parseYaml(readFileSync(configFile, 'utf8')) as Partial<ProjectConfig>) : {};
  // main.tf.json, or a folder of *.tf (HCL).
  const facts = await factsFor(existsSync(join(dir, 'main.tf.json')) ? join(dir, 'main.tf.json') : dir, join(dir, 'code'), raw);
  const policies = builtins().policies.filter((p) => policyNames.includes(p.name));
  return runPolicies({ facts, policies, suppressions: [], today: '2026-11-28', version: 'test' });
}

/** A read-only project in memory. */
export function memoryHost(files: Record<string, string>): SourceHost {
  const dirs = new Set<string>(['']);
  for (const path of Object.keys(files)) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return {
    root: '/memory',
    readFile: (p) => files[p],
    fileExists: (p) => p in files,
    directoryExists: (p) => dirs.has(p),
    listDirectory: (p) =>
      [
        ...new Set(
          [...Object.keys(files), ...dirs]
            .filter((f) => f !== p && f.startsWith(p === '' ? '' : `${p}/`))
            .map((f) => f.slice(p === '' ? 0 : p.length + 1).split('/')[0]!),
        ),
      ].sort(),
  };
}
