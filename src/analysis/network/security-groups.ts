import type { ResourceGraph } from '../../model/graph.js';
import { asBoolean, asList, asNumber, asObject, asString, isUnknown, valueAt } from '../../model/graph.js';
import type { Resource, Value } from '../../model/types.js';
import { classifyCidr, type CidrScope } from './cidr.js';
import { linksAt } from './links.js';
import { PortSet } from './ports.js';
import { DEFAULT_VPC, type Family, type Vpcs } from './vpcs.js';

export type SgSource =
  | { readonly kind: 'cidr'; readonly cidr: string; readonly scope: CidrScope; readonly family: Family }
  | { readonly kind: 'group'; readonly group: string }
  | { readonly kind: 'self' }
  /** The VPC's own range, named by reference (`${aws_vpc.main.cidr_block}`): never an internet source, whatever its value. */
  | { readonly kind: 'vpc-range'; readonly cidr: string }
  | { readonly kind: 'unknown'; readonly reason: string };

export interface SgRule {
  readonly ports?: PortSet;
  readonly source: SgSource;
  readonly declaredBy: Resource;
  readonly label: string;
}

/** What a set of security groups admits from internet sources. */
export interface SgVerdict {
  readonly ports: PortSet;
  readonly worldPorts: PortSet;
  readonly undecided: string[];
  readonly rules: SgRule[];
}

/** Whether a set of security groups admits traffic from other groups, and by which rule. */
export interface SgAdmission {
  readonly admitted: boolean;
  readonly rule?: SgRule;
  readonly undecided?: string;
}

/** Security groups and their ingress rules (inline, `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`), with prefix lists resolved. */
export class SecurityGroups {
  private readonly sgRules = new Map<string, SgRule[]>();
  private readonly defaultSgs = new Map<string, Resource>();
  private readonly prefixLists = new Map<string, string[]>();

  constructor(
    private readonly graph: ResourceGraph,
    private readonly vpcs: Vpcs,
  ) {
    this.buildPrefixLists();
    this.buildSecurityGroups();
  }

  /** Ingress rules of a security group (inline, aws_security_group_rule, aws_vpc_security_group_ingress_rule). */
  rulesOf(sg: string): readonly SgRule[] {
    return this.sgRules.get(sg) ?? [];
  }

  /** Whether the group is declared in this configuration. */
  hasGroup(sg: string): boolean {
    return this.sgRules.has(sg);
  }

  /** The VPC's default security group when managed (`aws_default_security_group`). */
  defaultGroup(vpc: string | undefined): Resource | undefined {
    return this.defaultSgs.get(vpc ?? DEFAULT_VPC);
  }

  /** What the groups admit from internet sources of `family`, for a resource in `vpc`. */
  sgInbound(groups: readonly string[], family: Family, vpc?: string): SgVerdict {
    let ports = PortSet.EMPTY;
    let worldPorts = PortSet.EMPTY;
    const undecided: string[] = [];
    const rules: SgRule[] = [];
    for (const sg of groups) {
      for (const rule of this.rulesOf(sg)) {
        const s = rule.source;
        if (s.kind === 'unknown') {
          undecided.push(s.reason);
          continue;
        }
        if (s.kind !== 'cidr' || s.family !== family || (s.scope !== 'world' && s.scope !== 'public')) continue;
        if (s.scope === 'public' && this.vpcs.internetScope(s.cidr, vpc) !== 'public') continue; // the VPC's own range
        if (!rule.ports) {
          undecided.push(`the protocol or ports of ${rule.label} are known only after apply`);
          continue;
        }
        ports = ports.union(rule.ports);
        if (s.scope === 'world') worldPorts = worldPorts.union(rule.ports);
        rules.push(rule);
      }
    }
    return { ports, worldPorts, undecided, rules };
  }

  /** True if one of `groups` admits traffic on `ports` from a member of `fromGroups` or from a CIDR (any scope: the VPC). */
  admitsFrom(groups: readonly string[], fromGroups: readonly string[], ports: PortSet): SgAdmission {
    let undecided: string | undefined;
    for (const sg of groups) {
      for (const rule of this.rulesOf(sg)) {
        if (!rule.ports || rule.ports.intersect(ports).isEmpty()) continue;
        const s = rule.source;
        if (s.kind === 'group' && fromGroups.includes(s.group)) return { admitted: true, rule };
        if ((s.kind === 'cidr' && s.scope !== 'invalid') || s.kind === 'vpc-range') return { admitted: true, rule };
        if (s.kind === 'self' && fromGroups.includes(sg)) return { admitted: true, rule };
        if (s.kind === 'unknown') undecided = s.reason;
      }
    }
    return { admitted: false, ...(undecided ? { undecided } : {}) };
  }

