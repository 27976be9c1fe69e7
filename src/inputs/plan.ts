import { inputError, lineColumnAt } from '../errors.js';
import type { Reference, Resource, Value } from '../model/types.js';
import { Unknown } from '../model/types.js';
import { dedupeReferences, mergeTags } from './config.js';
import { findTraversals } from './expressions.js';
import { normalizeBlocks } from './values.js';
import { lineOfPointer } from './json.js';
import { dict } from '../model/dict.js';

/**
 * Terraform plan JSON (`terraform show -json PLANFILE`). Terraform 0.12 to 1.0 wrote
 * format_version 0.1 and 0.2, 1.1 and later 1.x, all with the structure read here. Values come from
 * `resource_changes[].change.after` with `after_unknown` marking what only apply will know;
 * links between resources come from `configuration` (expressions' `references`), because the
 * ids and ARNs they would carry are exactly the unknown values.
 *
 * What a plan can and cannot say, compared with the configuration forms (test/equivalence.test.ts):
 * a value Terraform computes at plan time (a `jsonencode(...)` policy of literals, variables and
 * locals) is in `after` and equals what synth JSON and HCL evaluate. A value that embeds an
 * apply-time attribute (a policy with a bucket ARN) is wholly unknown in `after`, and
 * `configuration...expressions` carries only its `references`: Terraform writes `constant_value`
 * for literal constants only, never for a function call. Such a value stays `Unknown` here (no
 * partial document is invented), so the analyses answer "undecided", never a pass. Where the
 * `constant_value` is a template with `${...}` interpolations (as cdktf output gives), the Unknown
 * carries that text, so a policy document is read from it with only the interpolations unknown. References
 * through `local.x` are listed by Terraform as `local.x` only (plan JSON has no locals), so they
 * give no edge in a plan.
 */

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function looksLikePlan(doc: unknown): doc is Record<string, unknown> {
  return isPlainObject(doc) && 'format_version' in doc && ('planned_values' in doc || 'resource_changes' in doc || 'configuration' in doc);
}

/** Major versions of plan JSON `format_version` whose structure we read. */
const SUPPORTED_PLAN_FORMATS = ['0.x', '1.x'] as const;

interface ConfigRefs {
  /** attribute path (numeric segments for blocks) -> reference strings as Terraform wrote them */
  readonly byAttribute: Map<string, string[]>;
  /** Top-level attributes and blocks the configuration sets (an unknown attribute not among them is computed by the provider). */
  readonly set: ReadonlySet<string>;
  /**
   * attribute path -> a `constant_value` template holding `${...}` interpolations (cdktf writes a
   * policy document this way): the value is unknown in `after`, but its text is here, so only the
   * interpolated parts are unknown.
   */
  readonly templates: Map<string, string>;
}

