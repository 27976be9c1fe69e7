import type { ResourceGraph } from '../../model/graph.js';
import { textOf } from '../../model/dict.js';
import { asBoolean, asList, asNumber, asObject, asString, isUnknown, valueAt } from '../../model/graph.js';
import type { Resource, Value } from '../../model/types.js';
import { cidrContains, classifyCidr, type CidrScope } from './cidr.js';
import { linksAt, stripAttribute } from './links.js';
import { PortSet } from './ports.js';

/**
 * The VPC side of the network, indexed once: which route table each subnet uses, where its
 * routes go, which network ACL guards it and what each security group admits from the internet.
 * Everything is keyed by address so the exposure pass does O(1) look-ups per resource.
 */

export type Tier = 'public' | 'private' | 'isolated' | 'unknown';
export type Family = 'ipv4' | 'ipv6';

/** A hop on a path, with the resource that proves it (for evidence and the path's address list). */
export interface Hop {
  /** Address in the path (a resource address, or a pseudo-hop such as `(default VPC)`). */
  readonly address: string;
  readonly resource?: Resource;
  readonly message: string;
}

type RouteVia = 'igw' | 'eigw' | 'nat' | 'tgw' | 'peering' | 'local' | 'other' | 'unknown';

interface Route {
  readonly via: RouteVia;
  readonly family: Family;
  readonly destination: string;
  /** Internet gateway (or NAT, ...) resource when it is in the configuration. */
  readonly gateway?: Resource;
  /** Resource that declares the route: an `aws_route`, or the route table for inline `route` blocks. */
  readonly declaredBy: Resource;
  readonly label: string;
  readonly undecided?: string;
}

interface RouteTable {
  /** Resource address, or the VPC's address for its implicit main route table. */
  readonly address: string;
  readonly resource?: Resource;
  readonly vpc?: string;
  readonly routes: Route[];
  readonly description: string;
}

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

interface Nacl {
  readonly address: string;
  readonly resource?: Resource;
  /** Unmanaged default network ACL: allows everything both ways. */
  readonly allowAll: boolean;
  readonly rules: NaclRule[];
}

interface SubnetInfo {
  readonly subnet?: Resource;
  readonly address: string;
  readonly vpc?: string;
  readonly table?: RouteTable;
  readonly association?: Resource;
  readonly tableUndecided?: string;
  readonly nacl?: Nacl;
  readonly mapPublicIp: boolean | undefined;
  readonly assignIpv6: boolean;
}

/** What the network ACL lets in from the internet, per family. */
interface NaclVerdict {
  readonly open: PortSet;
  readonly undecided: string[];
  readonly messages: string[];
}

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
interface SgVerdict {
  readonly ports: PortSet;
  readonly worldPorts: PortSet;
  readonly undecided: string[];
  readonly rules: SgRule[];
}

const DEFAULT_VPC = '(default VPC)';

const IGW_TYPES = ['aws_internet_gateway'];
const ROUTE_TARGETS: readonly (readonly [string, RouteVia])[] = [
  ['gateway_id', 'igw'],
  ['egress_only_gateway_id', 'eigw'],
  ['nat_gateway_id', 'nat'],
  ['transit_gateway_id', 'tgw'],
  ['vpc_peering_connection_id', 'peering'],
  ['network_interface_id', 'other'],
  ['vpc_endpoint_id', 'other'],
  ['carrier_gateway_id', 'other'],
  ['local_gateway_id', 'other'],
  ['core_network_arn', 'other'],
  ['instance_id', 'other'],
];

export class Topology {
  private readonly vpcs = new Map<string, Resource>();
  private readonly defaultVpc: Resource | undefined;
  /** VPC address -> its default route table (managed `aws_default_route_table` or implicit). */
  private readonly defaultTables = new Map<string, RouteTable>();
  /** VPC address -> route table made main by `aws_main_route_table_association`. */
  private readonly mainOverride = new Map<string, { table: RouteTable; association: Resource }>();
  private readonly tables = new Map<string, RouteTable>();
  private readonly subnetTable = new Map<string, { table?: RouteTable; association: Resource; undecided?: string }>();
  private readonly subnetNacl = new Map<string, Nacl>();
  private readonly defaultNacls = new Map<string, Nacl>();
  private readonly nacls = new Map<string, Nacl>();
  private readonly subnets = new Map<string, SubnetInfo>();
  private readonly sgRules = new Map<string, SgRule[]>();
  private readonly defaultSgs = new Map<string, Resource>();
  private readonly prefixLists = new Map<string, string[]>();
  /** VPC address -> its IPv4 ranges (primary and aws_vpc_ipv4_cidr_block_association), where literal. */
  private readonly vpcRanges = new Map<string, string[]>();