  private buildPrefixLists(): void {
    for (const pl of this.graph.ofType('aws_ec2_managed_prefix_list')) {
      const cidrs = asList(valueAt(pl.values, 'entry')).map((e) => asString(asObject(e)?.['cidr'])).filter((c): c is string => !!c);
      this.prefixLists.set(pl.address, cidrs);
    }
    for (const entry of this.graph.ofType('aws_ec2_managed_prefix_list_entry')) {
      const pl = linksAt(this.graph, entry, 'prefix_list_id', ['aws_ec2_managed_prefix_list']).targets[0];
      const cidr = asString(valueAt(entry.values, 'cidr'));
      if (pl && cidr) this.prefixLists.get(pl.address)?.push(cidr);
    }
  }

  private addRule(sg: string, rule: SgRule): void {
    const list = this.sgRules.get(sg);
    if (list) list.push(rule);
    else this.sgRules.set(sg, [rule]);
  }

  private buildSecurityGroups(): void {
    const g = this.graph;
    for (const sg of [...g.ofType('aws_security_group'), ...g.ofType('aws_default_security_group')]) {
      if (!this.sgRules.has(sg.address)) this.sgRules.set(sg.address, []);
      if (sg.type === 'aws_default_security_group') this.defaultSgs.set(this.vpcs.vpcOf(sg) ?? DEFAULT_VPC, sg);
      asList(valueAt(sg.values, 'ingress')).forEach((item, index) => {
        if (!asObject(item)) return;
        for (const rule of this.classicRules(sg, `ingress.${index}.`, `ingress rule ${index} of ${sg.address}`)) this.addRule(sg.address, rule);
      });
    }
    for (const rule of g.ofType('aws_security_group_rule')) {
      if (asString(valueAt(rule.values, 'type')) !== 'ingress') continue;
      const sg = linksAt(g, rule, 'security_group_id', ['aws_security_group', 'aws_default_security_group']).targets[0];
      if (!sg) continue;
      for (const r of this.classicRules(rule, '', rule.address)) this.addRule(sg.address, r);
    }
    for (const rule of g.ofType('aws_vpc_security_group_ingress_rule')) {
      const sg = linksAt(g, rule, 'security_group_id', ['aws_security_group', 'aws_default_security_group']).targets[0];
      if (!sg) continue;
      const ports = rulePorts(rule, '', 'ip_protocol');
      const sources: SgSource[] = [];
      const v4 = valueAt(rule.values, 'cidr_ipv4');
      const v6 = valueAt(rule.values, 'cidr_ipv6');
      if (v4 !== undefined && v4 !== null) sources.push(cidrSource(v4, 'ipv4'));
      if (v6 !== undefined && v6 !== null) sources.push(cidrSource(v6, 'ipv6'));
      if (valueAt(rule.values, 'prefix_list_id') != null) sources.push(...this.prefixSources(rule, 'prefix_list_id'));
      if (valueAt(rule.values, 'referenced_security_group_id') != null) sources.push(...this.groupSources(rule, 'referenced_security_group_id'));
      for (const source of sources) this.addRule(sg.address, { ...(ports ? { ports } : {}), source, declaredBy: rule, label: rule.address });
    }
  }

