import type { Facts } from '../types.js';
import type { Evidence, FindingDraft } from '../../model/findings.js';
import { asBoolean, asNumber, isUnknown } from '../../model/graph.js';
import { globMatch } from '../../model/glob.js';
import type { JsonValue } from '../../model/json.js';
import type { Resource, Value } from '../../model/types.js';
import type { Policy } from '../../model/policy.js';
import type { Check } from '../types.js';

/**
 * A declarative check anyone can use without code: "every resource of these types has this
 * attribute equal to / not equal to / one of / matching / present". A value known only after
 * apply yields an undecided finding, never a pass.
 */

const anyJson = (description: string) => ({ description });

const CONDITIONS = ['equals', 'notEquals', 'in', 'present', 'pattern'] as const;

interface Params {
  readonly resourceTypes: readonly string[];
  readonly attribute: string;
  readonly equals?: JsonValue;
  readonly notEquals?: JsonValue;
  readonly in?: readonly JsonValue[];
  readonly present?: boolean;
  readonly pattern?: string;
  readonly default?: JsonValue;
  readonly message?: string;
}

/** One value reached by the attribute path (several when the path crosses a list of blocks). */
interface Leaf {
  readonly path: string;
  readonly value: Value | undefined;
}

export const attributeCondition: Check = {
  name: 'attribute-condition',
  description: 'Every resource of the given types has an attribute that satisfies all the given conditions.',
  paramsSchema: {
    type: 'object',
    description: 'Resource types, an attribute path and the conditions its value must meet (all of them).',
    additionalProperties: false,
    required: ['resourceTypes', 'attribute'],
    properties: {
      resourceTypes: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        description: 'Terraform resource types to check (aws_s3_bucket); data sources as data.aws_x.',
        items: { type: 'string', pattern: '^(data\\.)?[a-z][a-z0-9_]*$', description: 'A Terraform resource type.' },
      },
      attribute: {
        type: 'string',
        minLength: 1,
        description:
          'Dotted attribute path (tracing_config.0.mode). Numeric segments index lists; a name after a list of blocks, or *, means every item of it.',
      },
      equals: anyJson('The value must equal this (true matches "true" too; numbers compare numerically).'),
      notEquals: anyJson('The value must not equal this; an unset attribute passes unless `default` equals it.'),
      in: { type: 'array', minItems: 1, description: 'The value must be one of these.', items: anyJson('An allowed value.') },
      present: { type: 'boolean', description: 'true: the attribute must be set (not null); false: it must be unset.' },
      pattern: { type: 'string', minLength: 1, description: 'The value (as text) must match this glob (* and ?).' },
      default: anyJson('The value Terraform or AWS uses when the attribute is unset, so an unset attribute is judged by it.'),
      message: {
        type: 'string',
        minLength: 1,
        description: 'Finding message instead of the generated one; {address}, {attribute} and {value} are replaced.',
      },
    },
  },
  validate(raw) {
    const params = raw as unknown as Params;
    const problems: { field: string; message: string }[] = [];
    const given = CONDITIONS.filter((c) => params[c] !== undefined);
    if (given.length === 0) problems.push({ field: '', message: `attribute-condition needs at least one condition (${CONDITIONS.join(', ')})` });
    if (params.present === false && given.length > 1) {
      problems.push({ field: 'present', message: 'present: false (the attribute must be unset) cannot be combined with other conditions' });
    }
    return problems;
  },
  run(facts: Facts, policy: Policy): readonly FindingDraft[] {
    const params = policy.params as unknown as Params;
    const drafts: FindingDraft[] = [];
    for (const type of params.resourceTypes) {
      for (const resource of facts.graph.ofType(type)) {
        if (policy.serviceTypes.length > 0 && !(resource.serviceType && policy.serviceTypes.includes(resource.serviceType.type))) continue;
        const draft = judge(resource, params);
        if (draft) drafts.push(draft);
      }
    }
    return drafts;
  },
};

function judge(resource: Resource, params: Params): FindingDraft | undefined {
  const failing: Evidence[] = [];
  const unknown: Evidence[] = [];
  let firstBad: Leaf | undefined;
  for (const leaf of leaves(resource.values, params.attribute)) {
    const unset = leaf.value === undefined || leaf.value === null;
    const value = unset && params.default !== undefined ? (params.default as Value) : leaf.value;
    const shown = `${resource.address}.${leaf.path}`;
    // A value known only after apply is still a value: it settles `present`, nothing else.
    const presenceOnly = CONDITIONS.every((c) => c === 'present' || params[c] === undefined);
    if (containsUnknown(value) && !presenceOnly) {
      unknown.push({
        kind: 'attribute',
        message: `${shown} is ${describeValue(value)}`,
        location: resource.location,
        data: { attribute: leaf.path, value: jsonOf(value) },
      });
      continue;
    }
    const failure = violated(value === null ? undefined : value, params);
    if (failure) {
      firstBad ??= leaf;
      const text = unset
        ? params.default !== undefined
          ? `is not set (default ${JSON.stringify(params.default)})`
          : 'is not set'
        : `is ${describeValue(value)}`;
      failing.push({
        kind: 'attribute',
        message: `${shown} ${text}; ${failure}`,
        location: resource.location,
        data: { attribute: leaf.path, value: jsonOf(leaf.value) },
      });
    }
  }
  const base = {
    location: resource.location,
    ...(resource.serviceType ? { serviceType: resource.serviceType.type, serviceTypeReason: resource.serviceType.reason } : {}),
  };
  if (failing.length > 0 && firstBad) {
    const message = params.message
      ? params.message
          .replaceAll('{address}', resource.address)
          .replaceAll('{attribute}', params.attribute)
          .replaceAll('{value}', describeValue(firstBad.value))
      : `${resource.address}: ${failing[0]?.message.slice(resource.address.length + 1) ?? ''}`;
    return { ...base, message, evidence: failing };
  }
  if (unknown.length > 0) {
    return {
      ...base,
      message: `${resource.address}: cannot decide whether ${params.attribute} ${expectation(params)}: the value is known only after apply`,
      evidence: unknown,
      undecided: true,
    };
  }
  return undefined;
}

