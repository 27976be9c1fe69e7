import type { ResourceGraph } from '../../model/graph.js';
import { asBoolean, asList, asNumber, asObject, asString, isUnknown, valueAt } from '../../model/graph.js';
import type { Resource, Value } from '../../model/types.js';
import { classifyCidr } from './cidr.js';
import { hop, type ExposureRoute } from './collector.js';
import { linksAt, type Links } from './links.js';
import { normaliseProtocol, PortSet } from './ports.js';
import type { Hop, SgRule, Topology } from './topology.js';

/**
 * Exposure through the VPC: internet gateway -> route table -> subnet -> network ACL -> security
 * groups -> what listens (load balancers and their targets, instances, ECS tasks, databases),
 * plus the AWS-managed public endpoints (EKS API, SageMaker notebooks).
 */

/** A resource with network interfaces, and how it gets its addresses. */
export interface NetworkSubject {
  readonly resource: Resource;
  /** Subnets it lives in; `default` = launched without one (the default VPC's default subnets). */
  readonly subnets: Links | 'default';
  /** Public IPv4 address: yes, no, `subnet` (the subnet's map_public_ip_on_launch decides), or unknown until apply (a reason). */
  readonly publicIpv4: boolean | 'subnet' | { readonly unknown: string };
  readonly ipv6: boolean | 'subnet';
  /** Hop that gives the public address (an elastic IP), placed before the resource. */
  readonly addressHop?: Hop;
  /** Security groups; empty targets and no unresolved = the VPC's default group. `none` = no security group filters (NLB without groups). */
  readonly groups: Links | 'none';
  /** Ports the resource listens on, where known (listeners, container ports, database port). */
  readonly listen?: PortSet;
  readonly mechanism: 'network' | 'load-balancer';
  /**
   * Set when the resource asks for a public address whatever its subnets (an internet-facing load
   * balancer): with subnets not in this configuration, the scheme is the intent and decides.
   */
  readonly publicByIntent?: string;
  /** Short phrase for the final hop: `internet-facing application load balancer`. */
  readonly what: string;
}

interface Reach {
  readonly routes: ExposureRoute[];
  readonly reasons: string[];
}

