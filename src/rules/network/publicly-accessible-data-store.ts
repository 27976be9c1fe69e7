import type { FindingDraft } from '../../model/findings.js';
import type { Check } from '../types.js';
import { selects, serviceTypeOf, typeFields } from './shared.js';

/**
 * A publicly accessible data store (RDS, Aurora, Redshift, ...) in a public subnet, or with no
 * subnet group at all (the default VPC, whose subnets are public), that only its security groups
 * keep off the internet. Not an exposure today, but one rule added to a group opens it.
 * Reachable ones are HG-NET-001's; this rule reports the near misses.
 */
export const publiclyAccessibleDataStore: Check = {
  name: 'publicly-accessible-data-store',
  description: 'Data stores are not publicly accessible in public subnets, where one security group change exposes them.',
  paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
  run(facts, policy) {
    const out: FindingDraft[] = [];
    for (const guarded of facts.network().guardedOnlyByGroups) {
      const assignment = serviceTypeOf(facts, guarded.resource);
      if (!selects(policy, assignment?.type)) continue;
      out.push({
        ...typeFields(assignment),
        location: guarded.resource.location,
        subject: 'publicly-accessible',
        message: `${guarded.address} is publicly accessible ${guarded.where}, and only its security groups keep it off the internet (${guarded.reason}): one ` +
          `security group change from the internet`,
        evidence: guarded.evidence,
      });
    }
    return out;
  },
};
