import type { Facts } from '../rules/types.js';
import type { Finding, Result, RuleDescriptor, RunResults } from '../model/findings.js';
import { severityRank } from '../model/findings.js';
import type { Policy, Suppression } from '../model/policy.js';
import { findCheck, readsCode } from '../rules/index.js';
import { applySuppressions } from './suppress.js';
import { MODULE_NOT_ANALYZED, moduleNotAnalyzedFindings } from '../rules/meta/module-not-analyzed.js';
import { applyBaseline, type Baseline } from './baseline.js';
import { findingFingerprint } from './fingerprint.js';
import { completeFinding } from './complete-finding.js';

interface RunOptions {
  readonly facts: Facts;
  readonly policies: readonly Policy[];
  readonly suppressions: readonly Suppression[];
  readonly baseline?: { readonly file: string; readonly baseline: Baseline };
  /** Today's date (YYYY-MM-DD), injected so runs are reproducible and expiry is testable. */
  readonly today: string;
  readonly version: string;
  /** Project root: a finding without an address is identified by its file relative to it. */
  readonly root?: string;
}

/** Evaluate every policy over the facts, then apply suppressions and the baseline. Pure. */
export function runPolicies(options: RunOptions): RunResults {
  // Policies over handler code run last: the handler files are parsed on a worker thread meanwhile
  // (api/code-prefetch.ts), and the later the code is first asked for, the more of it is ready.
  // Findings keep the policies' order.
  const byPolicy: Finding[][] = options.policies.map(() => []);
  const last = options.policies.map((policy) => Number(readsCode(policy.check)));
  const order = [...options.policies.keys()].sort((a, b) => (last[a] ?? 0) - (last[b] ?? 0));
  for (const i of order) {
    const policy = options.policies[i]!;
    const check = findCheck(policy.check);
    if (!check) throw new Error(`policy ${policy.id} names unknown check ${policy.check} (the policy loader should have refused it)`);
    for (const draft of check.run(options.facts, policy)) byPolicy[i]!.push(undecidedOnExistence(completeFinding(policy, draft), options.facts));
  }
  const findings = byPolicy.flat();
  for (const draft of moduleNotAnalyzedFindings(options.facts.graph)) findings.push(completeFinding(MODULE_NOT_ANALYZED, draft));
  const applied = applySuppressions(findings, options.suppressions, options.facts.graph, options.today);
  // Identities relative to the project root, so a checkout elsewhere gives the same fingerprints.
  const suppressed = { ...applied, results: applied.results.map((r) => ({ ...r, fingerprint: findingFingerprint(r, options.root) })) };
  const baselined = options.baseline ? applyBaseline(suppressed.results, options.baseline.baseline) : undefined;
  const results = sortResults(baselined ? baselined.results : suppressed.results);
  const rules = [...options.policies.map(describePolicy), ...suppressed.extraRules, MODULE_NOT_ANALYZED];
  return {
    tool: { name: 'hybridguard', version: options.version },
    rules: rules.sort((a, b) => a.id.localeCompare(b.id)),
    results,
    inputs: options.facts.graph.files.map((f) => f.path).sort(),
    ...(options.baseline && baselined ? { baseline: { file: options.baseline.file, fixed: baselined.fixed } } : {}),
  };
}

/**
 * A finding on a resource that may not exist (its count / for_each is known only after apply),
 * or proved through one, is undecided: it names the expression that decides the existence.
 */
function undecidedOnExistence(finding: Finding, facts: Facts): Finding {
  const addresses = [finding.location.address, ...finding.evidence.map((e) => e.location?.address)];
  let reason: string | undefined;
  let address: string | undefined;
  for (const a of addresses) {
    if (a === undefined) continue;
    const found = facts.graph.get(a)?.unknownExistence;
    if (found !== undefined) {
      reason = found;
      address = a;
      break;
    }
  }
  if (reason === undefined || address === undefined || finding.undecided) return finding;
  return {
    ...finding,
    message: `${finding.message} (if ${address} exists: ${reason})`,
    undecided: true,
    evidence: [...finding.evidence, { kind: 'existence', message: `${address} exists only if ${reason.replace(/ is known only after apply$/, '')} makes it exist, which is known only after apply`, location: facts.graph.get(address)?.location ?? finding.location }],
  };
}

function describePolicy(policy: Policy): RuleDescriptor {
  return {
    id: policy.id,
    name: policy.name,
    severity: policy.severity,
    description: policy.description,
    rationale: policy.rationale,
    remediation: policy.remediation,
    serviceTypes: policy.serviceTypes,
    ...(policy.helpUri ? { helpUri: policy.helpUri } : {}),
  };
}

/** Deterministic order: severity, file, line, address, rule, subject. Same input, same bytes. */
function sortResults(results: readonly Result[]): Result[] {
  return [...results].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      cmp(a.location.file, b.location.file) ||
      (a.location.line ?? 0) - (b.location.line ?? 0) ||
      cmp(a.location.address ?? '', b.location.address ?? '') ||
      cmp(a.ruleId, b.ruleId) ||
      cmp(a.subject ?? '', b.subject ?? '') ||
      cmp(a.message, b.message),
  );
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