  constructor(private readonly graph: ResourceGraph) {
    for (const vpc of [...graph.ofType('aws_vpc'), ...graph.ofType('aws_default_vpc')]) {
      this.vpcs.set(vpc.address, vpc);
      const cidr = asString(valueAt(vpc.values, 'cidr_block')) ?? (vpc.type === 'aws_default_vpc' ? '172.31.0.0/16' : undefined);
      if (cidr && !cidr.includes('${')) this.vpcRanges.set(vpc.address, [cidr]);
    }
    for (const assoc of graph.ofType('aws_vpc_ipv4_cidr_block_association')) {
      const vpc = this.vpcOf(assoc);
      const cidr = asString(valueAt(assoc.values, 'cidr_block'));
      if (!vpc || !cidr || cidr.includes('${')) continue;
      const list = this.vpcRanges.get(vpc);
      if (list) list.push(cidr);
      else this.vpcRanges.set(vpc, [cidr]);
    }
    this.defaultVpc = graph.ofType('aws_default_vpc')[0];
    this.buildRouteTables();
    this.buildNacls();
    this.buildPrefixLists();
    this.buildSecurityGroups();
  }

  // ---------------------------------------------------------------- route tables

  private vpcOf(resource: Resource, attribute = 'vpc_id'): string | undefined {
    const link = linksAt(this.graph, resource, attribute, ['aws_vpc', 'aws_default_vpc']).targets[0];
    return link?.address;
  }

  private defaultTable(vpc: string): RouteTable {
    let table = this.defaultTables.get(vpc);
    if (!table) {
      const isDefaultVpc = vpc === DEFAULT_VPC || this.vpcs.get(vpc)?.type === 'aws_default_vpc';
      table = { address: vpc, vpc, routes: [], description: `the main route table of ${vpc}` };
      // A default VPC comes with an internet gateway and a 0.0.0.0/0 route to it.
      if (isDefaultVpc) {
        const declaredBy = this.vpcs.get(vpc) ?? this.defaultVpc ?? this.pseudoDefaultVpc();
        {
          table.routes.push({
            via: 'igw',
            family: 'ipv4',
            destination: '0.0.0.0/0',
            declaredBy,
            label: "the default VPC's route 0.0.0.0/0 to its internet gateway",
          });
        }
      }
      this.defaultTables.set(vpc, table);
    }
    return table;
  }

  /** The route table a `route_table_id`-style attribute names: a table resource or a VPC's main/default table. */
  private tableAt(resource: Resource, attribute: string): { table?: RouteTable; undecided?: string } {
    const links = linksAt(this.graph, resource, attribute, ['aws_route_table', 'aws_default_route_table', 'aws_vpc', 'aws_default_vpc']);
    const target = links.targets[0];
    if (!target) return { undecided: links.unresolved[0] ?? `${attribute} of ${resource.address} is not set` };
    if (target.type === 'aws_vpc' || target.type === 'aws_default_vpc') {
      return { table: this.mainOverride.get(target.address)?.table ?? this.defaultTable(target.address) };
    }
    return { table: this.tables.get(target.address) };
  }

