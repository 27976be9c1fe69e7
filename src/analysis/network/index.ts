import type { ResourceGraph } from '../../model/graph.js';
import { valueAt } from '../../model/graph.js';
import type { Location, Resource, ServiceType } from '../../model/types.js';
import type { Evidence } from '../../model/findings.js';
import { hopEvidence, RouteCollector, type ExposureRoute, type Mechanism } from './collector.js';
import { Gateways } from './gateway.js';
import { linksAt } from './links.js';
import { Listeners } from './listeners.js';
import { PortSet } from './ports.js';
import { PublicAccess } from './resource-policies.js';
import { Topology, type Tier } from './topology.js';
import { own } from '../../model/dict.js';

export type { Mechanism } from './collector.js';
export type { Tier } from './topology.js';
export { PortSet } from './ports.js';

/** One way in to an exposed resource. */
export interface ExposurePath {
  readonly mechanism: Mechanism;
  readonly viaGateway: boolean;
  /** Addresses from the internet side (internet gateway, gateway API, function URL) to the resource. */
  readonly path: readonly string[];
  readonly ports: readonly string[];
  /** Ports open to every internet address (0.0.0.0/0, ::/0). */
  readonly worldPorts: readonly string[];
  /** One per hop, with its location. */
  readonly evidence: readonly Evidence[];
  /** Set when this path depends on a value known only after apply. */
  readonly undecided?: string;
  /** Set when only these internet addresses get in (an office range), not any internet address. */
  readonly sources?: readonly string[];
}

/** A resource reachable from the internet (or possibly reachable: `undecided`). */
export interface Exposure {
  readonly address: string;
  readonly resourceType: string;
  readonly serviceType?: ServiceType;
  readonly location: Location;
  /** True when every decided path goes through an API Gateway integration. */
  readonly viaGateway: boolean;
  /** The resource is an API Gateway API itself (public by design). */
  readonly isGateway: boolean;
  readonly mechanisms: readonly Mechanism[];
  /** The main path (a direct one if any), as addresses. */
  readonly path: readonly string[];
  /** Ports reachable over the paths of the main kind (direct, or through the gateway), e.g. `tcp/443`, `all`. */
  readonly ports: readonly string[];
  readonly worldPorts: readonly string[];
  /** Evidence of the main path, one per hop. */
  readonly evidence: readonly Evidence[];
  /** Set when no path is certain: the resource may be reachable, depending on values known only after apply. */
  readonly undecided?: string;
  /** Set when every path of the main kind admits only these internet addresses (office ranges). */
  readonly sources?: readonly string[];
  /** Every path found, decided and undecided. */
  readonly paths: readonly ExposurePath[];
}

export interface Placement {
  /** Subnet addresses the resource runs in (empty if not in a VPC or unknown). */
  readonly subnets: readonly string[];
  /** Tier of each subnet, same order; `(default VPC)` counts as public. */
  readonly tiers: readonly Tier[];
  /** Subnets named by values we cannot resolve (variables, literal ids, data sources). */
  readonly unresolved: readonly string[];
  /** False when the resource does not run in a VPC at all (a Lambda function without vpc_config). */
  readonly inVpc: boolean;
}

/** Exposure paths from the internet, subnet tiers and service placement. */
export interface NetworkFacts {
  /** One per resource reachable (or possibly reachable) from the internet, sorted by address. */
  readonly exposures: readonly Exposure[];
  /** Resources that could listen but are not reachable, with the reasons (for explanations). */
  readonly notExposed: ReadonlyMap<string, readonly string[]>;
  exposure(address: string): Exposure | undefined;
  /** public = route to an internet gateway; private = routes out via NAT / transit gateway / peering only; isolated = local only. */
  subnetTier(subnetAddress: string): Tier;
  /** Subnets and tiers of a service (ECS service, Lambda function, instance, load balancer, database, ...). */
  placement(resource: Resource): Placement;
  /** Security groups with an ingress rule from 0.0.0.0/0 or ::/0, and what uses them (hygiene, not exposure). */
  readonly worldOpenGroups: readonly OpenGroup[];
  /** Publicly accessible resources in public subnets that only their security groups keep off the internet: one change away. */
  readonly guardedOnlyByGroups: readonly GuardedResource[];
}

/** A resource with a public address in a public subnet, not reachable only because of its security groups. */
export interface GuardedResource {
  readonly address: string;
  readonly resource: Resource;
  /** Why it is not reachable today (what the groups admit). */
  readonly reason: string;
  /** Where it sits: `in public subnet aws_subnet.a`, or in the default VPC. */
  readonly where: string;
  /** The placement and the public address, one per hop. */
  readonly evidence: readonly Evidence[];
}

/** A security group open to the whole internet on some ports. */
export interface OpenGroup {
  readonly address: string;
  readonly resource: Resource;
  readonly ports: readonly string[];
  /** The rules that open it, one evidence each. */
  readonly evidence: readonly Evidence[];
  /** Resources that use the group (instances, services, load balancers, launch templates, ...). */
  readonly attachedTo: readonly string[];
}

