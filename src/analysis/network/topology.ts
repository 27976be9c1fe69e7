import type { ResourceGraph } from '../../model/graph.js';
import { asBoolean, isUnknown, valueAt } from '../../model/graph.js';
import type { Resource } from '../../model/types.js';
import { NetworkAcls, type Nacl, type NaclVerdict } from './nacls.js';
import type { PortSet } from './ports.js';
import { RouteTables, type RouteTable } from './routes.js';
import { SecurityGroups, type SgAdmission, type SgRule, type SgVerdict } from './security-groups.js';
import { DEFAULT_VPC, Vpcs, type Family } from './vpcs.js';

/**
 * The VPC side of the network, indexed once: which route table each subnet uses, where its
 * routes go, which network ACL guards it and what each security group admits from the internet.
 * Everything is keyed by address so the exposure pass does O(1) look-ups per resource.
 *
 *   vpcs.ts             VPCs, their own ranges, which VPC a resource belongs to
 *   routes.ts           route tables, routes, each subnet's table
 *   nacls.ts            network ACLs, each subnet's ACL, what an ACL lets in
 *   security-groups.ts  ingress rules, what groups admit
 */

export type { SgRule } from './security-groups.js';

export type Tier = 'public' | 'private' | 'isolated' | 'unknown';

/** A hop on a path, with the resource that proves it (for evidence and the path's address list). */
export interface Hop {
  /** Address in the path (a resource address, or a pseudo-hop such as `(default VPC)`). */
  readonly address: string;
  readonly resource?: Resource;
  readonly message: string;
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

export class Topology {
  private readonly vpcs: Vpcs;
  private readonly routes: RouteTables;
  private readonly nacls: NetworkAcls;
  private readonly groups: SecurityGroups;
  private readonly subnets = new Map<string, SubnetInfo>();

  constructor(private readonly graph: ResourceGraph) {
    this.vpcs = new Vpcs(graph);
    this.routes = new RouteTables(graph, this.vpcs);
    this.nacls = new NetworkAcls(graph, this.vpcs);
    this.groups = new SecurityGroups(graph, this.vpcs);
  }

  /** Subnet facts by address (`aws_subnet`, `aws_default_subnet`), or the default VPC's pseudo subnet. */
  subnet(address: string): SubnetInfo | undefined {
    const cached = this.subnets.get(address);
    if (cached) return cached;
    const info = this.subnetInfo(address);
    if (info) this.subnets.set(address, info);
    return info;
  }

  /** The pseudo subnet used by resources launched without a subnet (the default VPC's default subnets). */
  get defaultVpcSubnet(): string {
    return DEFAULT_VPC;
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

  /** What the network ACL lets in from the internet (see NetworkAcls.naclInbound). */
  naclInbound(nacl: Nacl | undefined, family: Family, vpc?: string): NaclVerdict {
    return this.nacls.naclInbound(nacl, family, vpc);
  }

  /** Ingress rules of a security group (inline, aws_security_group_rule, aws_vpc_security_group_ingress_rule). */
  rulesOf(sg: string): readonly SgRule[] {
    return this.groups.rulesOf(sg);
  }

  /** Whether the group is declared in this configuration. */
  hasGroup(sg: string): boolean {
    return this.groups.hasGroup(sg);
  }

  /** The VPC's default security group when managed (`aws_default_security_group`). */
  defaultGroup(vpc: string | undefined): Resource | undefined {
    return this.groups.defaultGroup(vpc);
  }

  /** What the groups admit from internet sources of `family`, for a resource in `vpc`. */
  sgInbound(groups: readonly string[], family: Family, vpc?: string): SgVerdict {
    return this.groups.sgInbound(groups, family, vpc);
  }

  /** True if one of `groups` admits traffic on `ports` from a member of `fromGroups` or from a CIDR (any scope: the VPC). */
  admitsFrom(groups: readonly string[], fromGroups: readonly string[], ports: PortSet): SgAdmission {
    return this.groups.admitsFrom(groups, fromGroups, ports);
  }

  private subnetInfo(address: string): SubnetInfo | undefined {
    if (address === DEFAULT_VPC) {
      const table = this.routes.mainTable(DEFAULT_VPC);
      return { address, vpc: DEFAULT_VPC, table, nacl: this.nacls.defaultNacl(DEFAULT_VPC), mapPublicIp: true, assignIpv6: false };
    }
    const resource = this.graph.get(address);
    if (!resource || (resource.type !== 'aws_subnet' && resource.type !== 'aws_default_subnet')) return undefined;
    const isDefault = resource.type === 'aws_default_subnet';
    const vpc = isDefault ? (this.vpcs.defaultVpc?.address ?? DEFAULT_VPC) : this.vpcs.vpcOf(resource);
    const explicit = this.routes.associationOf(address);
    const table = explicit ? explicit.table : vpc ? this.routes.mainTable(vpc) : undefined;
    const tableUndecided = explicit?.undecided ?? (vpc ? undefined : `the VPC of ${address} is not in this configuration`);
    const nacl = this.nacls.associatedWith(address) ?? (vpc ? this.nacls.defaultNacl(vpc) : undefined);
    const map = asBoolean(valueAt(resource.values, 'map_public_ip_on_launch'));
    return {
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
}
