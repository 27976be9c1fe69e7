/**
 * hybridguard's programmatic API (`import { check } from 'hybridguard'`): the same pipeline the
 * CLI runs, as typed functions. The CLI (src/cli) and the synth-time check (src/constructs) are
 * thin callers of these; nothing here prints or exits.
 *
 *   const run = await check({ inputs: ['cdktf.out'], cwd: process.cwd(), code: '.' });
 *   if (run.failing.length > 0) console.error(run.render('text'));
 */
import { relative, resolve } from 'node:path';
import type { InferredPolicy } from '../analysis/code/index.js';
import type { WhoCanEntry } from '../analysis/iam/index.js';
import { exposureReport, type ExposureReportEntry } from '../analysis/network/index.js';
import type { Result, RunResults, Severity } from '../model/findings.js';
import { usageError } from '../errors.js';
import { loadIamCatalog } from '../inputs/iam-catalog.js';
import { createFsSourceHost } from '../inputs/source-host.js';
import { isFailing, type Gate } from '../report/common.js';
import { render, type Format, type RenderOptions } from '../report/index.js';
import { checkProject, loadProject, RULE_DOCS_URL, type CheckOptions, type CheckRun, type ProjectOptions } from './project.js';

export { checkProject, loadPolicySet, loadProject, RULE_DOCS_URL, VERSION } from './project.js';
export type { CheckOptions, CheckRun, LoadedPolicies, LoadedProject, ProgressEvent, ProjectOptions } from './project.js';
export { FORMATS, render, type Format, type RenderOptions, type Summary } from '../report/index.js';
export { summarize, type Gate } from '../report/common.js';
export { findingFingerprint } from '../engine/fingerprint.js';
export { HybridguardError } from '../errors.js';
export type { Evidence, Finding, Result, RuleDescriptor, RunResults, Severity, SuppressionInfo } from '../model/findings.js';
export type { Location, ServiceType } from '../model/types.js';
export type { WhoCanEntry } from '../analysis/iam/index.js';
export type { ExposureReportEntry } from '../analysis/network/index.js';
export type { InferredPolicy, InferredStatement } from '../analysis/code/index.js';

/** The findings that fail the gate: unsuppressed, at or above `failOn`, new under a baseline, decided unless `failOnUndecided`. */
export function failingFindings(results: RunResults, gate: Gate): Result[] {
  return results.results.filter((r) => isFailing(r, results, gate));
}

export interface CheckApiOptions extends CheckOptions {
  /** Lowest severity that fails the gate; default: the config's `failOn`, else `error`. */
  readonly failOn?: Severity;
  /** Undecided findings at or above `failOn` fail the gate too. */
  readonly failOnUndecided?: boolean;
}

export interface CheckOutcome extends CheckRun {
  readonly gate: Gate;
  /** Findings that fail the gate; empty when the check passes. */
  readonly failing: readonly Result[];
  /** The report in a format, exactly as `hybridguard check --format FORMAT` writes it (rule links to RULE_DOCS_URL). */
  render(format: Format, options?: Partial<Omit<RenderOptions, 'failOn' | 'failOnUndecided'>>): string;
}

/** `hybridguard check`: read the inputs, run every policy, and say what fails the gate. */
export async function check(given: CheckApiOptions): Promise<CheckOutcome> {
  const options = { ...given, cwd: resolve(given.cwd) };
  const run = await checkProject(options);
  const gate: Gate = { failOn: options.failOn ?? run.config.failOn ?? 'error', failOnUndecided: options.failOnUndecided === true };
  return {
    ...run,
    gate,
    failing: failingFindings(run.results, gate),
    render: (format, renderOptions = {}) =>
      render(format, run.results, { color: false, cwd: options.cwd, ...(RULE_DOCS_URL ? { ruleDocsBaseUrl: RULE_DOCS_URL } : {}), ...renderOptions, ...gate }),
  };
}

export interface WhoCanOptions extends ProjectOptions {
  /** Only principals allowed the action on this ARN. */
  readonly resource?: string;
}

/**
 * `hybridguard query who-can ACTION`: every principal allowed ACTION (case-insensitive, may be a
 * pattern) after Deny, boundaries and NotAction. An action the catalog does not know is a usage error.
 */
export async function whoCan(action: string, options: WhoCanOptions): Promise<readonly WhoCanEntry[]> {
  const project = await loadProject({ ...options, cwd: resolve(options.cwd) });
  const pattern = /[*?]/.test(action);
  const known = pattern ? project.facts.iam().actionsMatching(action)[Symbol.iterator]().next().done === false : project.catalog.action(action) !== undefined;
  if (!/^[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+$/.test(action) || !known) {
    throw usageError(
      `"${action}" ${pattern ? 'matches no IAM action in the catalog' : 'is not an IAM action in the catalog'}`,
      'service:Action or a pattern, e.g. sagemaker:CreateModelPackage or sagemaker:Create*Package',
    );
  }
  return project.facts.iam().whoCan(action, options.resource);
}

/** `hybridguard query exposure`: every resource reachable from the internet, then those that may be (with `undecided`). */
export async function exposure(options: ProjectOptions): Promise<readonly ExposureReportEntry[]> {
  const project = await loadProject({ ...options, cwd: resolve(options.cwd) });
  return exposureReport(project.facts.network(), { includeUndecided: true });
}

export interface InferOptions {
  /** Working directory relative paths are read from; default: the process's. */
  readonly cwd?: string;
  /** Project root of the handler code (imports, tsconfig paths); default: `cwd`. */
  readonly code?: string;
}

/** `hybridguard infer HANDLER`: the least-privilege IAM policy document the handler's code needs. */
export async function infer(handler: string, options: InferOptions = {}): Promise<InferredPolicy> {
  // Loaded here, not with this module: every other command (check without --code) runs without the code analysis.
  const [{ inferHandlerPolicy, usePython }, { loadPythonGrammar }] = await Promise.all([
    import('../analysis/code/index.js'),
    import('../inputs/python-grammar.js'),
  ]);
  await usePython(await loadPythonGrammar());
  const cwd = resolve(options.cwd ?? '.');
  const root = resolve(cwd, options.code ?? '.');
  const entry = relative(root, resolve(cwd, handler)).split('\\').join('/');
  return inferHandlerPolicy(createFsSourceHost(root, { cwd }), entry, loadIamCatalog());
}
