import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInputs, findDefaultInputs } from '../inputs/index.js';
import { readTextFile } from '../inputs/files.js';
import { findFileIn, packageInfo } from '../inputs/project-files.js';
import { loadIamCatalog } from '../inputs/iam-catalog.js';
import { readPolicySources } from '../inputs/policy-files.js';
import { readShippedPolicyCache } from '../inputs/shipped-policies.js';
import { createFsSourceHost } from '../inputs/source-host.js';
import { assignServiceTypes } from '../model/service-types.js';
import type { IamCatalog } from '../model/catalog.js';
import type { ResourceGraph } from '../model/graph.js';
import { checkSuppressionRules, loadConfig, loadPolicies, loadSuppressions } from '../policy/load.js';
import { EMPTY_CONFIG, type Capability, type Policy, type ProjectConfig, type Suppression } from '../model/policy.js';
import { createFacts, type CodeInput } from '../engine/facts.js';
import type { Facts } from '../rules/types.js';
import { runPolicies } from '../engine/run.js';
import { parseBaseline } from '../engine/baseline.js';
import type { RunResults } from '../model/findings.js';

/** The package root (holds package.json and policies/), from both src/api (tsx) and dist/api. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILTIN_POLICY_DIR = join(PACKAGE_ROOT, 'policies');
const PACKAGE = packageInfo(PACKAGE_ROOT);
export const VERSION: string = PACKAGE.version;
/**
 * Where rule docs live on the web, from package.json's `repository` (the docs of the branch
 * they were generated on): reports link there, so a link works in a PR comment or code scanning.
 */
export const RULE_DOCS_URL: string | undefined = PACKAGE.repository ? `${PACKAGE.repository}/blob/main/docs/rules` : undefined;

const CONFIG_NAMES = ['hybridguard.config.yaml', 'hybridguard.config.yml', 'hybridguard.config.json'];

export interface ProgressEvent {
  readonly kind: 'file' | 'stack';
  readonly path: string;
}

