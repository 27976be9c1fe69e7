import type { FindingDraft } from '../../model/findings.js';
import type { Check } from '../types.js';
import { findingPerSchema, listActions, pendingOn, principalFinding, principalLabel, selectedPrincipals, serviceTypeEvidence } from './shared.js';

/**
 * The selected principals hold none of the named capabilities. A capability is held when the
 * effective permissions allow one of its actions (after Deny, boundary, NotAction and
 * conditions); a conditional or apply-time-dependent grant is reported as such.
 */
export const deniedCapabilities: Check = {
  name: 'denied-capabilities',
  description: 'The selected roles hold none of the named capabilities (effective permissions, after Deny, boundaries and conditions).',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['capabilities'],
    properties: {
      capabilities: {
        type: 'array',
        minItems: 1,
        items: { type: 'string', description: 'A capability name (gpu-compute, model-registry, ...).' },
        description: 'Capabilities the selected roles must not hold.',
      },
      findingPer: findingPerSchema,
    },
  },
  validate(params, context) {
    const names = Array.isArray(params.capabilities) ? params.capabilities : [];
    return names.flatMap((name, i) =>
      typeof name === 'string' && !context.capabilityNames.has(name)
        ? [{ field: `capabilities/${i}`, message: `capability ${name} is not defined` }]
        : [],
    );
  },
  run(facts, policy) {
    const capabilities = (policy.params.capabilities as readonly string[] | undefined) ?? [];
    const perAction = policy.params.findingPer === 'action';
    const iam = facts.iam();
    const out: FindingDraft[] = [];
    for (const principal of selectedPrincipals(facts, policy)) {
      for (const capability of capabilities) {
        const grants = iam.capabilityGrants(principal, capability);
        if (grants.actions.length === 0) continue;
        const base = principalFinding(principal);
        const typeEvidence = serviceTypeEvidence(principal);
        if (perAction) {
          for (const g of grants.grants) {
            const how =
              g.decision === 'allow'
                ? 'is allowed'
                : g.decision === 'conditional'
                  ? `is allowed when ${g.conditions.join(' and ')}`
                  : `may be allowed, depending on ${pendingOn(g.conditions, g.evidence)}`;
            out.push({
              ...base,
              subject: g.action,
              message: `${principalLabel(principal)} holds ${capability}: ${g.action} ${how}`,
              evidence: [...g.evidence, ...typeEvidence],
              ...(g.decision === 'unknown' ? { undecided: true } : {}),
            });
          }
          continue;
        }
        const conditions = [...new Set(grants.grants.flatMap((g) => g.conditions))];
        const allUnknown = grants.grants.every((g) => g.decision === 'unknown');
        const how = grants.held
          ? `is allowed ${listActions(grants.actions)}`
          : allUnknown
            ? `may be allowed ${listActions(grants.actions)}, depending on ${pendingOn(conditions, grants.evidence)}`
            : `is allowed ${listActions(grants.actions)} when ${conditions.join(' and ')}`;
        out.push({
          ...base,
          subject: capability,
          message: `${principalLabel(principal)} holds ${capability}: it ${how}`,
          evidence: [...grants.evidence, ...typeEvidence],
          ...(allUnknown ? { undecided: true } : {}),
        });
      }
    }
    return out;
  },
};
