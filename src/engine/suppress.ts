import { HybridguardError } from '../errors.js';
import type { ResourceGraph } from '../model/graph.js';
import { globMatch } from '../model/glob.js';
import type { JsonValue } from '../model/json.js';
import type { Resource } from '../model/types.js';
import type { Suppression } from '../model/policy.js';
import { suppressionsFromAnnotation } from '../policy/load.js';
import type { Finding, Result, RuleDescriptor, SuppressionInfo } from '../model/findings.js';
import type { SuppressionOutcome } from '../rules/meta/shared.js';
import { EXPIRED_SUPPRESSION, expiredSuppressionFindings } from '../rules/meta/expired-suppression.js';
import { UNUSED_SUPPRESSION, unusedSuppressionFindings } from '../rules/meta/unused-suppression.js';
import { completeFinding } from './complete-finding.js';

interface Candidate extends SuppressionOutcome {
  readonly info: SuppressionInfo;
  used: boolean;
}

/**
 * Match findings against suppressions from files and from construct annotations
 * (`annotations.hybridguard.suppressions` of a resource, as cdk-nag does it). A matched finding
 * stays in the results with `suppression` set. An expired suppression silences nothing; the
 * suppression rules (src/rules/meta/) report expired (HG-META-001) and unused (HG-META-002) ones.
 */
export function applySuppressions(
  findings: readonly Finding[],
  suppressions: readonly Suppression[],
  graph: ResourceGraph,
  today: string,
): { results: Result[]; extraRules: RuleDescriptor[] } {
  const candidates: Candidate[] = [];
  const add = (suppression: Suppression, source: string, resource?: Resource): void => {
    const expired = suppression.expires !== undefined && suppression.expires < today;
    const info: SuppressionInfo = {
      reason: suppression.reason,
      ...(suppression.owner !== undefined ? { owner: suppression.owner } : {}),
      ...(suppression.expires !== undefined ? { expires: suppression.expires } : {}),
      source,
    };
    candidates.push({ suppression, source, expired, info, used: false, ...(resource ? { resource } : {}) });
  };
  for (const s of suppressions) add(s, s.declaredAt.line !== undefined ? `${s.declaredAt.file}:${s.declaredAt.line}` : s.declaredAt.file);
  for (const resource of graph.resources) {
    const declared = annotationSuppressions(resource);
    for (const s of declared) add(s, `construct ${resource.location.constructPath ?? resource.address}`, resource);
  }

  // Index by rule id/name so each finding looks only at suppressions of its own rule.
  const byRule = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const list = byRule.get(c.suppression.rule);
    if (list) list.push(c);
    else byRule.set(c.suppression.rule, [c]);
  }

  const results: Result[] = findings.map((finding) => {
    const pool = [...(byRule.get(finding.ruleId) ?? []), ...(finding.ruleName !== finding.ruleId ? (byRule.get(finding.ruleName) ?? []) : [])];
    let chosen: Candidate | undefined;
    for (const c of pool) {
      if (c.expired || !matches(c, finding)) continue;
      c.used = true;
      chosen ??= c;
    }
    return chosen ? { ...finding, suppression: chosen.info } : { ...finding };
  });

  for (const draft of expiredSuppressionFindings(candidates)) results.push(completeFinding(EXPIRED_SUPPRESSION, draft));
  for (const draft of unusedSuppressionFindings(candidates)) results.push(completeFinding(UNUSED_SUPPRESSION, draft));
  return { results, extraRules: [EXPIRED_SUPPRESSION, UNUSED_SUPPRESSION] };
}

function matches(c: Candidate, finding: Finding): boolean {
  const { address, subject } = c.suppression;
  const where = finding.location;
  if (c.resource && where.address !== c.resource.address) return false;
  if (address !== undefined) {
    const hit =
      (where.address !== undefined && globMatch(address, where.address)) ||
      (where.constructPath !== undefined && globMatch(address, where.constructPath)) ||
      globMatch(address, where.file);
    if (!hit) return false;
  }
  // A granular suppression silences one part only (IAM actions compare case-insensitively).
  if (subject !== undefined) return finding.subject !== undefined && finding.subject.toLowerCase() === subject.toLowerCase();
  return true;
}

/** Suppressions a construct wrote into its resource (`"//": {"hybridguard": {"suppressions": [...]}}`). */
function annotationSuppressions(resource: Resource): Suppression[] {
  const hybridguard = resource.annotations?.['hybridguard'];
  if (!hybridguard || typeof hybridguard !== 'object' || Array.isArray(hybridguard)) return [];
  const list = (hybridguard as { readonly [key: string]: JsonValue })['suppressions'];
  if (list === undefined) return [];
  const pointer = `${resource.location.jsonPointer ?? ''}/~1~1/hybridguard/suppressions`;
  const at = resource.location.line !== undefined ? { line: resource.location.line } : {};
  const parsed = suppressionsFromAnnotation(list, { file: resource.location.file, pointer, ...at });
  if (!Array.isArray(parsed)) {
    throw new HybridguardError(
      'input',
      `${resource.address}: ${parsed.problem}`,
      { file: resource.location.file, ...at, field: parsed.field },
      'suppressions with a rule and a reason of at least 10 characters',
    );
  }
  return parsed.map(({ suppression }) => ({
    ...suppression,
    declaredAt: { file: resource.location.file, ...at },
  }));
}
