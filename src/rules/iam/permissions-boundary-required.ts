import type { FindingDraft } from '../../model/findings.js';
import type { Check } from '../types.js';
import { principalFinding, principalLabel, selectedPrincipals, serviceTypeEvidence } from './shared.js';

/** Every selected role has a permissions boundary (users are not service principals and are skipped). */
export const permissionsBoundaryRequired: Check = {
  name: 'permissions-boundary-required',
  description: 'Every selected role sets a permissions boundary.',
  paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
  run(facts, policy) {
    const out: FindingDraft[] = [];
    for (const principal of selectedPrincipals(facts, policy)) {
      if (principal.kind !== 'role' || principal.boundary) continue;
      out.push({
        ...principalFinding(principal),
        message: `${principalLabel(principal)} has no permissions boundary`,
        evidence: [
          {
            kind: 'attribute',
            message: `${principal.address} does not set permissions_boundary`,
            location: { ...principal.resource.location, jsonPointer: `${principal.resource.location.jsonPointer ?? ''}/permissions_boundary` },
            data: { attribute: 'permissions_boundary', value: null },
          },
          ...serviceTypeEvidence(principal),
        ],
      });
    }
    return out;
  },
};
