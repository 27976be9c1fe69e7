import type { FindingDraft } from '../../model/findings.js';
import { SERVICE_TYPES } from '../../model/types.js';
import type { Check } from '../types.js';
import { findingPerSchema, listActions, pendingOn, principalFinding, principalLabel, selectedPrincipals, serviceTypeEvidence } from './shared.js';

/**
 * The selected roles do not ask for the named capabilities: their identity policies allow none
 * of its actions that only the permissions boundary stops. The effective answer is deny, but the
 * role's own policies are wrong: the next boundary change, or the role moved to another type,
 * hands the capability over. An identity Deny is the role refusing it itself, not a finding.
 */
export const boundaryBlockedCapabilities: Check = {
  name: 'boundary-blocked-capabilities',
  description: "The selected roles' identity policies do not grant the named capabilities, even where the permissions boundary stops the grant.",
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['capabilitiesByServiceType'],
    properties: {
      capabilitiesByServiceType: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: Object.fromEntries(
          SERVICE_TYPES.map((t) => [
            t,
            {
              type: 'array',
              minItems: 1,
              items: { type: 'string', description: 'A capability name (gpu-compute, model-registry, ...).' },
              description: `Capabilities a ${t} role must not ask for.`,
            },
          ]),
        ),
        description: 'Per service type, the capabilities its roles must not ask for; roles of other types are not checked.',
      },
      findingPer: findingPerSchema,
    },
  },
  validate(params, context) {
    const byType = params.capabilitiesByServiceType;
    if (typeof byType !== 'object' || byType === null || Array.isArray(byType)) return [];
    return Object.entries(byType).flatMap(([type, names]) =>
      (Array.isArray(names) ? names : []).flatMap((name, i) =>
        typeof name === 'string' && !context.capabilityNames.has(name)
          ? [{ field: `capabilitiesByServiceType/${type}/${i}`, message: `capability ${name} is not defined` }]
          : [],
      ),
    );
  },
  run(facts, policy) {
    const byType = (policy.params.capabilitiesByServiceType ?? {}) as Readonly<Record<string, readonly string[]>>;
    const perAction = policy.params.findingPer === 'action';
    const iam = facts.iam();
    const out: FindingDraft[] = [];
    for (const principal of selectedPrincipals(facts, policy)) {
      const capabilities = principal.serviceType ? byType[principal.serviceType.type] ?? [] : [];
      if (!principal.boundary) continue;
      for (const capability of capabilities) {
        const blocked = iam.boundaryBlockedGrants(principal, capability);
        if (blocked.actions.length === 0) continue;
        const base = principalFinding(principal);
        const typeEvidence = serviceTypeEvidence(principal);
        const asks = `${principalLabel(principal)} asks for ${capability}`;
        if (perAction) {
          for (const g of blocked.grants) {
            const undecided = g.decision === 'unknown';
            out.push({
              ...base,
              subject: g.action,
              message: undecided
                ? `${asks}: its identity policies may allow ${g.action}, which only its permissions boundary may stop, depending on ${pendingOn(
                    g.conditions,
                    g.evidence,
                  )}`
                : `${asks}: its identity policies allow ${g.action}${
                    g.conditions.length > 0 ? ` when ${g.conditions.join(' and ')}` : ''
                  }, stopped only by its permissions boundary`,
              evidence: [...g.evidence, ...typeEvidence],
              ...(undecided ? { undecided: true } : {}),
            });
          }
          continue;
        }
        const decided = blocked.grants.filter((g) => g.decision === 'blocked').map((g) => g.action);
        const message = blocked.undecided
          ? `${asks}: its identity policies may allow ${listActions(blocked.actions)}, which only its permissions boundary may stop, depending on ${pendingOn(
              [...new Set(blocked.grants.flatMap((g) => g.conditions))],
              blocked.evidence,
            )}`
          : `${asks}: its identity policies allow ${listActions(decided)}, stopped only by its permissions boundary`;
        out.push({
          ...base,
          subject: capability,
          message,
          evidence: [...blocked.evidence, ...typeEvidence],
          ...(blocked.undecided ? { undecided: true } : {}),
        });
      }
    }
    return out;
  },
};
