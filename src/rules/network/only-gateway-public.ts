import type { FindingDraft } from '../../model/findings.js';
import type { Check } from '../types.js';
import type { ExposurePath } from '../../analysis/network/index.js';
import { locationOf, MECHANISM_TEXT, selects, serviceTypeOf, typeEvidence, typeFields } from './shared.js';

/** Mechanisms that are not about ports: the finding's subject names the mechanism instead. */
const PORTLESS = new Set(['function-url', 'resource-policy', 'trust-policy', 'bucket-acl', 'direct-internet-access', 'public-endpoint']);

/**
 * Only the gateway is public: every resource reachable from the internet other than through an
 * API Gateway integration (and other than the gateway itself) is a finding, with the path as
 * evidence. One finding per exposed resource; the subject is its port list (network paths) or
 * the public mechanism (function URL, resource policy, ACL, managed endpoint).
 */
export const onlyGatewayPublic: Check = {
  name: 'only-gateway-public',
  description: 'Nothing but the API gateway is reachable from the internet; services are reached only through gateway integrations.',
  paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
  run(facts, policy) {
    const out: FindingDraft[] = [];
    for (const exposure of facts.network().exposures) {
      if (exposure.isGateway) continue;
      const resource = facts.graph.get(exposure.address);
      const assignment = serviceTypeOf(facts, resource);
      if (assignment?.type === 'gateway') continue;
      if (!selects(policy, assignment?.type)) continue;
      const direct = exposure.paths.filter((p) => !p.viaGateway);
      if (direct.length === 0) continue;
      const decided = direct.filter((p) => !p.undecided);
      const used: readonly ExposurePath[] = decided.length ? decided : direct;
      const main = [...used].sort((a, b) => a.path.length - b.path.length)[0]!;
      const networkPaths = used.filter((p) => !PORTLESS.has(p.mechanism));
      const ports = [...new Set(networkPaths.flatMap((p) => p.ports))];
      const mechanisms = [...new Set(used.filter((p) => PORTLESS.has(p.mechanism)).map((p) => p.mechanism))].sort();
      const subject = networkPaths.length ? (ports.join(',') || 'unknown ports') : mechanisms.join(',');
      const how = [...new Set(used.map((p) => MECHANISM_TEXT[p.mechanism] ?? p.mechanism))].join('; ');
      const undecided = decided.length === 0;
      // Every path admits only some addresses (an office range): say which.
      const sources = used.every((p) => p.sources) ? [...new Set(used.flatMap((p) => p.sources!))].sort() : undefined;
      // A policy for anyone on something reached through its VPC only (EFS mount targets).
      const vpcOnly = !undecided && used.every((p) => p.mechanism === 'resource-policy' && p.worldPorts.length === 0);
      out.push({
        ...typeFields(assignment),
        location: resource?.location ?? locationOf(facts, exposure),
        subject,
        message: undecided
          ? `${exposure.address} may be reachable from the internet ${how}, outside the gateway: ${main.undecided}`
          : used.every((p) => p.mechanism === 'trust-policy')
          ? `${exposure.address} can be assumed by any AWS account ${how} (an access grant over STS, not a network path): ${main.path.join(' -> ')}`
          : vpcOnly
          ? `${exposure.address} is public by AWS's definition ${how}: anyone who reaches it through its VPC gets in, whatever their account: ${main.path.join(
              ' -> ',
            )}`
          : `${exposure.address} is reachable ${sources ? `from ${sources.join(', ')} only (not from any internet address)` : 'from the internet'} ${how}${
              networkPaths.length ? ` on ${ports.join(', ')}` : ''
            }, not only through the gateway: ${main.path.join(' -> ')}`,
        evidence: [...main.evidence, ...typeEvidence(exposure.address, assignment)],
        ...(undecided ? { undecided: true } : {}),
      });
    }
    return out;
  },
};
