import type { FindingDraft } from '../../model/findings.js';
import type { JsonValue } from '../../model/json.js';
import type { Suppression } from '../../model/policy.js';
import type { Location, Resource } from '../../model/types.js';
import { dict } from '../../model/dict.js';

/** What became of one suppression in a run: the engine matches suppressions, the suppression rules report on the outcome. */
export interface SuppressionOutcome {
  readonly suppression: Suppression;
  /** The resource whose construct annotation declared it (it applies to that resource only). */
  readonly resource?: Resource;
  /** Where it was declared, for humans: `suppressions.yaml:12` or `construct ai-platform/ingest/role`. */
  readonly source: string;
  /** Past its expiry date: it silenced nothing. */
  readonly expired: boolean;
  /** It silenced at least one finding. */
  readonly used: boolean;
}

/** A finding about a suppression, at its declaration, with the suppression as evidence. */
export function suppressionFinding(outcome: SuppressionOutcome, message: string): FindingDraft {
  const { suppression: s, resource } = outcome;
  const declared: Location = resource
    ? resource.location
    : { file: s.declaredAt.file, ...(s.declaredAt.line !== undefined ? { line: s.declaredAt.line } : {}) };
  const data: { [key: string]: JsonValue } = dict({ rule: s.rule, reason: s.reason });
  if (s.address !== undefined) data['address'] = s.address;
  if (s.subject !== undefined) data['subject'] = s.subject;
  if (s.owner !== undefined) data['owner'] = s.owner;
  if (s.expires !== undefined) data['expires'] = s.expires;
  const owner = s.owner !== undefined ? `, owner ${s.owner}` : '';
  return {
    message,
    location: declared,
    evidence: [{ kind: 'suppression', message: `declared at ${outcome.source}${owner}: "${s.reason}"`, location: declared, data }],
    subject: [s.rule, resource?.address ?? s.address ?? '*', s.subject ?? ''].join(' ').trim(),
  };
}

/** `HG-IAM-002 on aws_iam_role.score (subject sagemaker:CreateModelPackage)`. */
export function describeSuppression(outcome: SuppressionOutcome): string {
  const s = outcome.suppression;
  const target = outcome.resource ? outcome.resource.address : (s.address ?? 'every resource');
  return `${s.rule} on ${target}${s.subject !== undefined ? ` (subject ${s.subject})` : ''}`;
}