export function readPlan(doc: Record<string, unknown>, file: string, text: string): Resource[] {
  const version = doc.format_version;
  if (typeof version !== 'string' || !/^[01]\.\d+$/.test(version)) {
    const at = text.search(/"format_version"\s*:/);
    throw inputError(
      `unsupported plan JSON format_version ${JSON.stringify(version)}`,
      { file, line: at < 0 ? 1 : lineColumnAt(text, at).line, field: '/format_version' },
      `a plan from "terraform show -json" with format_version ${SUPPORTED_PLAN_FORMATS.join(' or ')}`,
    );
  }
  const config = new Map<string, ConfigRefs>();
  const configuration = doc.configuration;
  if (isPlainObject(configuration) && isPlainObject(configuration.root_module)) {
    collectConfig(configuration.root_module, '', config, 0);
  }
  const lines = addressLines(text);
  const resources: Resource[] = [];
  const seen = new Set<string>();

  const changes = doc.resource_changes;
  if (changes !== undefined && !Array.isArray(changes)) {
    throw inputError(
      'resource_changes is not a list',
      { file, line: lineOfPointer(text, '/resource_changes'), field: '/resource_changes' },
      'plan JSON from "terraform show -json"',
    );
  }
  (changes ?? []).forEach((change: unknown, i: number) => {
    const pointer = `/resource_changes/${i}`;
    if (!isPlainObject(change) || !isPlainObject(change.change)) {
      throw inputError(
        `${pointer} is not a resource change`,
        { file, line: lineOfPointer(text, pointer), field: pointer },
        'an object with "address" and "change"',
      );
    }
    const actions = change.change.actions;
    if (Array.isArray(actions) && actions.length === 1 && actions[0] === 'delete') return;
    const after = change.change.after;
    if (!isPlainObject(after)) return;
    const resource = toResource(change, after, change.change.after_unknown, config, file, pointer, lines, text);
    if (resource && !seen.has(resource.address)) {
      seen.add(resource.address);
      resources.push(resource);
    }
  });

  // Data sources read during planning are in prior_state, not in resource_changes.
  const prior = doc.prior_state;
  if (isPlainObject(prior) && isPlainObject(prior.values) && isPlainObject(prior.values.root_module)) {
    walkStateModule(prior.values.root_module, (entry, pointer) => {
      if (entry.mode !== 'data' || !isPlainObject(entry.values)) return;
      const resource = toResource(entry, entry.values, undefined, config, file, `/prior_state/values${pointer}`, lines, text);
      if (resource && !seen.has(resource.address)) {
        seen.add(resource.address);
        resources.push(resource);
      }
    }, '/root_module', 0);
  }
  // A plan without resource_changes (e.g. a trimmed export): fall back to planned_values.
  if (changes === undefined && isPlainObject(doc.planned_values) && isPlainObject(doc.planned_values.root_module)) {
    walkStateModule(doc.planned_values.root_module, (entry, pointer) => {
      if (!isPlainObject(entry.values)) return;
      const resource = toResource(entry, entry.values, undefined, config, file, `/planned_values${pointer}`, lines, text);
      if (resource && !seen.has(resource.address)) {
        seen.add(resource.address);
        resources.push(resource);
      }
    }, '/root_module', 0);
  }
  return resources;
}

function walkStateModule(
  module: Record<string, unknown>,
  visit: (entry: Record<string, unknown>, pointer: string) => void,
  pointer: string,
  depth: number,
): void {
  if (depth > 50) return;
  const list = module.resources;
  if (Array.isArray(list)) list.forEach((entry, i) => isPlainObject(entry) && visit(entry, `${pointer}/resources/${i}`));
  const children = module.child_modules;
  if (Array.isArray(children)) {
    children.forEach((child, i) => isPlainObject(child) && walkStateModule(child, visit, `${pointer}/child_modules/${i}`, depth + 1));
  }
}

/** Lines of `"address": "..."` in a pretty-printed plan (one pass; `terraform show -json` writes one line, so all are 1). */
function addressLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  if (!text.includes('\n')) return lines;
  const pattern = /"address"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
  let line = 1;
  let last = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    for (let i = last; i < match.index; i++) if (text.charCodeAt(i) === 10) line++;
    last = match.index;
    const address = JSON.parse(`"${match[1] ?? ''}"`) as string;
    // The first mention of an address is in planned_values; prefer resource_changes (later) when both exist.
    lines.set(address, line);
  }
  return lines;
}