  /** Inline `ingress` blocks and `aws_security_group_rule`: the same attribute names. */
  private classicRules(resource: Resource, prefix: string, label: string): SgRule[] {
    const ports = rulePorts(resource, prefix, 'protocol');
    const out: SgRule[] = [];
    const push = (source: SgSource): void => void out.push({ ...(ports ? { ports } : {}), source, declaredBy: resource, label });
    for (const [attr, family] of [['cidr_blocks', 'ipv4'], ['ipv6_cidr_blocks', 'ipv6']] as const) {
      const raw = valueAt(resource.values, `${prefix}${attr}`);
      if (isUnknown(raw)) push(unknownCidrsSource(raw.references, `${attr} of ${label} is ${raw.reason}, known only after apply`));
      else for (const item of asList(raw)) if (item !== null) push(cidrSource(item, family));
    }
    if (asList(valueAt(resource.values, `${prefix}prefix_list_ids`)).length || isUnknown(valueAt(resource.values, `${prefix}prefix_list_ids`))) {
      for (const s of this.prefixSources(resource, `${prefix}prefix_list_ids`)) push(s);
    }
    for (const attr of ['security_groups', 'source_security_group_id']) {
      const raw = valueAt(resource.values, `${prefix}${attr}`);
      if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) continue;
      for (const s of this.groupSources(resource, `${prefix}${attr}`)) push(s);
    }
    if (asBoolean(valueAt(resource.values, `${prefix}self`)) === true) push({ kind: 'self' });
    return out;
  }

  private prefixSources(resource: Resource, path: string): SgSource[] {
    const links = linksAt(this.graph, resource, path);
    const out: SgSource[] = [];
    for (const pl of links.targets) {
      const cidrs = this.prefixLists.get(pl.address);
      if (!cidrs) out.push({ kind: 'unknown', reason: `prefix list ${pl.address} has no entries we can read` });
      else for (const cidr of cidrs) out.push(cidrSource(cidr, cidr.includes(':') ? 'ipv6' : 'ipv4'));
    }
    for (const reason of links.unresolved) {
      // CloudFront's origin-facing list is the public edge: anyone can come through it.
      if (/cloudfront/i.test(reason) || mentionsCloudFront(valueAt(resource.values, path)))
        out.push({ kind: 'cidr', cidr: 'cloudfront-origin-facing', scope: 'public', family: 'ipv4' });
      else out.push({ kind: 'unknown', reason: `prefix list ${reason}` });
    }
    return out;
  }

  private groupSources(resource: Resource, path: string): SgSource[] {
    const links = linksAt(this.graph, resource, path, ['aws_security_group', 'aws_default_security_group']);
    // A source group admits its members, never the internet: unresolved group ids are not internet sources either.
    return links.targets.map((t) => ({ kind: 'group', group: t.address }) as const);
  }
}

/** `${aws_vpc.main.cidr_block}`, `module.m.aws_vpc_ipv4_cidr_block_association.x.cidr_block`: a VPC's own range. */
const VPC_RANGE =
  /^(module\.[^\s]+\.)?(aws_vpc|aws_default_vpc|aws_vpc_ipv4_cidr_block_association|aws_vpc_ipv6_cidr_block_association)\.[^.\s]+\.(cidr_block|ipv6_cidr_block)$/;

/** CIDRs known only after apply: the VPC's own range when every reference names one, else `reason`. */
function unknownCidrsSource(references: readonly string[], reason: string): SgSource {
  if (references.length > 0 && references.every((r) => VPC_RANGE.test(r))) return { kind: 'vpc-range', cidr: references.join(', ') };
  return { kind: 'unknown', reason };
}

function cidrSource(raw: Value, family: Family): SgSource {
  if (typeof raw === 'string') {
    const ref = /^\$\{([^{}]+)\}$/.exec(raw)?.[1]?.trim();
    if (ref && VPC_RANGE.test(ref)) return { kind: 'vpc-range', cidr: ref };
    if (raw.includes('${')) return { kind: 'unknown', reason: `CIDR ${raw} is an expression we cannot evaluate` };
    const scope = classifyCidr(raw);
    return { kind: 'cidr', cidr: raw, scope, family: raw.includes(':') ? 'ipv6' : family };
  }
  if (isUnknown(raw)) return unknownCidrsSource(raw.references, `a CIDR is ${raw.reason}, known only after apply`);
  return { kind: 'unknown', reason: `a CIDR is not a string (${JSON.stringify(raw)})` };
}

/** A prefix list id (or a list of them) that names CloudFront's origin-facing list. */
function mentionsCloudFront(value: Value | undefined): boolean {
  return typeof value === 'string' ? /cloudfront/i.test(value) : Array.isArray(value) && value.some(mentionsCloudFront);
}

function rulePorts(resource: Resource, prefix: string, protocolAttr: string): PortSet | undefined {
  const protocol = valueAt(resource.values, `${prefix}${protocolAttr}`);
  const from = valueAt(resource.values, `${prefix}from_port`);
  const to = valueAt(resource.values, `${prefix}to_port`);
  if (typeof protocol !== 'string' && typeof protocol !== 'number') return undefined;
  const lo = asNumber(from);
  const hi = asNumber(to);
  if ((from != null && lo === undefined) || (to != null && hi === undefined)) return undefined;
  return PortSet.of(protocol, lo, hi);
}
