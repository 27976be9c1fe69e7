import type { ResourceGraph } from '../../model/graph.js';
import { asBoolean, asList, asNumber, asObject, asString, isUnknown, valueAt } from '../../model/graph.js';
import type { Resource, Value } from '../../model/types.js';
import type { CidrScope } from './cidr.js';
import { linksAt } from './links.js';
import { PortSet } from './ports.js';
import { DEFAULT_VPC, type Family, type Vpcs } from './vpcs.js';

interface NaclRule {
  readonly ruleNo: number;
  readonly allow: boolean;
  readonly egress: boolean;
  readonly ports?: PortSet;
  readonly cidr?: string;
  readonly family: Family;
  readonly declaredBy: Resource;
  readonly undecided?: string;
}

export interface Nacl {
  readonly address: string;
  readonly resource?: Resource;
  /** Unmanaged default network ACL: allows everything both ways. */
  readonly allowAll: boolean;
  readonly rules: NaclRule[];
}

/** What the network ACL lets in from the internet, per family. */
export interface NaclVerdict {
  readonly open: PortSet;
  readonly undecided: string[];
  readonly messages: string[];
}

/** Network ACLs (inline rules, `aws_network_acl_rule`), each VPC's default ACL, and which ACL guards each subnet. */
export class NetworkAcls {
  private readonly subnetNacl = new Map<string, Nacl>();
  private readonly defaultNacls = new Map<string, Nacl>();
  private readonly nacls = new Map<string, Nacl>();

  constructor(
    graph: ResourceGraph,
    private readonly vpcs: Vpcs,
  ) {
    for (const acl of graph.ofType('aws_network_acl')) {
      const nacl: Nacl = { address: acl.address, resource: acl, allowAll: false, rules: [] };
      this.nacls.set(acl.address, nacl);
      this.inlineNaclRules(acl, nacl);
      for (const subnet of linksAt(graph, acl, 'subnet_ids', ['aws_subnet', 'aws_default_subnet']).targets) this.subnetNacl.set(subnet.address, nacl);
    }
    for (const acl of graph.ofType('aws_default_network_acl')) {
      // A managed default network ACL holds exactly the rules given (none given = deny all).
      const nacl: Nacl = { address: acl.address, resource: acl, allowAll: false, rules: [] };
      this.nacls.set(acl.address, nacl);
      const vpc = this.vpcs.vpcOf(acl, 'default_network_acl_id') ?? DEFAULT_VPC;
      this.defaultNacls.set(vpc, nacl);
      this.inlineNaclRules(acl, nacl);
      for (const subnet of linksAt(graph, acl, 'subnet_ids', ['aws_subnet', 'aws_default_subnet']).targets) this.subnetNacl.set(subnet.address, nacl);
    }
    for (const rule of graph.ofType('aws_network_acl_rule')) {
      const target = linksAt(graph, rule, 'network_acl_id', ['aws_network_acl', 'aws_default_network_acl', 'aws_vpc']).targets[0];
      if (!target) continue;
      const nacl = target.type === 'aws_vpc' ? this.defaultNaclManaged(target.address) : this.nacls.get(target.address);
      if (!nacl) continue;
      nacl.rules.push(...naclRule(rule, '', rule));
    }
    for (const assoc of graph.ofType('aws_network_acl_association')) {
      const subnet = linksAt(graph, assoc, 'subnet_id', ['aws_subnet', 'aws_default_subnet']).targets[0];
      const acl = linksAt(graph, assoc, 'network_acl_id', ['aws_network_acl', 'aws_default_network_acl']).targets[0];
      const nacl = acl ? this.nacls.get(acl.address) : undefined;
      if (subnet && nacl) this.subnetNacl.set(subnet.address, nacl);
    }
    for (const nacl of this.nacls.values()) nacl.rules.sort((a, b) => a.ruleNo - b.ruleNo);
  }

  /** The ACL associated with the subnet, if any (otherwise its VPC's default ACL guards it). */
  associatedWith(subnet: string): Nacl | undefined {
    return this.subnetNacl.get(subnet);
  }

  defaultNacl(vpc: string): Nacl {
    let nacl = this.defaultNacls.get(vpc);
    if (!nacl) {
      nacl = { address: vpc, allowAll: true, rules: [] };
      this.defaultNacls.set(vpc, nacl);
    }
    return nacl;
  }

  /**
   * Which ports of `family` traffic from the internet the ACL lets in, in rule-number order:
   * the first rule that matches a packet decides. A rule for all of the internet (0.0.0.0/0, ::/0)
   * decides its ports for everyone; a rule for part of it opens its ports to that part (an
   * allow) or leaves the rest to later rules (a deny). Return traffic must be allowed out too
   * (network ACLs are stateless): a protocol whose replies to ephemeral ports cannot leave is closed.
   */
  naclInbound(nacl: Nacl | undefined, family: Family, vpc?: string): NaclVerdict {
    if (!nacl || nacl.allowAll) {
      const message = nacl ? `the default network ACL of ${nacl.address} allows all traffic` : 'no network ACL: all traffic allowed';
      return { open: PortSet.ALL, undecided: [], messages: [message] };
    }
    const scopeOf = (cidr: string): CidrScope => this.vpcs.internetScope(cidr, vpc);
    const inbound = evaluateNacl(nacl.rules.filter((r) => !r.egress && r.family === family), scopeOf);
    const outbound = evaluateNacl(nacl.rules.filter((r) => r.egress && r.family === family), scopeOf);
    let open = inbound.open;
    const messages = [...inbound.messages];
    for (const proto of ['tcp', 'udp'] as const) {
      const ephemeral = PortSet.of(proto, 1024, 65535)!;
      if (!open.intersect(PortSet.of(proto, 0, 65535)!).isEmpty() && outbound.open.intersect(ephemeral).isEmpty()) {
        open = open.subtract(PortSet.of(proto, 0, 65535)!);
        const stateless = `${nacl.address} lets no ${proto} replies out to ephemeral ports 1024-65535 (network ACLs are stateless)`;
        messages.push(`${stateless}, so ${proto} from the internet cannot connect`);
      }
    }
    return { open, undecided: [...inbound.undecided, ...outbound.undecided], messages };
  }