/** All paths from the internet to `subject`, one per public subnet and address family. */
export function reachSubject(graph: ResourceGraph, topo: Topology, subject: NetworkSubject, prefix: readonly Hop[] = []): Reach {
  const routes: ExposureRoute[] = [];
  const reasons: string[] = [];
  const subnetAddresses: string[] = [];
  const undecidedSubnets: string[] = [];
  if (subject.subnets === 'default') subnetAddresses.push(topo.defaultVpcSubnet);
  else {
    subnetAddresses.push(...subject.subnets.targets.map((s) => s.address));
    undecidedSubnets.push(...subject.subnets.unresolved);
  }
  const groupAddresses: string[] = [];
  const groupUndecided: string[] = [];
  let defaultGroupClosed = false;
  if (subject.groups !== 'none') {
    groupAddresses.push(...subject.groups.targets.filter((g) => topo.hasGroup(g.address)).map((g) => g.address));
    groupUndecided.push(...subject.groups.unresolved.map((u) => `security group ${u} is not in this configuration`));
  }

  /**
   * Why the security groups alone let nothing the resource listens on in from any internet
   * address (for a resource in `vpc`), whatever the values known only after apply (a public IP,
   * a route table, the subnets): then the answer is decided. Undefined when they may.
   */
  const closedByGroups = (vpc: string | undefined): string | undefined => {
    if (subject.groups === 'none' || groupUndecided.length) return undefined;
    let groups = groupAddresses;
    if (subject.groups.targets.length === 0) {
      const def = topo.defaultGroup(vpc);
      if (!def) return `${subject.resource.address} uses the default security group of its VPC, which admits only its own members`;
      groups = [def.address];
    }
    for (const family of ['ipv4', 'ipv6'] as const) {
      const verdict = topo.sgInbound(groups, family, vpc);
      if (verdict.undecided.length) return undefined;
      if (!(subject.listen ? verdict.ports.intersect(subject.listen) : verdict.ports).isEmpty()) return undefined;
    }
    return `no security group of ${subject.resource.address} admits ${
      subject.listen ? `what it listens on (${subject.listen.labels().join(', ')})` : 'any traffic'
    } from the internet (${groups.join(', ')})`;
  };

  for (const address of subnetAddresses) {
    const info = topo.subnet(address);
    if (!info) continue;
    const subnetResource = info.subnet;
    // A known hop that blocks every path decides, before anything unknown is looked at.
    const closed = closedByGroups(info.vpc);
    if (closed) {
      reasons.push(closed);
      continue;
    }
    if (!info.table) {
      routes.push(undecidedRoute(subject, prefix, `the route table of ${address} is unknown (${info.tableUndecided ?? 'not in this configuration'})`));
      continue;
    }
    const igwRoutes = info.table.routes.filter((r) => r.via === 'igw');
    const unknownRoutes = info.table.routes.filter((r) => r.via === 'unknown');
    if (igwRoutes.length === 0) {
      if (unknownRoutes.length) routes.push(undecidedRoute(subject, prefix, unknownRoutes[0]!.undecided ?? 'a route target is unknown'));
      else reasons.push(`${address} has no route to an internet gateway (${info.table.description})`);
      continue;
    }
    // Groups: given ones, else the VPC's default group (unmanaged, it admits only its own members).
    let groups = groupAddresses;
    if (subject.groups !== 'none' && subject.groups.targets.length === 0 && subject.groups.unresolved.length === 0) {
      const def = topo.defaultGroup(info.vpc);
      if (def) groups = [def.address];
      else defaultGroupClosed = true;
    }
    for (const family of ['ipv4', 'ipv6'] as const) {
      const familyRoutes = igwRoutes.filter((r) => r.family === family);
      if (familyRoutes.length === 0) continue;
      const route = familyRoutes[0]!;
      // Does the resource get a public address of this family?
      let addressUndecided: string | undefined;
      if (family === 'ipv4') {
        const ip = subject.publicIpv4;
        const has = ip === 'subnet' ? info.mapPublicIp : typeof ip === 'boolean' ? ip : undefined;
        if (has === false) {
          reasons.push(
            `${subject.resource.address} gets no public IPv4 address in ${address}${ip === 'subnet' ? ' (the subnet does not map public IPs on launch)' : ''}`,
          );
          continue;
        }
        if (has === undefined) addressUndecided = typeof ip === 'object' ? ip.unknown : `whether ${address} maps public IPs is known only after apply`;
      } else {
        const has = subject.ipv6 === 'subnet' ? info.assignIpv6 : subject.ipv6;
        if (!has) continue;
      }
      const nacl = topo.naclInbound(info.nacl, family, info.vpc);
      const sg =
        subject.groups === 'none' ? { ports: PortSet.ALL, worldPorts: PortSet.ALL, undecided: [], rules: [] } : topo.sgInbound(groups, family, info.vpc);
      let ports = nacl.open.intersect(sg.ports);
      let worldPorts = nacl.open.intersect(sg.worldPorts);
      if (subject.listen) {
        ports = ports.intersect(subject.listen);
        worldPorts = worldPorts.intersect(subject.listen);
      }
      if (ports.isEmpty()) {
        // Only an unknown security group or rule can still open it, and only on what the network ACL lets through.
        const sgUnknown = [...sg.undecided, ...groupUndecided];
        const naclMax = subject.listen ? nacl.open.intersect(subject.listen) : nacl.open;
        if (sgUnknown.length && !naclMax.isEmpty()) {
          routes.push(undecidedRoute(subject, prefix, sgUnknown[0]!));
          continue;
        }
        if (subject.groups !== 'none' && groups.length === 0 && defaultGroupClosed)
          reasons.push(`${subject.resource.address} uses the default security group of its VPC, which admits only its own members`);
        else if (!sg.ports.isEmpty() && nacl.open.intersect(sg.ports).isEmpty())
          reasons.push(
            `${info.nacl?.address ?? 'the network ACL'} blocks what the security groups admit (${sg.ports.labels().join(', ')}): ${nacl.messages.join('; ')}`,
          );
        else if (sg.ports.isEmpty()) reasons.push(`no security group of ${subject.resource.address} admits ${family} traffic from the internet`);
        else reasons.push(`nothing ${subject.resource.address} listens on is open from the internet`);
        continue;
      }
      const hops: Hop[] = [...prefix];
      if (route.gateway) hops.push(hop(route.gateway, `internet gateway ${route.gateway.address}`));
      if (route.declaredBy.type === 'aws_route') hops.push(hop(route.declaredBy, `route ${route.label}`));
      const table = info.table;
      if (table.resource) hops.push(hop(table.resource, `${table.description} routes ${route.destination} to the internet gateway (${route.label})`));
      else if (route.declaredBy.type !== 'aws_route')
        hops.push(hop(route.declaredBy, `${table.description} routes ${route.destination} to the internet gateway`));
      if (info.association) hops.push(hop(info.association, `${info.association.address} associates ${address} with ${table.address}`));
      if (subnetResource)
        hops.push(hop(subnetResource, `subnet ${address} is public: ${table.description} routes ${route.destination} to an internet gateway`));
      else if (hops[hops.length - 1]?.address !== address)
        hops.push({
          address,
          message: `${subject.resource.address} has no subnet: it lands in a default subnet of the default VPC, which routes 0.0.0.0/0 to an internet ` +
            `gateway and maps public IPs`,
        });
      if (info.nacl?.resource && !info.nacl.allowAll)
        hops.push(hop(info.nacl.resource, `network ACL ${info.nacl.address} lets in ${ports.labels().join(', ')} (${nacl.messages.join('; ')})`));
      hops.push(...ruleHops(sg.rules, ports));
      const sources = worldPorts.isEmpty() ? admittedSources(sg.rules, ports) : [];
      if (subject.addressHop) hops.push(subject.addressHop);
      hops.push(listeningHop(subject, ports, family, sources));
      routes.push({
        mechanism: subject.mechanism,
        viaGateway: false,
        hops,
        ports,
        worldPorts,
        ...(addressUndecided ? { undecided: addressUndecided } : {}),
        ...(sources.length ? { sources } : {}),
      });
    }
  }
  if (undecidedSubnets.length) {
    // Subnets we cannot see: still decided when the security groups admit nothing from the internet.
    const closed = closedByGroups(undefined);
    if (closed) reasons.push(closed);
    else if (subject.publicByIntent && subnetAddresses.length === 0)
      routes.push(...intendedRoutes(topo, subject, prefix, groupAddresses, groupUndecided, undecidedSubnets, reasons));
    else for (const reason of undecidedSubnets) routes.push(undecidedRoute(subject, prefix, `subnet ${reason} is not in this configuration`));
  }
  return { routes, reasons };
}

