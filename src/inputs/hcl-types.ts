/**
 * Variable type constraints (`map(object({ create = optional(bool, true) }))`): read from the
 * parser's syntax tree, and applied to a value as Terraform converts a variable's value.
 */
import { dict, mapDict } from '../model/dict.js';
import type { Node } from './hcl-parse.js';
import { numberText } from './hcl-functions.js';
import { isObjectValue, Opaque, toSet, type EvalValue } from './hcl-value.js';

/** A variable's `type`: what Terraform converts the given value to. */
export type TypeSpec =
  | { readonly kind: 'any' | 'string' | 'number' | 'bool' }
  | { readonly kind: 'list' | 'set' | 'map'; readonly element: TypeSpec }
  | { readonly kind: 'tuple'; readonly elements: readonly TypeSpec[] }
  | { readonly kind: 'object'; readonly attributes: ReadonlyMap<string, ObjectAttribute> };

/** An attribute of an `object({...})` type; an `optional(type, default)` one may be absent. */
interface ObjectAttribute {
  readonly type: TypeSpec;
  readonly optional: boolean;
  readonly default?: EvalValue;
}

/** Evaluates an `optional(type, default)` default (constants and functions only). */
type DefaultEvaluator = (node: Node) => EvalValue;

/** The type a constraint's syntax tree states; undefined when it is not a type constraint. */
export function typeConstraintOf(node: Node, evaluateDefault: DefaultEvaluator): TypeSpec | undefined {
  return typeOf(node, evaluateDefault, 0);
}

function typeOf(node: Node, evaluateDefault: DefaultEvaluator, depth: number): TypeSpec | undefined {
  if (depth > 32) return undefined;
  if (node.kind === 'traversal' && node.steps.length === 0) {
    return node.root === 'string' || node.root === 'number' || node.root === 'bool' || node.root === 'any' ? { kind: node.root } : undefined;
  }
  if (node.kind !== 'call') return undefined;
  const [arg] = node.args;
  if (!arg) return undefined;
  switch (node.name) {
    case 'list':
    case 'set':
    case 'map': {
      const element = typeOf(arg, evaluateDefault, depth + 1);
      return element ? { kind: node.name, element } : undefined;
    }
    case 'tuple': {
      if (arg.kind !== 'tuple') return undefined;
      const elements = arg.items.map((item) => typeOf(item, evaluateDefault, depth + 1));
      return elements.every((e) => e !== undefined) ? { kind: 'tuple', elements } : undefined;
    }
    case 'object': {
      if (arg.kind !== 'object') return undefined;
      const attributes = new Map<string, { type: TypeSpec; optional: boolean; default?: EvalValue }>();
      for (const { key, value } of arg.items) {
        if (key.kind !== 'literal' || typeof key.value !== 'string') return undefined;
        if (value.kind === 'call' && value.name === 'optional' && value.args[0]) {
          const type = typeOf(value.args[0], evaluateDefault, depth + 1);
          if (!type) return undefined;
          const fallback = value.args[1];
          attributes.set(key.value, { type, optional: true, ...(fallback ? { default: evaluateDefault(fallback) } : {}) });
        } else {
          const type = typeOf(value, evaluateDefault, depth + 1);
          if (!type) return undefined;
          attributes.set(key.value, { type, optional: false });
        }
      }
      return { kind: 'object', attributes };
    }
  }
  return undefined;
}

/**
 * Converts a value to a type as Terraform does for variables: primitives convert, sets sort and
 * drop duplicates, objects keep their declared attributes and fill absent optional ones with their
 * default (or null). A value that does not fit is kept as given (Terraform would reject it).
 */
export function convertToType(value: EvalValue, spec: TypeSpec, depth = 0): EvalValue {
  if (value === null || value instanceof Opaque || depth > 32) return value;
  switch (spec.kind) {
    case 'any':
      return value;
    case 'string':
      return typeof value === 'number' ? numberText(value) : typeof value === 'boolean' ? String(value) : value;
    case 'number':
      return typeof value === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value) ? Number(value) : value;
    case 'bool':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'list':
    case 'set': {
      if (!Array.isArray(value)) return value;
      const items = (value as readonly EvalValue[]).map((v) => convertToType(v, spec.element, depth + 1));
      return spec.kind === 'set' ? toSet(items) ?? items : items;
    }
    case 'tuple':
      if (!Array.isArray(value)) return value;
      return (value as readonly EvalValue[]).map((v, i) => (spec.elements[i] ? convertToType(v, spec.elements[i], depth + 1) : v));
    case 'map':
      return isObjectValue(value) ? mapDict(value, (v) => convertToType(v, spec.element, depth + 1)) : value;
    case 'object': {
      if (!isObjectValue(value)) return value;
      const entries: [string, EvalValue][] = [];
      for (const [name, attribute] of spec.attributes) {
        const given = value[name] as EvalValue;
        if (Object.prototype.hasOwnProperty.call(value, name) && given !== null) entries.push([name, convertToType(given, attribute.type, depth + 1)]);
        else if (attribute.optional) entries.push([name, attribute.default !== undefined ? convertToType(attribute.default, attribute.type, depth + 1) : null]);
        else if (Object.prototype.hasOwnProperty.call(value, name)) entries.push([name, null]);
      }
      return dict(entries);
    }
  }
}