  private buildRouteTables(): void {
    const g = this.graph;
    for (const rt of g.ofType('aws_route_table')) {
      const vpc = this.vpcOf(rt);
      const table: RouteTable = { address: rt.address, resource: rt, ...(vpc ? { vpc } : {}), routes: [], description: `route table ${rt.address}` };
      this.tables.set(rt.address, table);
      this.inlineRoutes(rt, table);
    }
    for (const rt of g.ofType('aws_default_route_table')) {
      const vpc = this.vpcOf(rt, 'default_route_table_id') ?? DEFAULT_VPC;
      const table: RouteTable = { address: rt.address, resource: rt, vpc, routes: [], description: `default route table ${rt.address}` };
      this.tables.set(rt.address, table);
      this.defaultTables.set(vpc, table);
      this.inlineRoutes(rt, table);
    }
    for (const assoc of g.ofType('aws_main_route_table_association')) {
      const vpc = this.vpcOf(assoc);
      const { table } = this.tableAt(assoc, 'route_table_id');
      if (vpc && table) this.mainOverride.set(vpc, { table, association: assoc });
    }
    for (const route of g.ofType('aws_route')) {
      const { table } = this.tableAt(route, 'route_table_id');
      if (!table) continue; // a route into a table we cannot see changes no subnet we know
      const parsed = this.parseRoute(route, '', route);
      if (parsed) table.routes.push(parsed);
    }
    for (const assoc of g.ofType('aws_route_table_association')) {
      const subnet = linksAt(g, assoc, 'subnet_id', ['aws_subnet', 'aws_default_subnet']).targets[0];
      if (!subnet) continue; // gateway (edge) associations and unknown subnets
      const { table, undecided } = this.tableAt(assoc, 'route_table_id');
      this.subnetTable.set(subnet.address, { ...(table ? { table } : {}), association: assoc, ...(undecided ? { undecided } : {}) });
    }
  }

  private inlineRoutes(rt: Resource, table: RouteTable): void {
    asList(valueAt(rt.values, 'route')).forEach((item, index) => {
      if (!asObject(item)) return;
      const parsed = this.parseRoute(rt, `route.${index}.`, rt, index);
      if (parsed) table.routes.push(parsed);
    });
  }

  /** One route, from an `aws_route` (prefix '') or an inline `route` block (prefix `route.N.`). */
  private parseRoute(resource: Resource, prefix: string, declaredBy: Resource, index?: number): Route | undefined {
    const v = (name: string): Value | undefined => valueAt(resource.values, `${prefix}${name}`);
    const v4 = v(prefix ? 'cidr_block' : 'destination_cidr_block');
    const v6 = v(prefix ? 'ipv6_cidr_block' : 'destination_ipv6_cidr_block');
    const pl = v('destination_prefix_list_id');
    const family: Family = v6 !== undefined && v6 !== null && v6 !== '' ? 'ipv6' : 'ipv4';
    const destRaw = family === 'ipv6' ? v6 : v4;
    const destination =
      typeof destRaw === 'string' ? destRaw : isUnknown(destRaw) ? `(unknown: ${destRaw.reason})` : typeof pl === 'string' ? pl : '(unknown destination)';
    const where = index === undefined ? resource.address : `route ${index} of ${resource.address}`;
    for (const [attr, via] of ROUTE_TARGETS) {
      const raw = v(attr);
      if (raw === undefined || raw === null || raw === '') continue;
      const path = `${prefix}${attr}`;
      if (attr === 'gateway_id') {
        // gateway_id also takes virtual private gateways and "local".
        if (raw === 'local') return { via: 'local', family, destination, declaredBy, label: `${where}: ${destination} -> local` };
        const ref = this.refTarget(resource, path, raw);
        if (ref) {
          const type = ref.type;
          const kind: RouteVia = IGW_TYPES.includes(type) ? 'igw' : type === 'aws_egress_only_internet_gateway' ? 'eigw' : 'other';
          return { via: kind, family, destination, gateway: ref, declaredBy, label: `${where}: ${destination} -> ${ref.address}` };
        }
        if (typeof raw === 'string' && raw.startsWith('igw-'))
          return { via: 'igw', family, destination, declaredBy, label: `${where}: ${destination} -> ${raw}` };
        if (typeof raw === 'string') return { via: 'other', family, destination, declaredBy, label: `${where}: ${destination} -> ${raw}` };
        const reason = isUnknown(raw) ? raw.reason : 'a value';
        return {
          via: 'unknown',
          family,
          destination,
          declaredBy,
          label: `${where}: ${destination} -> ${reason}`,
          undecided: `the gateway of ${where} is ${reason}, known only after apply`,
        };
      }
      const ref = this.refTarget(resource, path, raw);
      const name = ref?.address ?? (typeof raw === 'string' ? raw : isUnknown(raw) ? raw.reason : attr);
      return { via, family, destination, ...(ref ? { gateway: ref } : {}), declaredBy, label: `${where}: ${destination} -> ${name}` };
    }
    return undefined;
  }

