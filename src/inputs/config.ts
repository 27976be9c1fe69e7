import { inputError } from '../errors.js';
import { dict, mapDict } from '../model/dict.js';
import type { JsonValue } from '../model/json.js';
import type { Location, Reference, Resource, Value } from '../model/types.js';
import { Unknown } from '../model/types.js';
import { findTraversals, splitTemplate, type TemplatePart, type Traversal } from './expressions.js';
import { evaluateRaw, evaluateTemplate, isKnown, Opaque, type EvalScope, type EvalValue } from './hcl-eval.js';
import { jsonPointer, readJson, type DuplicateKey, type JsonDocument } from './json.js';
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
  /** The `version` constraint of a registry module, as written. */
  readonly version?: string;
  readonly file: string;
  readonly line?: number;
  /** The module's input arguments as written (meta-arguments dropped), evaluated in the caller's scope. */
  readonly arguments?: Readonly<Record<string, unknown>>;
}

/** `variable` and `locals` of one module, as written (values are raw, `${...}` strings unevaluated). */
export interface ModuleDefinitions {
  /** Variable name -> its `default` (absent: no default). */
  readonly variables: Map<string, { readonly default?: unknown }>;
  readonly locals: Map<string, unknown>;
}

export const emptyDefinitions = (): ModuleDefinitions => ({ variables: new Map(), locals: new Map() });

/** Arguments of a `module` block that configure Terraform, not the module's variables. */
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on', '//']);

/** Keys that configure Terraform itself, not the resource: they are not values. */
const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection', '//']);