function toResource(
  entry: Record<string, unknown>,
  after: Record<string, unknown>,
  afterUnknown: unknown,
  config: Map<string, ConfigRefs>,
  file: string,
  pointer: string,
  lines: Map<string, number>,
  text: string,
): Resource | undefined {
  const { address, type, name } = entry;
  if (typeof address !== 'string' || typeof type !== 'string' || typeof name !== 'string') {
    throw inputError(
      `${pointer} has no address, type and name`,
      { file, line: lineOfPointer(text, pointer), field: pointer },
      'plan JSON from "terraform show -json"',
    );
  }
  const mode = entry.mode === 'data' ? 'data' : 'managed';
  const modulePath = typeof entry.module_address === 'string' ? entry.module_address : modulePathOf(address);
  const configAddress = stripInstanceKeys(address);
  const refs = config.get(configAddress);
  const instancePrefix = modulePath ? `${modulePath}.` : '';

  const references: Reference[] = [];
  // `aws_iam_role.r[each.key]` is listed as `aws_iam_role.r` plus `each.key`: it names the instance
  // with this instance's own key (index.ts falls back to every instance when there is none).
  const ownKey = /(\[[^\]]*\])$/.exec(address)?.[1];
  for (const [attribute, strings] of refs?.byAttribute ?? []) {
    const keyed = ownKey !== undefined && strings.some((r) => r === 'each.key' || r === 'count.index');
    for (const reference of toReferences(strings, attribute, instancePrefix)) {
      const bare =
        keyed &&
        reference.targetAttribute === undefined &&
        !reference.target.endsWith(']') &&
        !strings.some((r) => r.startsWith(`${reference.target.slice(instancePrefix.length)}.`));
      references.push(bare ? { ...reference, target: `${reference.target}${ownKey}` } : reference);
    }
  }
  const typeKey = mode === 'data' ? `data.${type}` : type;
  const merged = mergeUnknown(after, afterUnknown, '', refs, instancePrefix) as Record<string, Value>;
  const values = normalizeBlocks(typeKey, merged) as { [key: string]: Value };
  const line = lines.get(address);
  return {
    address,
    mode,
    type,
    name,
    modulePath,
    values,
    references: dedupeReferences(references),
    tags: mergeTags(values),
    location: { file, address, jsonPointer: pointer, ...(line !== undefined ? { line } : {}) },
  };
}

/** `module.a["x"].module.b[0].aws_s3_bucket.c[1]` -> `module.a["x"].module.b[0]`. */
function modulePathOf(address: string): string {
  const parts = splitAddress(address);
  let end = 0;
  while (parts[end] === 'module') end += 2;
  return parts.slice(0, end).join('.');
}

