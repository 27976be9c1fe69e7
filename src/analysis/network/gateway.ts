import type { ResourceGraph } from '../../model/graph.js';
import { asBoolean, asList, asString, valueAt } from '../../model/graph.js';
import type { Resource } from '../../model/types.js';
import { hop, HTTPS, type ExposureRoute, type RouteCollector } from './collector.js';
import type { Listeners } from './listeners.js';
import { linksAt } from './links.js';
import { PortSet } from './ports.js';
import type { Hop } from './topology.js';

/**
 * API Gateway: public by design (it is the `gateway` service type), and its integrations are
 * the only sanctioned ways onward. Everything reached through an integration is exposed with
 * `viaGateway: true`: Lambda functions, and through VPC links the (internal) load balancers
 * and their targets.
 */
export class Gateways {
  constructor(
    private readonly graph: ResourceGraph,
    private readonly out: RouteCollector,
    private readonly listeners: Listeners,
  ) {}

  run(): void {
    this.httpApis();
    this.restApis();
  }

  private apiRoute(api: Resource, message: string): ExposureRoute {
    return { mechanism: 'gateway', viaGateway: false, hops: [hop(api, message)], ports: HTTPS, worldPorts: HTTPS };
  }

  /** v2 (HTTP and WebSocket APIs). */
  private httpApis(): void {
    const g = this.graph;
    const publicApis = new Set<string>();
    for (const api of g.ofType('aws_apigatewayv2_api')) {
      if (this.executeDisabled(api, 'aws_apigatewayv2_api_mapping', 'api_id')) {
        this.out.explain(api, `${api.address} has disable_execute_api_endpoint = true and no custom domain mapping`);
        continue;
      }
      publicApis.add(api.address);
      this.out.add(api, this.apiRoute(api, `${api.address} is a public ${asString(valueAt(api.values, 'protocol_type')) ?? 'HTTP'} API (the gateway)`));
      // Quick-create APIs name their Lambda target on the API itself.
      for (const fn of linksAt(g, api, 'target', ['aws_lambda_function', 'aws_lambda_alias']).targets) {
        this.throughGateway([hop(api, `${api.address} forwards every route to ${fn.address} (target)`)], fn);
      }
    }
    const routesByIntegration = new Map<string, Resource[]>();
    for (const route of g.ofType('aws_apigatewayv2_route')) {
      for (const integ of linksAt(g, route, 'target', ['aws_apigatewayv2_integration']).targets) {
        const list = routesByIntegration.get(integ.address);
        if (list) list.push(route);
        else routesByIntegration.set(integ.address, [route]);
      }
    }
    for (const integ of g.ofType('aws_apigatewayv2_integration')) {
      const api = linksAt(g, integ, 'api_id', ['aws_apigatewayv2_api']).targets[0];
      if (!api || !publicApis.has(api.address)) continue;
      const routes = routesByIntegration.get(integ.address) ?? [];
      if (routes.length === 0) continue; // an integration no route uses is not reachable
      const route = routes[0]!;
      const prefix: Hop[] = [
        hop(api, `${api.address} is the public gateway`),
        hop(
          route,
          `route ${JSON.stringify(asString(valueAt(route.values, 'route_key')) ?? '?')} (${route.address}, authorization ${
            asString(valueAt(route.values, 'authorization_type')) ?? 'NONE'
          }) targets ${integ.address}`,
        ),
      ];
      this.integration(integ, 'integration_uri', prefix, 'aws_apigatewayv2_vpc_link');
    }
  }

