import type { ResourceGraph } from '../../model/graph.js';
import { asList, asNumber, asString, isUnknown, valueAt } from '../../model/graph.js';
import type { Resource } from '../../model/types.js';
import { hop, HTTPS, type ExposureRoute, type RouteCollector } from './collector.js';
import { linksAt, type Links } from './links.js';
import { PortSet } from './ports.js';
import { autoscalingLaunchSpec, isGpuInstanceType, optionalLaunchTemplate, type LaunchSpec } from './instance-groups.js';
import type { Hop, Topology } from './topology.js';
import {
  cidrListScope,
  containerDefinitions,
  containerPorts,
  flag,
  listenerPorts,
  LoadBalancing,
  reachSubject,
  targetPorts,
  type NetworkSubject,
} from './vpc-exposure.js';

/** Everything that listens inside a VPC (or on an AWS-managed public endpoint), checked once each. */
export class Listeners {
  readonly lb: LoadBalancing;
  private readonly eipByInstance = new Map<string, Resource>();

  constructor(
    private readonly graph: ResourceGraph,
    private readonly topo: Topology,
    private readonly out: RouteCollector,
  ) {
    this.lb = new LoadBalancing(graph);
    for (const eip of graph.ofType('aws_eip')) {
      const instance = linksAt(graph, eip, 'instance', ['aws_instance']).targets[0];
      if (instance) this.eipByInstance.set(instance.address, eip);
    }
    for (const assoc of graph.ofType('aws_eip_association')) {
      const instance = linksAt(graph, assoc, 'instance_id', ['aws_instance']).targets[0];
      if (instance) this.eipByInstance.set(instance.address, assoc);
    }
  }

  run(): void {
    for (const lb of [...this.graph.ofType('aws_lb'), ...this.graph.ofType('aws_alb')]) this.loadBalancer(lb);
    for (const elb of this.graph.ofType('aws_elb')) this.classicLoadBalancer(elb);
    for (const instance of this.graph.ofType('aws_instance')) this.instance(instance);
    for (const svc of this.graph.ofType('aws_ecs_service')) this.ecsService(svc);
    for (const fn of this.graph.ofType('aws_lambda_function')) this.lambdaInVpc(fn);
    for (const spec of DATABASES) for (const db of this.graph.ofType(spec.type)) this.database(db, spec);
    for (const nb of this.graph.ofType('aws_sagemaker_notebook_instance')) this.notebook(nb);
    for (const cluster of this.graph.ofType('aws_eks_cluster')) this.eks(cluster);
    for (const group of this.graph.ofType('aws_eks_node_group')) this.eksNodeGroup(group);
    for (const asg of this.graph.ofType('aws_autoscaling_group')) this.autoscalingGroup(asg);
    for (const env of this.graph.ofType('aws_batch_compute_environment')) this.batchEnvironment(env);
    for (const cluster of this.graph.ofType('aws_msk_cluster')) this.msk(cluster);
  }

  private subnets(resource: Resource, ...paths: string[]): Links {
    const targets: Resource[] = [];
    const unresolved: string[] = [];
    for (const path of paths) {
      const links = linksAt(this.graph, resource, path, ['aws_subnet', 'aws_default_subnet']);
      for (const t of links.targets) if (!targets.includes(t)) targets.push(t);
      unresolved.push(...links.unresolved);
    }
    return { targets, unresolved };
  }

  private groups(resource: Resource, ...paths: string[]): Links {
    const targets: Resource[] = [];
    const unresolved: string[] = [];
    for (const path of paths) {
      const links = linksAt(this.graph, resource, path, ['aws_security_group', 'aws_default_security_group']);
      for (const t of links.targets) if (!targets.includes(t)) targets.push(t);
      unresolved.push(...links.unresolved);
    }
    return { targets, unresolved };
  }

  private record(resource: Resource, routes: readonly ExposureRoute[], reasons: readonly string[]): void {
    for (const r of routes) this.out.add(resource, r);
    if (routes.length === 0) for (const reason of reasons) this.out.explain(resource, reason);
  }

  // ------------------------------------------------------------ load balancers