  /** Rules added with `aws_network_acl_rule` to `aws_vpc.x.default_network_acl_id` turn the default ACL into a managed one. */
  private defaultNaclManaged(vpc: string): Nacl {
    const existing = this.defaultNacls.get(vpc);
    if (existing && !existing.allowAll) return existing;
    const vpcResource = this.vpcs.get(vpc);
    // The default ACL keeps its allow-all rules (100 and *) next to the added ones.
    const nacl: Nacl = { address: vpc, ...(vpcResource ? { resource: vpcResource } : {}), allowAll: false, rules: [] };
    if (vpcResource) {
      for (const egress of [false, true]) {
        nacl.rules.push({ ruleNo: 100, allow: true, egress, ports: PortSet.ALL, cidr: '0.0.0.0/0', family: 'ipv4', declaredBy: vpcResource });
      }
    }
    this.defaultNacls.set(vpc, nacl);
    return nacl;
  }

  private inlineNaclRules(acl: Resource, nacl: Nacl): void {
    for (const direction of ['ingress', 'egress'] as const) {
      asList(valueAt(acl.values, direction)).forEach((item, index) => {
        if (!asObject(item)) return;
        nacl.rules.push(...naclRule(acl, `${direction}.${index}.`, acl, direction === 'egress'));
      });
    }
  }
}

/** Network ACL rules from an `aws_network_acl_rule` (prefix '') or an inline block (`ingress.N.`). */
function naclRule(resource: Resource, prefix: string, declaredBy: Resource, inlineEgress?: boolean): NaclRule[] {
  const inline = prefix !== '';
  const v = (name: string): Value | undefined => valueAt(resource.values, `${prefix}${name}`);
  const ruleNo = asNumber(v(inline ? 'rule_no' : 'rule_number')) ?? 0;
  const action = asString(v(inline ? 'action' : 'rule_action'))?.toLowerCase();
  const egress = inline ? inlineEgress === true : asBoolean(v('egress')) === true;
  const protocol = v('protocol');
  const lo = asNumber(v('from_port'));
  const hi = asNumber(v('to_port'));
  const ports = typeof protocol === 'string' || typeof protocol === 'number' ? PortSet.of(protocol, lo, hi) : undefined;
  const out: NaclRule[] = [];
  const base = { ruleNo, allow: action === 'allow', egress, ...(ports ? { ports } : {}), declaredBy };
  const label = inline ? `rule ${ruleNo} of ${resource.address}` : resource.address;
  for (const [attr, family] of [['cidr_block', 'ipv4'], ['ipv6_cidr_block', 'ipv6']] as const) {
    const raw = v(attr);
    if (raw === undefined || raw === null || raw === '') continue;
    if (typeof raw === 'string') out.push({ ...base, cidr: raw, family });
    else out.push({ ...base, family, undecided: `the ${attr} of ${label} is ${isUnknown(raw) ? raw.reason : 'not a literal'}, known only after apply` });
  }
  if (!ports && out.length) return out.map((r) => ({ ...r, undecided: r.undecided ?? `the protocol or ports of ${label} are not literal` }));
  return out;
}

function evaluateNacl(rules: readonly NaclRule[], scopeOf: (cidr: string) => CidrScope): { open: PortSet; undecided: string[]; messages: string[] } {
  let remaining = PortSet.ALL;
  let open = PortSet.EMPTY;
  const undecided: string[] = [];
  const messages: string[] = [];
  for (const rule of rules) {
    if (remaining.isEmpty()) break;
    const label = rule.declaredBy.type === 'aws_network_acl_rule' ? rule.declaredBy.address : `rule ${rule.ruleNo} of ${rule.declaredBy.address}`;
    if (rule.undecided || !rule.ports || rule.cidr === undefined) {
      undecided.push(rule.undecided ?? `${label} cannot be evaluated`);
      // An allow we cannot read may let traffic in: count it as open so the exposure is reported as undecided.
      if (rule.allow && rule.ports) open = open.union(remaining.intersect(rule.ports));
      continue;
    }
    const scope = scopeOf(rule.cidr);
    if (scope === 'private' || scope === 'invalid') continue;
    const hit = remaining.intersect(rule.ports);
    if (hit.isEmpty()) continue;
    if (rule.allow) {
      open = open.union(hit);
      messages.push(`${label} allows ${hit.labels().join(', ')} from ${rule.cidr}`);
    } else if (scope === 'world') {
      messages.push(`${label} denies ${hit.labels().join(', ')} from ${rule.cidr}`);
    }
    if (scope === 'world') remaining = remaining.subtract(rule.ports);
  }
  return { open, undecided, messages };
}
