import { inputError } from '../errors.js';
import type { JsonValue } from '../model/json.js';
import type { Location, Reference, Resource, Value } from '../model/types.js';
import { Unknown } from '../model/types.js';
import { findTraversals, isPlainTraversal, splitTemplate, type TemplatePart, type Traversal } from './expressions.js';
import { jsonPointer } from './json-lines.js';
import { normalizeBlocks } from './values.js';

/**
 * Terraform configuration (cdktf synth JSON, `*.tf.json`, or HCL as hcl2json renders it) ->
 * resources. Configuration has no instances: a resource with `count` is one resource here, and
 * references name the resource, not an instance (plan JSON is where instances exist).
 */

/** A resource block as read from one file, before references are resolved. */
export interface ConfigBlock {
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
  readonly location: Location;
  readonly annotations?: { readonly [key: string]: JsonValue };
}

export interface ModuleCall {
  readonly name: string;
  readonly source?: string;
  readonly file: string;
  readonly line?: number;
}

/** Keys that configure Terraform itself, not the resource: they are not values. */
const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection', '//']);

const TOP_LEVEL_KEYS = new Set(['resource', 'data', 'module', 'provider', 'terraform', 'variable', 'output', 'locals', 'moved', 'import', 'check', 'removed', '//']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when a parsed JSON document has the shape of Terraform configuration. */
export function looksLikeTerraformConfig(doc: unknown): boolean {
  if (!isPlainObject(doc)) return false;
  const keys = Object.keys(doc);
  return keys.length > 0 && keys.every((k) => TOP_LEVEL_KEYS.has(k)) && keys.some((k) => k !== '//');
}

/**
 * Reads the resource, data and module blocks of one configuration document. `lines` maps JSON
 * pointers (`/resource/T/N`) to 1-based lines. Shapes Terraform would reject are located errors.
 */
export function readConfigDocument(
  doc: unknown,
  file: string,
  lines: ReadonlyMap<string, number>,
): { blocks: ConfigBlock[]; moduleCalls: ModuleCall[] } {
  const expected = 'Terraform configuration: an object with "resource", "data" or "module" blocks';
  if (!isPlainObject(doc)) throw inputError('not Terraform configuration: the document is not a JSON object', { file, line: 1 }, expected);
  const blocks: ConfigBlock[] = [];
  for (const [section, mode] of [['resource', 'managed'], ['data', 'data']] as const) {
    const byType = doc[section];
    if (byType === undefined) continue;
    for (const [type, byName] of entries(byType, `/${section}`, file, lines)) {
      for (const [name, raw] of entries(byName, jsonPointer(section, type), file, lines)) {
        const pointer = jsonPointer(section, type, name);
        // hcl2json (and Terraform JSON) allow a block body as a list of one object.
        const body = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
        if (!isPlainObject(body)) {
          throw inputError(`${section} ${type}.${name} is not an object`, { file, line: lines.get(pointer), field: pointer }, 'a JSON object of resource arguments');
        }
        const comment = body['//'];
        let constructPath: string | undefined;
        let annotations: Record<string, JsonValue> | undefined;
        if (isPlainObject(comment)) {
          const metadata = comment.metadata;
          if (isPlainObject(metadata) && typeof metadata.path === 'string') constructPath = metadata.path;
          for (const [key, value] of Object.entries(comment)) {
            if (key === 'metadata') continue;
            (annotations ??= {})[key] = value as JsonValue;
          }
        }
        const line = lines.get(pointer);
        const location: Location = {
          file,
          ...(line !== undefined ? { line } : {}),
          jsonPointer: pointer,
          ...(constructPath !== undefined ? { constructPath } : {}),
        };
        blocks.push({ mode, type, name, body, location, ...(annotations ? { annotations } : {}) });
      }
    }
  }
  const moduleCalls: ModuleCall[] = [];
  if (doc.module !== undefined) {
    for (const [name, raw] of entries(doc.module, '/module', file, lines)) {
      const body = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
      const line = lines.get(jsonPointer('module', name));
      const source = isPlainObject(body) && typeof body.source === 'string' ? body.source : undefined;
      moduleCalls.push({ name, file, ...(source !== undefined ? { source } : {}), ...(line !== undefined ? { line } : {}) });
    }
  }
  return { blocks, moduleCalls };
}

function entries(value: unknown, pointer: string, file: string, lines: ReadonlyMap<string, number>): [string, unknown][] {
  // Terraform JSON also allows a list of objects at these levels; merge them in order.
  const objects = Array.isArray(value) ? value : [value];
  const out: [string, unknown][] = [];
  for (const object of objects) {
    if (!isPlainObject(object)) {
      throw inputError(`${pointer} is not an object`, { file, line: lines.get(pointer), field: pointer }, 'a JSON object keyed by type and name');
    }
    for (const [key, v] of Object.entries(object)) if (key !== '//') out.push([key, v]);
  }
  return out;
}

// ---- from blocks to resources --------------------------------------------------------------

/** A template string found in a value, kept until every resource's literals are known. */
class Template {
  constructor(
    readonly text: string,
    readonly parts: readonly TemplatePart[],
    readonly traversals: readonly (readonly Traversal[])[],
  ) {}
}

type Pending = string | number | boolean | null | Template | Pending[] | { [key: string]: Pending };

interface Draft {
  readonly block: ConfigBlock;
  readonly address: string;
  readonly modulePath: string;
  readonly pending: { [key: string]: Pending };
  readonly references: Reference[];
  values?: { [key: string]: Value };
  resolving?: boolean;
}

/**
 * Builds the resources of one module instance. `modulePath` (`module.net`, empty at the root)
 * prefixes addresses and every reference made inside the module.
 */
export class ConfigScope {
  private readonly drafts = new Map<string, Draft>();
  private readonly order: Draft[] = [];

  constructor(readonly stack?: string) {}

  add(blocks: readonly ConfigBlock[], modulePath: string): void {
    const prefix = modulePath ? `${modulePath}.` : '';
    for (const block of blocks) {
      const local = block.mode === 'data' ? `data.${block.type}.${block.name}` : `${block.type}.${block.name}`;
      const address = prefix + local;
      if (this.drafts.has(address)) {
        const first = this.drafts.get(address)?.block.location;
        throw inputError(
          `duplicate resource ${address} (first declared in ${first?.file}${first?.line ? `:${first.line}` : ''})`,
          { file: block.location.file, line: block.location.line, field: block.location.jsonPointer },
          'each resource address declared once',
        );
      }
      const body: Record<string, unknown> = {};
      for (const k in block.body) if (!META_ARGUMENTS.has(k)) body[k] = block.body[k];
      const normalized = normalizeBlocks(block.mode === 'data' ? `data.${block.type}` : block.type, body);
      const references: Reference[] = [];
      const pending: { [key: string]: Pending } = {};
      // Path segments are pushed and popped on one array: no string is built unless a reference is found.
      for (const key in normalized) pending[key] = toPending(normalized[key], [key], references, prefix);
      const draft: Draft = { block, address, modulePath, pending, references };
      this.drafts.set(address, draft);
      this.order.push(draft);
    }
  }

  /** Resolves literal references and returns the finished resources in declaration order. */
  resources(): Resource[] {
    return this.order.map((draft) => {
      const values = this.finish(draft);
      const { block } = draft;
      return {
        address: draft.address,
        mode: block.mode,
        type: block.type,
        name: block.name,
        modulePath: draft.modulePath,
        ...(this.stack !== undefined ? { stack: this.stack } : {}),
        values,
        references: dedupeReferences(draft.references),
        tags: mergeTags(values),
        location: { ...block.location, address: draft.address },
        ...(block.annotations ? { annotations: block.annotations } : {}),
      } satisfies Resource;
    });
  }

  private finish(draft: Draft): { [key: string]: Value } {
    if (draft.values) return draft.values;
    draft.resolving = true;
    const prefix = draft.modulePath ? `${draft.modulePath}.` : '';
    // The top level is always copied: meta-arguments were dropped from it.
    const values: { [key: string]: Value } = {};
    for (const [key, value] of Object.entries(draft.pending)) values[key] = this.resolve(value, prefix);
    draft.resolving = false;
    draft.values = values;
    return values;
  }

  private resolve(value: Pending, prefix: string): Value {
    if (value instanceof Template) return this.resolveTemplate(value, prefix);
    if (value === null || typeof value !== 'object' || !pendingContainers.has(value)) return value as Value;
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, prefix));
    const out: { [key: string]: Value } = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.resolve(v, prefix);
    return out;
  }

  private resolveTemplate(template: Template, prefix: string): Value {
    const { parts, traversals } = template;
    const exprCount = parts.filter((p) => 'expr' in p).length;
    let text = '';
    let allResolved = true;
    let exprIndex = 0;
    for (const part of parts) {
      if ('literal' in part) {
        text += part.literal;
        continue;
      }
      const found = traversals[exprIndex++] ?? [];
      const literal = isPlainTraversal(part.expr, found) && found[0] ? this.literalOf(found[0], prefix) : undefined;
      if (literal === undefined) {
        allResolved = false;
        text += `\${${part.expr}}`;
      } else {
        // A pure reference keeps the target's type (a number stays a number).
        if (exprCount === 1 && parts.length === 1) return literal;
        text += String(literal);
      }
    }
    if (allResolved) return text;
    if (exprCount === 1 && parts.length === 1) {
      const refs = traversals.flat().map((t) => `${prefix}${t.base}${t.attribute ? `.${t.attribute}` : ''}`);
      return new Unknown(template.text, refs);
    }
    // Mixed text (a JSON policy with an ARN inside) stays readable; the unresolved
    // interpolations stay as `${...}` text and are recorded as references.
    return text;
  }

  /** The literal value of `aws_iam_role.x.name`, when the target declares it literally. */
  private literalOf(traversal: Traversal, prefix: string): string | number | boolean | undefined {
    if (!traversal.attribute || traversal.splat) return undefined;
    const target = this.drafts.get(prefix + traversal.base);
    if (!target || target.resolving) return undefined;
    const values = this.finish(target);
    let current: Value | undefined = values;
    for (const segment of traversal.attribute.split('.')) {
      if (Array.isArray(current)) current = /^\d+$/.test(segment) ? (current as Value[])[Number(segment)] : undefined;
      else if (current !== null && typeof current === 'object' && !(current instanceof Unknown)) current = (current as { [k: string]: Value })[segment];
      else return undefined;
    }
    return typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean' ? current : undefined;
  }
}