  private loadBalancer(lb: Resource): void {
    const type = (asString(valueAt(lb.values, 'load_balancer_type')) ?? 'application').toLowerCase();
    if (type === 'gateway') return this.out.explain(lb, 'a gateway load balancer only sees traffic routed to it by its endpoints');
    const listeners = this.lb.listenersOf(lb);
    let listen = PortSet.EMPTY;
    for (const l of listeners) listen = listen.union(listenerPorts(l) ?? PortSet.EMPTY);
    const internal = flag(lb, 'internal', false);
    if (internal === true) return this.out.explain(lb, `${lb.address} is internal (internal = true): it has no public address`);
    if (listeners.length === 0) return this.out.explain(lb, `${lb.address} has no listener: nothing accepts connections`);
    const groups = asStringList(valueAt(lb.values, 'security_groups')) === 0 && type === 'network' ? 'none' : this.groups(lb, 'security_groups');
    const subject: NetworkSubject = {
      resource: lb,
      subnets: this.subnets(lb, 'subnets', 'subnet_mapping'),
      publicIpv4: typeof internal === 'object' ? internal : true,
      ipv6: (asString(valueAt(lb.values, 'ip_address_type')) ?? '').startsWith('dualstack'),
      groups,
      listen,
      mechanism: 'load-balancer',
      what: `internet-facing ${type} load balancer`,
      ...(internal === false
        ? {
            publicByIntent: `${lb.address} is internet-facing (internal = ${
              valueAt(lb.values, 'internal') == null ? 'false, the default' : 'false'
            }): AWS gives it public addresses`,
          }
        : {}),
    };
    const reach = reachSubject(this.graph, this.topo, subject);
    this.record(lb, reach.routes, reach.reasons);
    // Targets are reached the same way through every public subnet of the load balancer: follow one path (a decided one first).
    const main = reach.routes.find((r) => !r.undecided) ?? reach.routes[0];
    if (main) {
      let ports = PortSet.EMPTY;
      let world = PortSet.EMPTY;
      for (const r of reach.routes) if (!r.undecided || main.undecided) {
        ports = ports.union(r.ports);
        world = world.union(r.worldPorts);
      }
      this.behindLoadBalancer(lb, { ...main, ports, worldPorts: world }, groups === 'none' ? [] : groups.targets.map((g) => g.address));
    }
  }

  /** Targets of a reachable load balancer: listener -> target group -> ECS service / instance / function. */
  behindLoadBalancer(lb: Resource, route: ExposureRoute, lbGroups: readonly string[], listenerFilter?: Resource): void {
    for (const listener of this.lb.listenersOf(lb)) {
      if (listenerFilter && listener !== listenerFilter) continue;
      const lp = listenerPorts(listener);
      if (lp && route.ports.intersect(lp).isEmpty() && !route.undecided) continue;
      // What of this listener the internet reaches (all of it when the route itself is undecided).
      const reached = lp ? (route.undecided ? lp : route.ports.intersect(lp)) : undefined;
      const worldReached = lp ? route.worldPorts.intersect(lp) : route.worldPorts;
      for (const tg of this.lb.listenerGroups.get(listener.address) ?? []) {
        for (const target of this.lb.targets.get(tg.address) ?? []) {
          const tp = targetPorts(tg, target, reached);
          const ports = tp.ports;
          const portText = tp.known ? ports.labels().join(', ') : 'a port known only after apply';
          const hops: Hop[] = [
            ...route.hops,
            hop(listener, `listener ${listener.address} (${(lp ?? PortSet.EMPTY).labels().join(', ')}) forwards to ${tg.address}`),
          ];
          hops.push(
            hop(
              tg,
              tp.lambda
                ? `target group ${tg.address} (target_type lambda, no port of its own) invokes ${target.resource.address} for requests on ${portText}`
                : `target group ${tg.address} sends traffic to ${target.resource.address} on ${portText}`,
            ),
          );
          if (target.via) hops.push(hop(target.via, `${target.via.address} registers ${target.resource.address} in ${tg.address}`));
          hops.push(
            hop(
              target.resource,
              tp.lambda
                ? `${target.resource.address} is invoked by ${lb.address} for requests on ${portText}`
                : `${target.resource.address} serves ${lb.address} on ${portText}`,
            ),
          );
          // The target's own security groups must admit the load balancer.
          const targetGroups = this.targetGroupsOf(target.resource);
          let undecided = route.undecided;
          if (targetGroups && lbGroups.length > 0) {
            const admit = this.topo.admitsFrom(targetGroups.targets.map((t) => t.address), lbGroups, ports);
            if (!admit.admitted) {
              if (admit.undecided ?? targetGroups.unresolved[0])
                undecided ??= admit.undecided ?? `security group ${targetGroups.unresolved[0]} is not in this configuration`;
              else if (targetGroups.targets.length > 0) {
                this.out.explain(
                  target.resource,
                  `the security groups of ${target.resource.address} do not admit ${lb.address} on ${ports.labels().join(', ')}`,
                );
                continue;
              }
            }
          }
          this.out.add(target.resource, {
            mechanism: 'load-balancer',
            viaGateway: route.viaGateway,
            hops,
            ports,
            // World-open: a Lambda's ports are the listener's (open to whom the load balancer admits); a target's own port is open
            // to the world when the load balancer's is.
            worldPorts: !tp.known || worldReached.isEmpty() ? PortSet.EMPTY : tp.lambda ? worldReached : ports,
            ...(undecided ? { undecided } : {}),
            ...(route.sources ? { sources: route.sources } : {}),
          });
        }
      }
    }
  }

