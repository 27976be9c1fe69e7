import { compareCodeUnits } from '../../model/compare.js';
import type { AppliedPolicy, Principal } from './collect.js';
import type { CapabilityPlans } from './capability-plans.js';
import { RANK, type Decider } from './decider.js';
import type { Decided, Request } from './evaluate.js';
import { dedupeEvidence, toEvaluation } from './evidence.js';
import type { CapabilityGrants, GrantedAction } from './types.js';

/** The answer as a grant, when the principal is allowed the action (outright, conditionally or maybe). */
export function grantedOf(d: Decided<AppliedPolicy>, request: Request): GrantedAction | undefined {
  if (d.decision !== 'allow' && d.decision !== 'conditional' && d.decision !== 'unknown') return undefined;
  const answer = toEvaluation(d, request);
  return {
    action: answer.action,
    decision: d.decision,
    conditions: answer.conditions,
    // Built on first read (see toEvaluation): of a role's whole allowance, only what a finding reports needs it.
    get evidence() {
      return answer.evidence;
    },
  };
}

/** Which actions of a capability the principal holds, each at its best answer over the grant's request contexts. */
export function capabilityGrants(decider: Decider, plans: CapabilityPlans, principal: Principal, capabilityName: string): CapabilityGrants {
  const byAction = new Map<string, GrantedAction>();
  for (const grant of plans.planOf(capabilityName)) {
    for (const [service, actions] of grant.byService) {
      if (!decider.prefilter.mayAllowService(principal, service)) continue;
      for (const action of actions) {
        if (!decider.prefilter.mayAllow(principal, action)) continue;
        const { decided, request } = decider.bestOver(principal, action, grant, grant.alternatives);
        const granted = grantedOf(decided, request);
        if (!granted) continue;
        const previous = byAction.get(granted.action);
        if (!previous || RANK[granted.decision] > RANK[previous.decision]) byAction.set(granted.action, granted);
      }
    }
  }
  const grants = [...byAction.values()].sort((a, b) => compareCodeUnits(a.action, b.action));
  const held = grants.some((g) => g.decision === 'allow');
  return {
    capability: capabilityName,
    actions: grants.map((g) => g.action),
    held,
    conditional: !held && grants.length > 0,
    undecided: grants.some((g) => g.decision === 'unknown'),
    grants,
    evidence: dedupeEvidence(grants.flatMap((g) => g.evidence)),
  };
}