const TOP_LEVEL_KEYS = new Set(['resource', 'data', 'module', 'provider', 'terraform', 'variable', 'output', 'locals', 'moved', 'import', 'check', 'removed', '//']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads Terraform JSON as Terraform does: a block type or resource type written twice
 * (`"resource"` or `"aws_iam_role_policy"` repeated) is more blocks, not a replacement; any other
 * repeated key is an error, as a repeated argument is to Terraform. Keys are located down to
 * `/resource/TYPE/NAME`.
 */
export function readTerraformJson(text: string, file: string, expected: string): JsonDocument {
  return readJson(text, file, { expected, keyLineDepth: 3, onDuplicate: (d) => repeatedBlocks(d, file) });
}

function repeatedBlocks(d: DuplicateKey, file: string): unknown {
  if (d.key === '//') return d.first; // comments: HCL's JSON syntax ignores them
  const section = d.path[0];
  const blockList = d.path.length === 0 ? TOP_LEVEL_KEYS.has(d.key) : d.path.length === 1 && (section === 'resource' || section === 'data');
  if (!blockList) {
    throw inputError(`key "${d.key}" appears twice in one object (lines ${d.firstLine()} and ${d.line})`, { file, line: d.line }, 'each argument once (Terraform rejects a repeated argument)');
  }
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
  return [...list(d.first), ...list(d.second)];
}

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
): { blocks: ConfigBlock[]; moduleCalls: ModuleCall[]; definitions: ModuleDefinitions } {
  const expected = 'Terraform configuration: an object with "resource", "data" or "module" blocks';
  if (!isPlainObject(doc)) throw inputError('not Terraform configuration: the document is not a JSON object', { file, line: 1 }, expected);
  const blocks: ConfigBlock[] = [];
  const declared = new Set<string>();
  for (const [section, mode] of [['resource', 'managed'], ['data', 'data']] as const) {
    const byType = doc[section];
    if (byType === undefined) continue;
    for (const [type, byName] of entries(byType, `/${section}`, file, lines)) {
      for (const [name, raw] of entries(byName, jsonPointer(section, type), file, lines)) {
        const pointer = jsonPointer(section, type, name);
        if (declared.has(pointer)) {
          throw inputError(`${section} ${type}.${name} is declared twice`, { file, line: lines.get(pointer), field: pointer }, 'one block per resource type and name (Terraform rejects a duplicate)');
        }
        declared.add(pointer);
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
            (annotations ??= dict())[key] = value as JsonValue;
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
      const args: Record<string, unknown> = dict();
      if (isPlainObject(body)) for (const [key, value] of Object.entries(body)) if (!MODULE_META.has(key)) args[key] = value;
      const version = isPlainObject(body) && typeof body.version === 'string' ? body.version : undefined;
      moduleCalls.push({ name, file, arguments: args, ...(source !== undefined ? { source } : {}), ...(version !== undefined ? { version } : {}), ...(line !== undefined ? { line } : {}) });
    }
  }
  return { blocks, moduleCalls, definitions: readDefinitions(doc) };
}

/**
 * `variable "x" { default = ... }` and `locals { ... }` blocks. Malformed ones are skipped, not
 * errors: Terraform itself reports them, and a value we cannot read just stays unknown.
 */
function readDefinitions(doc: Record<string, unknown>): ModuleDefinitions {
  const definitions = emptyDefinitions();
  const variables = doc.variable;
  for (const object of Array.isArray(variables) ? variables : [variables]) {
    if (!isPlainObject(object)) continue;
    for (const [name, raw] of Object.entries(object)) {
      const body = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
      if (name === '//' || !isPlainObject(body)) continue;
      definitions.variables.set(name, 'default' in body ? { default: body.default } : {});
    }
  }
  const locals = doc.locals;
  for (const object of Array.isArray(locals) ? locals : [locals]) {
    if (!isPlainObject(object)) continue;
    for (const [name, value] of Object.entries(object)) if (name !== '//') definitions.locals.set(name, value);
  }
  return definitions;
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

/** What one module instance knows besides its resources: variables, locals, its caller's arguments. */
interface ModuleState {
  readonly modulePath: string;
  readonly definitions: ModuleDefinitions;
  /** Root module only: values from auto-loaded `terraform.tfvars` / `*.auto.tfvars` files. */
  readonly assigned: ReadonlyMap<string, unknown>;
  readonly caller?: { readonly modulePath: string; readonly arguments: Readonly<Record<string, unknown>> };
  readonly locals: Map<string, EvalValue>;
  readonly variables: Map<string, EvalValue | undefined>;
  readonly resolving: Set<string>;
  scope?: EvalScope;
}

export interface ModuleOptions {
  readonly definitions?: ModuleDefinitions;
  /** Variable values from tfvars files, for the root module. */
  readonly assigned?: ReadonlyMap<string, unknown>;
  /** The calling module and the arguments of its `module` block, for a child module. */
  readonly caller?: { readonly modulePath: string; readonly arguments: Readonly<Record<string, unknown>> };
}

/** A variable default or tfvars value is a constant: it is evaluated with nothing in scope. */
const CONSTANT_SCOPE: EvalScope = { prefix: '', variable: () => undefined, local: () => undefined, attribute: () => undefined };

/** Model values made from opaque values, so reading them back for another expression is exact. */
const opaqueOf = new WeakMap<Unknown, Opaque>();

/**
 * The model's form of an evaluated value: an apply-time value is `Unknown` (its reason the
 * `${...}` text, plus why it was not evaluated when that is not "known after apply"); a string
 * with some apply-time parts stays a string with those parts as `${...}` text, as synth JSON
 * writes an interpolation inside a JSON policy.
 */
export function toModelValue(value: EvalValue): Value {
  if (value instanceof Opaque) {
    if (value.partial) return value.text;
    const unknown = new Unknown(value.note ? `${value.text} (${value.note})` : value.text, value.refs);
    opaqueOf.set(unknown, value);
    return unknown;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as readonly EvalValue[]).map(toModelValue);
  return mapDict(value as { readonly [key: string]: EvalValue }, toModelValue);
}

function fromModelValue(value: Value, text: string, refs: readonly string[]): EvalValue {
  if (value instanceof Unknown) return opaqueOf.get(value) ?? new Opaque(/^\$\{[\s\S]*\}$/.test(value.reason) ? value.reason : `\${${text}}`, value.references.length ? value.references : refs, false);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as readonly Value[]).map((v) => fromModelValue(v, text, refs));
  return mapDict(value as { readonly [key: string]: Value }, (v) => fromModelValue(v, text, refs));
}

/**
 * Builds the resources of one module instance. `modulePath` (`module.net`, empty at the root)
 * prefixes addresses and every reference made inside the module.
 */
export class ConfigScope {
  private readonly drafts = new Map<string, Draft>();
  private readonly order: Draft[] = [];
  private readonly modules = new Map<string, ModuleState>();

  constructor(readonly stack?: string) {}

  add(blocks: readonly ConfigBlock[], modulePath: string, options: ModuleOptions = {}): void {
    const prefix = modulePath ? `${modulePath}.` : '';
    if (!this.modules.has(modulePath)) {
      this.modules.set(modulePath, {
        modulePath,
        definitions: options.definitions ?? emptyDefinitions(),
        assigned: options.assigned ?? new Map(),
        ...(options.caller ? { caller: options.caller } : {}),
        locals: new Map(),
        variables: new Map(),
        resolving: new Set(),
      });
    }
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
      const body: Record<string, unknown> = dict();
      for (const k in block.body) if (!META_ARGUMENTS.has(k)) body[k] = block.body[k];
      const normalized = normalizeBlocks(block.mode === 'data' ? `data.${block.type}` : block.type, body);
      const references: Reference[] = [];
      const pending: { [key: string]: Pending } = dict();
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
    // The top level is always copied: meta-arguments were dropped from it.
    const values: { [key: string]: Value } = dict();
    for (const [key, value] of Object.entries(draft.pending)) values[key] = this.resolve(value, draft.modulePath);
    draft.resolving = false;
    draft.values = values;
    return values;
  }

  private resolve(value: Pending, modulePath: string): Value {
    if (value instanceof Template) return toModelValue(evaluateTemplate(value.parts, this.scopeFor(modulePath)));
    if (value === null || typeof value !== 'object' || !pendingContainers.has(value)) return value as Value;
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, modulePath));
    const out: { [key: string]: Value } = dict();
    for (const [k, v] of Object.entries(value)) out[k] = this.resolve(v, modulePath);
    return out;
  }

  private state(modulePath: string): ModuleState {
    let state = this.modules.get(modulePath);
    if (!state) {
      state = { modulePath, definitions: emptyDefinitions(), assigned: new Map(), locals: new Map(), variables: new Map(), resolving: new Set() };
      this.modules.set(modulePath, state);
    }
    return state;
  }

  /** What expressions inside `modulePath` can read. */
  private scopeFor(modulePath: string): EvalScope {
    const state = this.state(modulePath);
    if (state.scope) return state.scope;
    const prefix = modulePath ? `${modulePath}.` : '';
    const scope: EvalScope = {
      prefix,
      variable: (name) => this.variable(state, name),
      local: (name) => {
        const cached = state.locals.get(name);
        if (cached !== undefined) return cached;
        if (!state.definitions.locals.has(name)) return undefined;
        if (state.resolving.has(`local.${name}`)) return new Opaque(`\${local.${name}}`, [], false, 'the local value refers to itself');
        state.resolving.add(`local.${name}`);
        const value = evaluateRaw(state.definitions.locals.get(name), scope);
        state.resolving.delete(`local.${name}`);
        state.locals.set(name, value);
        return value;
      },
      attribute: (base, path) => this.attribute(prefix + base, path),
    };
    state.scope = scope;
    return scope;
  }

  /**
   * `var.x`: in a child module, the caller's argument evaluated in the caller's scope; in the root
   * module, a tfvars value; else the variable's default. `undefined` (unknown) without any.
   */
  private variable(state: ModuleState, name: string): EvalValue | undefined {
    if (state.variables.has(name)) return state.variables.get(name);
    const key = `var.${name}`;
    if (state.resolving.has(key)) return undefined;
    state.resolving.add(key);
    let value: EvalValue | undefined;
    const declared = state.definitions.variables.get(name);
    if (state.caller && Object.prototype.hasOwnProperty.call(state.caller.arguments, name)) {
      value = evaluateRaw(state.caller.arguments[name], this.scopeFor(state.caller.modulePath));
    } else if (!state.caller && state.assigned.has(name)) {
      value = evaluateRaw(state.assigned.get(name), CONSTANT_SCOPE);
    } else if (declared && 'default' in declared) {
      value = evaluateRaw(declared.default, CONSTANT_SCOPE);
    }
    state.resolving.delete(key);
    state.variables.set(name, value);
    return value;
  }

  /** The value of `aws_iam_role.x.name` (any path), when the target declares it; `undefined` when unknown. */
  private attribute(address: string, path: readonly (string | number)[]): EvalValue | undefined {
    const target = this.drafts.get(address);
    if (!target || target.resolving) return undefined;
    let current: Value | undefined = this.finish(target);
    for (const segment of path) {
      if (Array.isArray(current)) current = typeof segment === 'number' || /^\d+$/.test(segment) ? (current as Value[])[Number(segment)] : undefined;
      else if (current !== null && typeof current === 'object' && !(current instanceof Unknown)) {
        current = Object.prototype.hasOwnProperty.call(current, segment) ? (current as { [k: string]: Value })[segment] : undefined;
      } else return undefined;
    }
    if (current === undefined || current instanceof Unknown) return undefined;
    const text = `${address}.${path.join('.')}`;
    const value = fromModelValue(current, text, [text]);
    // A declared null is "unset": the provider decides the value at apply time.
    return value === null ? undefined : value;
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
    return new Template(value, parts);
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
      if (next !== item && !copy) copy = dict(object as { [key: string]: Pending });
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
  const tags: Record<string, string> = dict();
  for (const key of ['tags_all', 'tags']) {
    const map = values[key];
    if (map && typeof map === 'object' && !Array.isArray(map) && !(map instanceof Unknown)) {
      for (const [k, v] of Object.entries(map as { [k: string]: Value })) if (typeof v === 'string') tags[k] = v;
    }
  }
  return tags;
}