  private readonly targetGroupCache = new Map<string, Links | undefined>();

  private targetGroupsOf(resource: Resource): Links | undefined {
    if (this.targetGroupCache.has(resource.address)) return this.targetGroupCache.get(resource.address);
    const links = this.targetGroupsUncached(resource);
    this.targetGroupCache.set(resource.address, links);
    return links;
  }

  private targetGroupsUncached(resource: Resource): Links | undefined {
    if (resource.type === 'aws_ecs_service') return this.groups(resource, 'network_configuration.0.security_groups');
    if (resource.type === 'aws_instance') return this.groups(resource, 'vpc_security_group_ids', 'security_groups');
    return this.launchSpecOf(resource)?.groups;
  }

  private classicLoadBalancer(elb: Resource): void {
    const internal = flag(elb, 'internal', false);
    if (internal === true) return this.out.explain(elb, `${elb.address} is internal (internal = true)`);
    let listen = PortSet.EMPTY;
    for (const l of asObjects(valueAt(elb.values, 'listener'))) {
      const port = asNumber(l['lb_port']);
      if (port !== undefined) listen = listen.union(PortSet.tcp(port));
    }
    const subnets = this.subnets(elb, 'subnets');
    const subject: NetworkSubject = {
      resource: elb,
      subnets: subnets.targets.length || subnets.unresolved.length ? subnets : 'default',
      publicIpv4: typeof internal === 'object' ? internal : true,
      ipv6: false,
      groups: this.groups(elb, 'security_groups'),
      listen,
      mechanism: 'load-balancer',
      what: 'internet-facing classic load balancer',
    };
    const reach = reachSubject(this.graph, this.topo, subject);
    this.record(elb, reach.routes, reach.reasons);
    for (const route of reach.routes) {
      for (const instance of linksAt(this.graph, elb, 'instances', ['aws_instance']).targets) {
        this.out.add(instance, { ...route, hops: [...route.hops, hop(instance, `${elb.address} forwards to ${instance.address}`)] });
      }
    }
  }

  // ------------------------------------------------------------ compute

  private instance(instance: Resource): void {
    const hasInterfaces = asObjects(valueAt(instance.values, 'network_interface')).length > 0;
    const subnets = this.subnets(instance, 'subnet_id');
    const eip = this.eipByInstance.get(instance.address);
    const assoc = flag(instance, 'associate_public_ip_address', false);
    const explicit = valueAt(instance.values, 'associate_public_ip_address');
    const publicIpv4: NetworkSubject['publicIpv4'] = eip ? true : explicit === undefined || explicit === null ? 'subnet' : assoc;
    const ipv6Count = asNumber(valueAt(instance.values, 'ipv6_address_count')) ?? 0;
    const subject: NetworkSubject = {
      resource: instance,
      subnets: subnets.targets.length || subnets.unresolved.length || hasInterfaces ? subnets : 'default',
      publicIpv4,
      ipv6: ipv6Count > 0 || asStringList(valueAt(instance.values, 'ipv6_addresses')) > 0 ? true : 'subnet',
      ...(eip ? { addressHop: hop(eip, `${eip.address} gives ${instance.address} a public IP address`) } : {}),
      groups: this.groups(instance, 'vpc_security_group_ids', 'security_groups'),
      mechanism: 'network',
      what: `EC2 instance${
        isGpuInstanceType(asString(valueAt(instance.values, 'instance_type')) ?? '')
          ? ` of GPU instance type ${asString(valueAt(instance.values, 'instance_type'))}`
          : ''
      }`,
    };
    const reach = reachSubject(this.graph, this.topo, subject);
    this.record(instance, reach.routes, reach.reasons);
  }

  /** Instances an Auto Scaling group launches: its subnets, its template's public IP and groups. */
  private autoscalingGroup(asg: Resource): void {
    const subnets = this.subnets(asg, 'vpc_zone_identifier');
    const spec = this.launchSpecOf(asg)!;
    this.instanceGroup(asg, subnets.targets.length || subnets.unresolved.length ? subnets : 'default', spec, 'Auto Scaling group');
  }