/**
 * Paths of a resource that is public by intent (an internet-facing load balancer) in subnets we
 * cannot see: the scheme stands for internet gateway, route table and subnet; its security
 * groups still decide the ports.
 */
function intendedRoutes(
  topo: Topology,
  subject: NetworkSubject,
  prefix: readonly Hop[],
  groups: readonly string[],
  groupUndecided: readonly string[],
  subnets: readonly string[],
  reasons: string[],
): ExposureRoute[] {
  const out: ExposureRoute[] = [];
  for (const family of subject.ipv6 === true ? (['ipv4', 'ipv6'] as const) : (['ipv4'] as const)) {
    const sg = subject.groups === 'none' ? { ports: PortSet.ALL, worldPorts: PortSet.ALL, undecided: [], rules: [] } : topo.sgInbound(groups, family);
    const ports = subject.listen ? sg.ports.intersect(subject.listen) : sg.ports;
    const worldPorts = subject.listen ? sg.worldPorts.intersect(subject.listen) : sg.worldPorts;
    const unknown = [...sg.undecided, ...groupUndecided];
    if (ports.isEmpty()) {
      if (unknown.length) out.push(undecidedRoute(subject, prefix, unknown[0]!));
      else reasons.push(`no security group of ${subject.resource.address} admits what it listens on from the internet`);
      continue;
    }
    // A pseudo-hop stands for internet gateway -> route table -> subnet, located at the resource that states the intent.
    const hops: Hop[] = [
      ...prefix,
      {
        address: '(public subnets, by the internet-facing scheme)',
        resource: subject.resource,
        message: `${subject.publicByIntent}; its subnets (${subnets.join(
          '; ',
        )}) are not in this configuration, so the scheme is taken as the intent: public subnets routed to an internet gateway`,
      },
    ];
    hops.push(...ruleHops(sg.rules, ports));
    const sources = worldPorts.isEmpty() ? admittedSources(sg.rules, ports) : [];
    hops.push(listeningHop(subject, ports, family, sources));
    out.push({ mechanism: subject.mechanism, viaGateway: false, hops, ports, worldPorts, ...(sources.length ? { sources } : {}) });
  }
  return out;
}