  /** A referenced resource (managed or data source: an internet gateway looked up with `data` is still one). */
  private refTarget(resource: Resource, path: string, raw: Value): Resource | undefined {
    for (const reference of resource.references) {
      if (reference.attribute === path || reference.attribute === path.replace(/\.0\./, '.')) {
        const target = this.graph.get(reference.target) ?? this.graph.get(stripAttribute(reference.target));
        if (target) return target;
      }
    }
    if (isUnknown(raw)) {
      for (const ref of raw.references) {
        const target = this.graph.get(ref) ?? this.graph.get(stripAttribute(ref));
        if (target) return target;
      }
      // Plan JSON keeps attribute-blocks (`route`) as one attribute: its references name the
      // block, not the item. Attribute them when the candidates for this kind of target agree.
      const root = path.split('.')[0]!;
      if (root !== path) {
        const attr = path.split('.').pop()!;
        const candidates = new Map<string, Resource>();
        for (const reference of resource.references) {
          if (reference.attribute !== root) continue;
          const target = this.graph.get(reference.target) ?? this.graph.get(stripAttribute(reference.target));
          if (target && fitsRouteAttribute(attr, target.type)) candidates.set(target.address, target);
        }
        const list = [...candidates.values()];
        if (list.length === 1) return list[0];
        if (list.length > 1 && list.every((t) => t.type === list[0]!.type)) return list[0];
      }
    }
    return undefined;
  }

  /** Stands for the default VPC when the configuration does not declare it (resources launched without a subnet). */
  private pseudoDefaultVpc(): Resource {
    return {
      address: DEFAULT_VPC,
      mode: 'managed',
      type: 'aws_default_vpc',
      name: 'default',
      modulePath: '',
      values: {},
      references: [],
      tags: {},
      location: { file: this.graph.files[0]?.path ?? '' },
    };
  }

  // ---------------------------------------------------------------- subnets

  /** Subnet facts by address (`aws_subnet`, `aws_default_subnet`), or the default VPC's pseudo subnet. */
  subnet(address: string): SubnetInfo | undefined {
    const cached = this.subnets.get(address);
    if (cached) return cached;
    const resource = this.graph.get(address);
    let info: SubnetInfo;
    if (address === DEFAULT_VPC) {
      info = { address, vpc: DEFAULT_VPC, table: this.mainTable(DEFAULT_VPC), nacl: this.defaultNacl(DEFAULT_VPC), mapPublicIp: true, assignIpv6: false };
    } else {
      if (!resource || (resource.type !== 'aws_subnet' && resource.type !== 'aws_default_subnet')) return undefined;
      const isDefault = resource.type === 'aws_default_subnet';
      const vpc = isDefault ? (this.defaultVpc?.address ?? DEFAULT_VPC) : this.vpcOf(resource);
      const explicit = this.subnetTable.get(address);
      const table = explicit ? explicit.table : vpc ? this.mainTable(vpc) : undefined;
      const tableUndecided = explicit?.undecided ?? (vpc ? undefined : `the VPC of ${address} is not in this configuration`);
      const nacl = this.subnetNacl.get(address) ?? (vpc ? this.defaultNacl(vpc) : undefined);
      const map = asBoolean(valueAt(resource.values, 'map_public_ip_on_launch'));
      info = {
        subnet: resource,
        address,
        ...(vpc ? { vpc } : {}),
        ...(table ? { table } : {}),
        ...(explicit ? { association: explicit.association } : {}),
        ...(tableUndecided ? { tableUndecided } : {}),
        ...(nacl ? { nacl } : {}),
        // Default subnets map public IPs unless told otherwise; other subnets do not.
        mapPublicIp: map ?? (isUnknown(valueAt(resource.values, 'map_public_ip_on_launch')) ? undefined : isDefault),
        assignIpv6: asBoolean(valueAt(resource.values, 'assign_ipv6_address_on_creation')) === true,
      };
    }
    this.subnets.set(address, info);
    return info;
  }

  /** The pseudo subnet used by resources launched without a subnet (the default VPC's default subnets). */
  get defaultVpcSubnet(): string {
    return DEFAULT_VPC;
  }

  private mainTable(vpc: string): RouteTable {
    return this.mainOverride.get(vpc)?.table ?? this.defaultTable(vpc);
  }

  /** Main-table association, for evidence. */
  mainAssociation(vpc: string): Resource | undefined {
    return this.mainOverride.get(vpc)?.association;
  }