  /** EC2 (and Spot) compute environments launch instances in their subnets with their groups; Fargate ones run tasks, not instances. */
  private batchEnvironment(env: Resource): void {
    const type = (asString(valueAt(env.values, 'compute_resources.0.type')) ?? '').toUpperCase();
    if (type.startsWith('FARGATE'))
      return this.out.explain(env, `${env.address} runs Fargate jobs: their network comes from each job definition, not from instances`);
    if (valueAt(env.values, 'compute_resources') == null)
      return this.out.explain(env, `${env.address} is unmanaged: its instances are not in this configuration`);
    const spec = this.launchSpecOf(env)!;
    this.instanceGroup(env, this.subnets(env, 'compute_resources.0.subnets'), spec, 'Batch compute environment');
  }

  private readonly launchSpecs = new Map<string, LaunchSpec | undefined>();

  /** What launches the instances of an Auto Scaling group, node group or compute environment (undefined for other resources). */
  launchSpecOf(resource: Resource): LaunchSpec | undefined {
    if (this.launchSpecs.has(resource.address)) return this.launchSpecs.get(resource.address);
    let spec: LaunchSpec | undefined;
    if (resource.type === 'aws_autoscaling_group') spec = autoscalingLaunchSpec(this.graph, resource);
    else if (resource.type === 'aws_eks_node_group')
      spec = optionalLaunchTemplate(
        this.graph,
        resource,
        'launch_template',
        asList(valueAt(resource.values, 'instance_types')).filter((t): t is string => typeof t === 'string'),
      );
    else if (resource.type === 'aws_batch_compute_environment') {
      const types = asList(valueAt(resource.values, 'compute_resources.0.instance_type')).filter((t): t is string => typeof t === 'string');
      const fromTemplate = optionalLaunchTemplate(this.graph, resource, 'compute_resources.0.launch_template', types);
      // The environment's own security_group_ids win over the template's.
      const own = this.groups(resource, 'compute_resources.0.security_group_ids');
      const base = fromTemplate ?? { publicIpv4: 'subnet' as const, groups: own, instanceTypes: types };
      spec = own.targets.length || own.unresolved.length ? { ...base, groups: own } : base;
    }
    this.launchSpecs.set(resource.address, spec);
    return spec;
  }

  /**
   * A bridge/host-mode ECS service on capacity providers backed by Auto Scaling groups: its tasks
   * listen on their instances' addresses, on the host ports of the task definition (bridge
   * without a host port: the ephemeral range 32768-65535). True when it was analysed that way.
   */
  private onCapacityProviders(svc: Resource): boolean {
    const providers = linksAt(this.graph, svc, 'capacity_provider_strategy', ['aws_ecs_capacity_provider']).targets;
    if (providers.length === 0) return false;
    const task = linksAt(this.graph, svc, 'task_definition', ['aws_ecs_task_definition']).targets[0];
    const listen = hostPorts(task);
    for (const cp of providers) {
      const asg = linksAt(this.graph, cp, 'auto_scaling_group_provider.0.auto_scaling_group_arn', ['aws_autoscaling_group']).targets[0];
      if (!asg) {
        this.out.explain(svc, `the Auto Scaling group of capacity provider ${cp.address} is not in this configuration`);
        continue;
      }
      const spec = this.launchSpecOf(asg)!;
      const subnets = this.subnets(asg, 'vpc_zone_identifier');
      const subject: NetworkSubject = {
        resource: asg,
        subnets: subnets.targets.length || subnets.unresolved.length ? subnets : 'default',
        publicIpv4: spec.publicIpv4,
        ipv6: 'subnet',
        ...(spec.hop ? { addressHop: spec.hop } : {}),
        groups: spec.groups,
        ...(listen ? { listen } : {}),
        mechanism: 'network',
        what: 'Auto Scaling group (container instances with public IPs)',
      };
      const reach = reachSubject(this.graph, this.topo, subject);
      for (const route of reach.routes) {
        this.out.add(svc, {
          ...route,
          hops: [
            ...route.hops,
            hop(cp, `capacity provider ${cp.address} places tasks on the instances of ${asg.address}`),
            hop(svc, `${svc.address} runs its tasks on those instances (no awsvpc network_configuration), on ${route.ports.labels().join(', ')}`),
          ],
        });
      }
      if (reach.routes.length === 0)
        for (const reason of reach.reasons) this.out.explain(svc, `${reason} (the instances of ${asg.address}, through capacity provider ${cp.address})`);
    }
    return true;
  }