/** The last hop of a path: the subject listening on the ports that reach it, and from where when not from anywhere. */
function listeningHop(subject: NetworkSubject, ports: PortSet, family: 'ipv4' | 'ipv6', sources: readonly string[]): Hop {
  const ipv6 = family === 'ipv6' ? ' (IPv6)' : '';
  const from = sources.length ? `, reachable only from ${sources.join(', ')}` : '';
  return hop(subject.resource, `${subject.what} ${subject.resource.address} listens on ${ports.labels().join(', ')}${ipv6}${from}`);
}

/** One hop per security group rule (or rule resource) that admits some of `ports` from the internet. */
function ruleHops(rules: readonly SgRule[], ports: PortSet): Hop[] {
  const out: Hop[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    if (!rule.ports || rule.ports.intersect(ports).isEmpty() || seen.has(rule.declaredBy.address)) continue;
    seen.add(rule.declaredBy.address);
    out.push(
      hop(
        rule.declaredBy,
        `${rule.label} admits ${rule.ports.intersect(ports).labels().join(', ')} from ${rule.source.kind === 'cidr' ? rule.source.cidr : 'a public source'}`,
      ),
    );
  }
  return out;
}

/** With no rule for every address, only the CIDRs of the admitting rules get in (an office range), never "the internet" at large. */
function admittedSources(rules: readonly SgRule[], ports: PortSet): string[] {
  const cidrs = new Set<string>();
  for (const r of rules) if (r.ports && !r.ports.intersect(ports).isEmpty() && r.source.kind === 'cidr') cidrs.add(r.source.cidr);
  return [...cidrs].sort();
}

function undecidedRoute(subject: NetworkSubject, prefix: readonly Hop[], reason: string): ExposureRoute {
  return {
    mechanism: subject.mechanism,
    viaGateway: false,
    hops: [...prefix, hop(subject.resource, `${subject.what} ${subject.resource.address} may be reachable: ${reason}`)],
    ports: subject.listen ?? PortSet.EMPTY,
    worldPorts: PortSet.EMPTY,
    undecided: reason,
  };
}

// ---------------------------------------------------------------- listeners and their targets

interface LbTarget {
  readonly resource: Resource;
  readonly port?: number;
  /** Attachment resource (aws_lb_target_group_attachment) or the service's `load_balancer` block owner. */
  readonly via?: Resource;
}

/** Indices from load balancers to listeners, listeners to target groups, target groups to targets. */
export class LoadBalancing {
  readonly listeners = new Map<string, Resource[]>();
  readonly listenerGroups = new Map<string, Resource[]>();
  readonly targets = new Map<string, LbTarget[]>();

