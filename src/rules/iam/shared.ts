import type { Facts } from '../types.js';
import type { Evidence } from '../../model/findings.js';
import type { Policy } from '../../model/policy.js';
import type { Principal } from '../../analysis/iam/index.js';

/** `findingPer` parameter of the capability checks. */
export const findingPerSchema = {
  enum: ['capability', 'action'],
  description:
    'One finding per capability (subject = capability) or per granted action (subject = action, so suppressions can target one action). Default capability.',
};

/** Principals a policy selects: those whose service type it names (every principal when it names none). */
export function selectedPrincipals(facts: Facts, policy: Policy): readonly Principal[] {
  const all = facts.iam().principals;
  if (policy.serviceTypes.length === 0) return all;
  return all.filter((p) => p.serviceType !== undefined && policy.serviceTypes.includes(p.serviceType.type));
}

/** `role aws_iam_role.ingest (function, used by aws_lambda_function.ingest)`; why it has that type is the finding's service-type evidence. */
export function principalLabel(p: Principal): string {
  const kind = p.kind === 'user' ? 'user' : 'role';
  // In parentheses, so that the sentence's verb follows the principal: "role r (function, used by f) holds ...".
  const notes = [...(p.serviceType ? [p.serviceType.type] : []), ...(p.usedBy.length > 0 ? [`used by ${p.usedBy.map((u) => u.address).join(', ')}`] : [])];
  return `${kind} ${p.address}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
}

/** Fields every IAM finding on a principal carries. */
export function principalFinding(p: Principal) {
  return {
    location: p.resource.location,
    ...(p.serviceType ? { serviceType: p.serviceType.type, serviceTypeReason: p.serviceType.reason } : {}),
  };
}

export function serviceTypeEvidence(p: Principal): Evidence[] {
  if (!p.serviceType) return [];
  return [
    {
      kind: 'service-type',
      message: `${p.address} is ${/^[aeiou]/.test(p.serviceType.type) ? 'an' : 'a'} ${p.serviceType.type} (${p.serviceType.source}: ${p.serviceType.reason})`,
      location: p.resource.location,
      data: { type: p.serviceType.type, source: p.serviceType.source, reason: p.serviceType.reason },
    },
  ];
}

/** `a, b, c and 12 more` */
export function listActions(actions: readonly string[], max = 8): string {
  if (actions.length <= max) return actions.join(', ');
  return `${actions.slice(0, max).join(', ')} and ${actions.length - max} more`;
}

/** What an undecided answer waits for: its conditions, else the documents that cannot be read before apply. */
export function pendingOn(conditions: readonly string[], evidence: readonly Evidence[]): string {
  const unreadable = evidence.flatMap((e) => (e.kind === 'unknown-policy' ? [e.message] : []));
  return [...new Set([...conditions, ...unreadable])].join('; ') || 'a policy known only after apply';
}