  /** Paths to the instances of a group: ... -> subnet -> security group -> launch template -> group. */
  private instanceGroup(owner: Resource, subnets: Links | 'default', spec: LaunchSpec, what: string): void {
    const subject: NetworkSubject = {
      resource: owner,
      subnets,
      publicIpv4: spec.publicIpv4,
      ipv6: 'subnet',
      ...(spec.hop ? { addressHop: spec.hop } : {}),
      groups: spec.groups,
      mechanism: 'network',
      what: `${what}${gpuNote(spec.instanceTypes)} (instances with public IPs)`,
    };
    const reach = reachSubject(this.graph, this.topo, subject);
    this.record(owner, reach.routes, reach.reasons);
  }

  private ecsService(svc: Resource): void {
    const nc = valueAt(svc.values, 'network_configuration');
    if (nc === undefined || nc === null || (Array.isArray(nc) && nc.length === 0)) {
      if (this.onCapacityProviders(svc)) return;
      return this.out.explain(
        svc,
        `${svc.address} has no network_configuration (bridge or host networking): its tasks share the container instances' network, analysed there`,
      );
    }
    const task = linksAt(this.graph, svc, 'task_definition', ['aws_ecs_task_definition']).targets[0];
    const listen = containerPorts(task);
    const subject: NetworkSubject = {
      resource: svc,
      subnets: this.subnets(svc, 'network_configuration.0.subnets'),
      publicIpv4: flag(svc, 'network_configuration.0.assign_public_ip', false),
      ipv6: 'subnet',
      groups: this.groups(svc, 'network_configuration.0.security_groups'),
      ...(listen ? { listen } : {}),
      mechanism: 'network',
      what: 'ECS service (tasks with public IPs)',
    };
    const reach = reachSubject(this.graph, this.topo, subject);
    this.record(svc, reach.routes, reach.reasons);
  }

  private lambdaInVpc(fn: Resource): void {
    const vpc = valueAt(fn.values, 'vpc_config');
    if (vpc === undefined || vpc === null || (Array.isArray(vpc) && vpc.length === 0)) return;
    // Lambda's network interfaces in a VPC carry outbound traffic only; invocations come through the Lambda API.
    this.out.explain(
      fn,
      `${fn.address} runs in a VPC, but a Lambda function's network interfaces accept no inbound connections: it is invoked only through the Lambda API ` +
        `(function URL, resource policy or an integration), never through its subnets`,
    );
  }

  private database(db: Resource, spec: DatabaseSpec): void {
    const pub = flag(db, spec.flag, spec.default);
    if (pub === false)
      return this.out.explain(
        db,
        `${db.address} is not publicly accessible (${spec.flag} = false${valueAt(db.values, spec.flag) == null ? ', the default' : ''})`,
      );
    const parent = spec.parent ? linksAt(this.graph, db, spec.parent.attr, [spec.parent.type]).targets[0] : undefined;
    const group = spec.subnetGroup ? linksAt(this.graph, db, spec.subnetGroup.attr, [spec.subnetGroup.type]).targets[0] : undefined;
    let subnets: Links | 'default';
    if (spec.subnetGroup) {
      const raw = valueAt(db.values, spec.subnetGroup.attr);
      if (group) subnets = this.subnets(group, 'subnet_ids');
      else if (raw === undefined || raw === null) subnets = 'default';
      else subnets = { targets: [], unresolved: [`${spec.subnetGroup.attr} ${isUnknown(raw) ? raw.reason : JSON.stringify(raw)}`] };
    } else {
      const s = this.subnets(db, 'subnet_ids');
      subnets = s.targets.length || s.unresolved.length ? s : 'default';
    }
    const groupsOwner = spec.groupsOnParent ? parent : db;
    const groups = groupsOwner ? this.groups(groupsOwner, spec.groups) : { targets: [], unresolved: [] };
    const port = asNumber(valueAt(db.values, 'port')) ?? (parent ? asNumber(valueAt(parent.values, 'port')) : undefined) ?? spec.port(db, parent);
    const subject: NetworkSubject = {
      resource: db,
      subnets,
      publicIpv4: typeof pub === 'object' ? pub : true,
      ipv6: false,
      groups,
      ...(port !== undefined ? { listen: PortSet.tcp(port) } : {}),
      mechanism: 'network',
      what: `publicly accessible ${spec.what}`,
    };
    const reach = reachSubject(this.graph, this.topo, subject);
    this.record(db, reach.routes, reach.reasons);
    if (pub === true && reach.routes.length === 0) this.guardedOnlyByGroups(db, subnets, spec, reach.reasons);
  }

