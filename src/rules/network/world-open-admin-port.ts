import type { FindingDraft } from '../../model/findings.js';
import { PortSet } from '../../analysis/network/index.js';
import type { Check } from '../types.js';
import { selects, serviceTypeOf, typeFields } from './shared.js';

const DEFAULT_PORTS = [22, 23, 3389, 5900, 5985, 5986];

/**
 * A remote administration port (SSH, RDP, telnet, VNC, WinRM) open to the whole internet on
 * something that is actually reachable: the path decides, not the security group alone. A path
 * that depends on values known only after apply gives an undecided finding.
 */
export const worldOpenAdminPort: Check = {
  name: 'world-open-admin-port',
  description: 'No remote administration port is reachable from every internet address.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ports: {
        type: 'array',
        items: { type: 'integer', minimum: 0, maximum: 65535, description: 'A TCP port.' },
        description: 'Administration ports (default 22 ssh, 23 telnet, 3389 rdp, 5900 vnc, 5985/5986 winrm).',
      },
    },
  },
  run(facts, policy) {
    const ports = (policy.params.ports as readonly number[] | undefined) ?? DEFAULT_PORTS;
    const out: FindingDraft[] = [];
    const reported = new Set<string>();
    for (const exposure of facts.network().exposures) {
      const resource = facts.graph.get(exposure.address);
      const assignment = serviceTypeOf(facts, resource);
      if (!selects(policy, assignment?.type)) continue;
      // Decided paths first: an undecided one is reported only when no decided path opens the same port.
      const paths = [...exposure.paths].sort((a, b) => Number(!!a.undecided) - Number(!!b.undecided));
      for (const path of paths) {
        if (path.mechanism !== 'network' && path.mechanism !== 'load-balancer') continue;
        // Work on the path's world-open ports, re-parsed from labels to a set.
        const world = path.worldPorts.reduce((set, label) => set.union(parseLabel(label)), PortSet.EMPTY);
        for (const port of ports) {
          if (!world.has('tcp', port)) continue;
          const subject = `tcp/${port}`;
          if (reported.has(`${exposure.address} ${subject}`)) continue;
          reported.add(`${exposure.address} ${subject}`);
          out.push({
            ...typeFields(assignment),
            location: resource?.location ?? exposure.location,
            subject,
            message: path.undecided
              ? `${exposure.address} may accept ${subject} from any internet address (0.0.0.0/0 or ::/0) over ${path.path.join(' -> ')}: ${path.undecided}`
              : `${exposure.address} accepts ${subject} from any internet address (0.0.0.0/0 or ::/0) over ${path.path.join(' -> ')}`,
            evidence: path.evidence,
            ...(path.undecided ? { undecided: true } : {}),
          });
        }
      }
    }
    return out;
  },
};

function parseLabel(label: string): PortSet {
  if (label === 'all') return PortSet.ALL;
  const [proto, range] = label.split('/');
  if (!range) return PortSet.of(proto ?? 'other') ?? PortSet.EMPTY;
  if (range === 'all') return PortSet.of(proto!, 0, 65535) ?? PortSet.EMPTY;
  const [lo, hi] = range.split('-').map(Number);
  return PortSet.of(proto!, lo, hi ?? lo) ?? PortSet.EMPTY;
}
