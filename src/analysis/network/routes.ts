import type { ResourceGraph } from '../../model/graph.js';
import { asList, asObject, isUnknown, valueAt } from '../../model/graph.js';
import type { Resource, Value } from '../../model/types.js';
import { linksAt, stripAttribute } from './links.js';
import { DEFAULT_VPC, type Family, type Vpcs } from './vpcs.js';

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

export interface RouteTable {
  /** Resource address, or the VPC's address for its implicit main route table. */
  readonly address: string;
  readonly resource?: Resource;
  readonly vpc?: string;
  readonly routes: Route[];
  readonly description: string;
}

/** The route table a subnet is explicitly associated with (`aws_route_table_association`). */
interface SubnetAssociation {
  readonly table?: RouteTable;
  readonly association: Resource;
  readonly undecided?: string;
}

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

/** Route tables and their routes (inline and `aws_route`), each VPC's main table, and which table each subnet uses. */
export class RouteTables {
  /** VPC address -> its default route table (managed `aws_default_route_table` or implicit). */
  private readonly defaultTables = new Map<string, RouteTable>();
  /** VPC address -> route table made main by `aws_main_route_table_association`. */
  private readonly mainOverride = new Map<string, { table: RouteTable; association: Resource }>();
  private readonly tables = new Map<string, RouteTable>();
  private readonly subnetTable = new Map<string, SubnetAssociation>();

  constructor(
    private readonly graph: ResourceGraph,
    private readonly vpcs: Vpcs,
  ) {
    const g = this.graph;
    for (const rt of g.ofType('aws_route_table')) {
      const vpc = this.vpcs.vpcOf(rt);
      const table: RouteTable = { address: rt.address, resource: rt, ...(vpc ? { vpc } : {}), routes: [], description: `route table ${rt.address}` };
      this.tables.set(rt.address, table);
      this.inlineRoutes(rt, table);
    }
    for (const rt of g.ofType('aws_default_route_table')) {
      const vpc = this.vpcs.vpcOf(rt, 'default_route_table_id') ?? DEFAULT_VPC;
      const table: RouteTable = { address: rt.address, resource: rt, vpc, routes: [], description: `default route table ${rt.address}` };
      this.tables.set(rt.address, table);
      this.defaultTables.set(vpc, table);
      this.inlineRoutes(rt, table);
    }
    for (const assoc of g.ofType('aws_main_route_table_association')) {
      const vpc = this.vpcs.vpcOf(assoc);
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

  /** The VPC's main route table: made main by an association, or its default table. */
  mainTable(vpc: string): RouteTable {
    return this.mainOverride.get(vpc)?.table ?? this.defaultTable(vpc);
  }

  /** The subnet's explicit association, if it has one (otherwise it uses its VPC's main table). */
  associationOf(subnet: string): SubnetAssociation | undefined {
    return this.subnetTable.get(subnet);
  }

  private defaultTable(vpc: string): RouteTable {
    let table = this.defaultTables.get(vpc);
    if (!table) {
      const isDefaultVpc = vpc === DEFAULT_VPC || this.vpcs.get(vpc)?.type === 'aws_default_vpc';
      table = { address: vpc, vpc, routes: [], description: `the main route table of ${vpc}` };
      // A default VPC comes with an internet gateway and a 0.0.0.0/0 route to it.
      if (isDefaultVpc) {
        const declaredBy = this.vpcs.get(vpc) ?? this.vpcs.defaultVpc ?? this.vpcs.pseudoDefaultVpc();
        const label = 'the default VPC\'s route 0.0.0.0/0 to its internet gateway';
        table.routes.push({ via: 'igw', family: 'ipv4', destination: '0.0.0.0/0', declaredBy, label });
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
    if (target.type === 'aws_vpc' || target.type === 'aws_default_vpc') return { table: this.mainTable(target.address) };
    return { table: this.tables.get(target.address) };
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
        if (typeof raw === 'string') {
          return { via: raw.startsWith('igw-') ? 'igw' : 'other', family, destination, declaredBy, label: `${where}: ${destination} -> ${raw}` };
        }
        const reason = isUnknown(raw) ? raw.reason : 'a value';
        const undecided = `the gateway of ${where} is ${reason}, known only after apply`;
        return { via: 'unknown', family, destination, declaredBy, label: `${where}: ${destination} -> ${reason}`, undecided };
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