  /**
   * A publicly accessible data store whose subnets are public (a default VPC when it has none) is
   * kept off the internet by its security groups alone: one rule change away. Recorded for a warning.
   */
  private guardedOnlyByGroups(db: Resource, subnets: Links | 'default', spec: DatabaseSpec, reasons: readonly string[]): void {
    const reason = reasons.find((r) => /security group/.test(r));
    if (!reason) return;
    const addresses = subnets === 'default' ? [this.topo.defaultVpcSubnet] : subnets.targets.map((t) => t.address);
    const publicOnes = addresses.filter((a) => this.topo.tier(a) === 'public');
    if (publicOnes.length === 0) return;
    const hops: Hop[] = [hop(db, `${db.address} is publicly accessible (${spec.flag} = true): AWS gives it a public address`)];
    for (const address of publicOnes) {
      const subnet = this.graph.get(address);
      hops.push(
        subnet
          ? hop(subnet, `${address} is a public subnet: its route table routes to an internet gateway`)
          : {
              address,
              resource: db,
              message: `${db.address} names no subnet group: it lands in the default VPC, whose default subnets are public (a route to an internet gateway)`,
            },
      );
    }
    hops.push({ address: db.address, resource: db, message: `only its security groups keep it off the internet: ${reason}` });
    const where =
      subnets === 'default'
        ? "with no subnet group, in the default VPC's public subnets"
        : `in public subnet${publicOnes.length > 1 ? 's' : ''} ${publicOnes.join(', ')}`;
    this.out.guardedOnlyByGroups.set(db.address, { resource: db, hops, reason, where });
  }

  private notebook(nb: Resource): void {
    const raw = valueAt(nb.values, 'direct_internet_access');
    const value = typeof raw === 'string' ? raw : raw == null ? 'Enabled' : undefined;
    if (value === 'Disabled')
      return this.out.explain(nb, `${nb.address} has direct_internet_access = "Disabled": it reaches the network only through its VPC subnet`);
    const undecided = value === undefined ? `direct_internet_access of ${nb.address} is known only after apply` : undefined;
    this.out.add(nb, {
      mechanism: 'direct-internet-access',
      viaGateway: false,
      hops: [
        hop(
          nb,
          `${nb.address} has direct_internet_access = "${value ?? 'unknown'}"${
            raw == null ? ' (the default)' : ''
          }: SageMaker gives the notebook a network interface with internet access outside your VPC's controls`,
        ),
      ],
      ports: HTTPS,
      worldPorts: HTTPS,
      ...(undecided ? { undecided } : {}),
    });
  }

  private eks(cluster: Resource): void {
    const pub = flag(cluster, 'vpc_config.0.endpoint_public_access', true);
    if (pub === false) return this.out.explain(cluster, `${cluster.address} has endpoint_public_access = false: its API endpoint is private`);
    const scope = cidrListScope(valueAt(cluster.values, 'vpc_config.0.public_access_cidrs'), ['0.0.0.0/0']);
    if (!scope.public && !scope.undecided && pub === true)
      return this.out.explain(cluster, `the public endpoint of ${cluster.address} admits only ${scope.cidrs.join(', ')}`);
    const undecided = typeof pub === 'object' ? pub.unknown : scope.public ? undefined : scope.undecided;
    this.out.add(cluster, {
      mechanism: 'public-endpoint',
      viaGateway: false,
      hops: [
        hop(
          cluster,
          `the Kubernetes API endpoint of ${cluster.address} is public (endpoint_public_access${
            valueAt(cluster.values, 'vpc_config.0.endpoint_public_access') == null ? ' defaults to true' : ' = true'
          }), open to ${scope.cidrs.join(', ') || 'unknown CIDRs'}`,
        ),
      ],
      ports: HTTPS,
      worldPorts: scope.world ? HTTPS : PortSet.EMPTY,
      ...(undecided ? { undecided } : {}),
    });
  }
  /** remote_access with an SSH key and no source groups: EKS adds a group opening tcp/22 to 0.0.0.0/0 on the nodes. */
  private eksNodeGroup(group: Resource): void {
    // With a launch template, the template says how nodes are addressed and guarded (remote_access is not allowed then).
    const spec = this.launchSpecOf(group);
    if (spec) return this.instanceGroup(group, this.subnets(group, 'subnet_ids'), spec, 'EKS managed node group');
    const key = valueAt(group.values, 'remote_access.0.ec2_ssh_key');
    if (key === undefined || key === null || key === '') return;
    const sources = valueAt(group.values, 'remote_access.0.source_security_group_ids');
    const named = asStringList(sources);
    if (named > 0 && !isUnknown(sources))
      return this.out.explain(group, `remote_access of ${group.address} admits SSH only from its source_security_group_ids`);
    const sourcesUnknown = isUnknown(sources)
      ? `source_security_group_ids of ${group.address} is ${sources.reason}, known only after apply (without groups, EKS opens tcp/22 to 0.0.0.0/0)`
      : undefined;
    const subject: NetworkSubject = {
      resource: group,
      subnets: this.subnets(group, 'subnet_ids'),
      publicIpv4: 'subnet',
      ipv6: false,
      groups: 'none',
      listen: SSH,
      mechanism: 'network',
      what: `EKS managed node group${gpuNote(
        asList(valueAt(group.values, 'instance_types')).filter((t): t is string => typeof t === 'string'),
      )} (remote_access has ec2_ssh_key and no source_security_group_ids, so EKS opens tcp/22 to 0.0.0.0/0 on its nodes)`,
    };
    const reach = reachSubject(this.graph, this.topo, subject);
    // The world-open rule is certain; what may be unknown is whether the nodes are reachable.
    const routes = reach.routes.map((r) => ({ ...r, worldPorts: r.ports, ...(sourcesUnknown && !r.undecided ? { undecided: sourcesUnknown } : {}) }));
    this.record(group, routes, reach.reasons);
  }