/** Splits on dots outside `[...]` keys. */
function splitAddress(address: string): string[] {
  const parts: string[] = [];
  let current = '';
  let inKey = false;
  let inString = false;
  for (let i = 0; i < address.length; i++) {
    const c = address[i] ?? '';
    if (inString) {
      if (c === '\\') {
        current += c + (address[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') inString = false;
    } else if (c === '"' && inKey) inString = true;
    else if (c === '[') inKey = true;
    else if (c === ']') inKey = false;
    else if (c === '.' && !inKey) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

/** Configuration addresses have no instance keys: `module.a[0].aws_x.y["k"]` -> `module.a.aws_x.y`. */
export function stripInstanceKeys(address: string): string {
  return splitAddress(address)
    .map((part) => {
      const bracket = part.indexOf('[');
      return bracket >= 0 ? part.slice(0, bracket) : part;
    })
    .join('.');
}

/** Walks `configuration.root_module` and its module calls, collecting expression references per resource. */
function collectConfig(
  module: Record<string, unknown>,
  prefix: string,
  out: Map<string, ConfigRefs>,
  depth: number,
  caller?: { readonly module: Record<string, unknown>; readonly expressions: Record<string, unknown> },
): void {
  if (depth > 50) return;
  const resources = module.resources;
  if (Array.isArray(resources)) {
    for (const resource of resources) {
      if (!isPlainObject(resource) || typeof resource.address !== 'string') continue;
      const byAttribute = new Map<string, string[]>();
      const templates = new Map<string, string>();
      if (isPlainObject(resource.expressions)) collectExpressions(resource.expressions, '', byAttribute, 0, templates);
      for (const [attribute, strings] of byAttribute) byAttribute.set(attribute, [...expandModuleOutputs(strings, module, 0), ...fromCaller(strings, caller)]);
      out.set(prefix + resource.address, {
        byAttribute,
        templates,
        set: new Set(isPlainObject(resource.expressions) ? Object.keys(resource.expressions) : []),
      });
    }
  }
  const calls = module.module_calls;
  if (isPlainObject(calls)) {
    for (const [name, call] of Object.entries(calls)) {
      if (isPlainObject(call) && isPlainObject(call.module)) {
        collectConfig(call.module, `${prefix}module.${name}.`, out, depth + 1, {
          module,
          expressions: isPlainObject(call.expressions) ? call.expressions : {},
        });
      }
    }
  }
}

/**
 * `module.net.public_subnets` names an output, not a resource: the references of that output's
 * expression in the called module (`module.net.aws_subnet.public`) are what the value comes from.
 */
function expandModuleOutputs(strings: readonly string[], module: Record<string, unknown>, depth: number): string[] {
  const out: string[] = [...strings];
  if (depth > 10) return out;
  const calls = isPlainObject(module.module_calls) ? module.module_calls : undefined;
  for (const text of strings) {
    const match = /^module\.([\w-]+)\.([\w-]+)$/.exec(text);
    const call = match && calls && Object.prototype.hasOwnProperty.call(calls, match[1] ?? '') ? calls[match[1] ?? ''] : undefined;
    if (!match || !isPlainObject(call) || !isPlainObject(call.module)) continue;
    const outputs = isPlainObject(call.module.outputs) ? call.module.outputs : undefined;
    const output = outputs && Object.prototype.hasOwnProperty.call(outputs, match[2] ?? '') ? outputs[match[2] ?? ''] : undefined;
    const refs =
      isPlainObject(output) && isPlainObject(output.expression) && Array.isArray(output.expression.references)
        ? output.expression.references.filter((r): r is string => typeof r === 'string')
        : [];
    for (const ref of expandModuleOutputs(refs, call.module, depth + 1)) out.push(`module.${match[1] ?? ''}.${ref}`);
  }
  return out;
}

/**
 * `var.subnets` inside a module is what the caller passed: the references of that argument (and
 * of the module outputs it names), in the caller's module. They are marked with a leading `^`
 * (one module up) so `toReferences` resolves them against the caller's path.
 */
function fromCaller(
  strings: readonly string[],
  caller: { readonly module: Record<string, unknown>; readonly expressions: Record<string, unknown> } | undefined,
): string[] {
  if (!caller) return [];
  const out: string[] = [];
  for (const text of strings) {
    const name = /^var\.([\w-]+)$/.exec(text)?.[1];
    const expression = name !== undefined && Object.prototype.hasOwnProperty.call(caller.expressions, name) ? caller.expressions[name] : undefined;
    if (!isPlainObject(expression) || !Array.isArray(expression.references)) continue;
    const refs = expression.references.filter((r): r is string => typeof r === 'string');
    for (const ref of expandModuleOutputs(refs, caller.module, 0)) out.push(`^${ref}`);
  }
  return out;
}

/** An expression leaf is `{ references?: [...], constant_value?: ... }`; blocks are lists (or one object) of such maps. */
function isExpressionLeaf(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k === 'references' || k === 'constant_value');
}

function collectExpressions(
  expressions: Record<string, unknown>,
  path: string,
  out: Map<string, string[]>,
  depth: number,
  templates: Map<string, string>,
): void {
  if (depth > 20) return;
  for (const [key, value] of Object.entries(expressions)) {
    const attribute = path ? `${path}.${key}` : key;
    if (isPlainObject(value)) {
      if (isExpressionLeaf(value)) {
        if (typeof value.constant_value === 'string' && value.constant_value.includes('${')) templates.set(attribute, value.constant_value);
        const refs = value.references;
        if (Array.isArray(refs)) {
          const strings = refs.filter((r): r is string => typeof r === 'string');
          if (strings.length) out.set(attribute, [...(out.get(attribute) ?? []), ...strings]);
        }
      } else {
        collectExpressions(value, `${attribute}.0`, out, depth + 1, templates);
      }
    } else if (Array.isArray(value)) {
      value.forEach((block, i) => isPlainObject(block) && collectExpressions(block, `${attribute}.${i}`, out, depth + 1, templates));
    }
  }
}

/**
 * Terraform lists both `aws_iam_role.r.arn` and `aws_iam_role.r` for one use: keep the most
 * specific reference per target (and `aws_subnet.a[0]` wins over `aws_subnet.a`).
 */
function toReferences(strings: readonly string[], attribute: string, prefix: string): Reference[] {
  const byTarget = new Map<string, Reference[]>();
  for (const written of strings) {
    // `^ref`: a reference made in the calling module (see fromCaller).
    let up = 0;
    while (written[up] === '^') up++;
    const full = written.slice(up);
    let outer = prefix;
    if (up) {
      const parts = splitAddress(prefix.replace(/\.$/, ''));
      outer = parts.length >= 2 * up ? parts.slice(0, parts.length - 2 * up).join('.') : '';
      if (outer) outer += '.';
    }
    // A reference into a called module (from a module output): its resources live under that module.
    const inner = /^((?:module\.[\w-]+\.)+)/.exec(full)?.[1] ?? '';
    const text = full.slice(inner.length);
    for (const t of findTraversals(text)) {
      const target = outer + inner + (t.index !== undefined ? `${t.base}[${t.index}]` : t.base);
      const reference: Reference = { attribute, target, ...(t.attribute ? { targetAttribute: t.attribute } : {}) };
      const base = outer + inner + t.base;
      const list = byTarget.get(base) ?? [];
      list.push(reference);
      byTarget.set(base, list);
    }
  }
  const out: Reference[] = [];
  for (const list of byTarget.values()) {
    const indexed = list.filter((r) => r.target.endsWith(']'));
    const candidates = indexed.length ? indexed : list;
    const withAttribute = candidates.filter((r) => r.targetAttribute !== undefined);
    out.push(...(withAttribute.length ? withAttribute : candidates));
  }
  return out;
}

function mergeUnknown(value: unknown, unknown: unknown, path: string, refs: ConfigRefs | undefined, prefix: string): Value {
  if (unknown === true) {
    // A top-level attribute the configuration does not set is the provider's default, computed at apply.
    const unset = refs !== undefined && !path.includes('.') && !refs.set.has(path);
    // An unknown whose configuration holds its template keeps the text as its reason (the IAM reader parses a policy from it).
    const reason = refs?.templates.get(path) ?? (unset ? 'known after apply (not set in the configuration: the provider computes it)' : 'known after apply');
    return new Unknown(reason, referencesUnder(path, refs, prefix), unset);
  }
  if (Array.isArray(value)) {
    const flags = Array.isArray(unknown) ? unknown : [];
    return value.map((v, i) => mergeUnknown(v, flags[i], path ? `${path}.${i}` : String(i), refs, prefix));
  }
  if (isPlainObject(value)) {
    const flags = isPlainObject(unknown) ? unknown : {};
    const out: { [key: string]: Value } = dict();
    for (const [k, v] of Object.entries(value)) out[k] = mergeUnknown(v, flags[k], path ? `${path}.${k}` : k, refs, prefix);
    // Attributes wholly unknown may be absent from `after`.
    for (const [k, flag] of Object.entries(flags)) {
      if (!(k in out) && flag === true) out[k] = mergeUnknown(undefined, true, path ? `${path}.${k}` : k, refs, prefix);
    }
    return out;
  }
  if (value === undefined) return null;
  return value as string | number | boolean | null;
}

/** `aws_iam_role.r.arn`-style strings for the configuration references feeding `path`. */
function referencesUnder(path: string, refs: ConfigRefs | undefined, prefix: string): string[] {
  if (!refs) return [];
  const shape = path.split('.').filter((s) => !/^\d+$/.test(s)).join('.');
  const out = new Set<string>();
  for (const [attribute, strings] of refs.byAttribute) {
    const attrShape = attribute.split('.').filter((s) => !/^\d+$/.test(s)).join('.');
    if (attrShape !== shape && !attrShape.startsWith(`${shape}.`)) continue;
    for (const r of toReferences(strings, attribute, prefix)) out.add(r.targetAttribute ? `${r.target}.${r.targetAttribute}` : r.target);
  }
  return [...out];
}