/** One entry of `hybridguard query exposure --format json` (the CLI contract). */
export interface ExposureReportEntry {
  readonly address: string;
  readonly serviceType: ServiceType | null;
  readonly viaGateway: boolean;
  readonly path: readonly string[];
  readonly ports: readonly string[];
  /** Only with `includeUndecided`: the resource may be reachable; why it cannot be decided before apply (the unknown value). */
  readonly undecided?: string;
  /** Present when only these internet addresses can reach it (an office range), not any internet address. */
  readonly sources?: readonly string[];
}

const GATEWAY_TYPES = new Set(['aws_apigatewayv2_api', 'aws_api_gateway_rest_api']);

export function analyzeNetwork(graph: ResourceGraph): NetworkFacts {
  const topo = new Topology(graph);
  const out = new RouteCollector();
  const listeners = new Listeners(graph, topo, out);
  listeners.run();
  new PublicAccess(graph, out).run();
  new Gateways(graph, out, listeners).run();

  const exposures: Exposure[] = [];
  for (const { resource, routes } of out.routes.values()) exposures.push(toExposure(resource, routes));
  exposures.sort((a, b) => cmp(a.address, b.address));
  const byAddress = new Map(exposures.map((e) => [e.address, e]));
  // Reasons matter only for what ended up unreachable.
  const notExposed = new Map([...out.notExposed].filter(([address]) => !byAddress.has(address)));
  return {
    exposures,
    notExposed,
    worldOpenGroups: openGroups(graph, topo),
    guardedOnlyByGroups: [...out.guardedOnlyByGroups.values()]
      .filter((g) => !byAddress.has(g.resource.address))
      .map((g) => ({ address: g.resource.address, resource: g.resource, reason: g.reason, where: g.where, evidence: g.hops.map(hopEvidence) }))
      .sort((a, b) => cmp(a.address, b.address)),
    exposure: (address) => byAddress.get(address),
    subnetTier: (address) => topo.tier(address),
    placement: (resource) => placementOf(graph, topo, resource),
  };
}

function toExposure(resource: Resource, routes: readonly ExposureRoute[]): Exposure {
  const paths: ExposurePath[] = routes.map((r) => ({
    mechanism: r.mechanism,
    viaGateway: r.viaGateway,
    path: r.hops.map((h) => h.address),
    ports: r.ports.labels(),
    worldPorts: r.worldPorts.labels(),
    evidence: r.hops.map(hopEvidence),
    ...(r.undecided ? { undecided: r.undecided } : {}),
    ...(r.sources ? { sources: r.sources } : {}),
  }));
  const decided = routes.filter((r) => !r.undecided);
  const pool = decided.length ? decided : routes;
  const direct = pool.filter((r) => !r.viaGateway);
  const main = direct.length ? direct : pool;
  const primary = [...main].sort((a, b) => a.hops.length - b.hops.length)[0]!;
  let ports = PortSet.EMPTY;
  let world = PortSet.EMPTY;
  for (const r of main) {
    ports = ports.union(r.ports);
    world = world.union(r.worldPorts);
  }
  const serviceType = resource.serviceType?.type ?? (GATEWAY_TYPES.has(resource.type) ? 'gateway' : undefined);
  return {
    address: resource.address,
    resourceType: resource.type,
    ...(serviceType ? { serviceType } : {}),
    location: resource.location,
    viaGateway: direct.length === 0,
    isGateway: GATEWAY_TYPES.has(resource.type),
    mechanisms: [...new Set(main.map((r) => r.mechanism))].sort(),
    path: primary.hops.map((h) => h.address),
    ports: ports.labels(),
    worldPorts: world.labels(),
    evidence: primary.hops.map(hopEvidence),
    ...(decided.length === 0 ? { undecided: routes[0]!.undecided! } : {}),
    ...(main.every((r) => r.sources) ? { sources: [...new Set(main.flatMap((r) => r.sources!))].sort() } : {}),
    paths,
  };
}

/**
 * The JSON of `hybridguard query exposure`: every resource certainly reachable from the
 * internet, sorted by address; with `includeUndecided`, also those that may be, each with its
 * `undecided` reason.
 */
export function exposureReport(facts: NetworkFacts, options: { readonly includeUndecided?: boolean } = {}): ExposureReportEntry[] {
  return facts.exposures
    .filter((e) => options.includeUndecided || !e.undecided)
    // Trust policies say who may assume a role: no network path, so not an exposure to list here.
    .filter((e) => !e.mechanisms.every((m) => m === 'trust-policy'))
    .map((e) => ({
      address: e.address,
      serviceType: e.serviceType ?? null,
      viaGateway: e.viaGateway,
      path: [...e.path],
      ports: [...e.ports],
      ...(e.undecided ? { undecided: e.undecided } : {}),
      ...(e.sources ? { sources: [...e.sources] } : {}),
    }))
    .sort((a, b) => cmp(a.address, b.address));
}

/** Resources that may be reachable, with why it cannot be decided before apply. */
export function undecidedExposures(facts: NetworkFacts): { address: string; reason: string }[] {
  return facts.exposures.filter((e) => e.undecided).map((e) => ({ address: e.address, reason: e.undecided! }));
}