/** Why `value` fails the conditions (all must hold), or undefined when it passes. */
function violated(value: Value | undefined, params: Params): string | undefined {
  if (params.present === true && value === undefined) return 'expected it to be set';
  if (isUnknown(value)) return params.present === false ? 'expected it to be unset' : undefined;
  if (params.present === false && value !== undefined) return 'expected it to be unset';
  if (params.equals !== undefined && (value === undefined || !looseEqual(value, params.equals))) return `expected ${JSON.stringify(params.equals)}`;
  if (params.notEquals !== undefined && value !== undefined && looseEqual(value, params.notEquals))
    return `expected anything but ${JSON.stringify(params.notEquals)}`;
  if (params.in !== undefined && (value === undefined || !params.in.some((allowed) => looseEqual(value, allowed)))) {
    return `expected one of ${params.in.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (params.pattern !== undefined) {
    const text = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    if (text === undefined || !globMatch(params.pattern, text)) return `expected text matching ${params.pattern}`;
  }
  return undefined;
}

function expectation(params: Params): string {
  const parts: string[] = [];
  if (params.present === true) parts.push('is set');
  if (params.present === false) parts.push('is unset');
  if (params.equals !== undefined) parts.push(`equals ${JSON.stringify(params.equals)}`);
  if (params.notEquals !== undefined) parts.push(`differs from ${JSON.stringify(params.notEquals)}`);
  if (params.in !== undefined) parts.push(`is one of ${params.in.map((v) => JSON.stringify(v)).join(', ')}`);
  if (params.pattern !== undefined) parts.push(`matches ${params.pattern}`);
  return parts.join(' and ');
}

/**
 * Every value the path reaches. Blocks may come as a list or (in Terraform JSON) as a single
 * object, so `x.0.y` reads an object `x` too; a name after a list, or `*`, visits every item.
 */
export function leaves(values: Value | undefined, path: string): Leaf[] {
  let current: { path: string[]; value: Value | undefined }[] = [{ path: [], value: values }];
  for (const segment of path.split('.')) {
    const next: { path: string[]; value: Value | undefined }[] = [];
    for (const { path: at, value } of current) {
      if (value === undefined || value === null || isUnknown(value)) {
        next.push({ path: [...at, segment], value });
      } else if (Array.isArray(value)) {
        const list = value as readonly Value[];
        if (/^\d+$/.test(segment)) next.push({ path: [...at, segment], value: list[Number(segment)] });
        else if (segment === '*') list.forEach((item, i) => next.push({ path: [...at, String(i)], value: item }));
        else list.forEach((item, i) => next.push(...step(item, segment, list.length === 1 ? at : [...at, String(i)])));
        if (list.length === 0 && !/^\d+$/.test(segment)) next.push({ path: [...at, segment], value: undefined });
      } else if (typeof value === 'object') {
        if (segment === '0' || segment === '*') next.push({ path: [...at, '0'], value });
        else next.push(...step(value, segment, at));
      } else {
        next.push({ path: [...at, segment], value: undefined });
      }
    }
    current = next;
  }
  return current.map((l) => ({ path: l.path.join('.'), value: l.value }));
}

function step(value: Value, segment: string, at: string[]): { path: string[]; value: Value | undefined }[] {
  if (value && typeof value === 'object' && !Array.isArray(value) && !isUnknown(value)) {
    return [{ path: [...at, segment], value: (value as { readonly [k: string]: Value })[segment] }];
  }
  if (isUnknown(value)) return [{ path: [...at, segment], value }];
  return [{ path: [...at, segment], value: undefined }];
}

function containsUnknown(value: Value | undefined): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return (value as readonly Value[]).some(containsUnknown);
  if (value && typeof value === 'object') return Object.values(value as { readonly [k: string]: Value }).some(containsUnknown);
  return false;
}

function looseEqual(actual: Value, expected: JsonValue): boolean {
  if (typeof expected === 'boolean') return asBoolean(actual) === expected;
  if (typeof expected === 'number') return asNumber(actual) === expected;
  if (typeof expected === 'string')
    return typeof actual === 'string' ? actual === expected : (typeof actual === 'number' || typeof actual === 'boolean') && String(actual) === expected;
  return canonical(actual) === canonical(expected);
}

function canonical(value: Value | undefined): string {
  if (Array.isArray(value)) return `[${(value as readonly Value[]).map(canonical).join(',')}]`;
  if (value && typeof value === 'object' && !isUnknown(value)) {
    const object = value as { readonly [k: string]: Value };
    return `{${Object.keys(object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(object[k])}`)
      .join(',')}}`;
  }
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

function jsonOf(value: Value | undefined): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

function describeValue(value: Value | undefined): string {
  if (value === undefined) return 'unset';
  if (isUnknown(value)) return `known only after apply (${value.reason})`;
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
