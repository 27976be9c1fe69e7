import { HybridguardError } from '../errors.js';
import type { ResourceGraph } from '../model/graph.js';
import { globMatch } from '../model/glob.js';
import type { JsonValue } from '../model/json.js';
import type { Location, Resource } from '../model/types.js';
import type { Suppression } from '../model/policy.js';
import { suppressionsFromAnnotation } from '../policy/load.js';
import type { Finding, Result, RuleDescriptor, SuppressionInfo } from '../model/findings.js';
import { dict } from '../model/dict.js';
import { findingFingerprint } from './fingerprint.js';
import { EXPIRED_SUPPRESSION, UNUSED_SUPPRESSION } from '../model/meta-rules.js';

interface Candidate {
  readonly suppression: Suppression;
  /** Construct annotations apply to exactly their resource. */
  readonly resource?: Resource;
  readonly expired: boolean;
  readonly info: SuppressionInfo;
  used: boolean;
}

/**
 * Match findings against suppressions from files and from construct annotations
 * (`annotations.hybridguard.suppressions` of a resource, as cdk-nag does it). A matched finding
 * stays in the results with `suppression` set. An expired suppression silences nothing and is
 * reported as HG-META-001; one that matched nothing as HG-META-002.
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
    candidates.push({ suppression, expired, info, used: false, ...(resource ? { resource } : {}) });
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

  for (const c of candidates) {
    if (c.expired)
      results.push(
        metaFinding(EXPIRED_SUPPRESSION, c, `suppression of ${describe(c)} expired on ${c.suppression.expires ?? ''}; the finding it silenced counts again`),
      );
    else if (!c.used) results.push(metaFinding(UNUSED_SUPPRESSION, c, `suppression of ${describe(c)} matches no finding`));
  }
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

function describe(c: Candidate): string {
  const s = c.suppression;
  const target = c.resource ? c.resource.address : (s.address ?? 'every resource');
  return `${s.rule} on ${target}${s.subject !== undefined ? ` (subject ${s.subject})` : ''}`;
}

function metaFinding(rule: RuleDescriptor, c: Candidate, message: string): Result {
  const s = c.suppression;
  const declared: Location = c.resource
    ? c.resource.location
    : { file: s.declaredAt.file, ...(s.declaredAt.line !== undefined ? { line: s.declaredAt.line } : {}) };
  const subject = [s.rule, c.resource?.address ?? s.address ?? '*', s.subject ?? ''].join(' ').trim();
  const data: { [key: string]: JsonValue } = dict({ rule: s.rule, reason: s.reason });
  if (s.address !== undefined) data['address'] = s.address;
  if (s.subject !== undefined) data['subject'] = s.subject;
  if (s.owner !== undefined) data['owner'] = s.owner;
  if (s.expires !== undefined) data['expires'] = s.expires;
  return {
    ruleId: rule.id,
    ruleName: rule.name,
    severity: rule.severity,
    message,
    rationale: rule.rationale,
    remediation: rule.remediation,
    location: declared,
    evidence: [
      {
        kind: 'suppression',
        message: `declared at ${c.info.source}${s.owner !== undefined ? `, owner ${s.owner}` : ''}: "${s.reason}"`,
        location: declared,
        data,
      },
    ],
    subject,
    fingerprint: findingFingerprint({ ruleId: rule.id, location: declared, subject }),
  };
}

/** Suppressions a construct wrote into its resource (`"//": {"hybridguard": {"suppressions": [...]}}`). */
function annotationSuppressions(resource: Resource): Suppression[] {
  const hybridguard = resource.annotations?.['hybridguard'];
  if (!hybridguard || typeof hybridguard !== 'object' || Array.isArray(hybridguard)) return [];
  const list = (hybridguard as { readonly [key: string]: JsonValue })['suppressions'];
  if (list === undefined) return [];
  const pointer = `${resource.location.jsonPointer ?? ''}/~1~1/hybridguard/suppressions`;
  const parsed = suppressionsFromAnnotation(list, {
    file: resource.location.file,
    pointer,
    ...(resource.location.line !== undefined ? { line: resource.location.line } : {}),
  });
  if (!Array.isArray(parsed)) {
    throw new HybridguardError(
      'input',
      `${resource.address}: ${parsed.problem}`,
      { file: resource.location.file, ...(resource.location.line !== undefined ? { line: resource.location.line } : {}), field: parsed.field },
      'suppressions with a rule and a reason of at least 10 characters',
    );
  }
  return parsed.map(({ suppression }) => ({
    ...suppression,
    declaredAt: { file: resource.location.file, ...(resource.location.line !== undefined ? { line: resource.location.line } : {}) },
  }));
}