  /** MSK public access: brokers get Elastic IPs in their (public) client subnets, behind their security groups. */
  private msk(cluster: Resource): void {
    const path = 'broker_node_group_info.0.connectivity_info.0.public_access.0.type';
    const type = valueAt(cluster.values, path);
    if (type === undefined || type === null || type === 'DISABLED') {
      return this.out.explain(
        cluster,
        `${cluster.address} has no public access (${path
          .split('.')
          .filter((s) => !/^\d+$/.test(s))
          .join('.')} = ${JSON.stringify(type ?? 'DISABLED')}${type == null ? ', the default' : ''})`,
      );
    }
    const subject: NetworkSubject = {
      resource: cluster,
      subnets: this.subnets(cluster, 'broker_node_group_info.0.client_subnets'),
      publicIpv4:
        type === 'SERVICE_PROVIDED_EIPS'
          ? true
          : { unknown: `public_access type of ${cluster.address} is ${isUnknown(type) ? type.reason : JSON.stringify(type)}, known only after apply` },
      ipv6: false,
      groups: this.groups(cluster, 'broker_node_group_info.0.security_groups'),
      listen: mskPublicPorts(cluster),
      mechanism: 'network',
      what: 'MSK cluster with public access (SERVICE_PROVIDED_EIPS: each broker has an Elastic IP)',
    };
    const reach = reachSubject(this.graph, this.topo, subject);
    this.record(cluster, reach.routes, reach.reasons);
  }
}

const SSH = PortSet.tcp(22);

/** Host ports of a bridge/host-mode task definition: hostPort, else containerPort in host mode, else (bridge, dynamic) 32768-65535. */
function hostPorts(task: Resource | undefined): PortSet | undefined {
  const parsed = task ? containerDefinitions(task) : undefined;
  if (!parsed || !task) return undefined;
  const host = asString(valueAt(task.values, 'network_mode')) === 'host';
  let ports = PortSet.EMPTY;
  for (const container of parsed) {
    const mappings = (container as { portMappings?: unknown } | null)?.portMappings;
    if (!Array.isArray(mappings)) continue;
    for (const m of mappings as { containerPort?: unknown; hostPort?: unknown; protocol?: unknown }[]) {
      const hp = Number(m.hostPort ?? (host ? m.containerPort : 0));
      if (!Number.isInteger(hp)) return undefined;
      const proto = m.protocol === 'udp' ? 'udp' : 'tcp';
      ports = ports.union(hp > 0 ? PortSet.of(proto, hp, hp)! : PortSet.of(proto, 32768, 65535)!);
    }
  }
  return ports;
}