  constructor(private readonly graph: ResourceGraph) {
    const tgTypes = ['aws_lb_target_group', 'aws_alb_target_group'];
    for (const listener of [...graph.ofType('aws_lb_listener'), ...graph.ofType('aws_alb_listener')]) {
      const lb = linksAt(graph, listener, 'load_balancer_arn', ['aws_lb', 'aws_alb']).targets[0];
      if (lb) push(this.listeners, lb.address, listener);
      for (const tg of linksAt(graph, listener, 'default_action', tgTypes).targets) push(this.listenerGroups, listener.address, tg);
    }
    for (const rule of [...graph.ofType('aws_lb_listener_rule'), ...graph.ofType('aws_alb_listener_rule')]) {
      const listener = linksAt(graph, rule, 'listener_arn', ['aws_lb_listener', 'aws_alb_listener']).targets[0];
      if (!listener) continue;
      for (const tg of linksAt(graph, rule, 'action', tgTypes).targets) push(this.listenerGroups, listener.address, tg);
    }
    for (const svc of graph.ofType('aws_ecs_service')) {
      asList(valueAt(svc.values, 'load_balancer')).forEach((block, index) => {
        const tg = linksAt(graph, svc, `load_balancer.${index}.target_group_arn`, tgTypes).targets[0];
        const port = asNumber(asObject(block)?.['container_port']);
        if (tg) push(this.targets, tg.address, { resource: svc, ...(port !== undefined ? { port } : {}) });
      });
    }
    for (const att of [...graph.ofType('aws_lb_target_group_attachment'), ...graph.ofType('aws_alb_target_group_attachment')]) {
      const tg = linksAt(graph, att, 'target_group_arn', tgTypes).targets[0];
      const target = linksAt(graph, att, 'target_id').targets[0];
      const port = asNumber(valueAt(att.values, 'port'));
      if (tg && target) push(this.targets, tg.address, { resource: target, via: att, ...(port !== undefined ? { port } : {}) });
    }
    for (const asg of graph.ofType('aws_autoscaling_group')) {
      for (const tg of linksAt(graph, asg, 'target_group_arns', tgTypes).targets) push(this.targets, tg.address, { resource: asg });
    }
    for (const att of graph.ofType('aws_autoscaling_attachment')) {
      const tg = linksAt(graph, att, 'lb_target_group_arn', tgTypes).targets[0];
      const asg = linksAt(graph, att, 'autoscaling_group_name', ['aws_autoscaling_group']).targets[0];
      if (tg && asg) push(this.targets, tg.address, { resource: asg, via: att });
    }
  }

  listenersOf(lb: Resource): readonly Resource[] {
    return this.listeners.get(lb.address) ?? [];
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) {
    if (!list.includes(value)) list.push(value);
  } else map.set(key, [value]);
}

export function listenerPorts(listener: Resource): PortSet | undefined {
  const port = asNumber(valueAt(listener.values, 'port'));
  const protocol = (asString(valueAt(listener.values, 'protocol')) ?? (port === 443 ? 'HTTPS' : 'HTTP')).toUpperCase();
  if (port === undefined) {
    const raw = valueAt(listener.values, 'port');
    if (raw === undefined || raw === null) return protocol === 'HTTPS' || protocol === 'TLS' ? PortSet.tcp(443) : PortSet.tcp(80);
    return undefined;
  }
  if (protocol === 'UDP') return PortSet.of('udp', port, port);
  if (protocol === 'TCP_UDP') return PortSet.of('tcp', port, port)!.union(PortSet.of('udp', port, port)!);
  return PortSet.tcp(port);
}

/**
 * Ports a target receives from a listener through a target group. A Lambda target has no port:
 * it is invoked for requests on the listener's ports, so it is reachable on those only. An
 * instance, IP or ALB target gets its own registered port (ECS container_port, attachment port),
 * else the target group's. `known` is false when that port is known only after apply.
 */
