import type { ResourceGraph } from '../../model/graph.js';
import { asList, isUnknown, valueAt } from '../../model/graph.js';
import type { Resource, Value } from '../../model/types.js';

/** What an attribute that should name other resources resolved to. */
export interface Links {
  /** Managed resources the attribute references (deduplicated, in reference order). */
  readonly targets: readonly Resource[];
  /** What could not be resolved: literal ids, variables, data sources, `(known after apply)` values without a reference. */
  readonly unresolved: readonly string[];
}

const NO_LINKS: Links = { targets: [], unresolved: [] };

/**
 * Follows `path` of `resource` (exact list indices, so `route.1.gateway_id` is the second route's
 * gateway only) to the resources it names. References come from the model (they exist even when
 * the value is unknown until apply, as in plan JSON); a `${...}` value's own references are the
 * fallback. Elements not covered by a reference are reported as unresolved, never dropped.
 */
export function linksAt(graph: ResourceGraph, resource: Resource, path: string, types?: readonly string[]): Links {
  const value = valueAt(resource.values, path);
  // Computed by the provider because the configuration leaves it unset (plan JSON): nothing named, as when unset.
  if (isUnknown(value) && value.unset) return NO_LINKS;
  const state: LinkState = { found: [], seen: new Set(), unresolved: [] };
  const alt = path.includes('.0') ? singleBlockPath(path) : undefined;
  const prefix = `${path}.`;
  for (const reference of resource.references) {
    const a = reference.attribute;
    if (a === path || a.startsWith(prefix) || (alt !== undefined && (a === alt || a.startsWith(`${alt}.`)))) addLink(graph, state, reference.target, types);
  }
  if (state.seen.size === 0 && isUnknown(value)) {
    for (const ref of value.references) addLink(graph, state, ref, types);
    // Plan JSON keeps attribute-blocks (`ingress`, `route`) as one attribute: their references
    // name the block. With a type filter, take the block's references of those types.
    const dot = path.indexOf('.');
    if (types && dot > 0 && /^\d+$/.test(path.split('.')[1] ?? '')) {
      const root = path.slice(0, dot);
      for (const reference of resource.references) if (reference.attribute === root) addLink(graph, state, reference.target, types);
    }
  }
  // Elements beyond what references cover are unresolved (a literal `subnet-0abc`, a variable).
  const elements = countElements(value);
  const { found, seen, unresolved } = state;
  if (elements > seen.size) {
    for (const item of asList(value)) {
      if (typeof item === 'string' && !item.includes('${')) unresolved.push(`literal ${JSON.stringify(item)}`);
      else if (isUnknown(item) && item.references.length === 0) unresolved.push(item.reason);
      else if (isUnknown(item) && !item.references.some((r) => seen.has(stripAttribute(r)) || seen.has(r))) unresolved.push(item.reason);
    }
    if (unresolved.length === 0) unresolved.push(`${path} of ${resource.address} names ${elements - seen.size} value(s) not found in this configuration`);
  }
  if (found.length === 0 && unresolved.length === 0) return NO_LINKS;
  return { targets: found, unresolved };
}

interface LinkState {
  readonly found: Resource[];
  readonly seen: Set<string>;
  readonly unresolved: string[];
}

function addLink(graph: ResourceGraph, state: LinkState, address: string, types: readonly string[] | undefined): void {
  const target = graph.get(address) ?? graph.get(stripAttribute(address));
  if (!target) return;
  if (target.mode === 'data') {
    if (!state.seen.has(target.address)) state.unresolved.push(`${target.address} (a data source: its network placement is not in this configuration)`);
    state.seen.add(target.address);
    return;
  }
  if (types && !types.includes(target.type)) return;
  if (!state.seen.has(target.address)) state.found.push(target);
  state.seen.add(target.address);
}

/** `aws_subnet.a.id` -> `aws_subnet.a`; `module.m.aws_x.y["k"].arn` -> `module.m.aws_x.y["k"]`. */
export function stripAttribute(address: string): string {
  const close = address.lastIndexOf(']');
  const dot = address.lastIndexOf('.');
  if (dot <= close) return address;
  return address.slice(0, dot);
}

/** `vpc_config.0.subnet_ids` -> `vpc_config.subnet_ids` (a single block written as an object). */
function singleBlockPath(path: string): string | undefined {
  const segments = path.split('.');
  const stripped = segments.filter((s) => !/^\d+$/.test(s) || s !== '0');
  return stripped.length === segments.length ? undefined : stripped.join('.');
}

function countElements(value: Value | undefined): number {
  if (value === undefined || value === null || value === '') return 0;
  if (Array.isArray(value)) return (value as readonly Value[]).filter((v) => v !== null && v !== '').length;
  return 1;
}
