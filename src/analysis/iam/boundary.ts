import type { Evidence } from '../../model/findings.js';
import { compareCodeUnits } from '../../model/compare.js';
import type { AppliedPolicy, Principal } from './collect.js';
import type { CapabilityPlans } from './capability-plans.js';
import type { Decider } from './decider.js';
import type { Request } from './evaluate.js';
import { boundaryRefusal, boundaryRefusalText, dedupeEvidence, statementEvidence, toEvaluation, unreadableEvidence } from './evidence.js';
import type { BlockedGrant, BoundaryBlockedGrants } from './types.js';

interface BoundaryStop {
  readonly decision: 'blocked' | 'unknown';
  readonly evidence: Evidence[];
  readonly conditions: string[];
}

/**
 * Actions of the capability the identity policies allow (outright, conditionally or maybe) and no
 * identity Deny refuses, that only the permissions boundary stops. Empty without a boundary.
 */
export function boundaryBlockedGrants(decider: Decider, plans: CapabilityPlans, principal: Principal, capabilityName: string): BoundaryBlockedGrants {
  const byAction = new Map<string, BlockedGrant>();
  const boundary = principal.boundary;
  for (const grant of boundary ? plans.planOf(capabilityName) : []) {
    for (const [service, actions] of grant.byService) {
      if (!decider.prefilter.mayAllowService(principal, service)) continue;
      for (const action of actions) {
        if (!boundary || !decider.prefilter.mayAllow(principal, action)) continue;
        const { decided, request } = decider.bestOver(principal, action, grant, grant.alternatives, true);
        if (decided.decision === 'deny' || decided.decision === 'implicit-deny') continue;
        const stop = boundaryStop(decider, principal, boundary, request);
        if (!stop) continue;
        const unknown = decided.decision === 'unknown' || stop.decision === 'unknown';
        const identity = toEvaluation(decided, request);
        // The example request is the identity policies' own: not evidence of what the principal holds.
        const identityEvidence = identity.evidence.filter((e) => e.kind !== 'witness');
        const blocked: BlockedGrant = {
          action: action.action,
          decision: unknown ? 'unknown' : 'blocked',
          conditions: [...new Set([...identity.conditions, ...stop.conditions])],
          evidence: [...identityEvidence, ...stop.evidence],
        };
        const previous = byAction.get(blocked.action);
        if (!previous || (previous.decision === 'unknown' && blocked.decision === 'blocked')) byAction.set(blocked.action, blocked);
      }
    }
  }
  const grants = [...byAction.values()].sort((a, b) => compareCodeUnits(a.action, b.action));
  // "Does not allow" once for the capability, naming every action it leaves out.
  const notAllowed = grants.filter((g) => g.evidence.some((e) => e.kind === 'boundary')).map((g) => g.action);
  const shown = notAllowed.length > 4 ? `${notAllowed.slice(0, 4).join(', ')} and ${notAllowed.length - 4} more` : notAllowed.join(', ');
  const evidence = grants.flatMap((g) =>
    g.evidence.map((e) => (e.kind === 'boundary' && boundary ? { ...e, message: boundaryRefusalText(boundary, shown) } : e)),
  );
  return {
    capability: capabilityName,
    actions: grants.map((g) => g.action),
    undecided: grants.length > 0 && grants.every((g) => g.decision === 'unknown'),
    grants,
    evidence: dedupeEvidence(evidence),
  };
}

/**
 * Does the boundary alone stop what the identity policies allow? It does when the whole decision
 * refuses what the identity policies alone allow (identity Denies are in both): by a boundary Deny,
 * or by allowing none of it. `undefined`: it lets it through (perhaps conditionally).
 */
function boundaryStop(decider: Decider, principal: Principal, boundary: AppliedPolicy, request: Request): BoundaryStop | undefined {
  const whole = decider.decide(principal, request);
  const action = request.action.action;
  if (whole.decision === 'allow' || whole.decision === 'conditional') return undefined;
  if (whole.decision === 'unknown') {
    if (boundary.document.unknown !== undefined) {
      return { decision: 'unknown', evidence: [unreadableEvidence(boundary, 'permissions boundary ')], conditions: [] };
    }
    const pending = whole.denies.filter((hit) => hit.policy === boundary);
    if (pending.length === 0) return undefined;
    return {
      decision: 'unknown',
      evidence: pending.map((hit) => statementEvidence(hit, `may deny ${action}:`, action)),
      conditions: whole.conditions.filter((c) => c.unknown).map((c) => c.text),
    };
  }
  const boundaryDenies = whole.denies.filter((hit) => hit.policy === boundary);
  if (boundaryDenies.length > 0) {
    return { decision: 'blocked', evidence: boundaryDenies.map((hit) => statementEvidence(hit, 'denies', action)), conditions: [] };
  }
  return { decision: 'blocked', evidence: [boundaryRefusal(boundary, action)], conditions: [] };
}
