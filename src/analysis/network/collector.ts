import type { Evidence } from '../../model/findings.js';
import type { Resource } from '../../model/types.js';
import { PortSet } from './ports.js';
import type { Hop } from './topology.js';

/** How a resource is reached from the internet. */
export type Mechanism =
  | 'network'
  | 'load-balancer'
  | 'function-url'
  | 'resource-policy'
  /** A role's trust policy lets anyone assume it: an access grant, not a network path (not in `query exposure`). */
  | 'trust-policy'
  | 'bucket-acl'
  | 'gateway'
  | 'gateway-integration'
  | 'public-endpoint'
  | 'direct-internet-access';

/** One way in: a path of hops and what it lets through. */
export interface ExposureRoute {
  readonly mechanism: Mechanism;
  readonly viaGateway: boolean;
  readonly hops: readonly Hop[];
  readonly ports: PortSet;
  /** Ports open to every internet address (0.0.0.0/0, ::/0), a subset of `ports`. */
  readonly worldPorts: PortSet;
  /** Set when the route may or may not exist: a value known only after apply. */
  readonly undecided?: string;
  /** Set when only some internet addresses get in (an office range): those CIDRs. */
  readonly sources?: readonly string[];
}

/** Collects routes per resource address; the analysis turns them into exposures at the end. */
export class RouteCollector {
  readonly routes = new Map<string, { resource: Resource; routes: ExposureRoute[] }>();
  readonly notExposed = new Map<string, string[]>();
  /** Resources with a public address in a public subnet that only their security groups keep off the internet. */
  readonly guardedOnlyByGroups = new Map<string, { resource: Resource; hops: Hop[]; reason: string; where: string }>();

  add(resource: Resource, route: ExposureRoute): void {
    const entry = this.routes.get(resource.address);
    if (entry) entry.routes.push(route);
    else this.routes.set(resource.address, { resource, routes: [route] });
  }

  /** Why a resource that could listen is not reachable (for `query exposure` text and tests). */
  explain(resource: Resource, reason: string): void {
    const list = this.notExposed.get(resource.address);
    if (list) {
      if (!list.includes(reason)) list.push(reason);
    } else this.notExposed.set(resource.address, [reason]);
  }
}

export function hop(resource: Resource, message: string): Hop {
  return { address: resource.address, resource, message };
}

export function hopEvidence(h: Hop): Evidence {
  return {
    kind: 'path-hop',
    message: h.message,
    ...(h.resource ? { location: h.resource.location } : {}),
    data: { address: h.address },
  };
}

export const HTTPS = PortSet.tcp(443);