/** Containers holding at least one Template: only these are copied and walked again at resolve time. */
const pendingContainers = new WeakSet<object>();

/**
 * Replaces template strings by `Template`s and records their references. Copy-on-write: a
 * subtree without `${` is returned as is, so a large stack is not copied twice.
 */
function toPending(value: unknown, path: string[], references: Reference[], prefix: string): Pending {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    const parts = splitTemplate(value);
    if (!parts || !parts.some((p) => 'expr' in p)) return parts ? parts.map((p) => ('literal' in p ? p.literal : '')).join('') : value;
    const traversals = parts.filter((p): p is { expr: string } => 'expr' in p).map((p) => findTraversals(p.expr));
    for (const list of traversals) {
      for (const t of list) {
        references.push({ attribute: path.join('.'), target: prefix + t.base, ...(t.attribute ? { targetAttribute: t.attribute } : {}) });
      }
    }
    return new Template(value, parts, traversals);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: Pending[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as unknown;
      path.push(String(i));
      const next = toPending(item, path, references, prefix);
      path.pop();
      if (next !== item && !copy) copy = value.slice(0, i) as Pending[];
      if (copy) copy.push(next);
    }
    if (!copy) return value as Pending[];
    pendingContainers.add(copy);
    return copy;
  }
  if (typeof value === 'object') {
    let copy: { [key: string]: Pending } | undefined;
    const object = value as Record<string, unknown>;
    for (const key in object) {
      const item = object[key];
      path.push(key);
      const next = toPending(item, path, references, prefix);
      path.pop();
      if (next !== item && !copy) copy = { ...(object as { [key: string]: Pending }) };
      if (copy) copy[key] = next;
    }
    if (!copy) return object as { [key: string]: Pending };
    pendingContainers.add(copy);
    return copy;
  }
  return null;
}

export function dedupeReferences(references: readonly Reference[]): Reference[] {
  const seen = new Set<string>();
  const out: Reference[] = [];
  for (const r of references) {
    const key = `${r.attribute}\u0000${r.target}\u0000${r.targetAttribute ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  return out;
}

/** `tags_all` (provider default tags included) under `tags`, literal strings only. */
export function mergeTags(values: { readonly [key: string]: Value }): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const key of ['tags_all', 'tags']) {
    const map = values[key];
    if (map && typeof map === 'object' && !Array.isArray(map) && !(map instanceof Unknown)) {
      for (const [k, v] of Object.entries(map as { [k: string]: Value })) if (typeof v === 'string') tags[k] = v;
    }
  }
  return tags;
}