  /** public = a route to an internet gateway; private = routes out via NAT, transit gateway, peering ...; isolated = local only. */
  tier(address: string): Tier {
    const info = this.subnet(address);
    if (!info || !info.table) return 'unknown';
    const routes = info.table.routes;
    if (routes.some((r) => r.via === 'igw')) return 'public';
    if (routes.some((r) => r.via === 'unknown')) return 'unknown';
    if (routes.some((r) => r.via !== 'local')) return 'private';
    return 'isolated';
  }

  // ---------------------------------------------------------------- network ACLs

  private defaultNacl(vpc: string): Nacl {
    let nacl = this.defaultNacls.get(vpc);
    if (!nacl) {
      nacl = { address: vpc, allowAll: true, rules: [] };
      this.defaultNacls.set(vpc, nacl);
    }
    return nacl;
  }

  private buildNacls(): void {
    const g = this.graph;
    for (const acl of g.ofType('aws_network_acl')) {
      const nacl: Nacl = { address: acl.address, resource: acl, allowAll: false, rules: [] };
      this.nacls.set(acl.address, nacl);
      this.inlineNaclRules(acl, nacl);
      for (const subnet of linksAt(g, acl, 'subnet_ids', ['aws_subnet', 'aws_default_subnet']).targets) this.subnetNacl.set(subnet.address, nacl);
    }
    for (const acl of g.ofType('aws_default_network_acl')) {
      // A managed default network ACL holds exactly the rules given (none given = deny all).
      const nacl: Nacl = { address: acl.address, resource: acl, allowAll: false, rules: [] };
      this.nacls.set(acl.address, nacl);
      const vpc = this.vpcOf(acl, 'default_network_acl_id') ?? DEFAULT_VPC;
      this.defaultNacls.set(vpc, nacl);
      this.inlineNaclRules(acl, nacl);
      for (const subnet of linksAt(g, acl, 'subnet_ids', ['aws_subnet', 'aws_default_subnet']).targets) this.subnetNacl.set(subnet.address, nacl);
    }
    for (const rule of g.ofType('aws_network_acl_rule')) {
      const target = linksAt(g, rule, 'network_acl_id', ['aws_network_acl', 'aws_default_network_acl', 'aws_vpc']).targets[0];
      if (!target) continue;
      const nacl = target.type === 'aws_vpc' ? this.defaultNaclManaged(target.address) : this.nacls.get(target.address);
      if (!nacl) continue;
      nacl.rules.push(...naclRule(rule, '', rule));
    }
    for (const assoc of g.ofType('aws_network_acl_association')) {
      const subnet = linksAt(g, assoc, 'subnet_id', ['aws_subnet', 'aws_default_subnet']).targets[0];
      const acl = linksAt(g, assoc, 'network_acl_id', ['aws_network_acl', 'aws_default_network_acl']).targets[0];
      const nacl = acl ? this.nacls.get(acl.address) : undefined;
      if (subnet && nacl) this.subnetNacl.set(subnet.address, nacl);
    }
    for (const nacl of this.nacls.values()) nacl.rules.sort((a, b) => a.ruleNo - b.ruleNo);
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

  /**
   * Which ports of `family` traffic from the internet the ACL lets in, in rule-number order:
   * the first rule that matches a packet decides. A rule for all of the internet (0.0.0.0/0, ::/0)
   * decides its ports for everyone; a rule for part of it opens its ports to that part (an
   * allow) or leaves the rest to later rules (a deny). Return traffic must be allowed out too
   * (network ACLs are stateless): a protocol whose replies to ephemeral ports cannot leave is closed.
   */
  naclInbound(nacl: Nacl | undefined, family: Family, vpc?: string): NaclVerdict {
    if (!nacl || nacl.allowAll)
      return {
        open: PortSet.ALL,
        undecided: [],
        messages: [nacl ? `the default network ACL of ${nacl.address} allows all traffic` : 'no network ACL: all traffic allowed'],
      };
    const scopeOf = (cidr: string): CidrScope => this.internetScope(cidr, vpc);
    const inbound = evaluateNacl(nacl.rules.filter((r) => !r.egress && r.family === family), scopeOf);
    const outbound = evaluateNacl(nacl.rules.filter((r) => r.egress && r.family === family), scopeOf);
    let open = inbound.open;
    const messages = [...inbound.messages];
    for (const proto of ['tcp', 'udp'] as const) {
      const ephemeral = PortSet.of(proto, 1024, 65535)!;
      if (!open.intersect(PortSet.of(proto, 0, 65535)!).isEmpty() && outbound.open.intersect(ephemeral).isEmpty()) {
        open = open.subtract(PortSet.of(proto, 0, 65535)!);
        messages.push(
          `${nacl.address} lets no ${proto} replies out to ephemeral ports 1024-65535 (network ACLs are stateless), so ${proto} from the internet cannot ` +
            `connect`,
        );
      }
    }
    return { open, undecided: [...inbound.undecided, ...outbound.undecided], messages };
  }

  // ---------------------------------------------------------------- security groups

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
      if (sg.type === 'aws_default_security_group') this.defaultSgs.set(this.vpcOf(sg) ?? DEFAULT_VPC, sg);
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
      if (isUnknown(raw))
        push(
          raw.references.length > 0 && raw.references.every((r) => VPC_RANGE.test(r))
            ? { kind: 'vpc-range', cidr: raw.references.join(', ') }
            : { kind: 'unknown', reason: `${attr} of ${label} is ${raw.reason}, known only after apply` },
        );
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
      if (/cloudfront/i.test(reason) || /cloudfront/i.test(textOf(valueAt(resource.values, path))))
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

  /** The VPC's own IPv4 ranges (primary and associated blocks) where literal. */
  rangesOf(vpc: string | undefined): readonly string[] {
    return (vpc && this.vpcRanges.get(vpc)) || [];
  }

  /**
   * Who a CIDR lets in from the internet, for traffic arriving in `vpc` through its internet
   * gateway: addresses inside the VPC's own ranges cannot arrive that way, so a public-looking
   * CIDR wholly inside them is `private` there.
   */
  internetScope(cidr: string, vpc: string | undefined): CidrScope {
    const scope = classifyCidr(cidr);
    if (scope !== 'public') return scope;
    return this.rangesOf(vpc).some((range) => cidrContains(range, cidr)) ? 'private' : 'public';
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
        if (s.scope === 'public' && this.internetScope(s.cidr, vpc) !== 'public') continue; // the VPC's own range
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
  admitsFrom(groups: readonly string[], fromGroups: readonly string[], ports: PortSet): { admitted: boolean; rule?: SgRule; undecided?: string } {
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
}

/** Which resource types a route attribute can name. */
function fitsRouteAttribute(attr: string, type: string): boolean {
  switch (attr) {
    case 'gateway_id':
      return type === 'aws_internet_gateway' || type === 'aws_vpn_gateway' || type === 'aws_egress_only_internet_gateway';
    case 'egress_only_gateway_id':
      return type === 'aws_egress_only_internet_gateway';
    case 'nat_gateway_id':
      return type === 'aws_nat_gateway';
    case 'transit_gateway_id':
      return type === 'aws_ec2_transit_gateway';
    case 'vpc_peering_connection_id':
      return type === 'aws_vpc_peering_connection';
    default:
      return false;
  }
}

/** `${aws_vpc.main.cidr_block}`, `module.m.aws_vpc_ipv4_cidr_block_association.x.cidr_block`: a VPC's own range. */
const VPC_RANGE =
  /^(module\.[^\s]+\.)?(aws_vpc|aws_default_vpc|aws_vpc_ipv4_cidr_block_association|aws_vpc_ipv6_cidr_block_association)\.[^.\s]+\.(cidr_block|ipv6_cidr_block)$/;

function cidrSource(raw: Value, family: Family): SgSource {
  if (typeof raw === 'string') {
    const ref = /^\$\{([^{}]+)\}$/.exec(raw)?.[1]?.trim();
    if (ref && VPC_RANGE.test(ref)) return { kind: 'vpc-range', cidr: ref };
    if (raw.includes('${')) return { kind: 'unknown', reason: `CIDR ${raw} is an expression we cannot evaluate` };
    const scope = classifyCidr(raw);
    return { kind: 'cidr', cidr: raw, scope, family: raw.includes(':') ? 'ipv6' : family };
  }
  if (isUnknown(raw)) {
    if (raw.references.length > 0 && raw.references.every((r) => VPC_RANGE.test(r))) return { kind: 'vpc-range', cidr: raw.references.join(', ') };
    return { kind: 'unknown', reason: `a CIDR is ${raw.reason}, known only after apply` };
  }
  return { kind: 'unknown', reason: `a CIDR is not a string (${JSON.stringify(raw)})` };
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
