import type { Finding, FindingDraft, RuleDescriptor } from '../model/findings.js';
import { findingFingerprint } from './fingerprint.js';

/** What a finding takes from its rule: a policy, or one of the engine's own rules (HG-META-*). */
type RuleOfFinding = Pick<RuleDescriptor, 'id' | 'name' | 'severity' | 'rationale' | 'remediation'>;

/** A check's draft made a finding of `rule`: its id, name, severity, texts and fingerprint. */
export function completeFinding(rule: RuleOfFinding, draft: FindingDraft): Finding {
  if (draft.evidence.length === 0) {
    throw new Error(`rule ${rule.id} (${rule.name}) produced a finding without evidence for ${draft.location.address ?? draft.location.file}`);
  }
  return {
    ...draft,
    ruleId: rule.id,
    ruleName: rule.name,
    severity: rule.severity,
    rationale: rule.rationale,
    remediation: draft.remediation ?? rule.remediation,
    fingerprint: findingFingerprint({ ruleId: rule.id, location: draft.location, ...(draft.subject !== undefined ? { subject: draft.subject } : {}) }),
  };
}