/** Public broker ports by client authentication (AWS MSK port information): TLS 9194, SASL/SCRAM 9196, IAM 9198; all three when not readable. */
function mskPublicPorts(cluster: Resource): PortSet {
  const auth = 'client_authentication.0';
  const present = (path: string): boolean | undefined => {
    const v = valueAt(cluster.values, path);
    if (isUnknown(v)) return undefined;
    return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== false;
  };
  const modes: [boolean | undefined, number][] = [
    [present(`${auth}.tls`), 9194],
    [present(`${auth}.sasl.0.scram`), 9196],
    [present(`${auth}.sasl.0.iam`), 9198],
  ];
  const known = modes.every(([on]) => on !== undefined) && modes.some(([on]) => on);
  return modes.filter(([on]) => !known || on).reduce((set, [, port]) => set.union(PortSet.tcp(port)), PortSet.EMPTY);
}

interface DatabaseSpec {
  readonly type: string;
  readonly what: string;
  readonly flag: string;
  readonly default: boolean;
  readonly subnetGroup?: { readonly attr: string; readonly type: string };
  readonly parent?: { readonly attr: string; readonly type: string };
  readonly groups: string;
  readonly groupsOnParent?: boolean;
  readonly port: (db: Resource, parent?: Resource) => number | undefined;
}

/** Default ports by engine (RDS, Aurora). */
function enginePort(db: Resource, parent?: Resource): number | undefined {
  const engine = (asString(valueAt(db.values, 'engine')) ?? (parent ? asString(valueAt(parent.values, 'engine')) : undefined) ?? '').toLowerCase();
  if (engine.includes('postgres')) return 5432;
  if (engine.includes('mysql') || engine.includes('mariadb')) return 3306;
  if (engine.includes('oracle')) return 1521;
  if (engine.includes('sqlserver')) return 1433;
  if (engine.includes('db2')) return 50000;
  return undefined;
}

const DATABASES: readonly DatabaseSpec[] = [
  {
    type: 'aws_db_instance',
    what: 'RDS instance',
    flag: 'publicly_accessible',
    default: false,
    subnetGroup: { attr: 'db_subnet_group_name', type: 'aws_db_subnet_group' },
    groups: 'vpc_security_group_ids',
    port: enginePort,
  },
  {
    type: 'aws_rds_cluster_instance',
    what: 'Aurora instance',
    flag: 'publicly_accessible',
    default: false,
    subnetGroup: { attr: 'db_subnet_group_name', type: 'aws_db_subnet_group' },
    parent: { attr: 'cluster_identifier', type: 'aws_rds_cluster' },
    groups: 'vpc_security_group_ids',
    groupsOnParent: true,
    port: enginePort,
  },
  {
    type: 'aws_redshift_cluster',
    what: 'Redshift cluster',
    flag: 'publicly_accessible',
    default: true,
    subnetGroup: { attr: 'cluster_subnet_group_name', type: 'aws_redshift_subnet_group' },
    groups: 'vpc_security_group_ids',
    port: () => 5439,
  },
  {
    type: 'aws_dms_replication_instance',
    what: 'DMS replication instance',
    flag: 'publicly_accessible',
    default: false,
    subnetGroup: { attr: 'replication_subnet_group_id', type: 'aws_dms_replication_subnet_group' },
    groups: 'vpc_security_group_ids',
    port: () => undefined,
  },
  {
    type: 'aws_neptune_cluster_instance',
    what: 'Neptune instance',
    flag: 'publicly_accessible',
    default: false,
    subnetGroup: { attr: 'neptune_subnet_group_name', type: 'aws_neptune_subnet_group' },
    parent: { attr: 'cluster_identifier', type: 'aws_neptune_cluster' },
    groups: 'vpc_security_group_ids',
    groupsOnParent: true,
    port: () => 8182,
  },
  { type: 'aws_mq_broker', what: 'MQ broker', flag: 'publicly_accessible', default: false, groups: 'security_groups', port: () => undefined },
];

function asObjects(value: unknown): { readonly [k: string]: import('../../model/types.js').Value }[] {
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : [];
  return list.filter(
    (v): v is { readonly [k: string]: import('../../model/types.js').Value } => !!v && typeof v === 'object' && !Array.isArray(v) && !isUnknown(v as never),
  );
}

function asStringList(value: unknown): number {
  if (isUnknown(value as never)) return (value as { unset: boolean }).unset ? 0 : 1;
  return Array.isArray(value) ? value.filter((v) => v !== null).length : value ? 1 : 0;
}

/** ` of GPU instances (g5.xlarge)` when some of the instance types are accelerated computing ones: GPU compute on the path. */
function gpuNote(types: readonly string[]): string {
  const gpu = types.filter(isGpuInstanceType);
  return gpu.length ? ` of GPU instances (${gpu.join(', ')})` : '';
}