// Rule resources and other groups reference a group without attaching it.
const NOT_ATTACHING = new Set([
  'aws_security_group',
  'aws_default_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
]);

function openGroups(graph: ResourceGraph, topo: Topology): OpenGroup[] {
  const out: OpenGroup[] = [];
  for (const sg of [...graph.ofType('aws_security_group'), ...graph.ofType('aws_default_security_group')]) {
    let ports = PortSet.EMPTY;
    const evidence: Evidence[] = [];
    for (const rule of topo.rulesOf(sg.address)) {
      if (rule.source.kind !== 'cidr' || rule.source.scope !== 'world' || !rule.ports) continue;
      ports = ports.union(rule.ports);
      evidence.push({
        kind: 'attribute',
        message: `${rule.label} admits ${rule.ports.labels().join(', ')} from ${rule.source.cidr}`,
        location: rule.declaredBy.location,
        data: { address: rule.declaredBy.address, cidr: rule.source.cidr, ports: rule.ports.labels() },
      });
    }
    if (ports.isEmpty()) continue;
    const attachedTo = graph
      .referrers(sg)
      .filter((r) => !NOT_ATTACHING.has(r.type))
      .map((r) => r.address)
      .sort(cmp);
    out.push({ address: sg.address, resource: sg, ports: ports.labels(), evidence, attachedTo });
  }
  return out.sort((a, b) => cmp(a.address, b.address));
}

// ---------------------------------------------------------------- placement

const PLACEMENT: Readonly<Record<string, readonly string[]>> = {
  aws_ecs_service: ['network_configuration.0.subnets'],
  aws_lambda_function: ['vpc_config.0.subnet_ids'],
  aws_instance: ['subnet_id'],
  aws_lb: ['subnets', 'subnet_mapping'],
  aws_alb: ['subnets', 'subnet_mapping'],
  aws_elb: ['subnets'],
  aws_sagemaker_notebook_instance: ['subnet_id'],
  aws_eks_cluster: ['vpc_config.0.subnet_ids'],
  aws_eks_node_group: ['subnet_ids'],
  aws_batch_compute_environment: ['compute_resources.0.subnets'],
  aws_mq_broker: ['subnet_ids'],
  aws_network_interface: ['subnet_id'],
  aws_autoscaling_group: ['vpc_zone_identifier'],
  aws_sagemaker_model: ['vpc_config.0.subnets'],
  aws_elasticache_cluster: [],
};

const SUBNET_GROUPS: Readonly<Record<string, readonly [string, string]>> = {
  aws_db_instance: ['db_subnet_group_name', 'aws_db_subnet_group'],
  aws_rds_cluster: ['db_subnet_group_name', 'aws_db_subnet_group'],
  aws_rds_cluster_instance: ['db_subnet_group_name', 'aws_db_subnet_group'],
  aws_redshift_cluster: ['cluster_subnet_group_name', 'aws_redshift_subnet_group'],
  aws_elasticache_cluster: ['subnet_group_name', 'aws_elasticache_subnet_group'],
  aws_elasticache_replication_group: ['subnet_group_name', 'aws_elasticache_subnet_group'],
  aws_neptune_cluster: ['neptune_subnet_group_name', 'aws_neptune_subnet_group'],
  aws_dms_replication_instance: ['replication_subnet_group_id', 'aws_dms_replication_subnet_group'],
};

function placementOf(graph: ResourceGraph, topo: Topology, resource: Resource): Placement {
  const subnets: string[] = [];
  const unresolved: string[] = [];
  const collect = (owner: Resource, path: string): void => {
    const links = linksAt(graph, owner, path, ['aws_subnet', 'aws_default_subnet']);
    for (const t of links.targets) if (!subnets.includes(t.address)) subnets.push(t.address);
    unresolved.push(...links.unresolved);
  };
  const group = own(SUBNET_GROUPS, resource.type);
  let inVpc = true;
  if (group) {
    const sg = linksAt(graph, resource, group[0], [group[1]]);
    const target = sg.targets[0];
    if (target) collect(target, 'subnet_ids');
    else if (sg.unresolved.length) unresolved.push(...sg.unresolved);
    else subnets.push(topo.defaultVpcSubnet);
  } else {
    const paths = own(PLACEMENT, resource.type);
    if (!paths) return { subnets: [], tiers: [], unresolved: [], inVpc: false };
    for (const path of paths) collect(resource, path);
    if (subnets.length === 0 && unresolved.length === 0) {
      if (resource.type === 'aws_instance') subnets.push(topo.defaultVpcSubnet);
      else if (resource.type === 'aws_lambda_function' || resource.type === 'aws_sagemaker_notebook_instance') inVpc = false;
      else if (resource.type === 'aws_ecs_service' && valueAt(resource.values, 'network_configuration') == null) {
        unresolved.push(`${resource.address} has no network_configuration: its tasks use the container instances' network`);
      }
    }
  }
  return { subnets, tiers: subnets.map((s) => topo.tier(s)), unresolved, inVpc };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
