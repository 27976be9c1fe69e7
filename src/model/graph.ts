import type { InputFile, Reference, Resource, UnreadModule, Value } from './types.js';
import { Unknown } from './types.js';
import { isDict, own } from './dict.js';

/** Attribute path with list indices removed: `vpc_config.0.subnet_ids.1` -> `vpc_config.subnet_ids`. */
function attributeShape(path: string): string {
  let shape = shapes.get(path);
  if (shape === undefined) {
    if (shapes.size > 100_000) shapes.clear();
    shape = /(?:^|\.)\d+(?:\.|$)/.test(path)
      ? path
          .split('.')
          .filter((segment) => !/^\d+$/.test(segment))
          .join('.')
      : path;
    shapes.set(path, shape);
  }
  return shape;
}

/** Shapes by path: the same few attribute paths are asked about for every resource of a large stack. */
const shapes = new Map<string, string>();

/** Segments by path (`a.b.0.c`), for valueAt: rules read the same paths of every resource. */
const segmentsOf = new Map<string, readonly string[]>();
function pathSegments(path: string): readonly string[] {
  let segments = segmentsOf.get(path);
  if (segments === undefined) {
    if (segmentsOf.size > 100_000) segmentsOf.clear();
    segments = path.split('.');
    segmentsOf.set(path, segments);
  }
  return segments;
}

/**
 * The resource graph: every resource of every input, indexed once. Analyses ask it for
 * resources by type and follow references in both directions in O(1) per edge.
 */
export class ResourceGraph {
  readonly resources: readonly Resource[];
  readonly files: readonly InputFile[];
  /** Module calls whose resources are missing because their source could not be read. */
  readonly unreadModules: readonly UnreadModule[];
  private readonly byAddress = new Map<string, Resource>();
  private readonly byType = new Map<string, Resource[]>();
  private readonly incoming = new Map<string, { from: Resource; reference: Reference }[]>();

  constructor(resources: readonly Resource[], files: readonly InputFile[], unreadModules: readonly UnreadModule[] = []) {
    this.resources = resources;
    this.files = files;
    this.unreadModules = unreadModules;
    for (const resource of resources) {
      this.byAddress.set(resource.address, resource);
      const list = this.byType.get(resource.type);
      if (list) list.push(resource);
      else this.byType.set(resource.type, [resource]);
    }
    for (const resource of resources) {
      for (const reference of resource.references) {
        const list = this.incoming.get(reference.target);
        const edge = { from: resource, reference };
        if (list) list.push(edge);
        else this.incoming.set(reference.target, [edge]);
      }
    }
  }

  get(address: string): Resource | undefined {
    return this.byAddress.get(address);
  }

  /** Managed resources (and data sources, with `data.` prefix: `ofType('data.aws_iam_policy_document')`). */
  ofType(type: string): readonly Resource[] {
    if (type.startsWith('data.')) {
      return (this.byType.get(type.slice(5)) ?? []).filter((r) => r.mode === 'data');
    }
    return (this.byType.get(type) ?? []).filter((r) => r.mode === 'managed');
  }

  /**
   * Resources referenced from `attribute` of `resource`. `attribute` is matched by shape
   * (list indices ignored) and as a prefix, so `vpc_config.subnet_ids` finds
   * `vpc_config.0.subnet_ids.1`, and `ingress` finds every reference inside any ingress block.
   */
  targets(resource: Resource, attribute: string, targetType?: string): Resource[] {
    const shape = attributeShape(attribute);
    const found: Resource[] = [];
    const seen = new Set<string>();
    for (const reference of resource.references) {
      const refShape = attributeShape(reference.attribute);
      if (refShape !== shape && !refShape.startsWith(`${shape}.`)) continue;
      const target = this.resolveTarget(resource, reference.target);
      if (!target || seen.has(target.address)) continue;
      if (targetType && target.type !== targetType) continue;
      seen.add(target.address);
      found.push(target);
    }
    return found;
  }

  /** The single resource referenced from `attribute`, if exactly one is. */
  target(resource: Resource, attribute: string, targetType?: string): Resource | undefined {
    const all = this.targets(resource, attribute, targetType);
    return all.length === 1 ? all[0] : undefined;
  }

  /** Resources that reference `resource` (optionally only from attributes of a given shape and type). */
  referrers(resource: Resource, fromType?: string, attribute?: string): Resource[] {
    const edges = this.incoming.get(resource.address) ?? [];
    const found: Resource[] = [];
    const seen = new Set<string>();
    for (const { from, reference } of edges) {
      if (fromType && from.type !== fromType) continue;
      if (attribute) {
        const shape = attributeShape(attribute);
        const refShape = attributeShape(reference.attribute);
        if (refShape !== shape && !refShape.startsWith(`${shape}.`)) continue;
      }
      if (seen.has(from.address)) continue;
      seen.add(from.address);
      found.push(from);
    }
    return found;
  }

  /** References may name a target without its module or index prefix resolved by the reader; the reader normalises, so this is a lookup. */
  private resolveTarget(_from: Resource, target: string): Resource | undefined {
    return this.byAddress.get(target);
  }
}

// ---- value helpers: every analysis reads attributes through these ----

export function isUnknown(value: Value | undefined): value is Unknown {
  return value instanceof Unknown;
}

/** Reads `a.b.0.c` from values; blocks given as a single object are treated as one-item lists. */
export function valueAt(values: Value | undefined, path: string): Value | undefined {
  let current: Value | undefined = values;
  for (const segment of pathSegments(path)) {
    if (current === undefined || current === null || isUnknown(current)) return current;
    if (Array.isArray(current)) {
      const list = current as readonly Value[];
      if (/^\d+$/.test(segment)) current = list[Number(segment)];
      else current = list.length === 1 && isDict(list[0]) ? own(list[0], segment) : undefined;
    } else if (typeof current === 'object') {
      current = own(current as { readonly [k: string]: Value }, segment);
    } else {
      return undefined;
    }
  }
  return current;
}

/** A block or list attribute as a list (Terraform JSON allows a single object for a one-item block). */
export function asList(value: Value | undefined): readonly Value[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value as readonly Value[];
  return [value];
}

export function asString(value: Value | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asBoolean(value: Value | undefined): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

export function asNumber(value: Value | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

export function asObject(value: Value | undefined): { readonly [key: string]: Value } | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value) && !isUnknown(value)) {
    return value as { readonly [key: string]: Value };
  }
  return undefined;
}