  /** v1 (REST APIs). */
  private restApis(): void {
    const g = this.graph;
    const publicApis = new Set<string>();
    for (const api of g.ofType('aws_api_gateway_rest_api')) {
      const types = asList(valueAt(api.values, 'endpoint_configuration.0.types'));
      if (types.includes('PRIVATE')) {
        this.out.explain(api, `${api.address} is a PRIVATE API: reachable only through interface VPC endpoints`);
        continue;
      }
      if (this.executeDisabled(api, 'aws_api_gateway_base_path_mapping', 'api_id')) {
        this.out.explain(api, `${api.address} has disable_execute_api_endpoint = true and no custom domain mapping`);
        continue;
      }
      publicApis.add(api.address);
      this.out.add(api, this.apiRoute(api, `${api.address} is a public ${types.map(String).join('/') || 'EDGE'} REST API (the gateway)`));
    }
    for (const integ of g.ofType('aws_api_gateway_integration')) {
      const api = linksAt(g, integ, 'rest_api_id', ['aws_api_gateway_rest_api']).targets[0];
      if (!api || !publicApis.has(api.address)) continue;
      const prefix: Hop[] = [
        hop(api, `${api.address} is the public gateway`),
        hop(
          integ,
          `${integ.address} (${asString(valueAt(integ.values, 'http_method')) ?? '?'} ${asString(valueAt(integ.values, 'type')) ?? ''}) integrates the method`,
        ),
      ];
      this.integration(integ, 'uri', prefix, 'aws_api_gateway_vpc_link');
    }
  }

  private executeDisabled(api: Resource, mappingType: string, attr: string): boolean {
    if (asBoolean(valueAt(api.values, 'disable_execute_api_endpoint')) !== true) return false;
    return this.graph.referrers(api, mappingType, attr).length === 0;
  }

  /** Follow one integration onward: a Lambda function, or a VPC link into a load balancer. */
  private integration(integ: Resource, uriAttr: string, prefix: readonly Hop[], vpcLinkType: string): void {
    const g = this.graph;
    const uriTargets = linksAt(g, integ, uriAttr).targets;
    for (const t of uriTargets) {
      if (t.type === 'aws_lambda_function' || t.type === 'aws_lambda_alias') {
        const fn = t.type === 'aws_lambda_alias' ? (linksAt(g, t, 'function_name', ['aws_lambda_function']).targets[0] ?? t) : t;
        this.throughGateway([...prefix, hop(integ, `${integ.address} invokes ${fn.address}`)], fn);
      }
    }
    const link = linksAt(g, integ, 'connection_id', [vpcLinkType]).targets[0];
    if (!link) return;
    const linkHop = hop(link, `VPC link ${link.address} carries the integration into the VPC`);
    // v2: integration_uri names a listener (ALB/NLB) or Cloud Map service; v1: the link's target_arns name NLBs.
    const listeners = uriTargets.filter((t) => t.type === 'aws_lb_listener' || t.type === 'aws_alb_listener');
    for (const listener of listeners) {
      const lb = linksAt(g, listener, 'load_balancer_arn', ['aws_lb', 'aws_alb']).targets[0];
      if (lb) this.intoLoadBalancer([...prefix, hop(integ, `${integ.address} forwards to ${listener.address}`), linkHop], lb, listener);
    }
    for (const lb of linksAt(g, link, 'target_arns', ['aws_lb', 'aws_alb']).targets) {
      this.intoLoadBalancer([...prefix, hop(integ, `${integ.address} forwards through ${link.address}`), linkHop], lb);
    }
  }

  private throughGateway(hops: readonly Hop[], target: Resource): void {
    this.out.add(target, {
      mechanism: 'gateway-integration',
      viaGateway: true,
      hops: [...hops, hop(target, `${target.address} is reached only through the gateway integration`)],
      ports: HTTPS,
      worldPorts: HTTPS,
    });
  }

  private intoLoadBalancer(prefix: readonly Hop[], lb: Resource, listener?: Resource): void {
    const route: ExposureRoute = {
      mechanism: 'gateway-integration',
      viaGateway: true,
      hops: [...prefix, hop(lb, `load balancer ${lb.address} receives the gateway's traffic`)],
      ports: HTTPS,
      worldPorts: HTTPS,
    };
    this.out.add(lb, route);
    // The VPC link's own security groups stand in front of the load balancer; we follow listeners, not groups.
    this.listeners.behindLoadBalancer(lb, { ...route, ports: PortSet.ALL }, [], listener);
  }
}
