import type { FindingDraft } from '../../model/findings.js';
import type { Check } from '../types.js';

/**
 * A security group open to the whole internet that nothing uses. Not an exposure (nothing
 * listens behind it), but whoever attaches it later opens those ports: a hygiene note.
 */
export const unattachedOpenSecurityGroup: Check = {
  name: 'unattached-open-security-group',
  description: 'Security groups open to 0.0.0.0/0 or ::/0 are attached to something, or removed.',
  paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
  run(facts) {
    const out: FindingDraft[] = [];
    for (const group of facts.network().worldOpenGroups) {
      if (group.attachedTo.length > 0) continue;
      out.push({
        location: group.resource.location,
        subject: group.ports.join(','),
        message: `${group.address} admits ${group.ports.join(
          ', ',
        )} from the whole internet but is attached to nothing in this configuration: not an exposure today, one attachment away from one`,
        evidence: group.evidence,
      });
    }
    return out;
  },
};