export interface ProjectOptions {
  /** INPUT arguments; empty means the nearest cdktf.out, else the current folder. */
  readonly inputs: readonly string[];
  readonly cwd: string;
  /** Project root for handler code (`--code`). */
  readonly code?: string;
  /** Extra policy files or folders (`--policy`). */
  readonly policyPaths?: readonly string[];
  /** Skip the built-in packs (for `policies validate` of a user's own file and for tests). */
  readonly builtinPolicies?: boolean;
  readonly configPath?: string;
  /** A central suppressions file (`--suppressions`), in addition to the config's. */
  readonly suppressionsPath?: string;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** `--var-file`, `--var` and the environment (`TF_VAR_name`) for Terraform root modules. */
  readonly varFiles?: readonly string[];
  readonly vars?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface LoadedPolicies {
  readonly config: ProjectConfig;
  readonly catalog: IamCatalog;
  readonly policies: readonly Policy[];
  readonly capabilities: ReadonlyMap<string, Capability>;
  /** Config suppressions plus the suppressions file, each naming a policy that exists. */
  readonly suppressions: readonly Suppression[];
}

export interface LoadedProject extends LoadedPolicies {
  readonly facts: Facts;
}

export interface CheckOptions extends ProjectOptions {
  readonly baselinePath?: string;
  /** YYYY-MM-DD; defaults to today (UTC). */
  readonly today?: string;
}

export interface CheckRun extends LoadedProject {
  readonly results: RunResults;
}

/** Config, catalog and policies: everything that does not depend on the inputs. Fails fast on a bad policy. */
export function loadPolicySet(options: Omit<ProjectOptions, 'inputs'>): LoadedPolicies {
  const config = loadProjectConfig(options.cwd, options.configPath);
  const catalog = loadIamCatalog();
  const shipped = readShippedPolicyCache();
  const builtin =
    options.builtinPolicies === false
      ? []
      : readPolicySources([BUILTIN_POLICY_DIR], options.cwd).map((s) => {
          const parsed = shipped.get(s.text);
          return { ...s, trusted: true, ...(parsed ? { parsed } : {}) };
        });
  const userPaths = [...config.policies.map((p) => resolve(options.cwd, p)), ...(options.policyPaths ?? [])];
  const user = userPaths.length > 0 ? readPolicySources(userPaths, options.cwd) : [];
  const { policies, capabilities } = loadPolicies([...builtin, ...user], catalog);
  const suppressions = [
    ...config.suppressions,
    ...(options.suppressionsPath ? loadSuppressions(readTextFile(options.suppressionsPath, options.cwd)) : []),
  ];
  checkSuppressionRules(suppressions, policies);
  return { config, catalog, policies, capabilities, suppressions };
}

/** Read the inputs into one graph and prepare the (lazy) analyses. */
export async function loadProject(options: ProjectOptions): Promise<LoadedProject> {
  const loaded = loadPolicySet(options);
  // With code to read, its analysis loads while the infrastructure is read below: the handler
  // files are parsed on the second core, and the analysis modules load in the background.
  const prefetched = options.code ? (await import('./code-prefetch.js')).prefetchSummaries(resolve(options.cwd, options.code), options.cwd) : undefined;
  const codeAnalysis = options.code ? import('../analysis/code/index.js') : undefined;
  codeAnalysis?.catch(() => undefined); // its failure is reported where it is awaited, below
  let graph: ResourceGraph;
  let code: CodeInput | undefined;
  try {
    const inputs = options.inputs.length > 0 ? options.inputs : findDefaultInputs(options.cwd);
    ({ graph } = await readInputs(inputs, {
      cwd: options.cwd,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.varFiles ? { varFiles: options.varFiles } : {}),
      ...(options.vars ? { vars: options.vars } : {}),
      ...(options.env ? { env: options.env } : {}),
    }));
    assignServiceTypes(graph, loaded.config);
    if (options.code && codeAnalysis) {
      const analysis = await codeAnalysis;
      const sources = createFsSourceHost(resolve(options.cwd, options.code), {
        cwd: options.cwd,
        // The worker lists every folder of its walk: the main thread then reads none of them again.
        ...(prefetched ? { listings: (folder: string) => prefetched.listing(folder) } : {}),
      });
      const prepared = analysis.prepareCodeAnalysis(graph, sources, loaded.config, loaded.catalog, prefetched);
      // Python is parsed with tree-sitter's WebAssembly grammar, which loads asynchronously: it and
      // the Python modules load only for a run that reads Python.
      if (prepared.readsPython) await analysis.usePython(await (await import('../inputs/python-grammar.js')).loadPythonGrammar());
      code = prepared;
    }
  } catch (error) {
    // A run that fails here never analyses the code: a long-lived caller keeps no worker parsing it.
    prefetched?.stop();
    throw error;
  }
  const facts = createFacts({
    graph,
    catalog: loaded.catalog,
    capabilities: loaded.capabilities,
    config: loaded.config,
    ...(code ? { code } : {}),
  });
  return { ...loaded, facts };
}

/** The whole `check` pipeline short of printing: inputs -> model -> facts -> policies -> results. */
export async function checkProject(options: CheckOptions): Promise<CheckRun> {
  const project = await loadProject(options);
  const baseline = options.baselinePath
    ? { file: options.baselinePath, baseline: parseBaseline(readTextFile(options.baselinePath, options.cwd)) }
    : undefined;
  const results = runPolicies({
    facts: project.facts,
    policies: project.policies,
    suppressions: project.suppressions,
    ...(baseline ? { baseline } : {}),
    today: options.today ?? new Date().toISOString().slice(0, 10),
    version: VERSION,
    root: resolve(options.cwd),
  });
  return { ...project, results };
}

function loadProjectConfig(cwd: string, configPath: string | undefined): ProjectConfig {
  const path = configPath ?? findFileIn(cwd, CONFIG_NAMES);
  return path ? loadConfig(readTextFile(path, cwd)) : EMPTY_CONFIG;
}