export function targetPorts(tg: Resource, target: LbTarget, listener: PortSet | undefined): { ports: PortSet; known: boolean; lambda: boolean } {
  const type = (asString(valueAt(tg.values, 'target_type')) ?? '').toLowerCase();
  if (type === 'lambda' || target.resource.type === 'aws_lambda_function' || target.resource.type === 'aws_lambda_alias') {
    return { ports: listener ?? PortSet.ALL, known: listener !== undefined, lambda: true };
  }
  const port = target.port ?? asNumber(valueAt(tg.values, 'port'));
  if (port === undefined) return { ports: PortSet.ALL, known: false, lambda: false };
  const protocol = (asString(valueAt(tg.values, 'protocol')) ?? 'HTTP').toUpperCase();
  const ports =
    protocol === 'UDP' ? PortSet.of('udp', port, port)! : protocol === 'TCP_UDP' ? PortSet.tcp(port).union(PortSet.of('udp', port, port)!) : PortSet.tcp(port);
  return { ports, known: true, lambda: false };
}

// ---------------------------------------------------------------- helpers for subjects

/** `assign_public_ip`-style flags: true/false, absent = default, `${var}` = unknown. */
export function flag(resource: Resource, path: string, fallback: boolean): boolean | { unknown: string } {
  const raw = valueAt(resource.values, path);
  if (raw === undefined || raw === null || (isUnknown(raw) && raw.unset)) return fallback;
  const b = asBoolean(raw);
  if (b !== undefined) return b;
  return { unknown: `${path} of ${resource.address} is ${isUnknown(raw) ? raw.reason : JSON.stringify(raw)}, known only after apply` };
}

/** The containers of an ECS task definition (`container_definitions`, JSON text or a list), when readable. */
export function containerDefinitions(taskDefinition: Resource | undefined): unknown[] | undefined {
  if (!taskDefinition) return undefined;
  const raw = valueAt(taskDefinition.values, 'container_definitions');
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  return Array.isArray(parsed) ? parsed : undefined;
}

/** Container ports of an ECS task definition (`container_definitions` JSON), when readable. */
export function containerPorts(taskDefinition: Resource | undefined): PortSet | undefined {
  const parsed = containerDefinitions(taskDefinition);
  if (!parsed) return undefined;
  let ports = PortSet.EMPTY;
  for (const container of parsed) {
    const mappings = (container as { portMappings?: unknown } | null)?.portMappings;
    if (!Array.isArray(mappings)) continue;
    for (const m of mappings as { containerPort?: unknown; protocol?: unknown }[]) {
      const port = typeof m.containerPort === 'number' ? m.containerPort : Number(m.containerPort);
      if (!Number.isInteger(port)) return undefined;
      const proto = normaliseProtocol(typeof m.protocol === 'string' ? m.protocol : 'tcp');
      ports = ports.union(PortSet.of(proto === 'udp' ? 'udp' : 'tcp', port, port)!);
    }
  }
  return ports;
}

/** `public_access_cidrs`-style lists: which internet scopes they let in. */
export function cidrListScope(value: Value | undefined, fallback: readonly string[]): { public: boolean; world: boolean; undecided?: string; cidrs: string[] } {
  if (isUnknown(value)) return { public: false, world: false, undecided: `the CIDR list is ${value.reason}, known only after apply`, cidrs: [] };
  const list = value === undefined || value === null ? fallback : asList(value);
  const cidrs: string[] = [];
  let pub = false;
  let world = false;
  let undecided: string | undefined;
  for (const item of list) {
    if (typeof item !== 'string' || item.includes('${')) {
      undecided = `a CIDR in the list is ${isUnknown(item) ? item.reason : 'not a literal'}, known only after apply`;
      continue;
    }
    cidrs.push(item);
    const scope = classifyCidr(item);
    if (scope === 'world') world = pub = true;
    else if (scope === 'public') pub = true;
  }
  return { public: pub, world, ...(undecided ? { undecided } : {}), cidrs };
}

