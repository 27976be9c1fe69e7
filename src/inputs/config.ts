import { inputError } from '../errors.js';
import { dict, mapDict } from '../model/dict.js';
import type { JsonValue } from '../model/json.js';
import type { Location, Reference, Resource, Value } from '../model/types.js';
import { Unknown } from '../model/types.js';
import { splitTemplate, type TemplatePart, type Traversal } from './expressions.js';
import { relative, sep } from 'node:path';
import { APPLY_TIME, convertToType, evaluateExpression, evaluateRaw, evaluateTemplate, parseTypeConstraint, traversalsOf, type EvalScope } from './hcl-eval.js';
import { Opaque, type EvalValue } from './hcl-value.js';
import { awsManagedPolicyData } from './iam-catalog.js';
import { escapePointer, jsonPointer, readJson, type DuplicateKey, type JsonDocument } from './json.js';
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
  /** `count` / `for_each` of the call, as written. */
  readonly count?: unknown;
  readonly forEach?: unknown;
}

/** `variable` and `locals` of one module, as written (values are raw, `${...}` strings unevaluated). */
export interface ModuleDefinitions {
  /** Variable name -> its `default` (absent: no default), `type` as written, `nullable`. */
  readonly variables: Map<string, VariableDefinition>;
  readonly locals: Map<string, unknown>;
  /** Output name -> its `value`, as written. */
  readonly outputs: Map<string, unknown>;
  /** Local name -> where it is defined, when known (for cycle errors). */
  readonly localLocations: Map<string, { readonly file: string; readonly line?: number }>;
  /** AWS provider configurations: `aws` (the default) or `aws.<alias>` -> its `region` as written (absent: none given). */
  readonly providers: Map<string, { readonly region?: unknown }>;
}

export interface VariableDefinition {
  readonly default?: unknown;
  readonly type?: unknown;
  readonly nullable?: unknown;
}

export const emptyDefinitions = (): ModuleDefinitions => ({
  variables: new Map(),
  locals: new Map(),
  outputs: new Map(),
  localLocations: new Map(),
  providers: new Map(),
});

/** Arguments of a `module` block that configure Terraform, not the module's variables. */
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on', '//']);

/** Keys that configure Terraform itself, not the resource: they are not values. */
const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection', '//']);

const TOP_LEVEL_KEYS = new Set([
  'resource',
  'data',
  'module',
  'provider',
  'terraform',
  'variable',
  'output',
  'locals',
  'moved',
  'import',
  'check',
  'removed',
  '//',
]);

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
    throw inputError(
      `key "${d.key}" appears twice in one object (lines ${d.firstLine()} and ${d.line})`,
      { file, line: d.line },
      'each argument once (Terraform rejects a repeated argument)',
    );
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
      const typePointer = jsonPointer(section, type);
      forEachEntry(byName, typePointer, file, lines, (name, raw) => {
        const pointer = `${typePointer}/${escapePointer(name)}`;
        if (declared.has(pointer)) {
          throw inputError(
            `${section} ${type}.${name} is declared twice`,
            { file, line: lines.get(pointer), field: pointer },
            'one block per resource type and name (Terraform rejects a duplicate)',
          );
        }
        declared.add(pointer);
        // hcl2json (and Terraform JSON) allow a block body as a list of one object.
        const body: unknown = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
        if (!isPlainObject(body)) {
          throw inputError(
            `${section} ${type}.${name} is not an object`,
            { file, line: lines.get(pointer), field: pointer },
            'a JSON object of resource arguments',
          );
        }
        const comment = body['//'];
        let constructPath: string | undefined;
        let annotations: Record<string, JsonValue> | undefined;
        if (isPlainObject(comment)) {
          const metadata = comment.metadata;
          if (isPlainObject(metadata) && typeof metadata.path === 'string') constructPath = metadata.path;
          for (const key in comment) {
            if (key === 'metadata') continue;
            (annotations ??= dict())[key] = comment[key] as JsonValue;
          }
        }
        const location = blockLocation(file, lines.get(pointer), pointer, constructPath);
        blocks.push(annotations ? { mode, type, name, body, location, annotations } : { mode, type, name, body, location });
      });
    }
  }
  const moduleCalls: ModuleCall[] = [];
  if (doc.module !== undefined) {
    for (const [name, raw] of entries(doc.module, '/module', file, lines)) {
      const body: unknown = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
      const line = lines.get(jsonPointer('module', name));
      const source = isPlainObject(body) && typeof body.source === 'string' ? body.source : undefined;
      const args: Record<string, unknown> = dict();
      if (isPlainObject(body)) for (const [key, value] of Object.entries(body)) if (!MODULE_META.has(key)) args[key] = value;
      const version = isPlainObject(body) && typeof body.version === 'string' ? body.version : undefined;
      const count = isPlainObject(body) ? body.count : undefined;
      const forEach = isPlainObject(body) ? body.for_each : undefined;
      moduleCalls.push({
        name,
        file,
        arguments: args,
        ...(source !== undefined ? { source } : {}),
        ...(version !== undefined ? { version } : {}),
        ...(line !== undefined ? { line } : {}),
        ...(count !== undefined ? { count } : {}),
        ...(forEach !== undefined ? { forEach } : {}),
      });
    }
  }
  const definitions = readDefinitions(doc);
  for (const name of definitions.locals.keys()) {
    const line = lines.get(jsonPointer('locals', name));
    definitions.localLocations.set(name, { file, ...(line !== undefined ? { line } : {}) });
  }
  return { blocks, moduleCalls, definitions };
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
      const body: unknown = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
      if (name === '//' || !isPlainObject(body)) continue;
      definitions.variables.set(name, {
        ...('default' in body ? { default: body.default } : {}),
        ...('type' in body ? { type: body.type } : {}),
        ...('nullable' in body ? { nullable: body.nullable } : {}),
      });
    }
  }
  const outputs = doc.output;
  for (const object of Array.isArray(outputs) ? outputs : [outputs]) {
    if (!isPlainObject(object)) continue;
    for (const [name, raw] of Object.entries(object)) {
      const body: unknown = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
      if (name !== '//' && isPlainObject(body) && 'value' in body) definitions.outputs.set(name, body.value);
    }
  }
  const locals = doc.locals;
  for (const object of Array.isArray(locals) ? locals : [locals]) {
    if (!isPlainObject(object)) continue;
    for (const [name, value] of Object.entries(object)) if (name !== '//') definitions.locals.set(name, value);
  }
  // provider "aws" { alias = "west", region = ... }: one object or a list of them (hcl2json, cdktf).
  const providers = doc.provider;
  for (const object of Array.isArray(providers) ? providers : [providers]) {
    if (!isPlainObject(object)) continue;
    const aws = object.aws;
    for (const raw of Array.isArray(aws) ? aws : [aws]) {
      if (!isPlainObject(raw)) continue;
      const name = typeof raw.alias === 'string' ? `aws.${raw.alias}` : 'aws';
      definitions.providers.set(name, 'region' in raw && raw.region !== null ? { region: raw.region } : {});
    }
  }
  return definitions;
}

function entries(value: unknown, pointer: string, file: string, lines: ReadonlyMap<string, number>): [string, unknown][] {
  const out: [string, unknown][] = [];
  forEachEntry(value, pointer, file, lines, (key, member) => out.push([key, member]));
  return out;
}

/** The members of an object at `pointer`, `//` comments skipped; Terraform JSON also allows a list of objects there, merged in order. */
function forEachEntry(value: unknown, pointer: string, file: string, lines: ReadonlyMap<string, number>, visit: (key: string, member: unknown) => void): void {
  const objects = Array.isArray(value) ? value : [value];
  for (let i = 0; i < objects.length; i++) {
    const object: unknown = objects[i];
    if (!isPlainObject(object)) {
      throw inputError(`${pointer} is not an object`, { file, line: lines.get(pointer), field: pointer }, 'a JSON object keyed by type and name');
    }
    for (const key in object) if (key !== '//') visit(key, object[key]);
  }
}

/** Where a block is written (a function, not spreads: called once per block of a large stack). */
function blockLocation(file: string, line: number | undefined, pointer: string, constructPath: string | undefined): Location {
  if (line === undefined) return constructPath === undefined ? { file, jsonPointer: pointer } : { file, jsonPointer: pointer, constructPath };
  return constructPath === undefined ? { file, line, jsonPointer: pointer } : { file, line, jsonPointer: pointer, constructPath };
}

// ---- from blocks to resources --------------------------------------------------------------

/** A template string found in a value, kept until every resource's literals are known. */
class Template {
  constructor(
    readonly text: string,
    readonly parts: readonly TemplatePart[],
    /** The resources it names (targets without the module prefix), in the order written. */
    readonly traversals: readonly Traversal[],
    /**
     * When the whole template is one attribute of one resource (`${aws_subnet.a.id}`, `${data.x.y.json}`):
     * that resource (without the module prefix). Its value is then a function of that resource's values alone.
     */
    readonly resource?: string,
  ) {}
}

/**
 * What one scope has worked out about texts that recur: a big stack writes
 * `${aws_vpc.main.id}` thousands of times. Every entry is a pure function of its text.
 */
class TextMemo {
  /** Template text -> its Template, or the literal string it stands for (only `$${` escapes, or an unclosed `${`). */
  private readonly templates = new Map<string, Template | string>();
  /** `module.net.aws_subnet.a[0].id` -> `module.net.aws_subnet.a[0]` and `id`; null when it names no resource. */
  private readonly targets = new Map<string, { readonly target: string; readonly attribute?: string } | null>();

  template(text: string): Template | string {
    let template = this.templates.get(text);
    if (template === undefined) {
      const parts = splitTemplate(text);
      if (!parts) template = text;
      else if (!parts.some((p) => 'expr' in p)) template = parts.map((p) => ('literal' in p ? p.literal : '')).join('');
      else {
        const traversals: Traversal[] = [];
        for (const part of parts) if ('expr' in part) traversals.push(...traversalsOf(part.expr));
        const only = parts.length === 1 ? parts[0] : undefined;
        const t = traversals.length === 1 ? traversals[0] : undefined;
        const plain = only && 'expr' in only && t && t.text === only.expr.trim() && !t.splat && t.computedIndex === undefined;
        template = new Template(text, parts, traversals, plain ? t.base : undefined);
      }
      this.templates.set(text, template);
    }
    return template;
  }

  referenceTarget(ref: string): { readonly target: string; readonly attribute?: string } | null {
    let named = this.targets.get(ref);
    if (named === undefined) {
      const parsed = /^((?:module\.[\w-]+(?:\[[^\]]*\])?\.)*)((?:data\.)?[\w-]+\.[\w-]+(?:\[[^\]]*\])?)(?:\.(.+))?$/.exec(ref);
      const target = parsed ? `${parsed[1] ?? ''}${parsed[2] ?? ''}` : undefined;
      named = target === undefined ? null : parsed?.[3] ? { target, attribute: parsed[3] } : { target };
      this.targets.set(ref, named);
    }
    return named;
  }
}

/** `dynamic "NAME" { for_each, iterator, content }` blocks of one body, expanded at resolve time. */
class DynamicBlocks {
  constructor(readonly blocks: readonly { readonly name: string; readonly forEach: unknown; readonly iterator: string; readonly content: Pending }[]) {}
}

type Pending = string | number | boolean | null | Template | DynamicBlocks | Pending[] | { [key: string]: Pending };

/** Names bound inside one resource instance or dynamic block: `count`, `each`, iterators. */
type Bindings = ReadonlyMap<string, EvalValue>;
/** The bindings of an instance without `count` or `for_each`: shared, since nothing writes to it. */
const NO_BINDINGS: Bindings = new Map();

interface Draft {
  readonly block: ConfigBlock;
  readonly address: string;
  readonly modulePath: string;
  readonly pending: { [key: string]: Pending };
  readonly references: Reference[];
  readonly bindings: Bindings;
  /** Why this instance may not exist (unknown count / for_each, here or on its module call). */
  readonly unknownExistence?: string;
  values?: { [key: string]: Value };
  /** The instance as expressions read it (see EvalScope.resource). */
  evalValue?: EvalValue;
  resolving?: boolean;
}

/** A resource or data block before `count` / `for_each` is expanded. */
interface BlockEntry {
  readonly block: ConfigBlock;
  readonly base: string;
  readonly modulePath: string;
  readonly pending: { [key: string]: Pending };
  readonly references: Reference[];
  /** References whose instance is computed (`[each.key]`), by position: the index expression. */
  readonly computedIndexes?: ReadonlyMap<number, string>;
  /** Set once expanded: the instances, and how expressions see the whole resource. */
  expansion?: { readonly drafts: readonly Draft[]; readonly shape: 'single' | 'list' | 'map' | 'unknown'; readonly reason?: string };
  expanding?: boolean;
}

/** The instance keys of a `count` / `for_each`, or why they are unknown. */
type Expansion =
  | { readonly kind: 'single' }
  | { readonly kind: 'count'; readonly keys: readonly number[] }
  | { readonly kind: 'for_each'; readonly keys: readonly string[]; readonly values: ReadonlyMap<string, EvalValue> }
  | { readonly kind: 'unknown'; readonly reason: string };

/** What one module instance knows besides its resources: variables, locals, its caller's arguments. */
interface ModuleState {
  readonly modulePath: string;
  readonly definitions: ModuleDefinitions;
  /** Root module only: values from tfvars files, `--var-file`, `--var` and `TF_VAR_*`. */
  readonly assigned: ReadonlyMap<string, unknown>;
  readonly caller?: ModuleOptions['caller'];
  /** Absolute folder of the module and of the root module (for `path.module`, `file()`). */
  readonly dir?: string;
  readonly rootDir?: string;
  readonly unknownExistence?: string;
  readonly locals: Map<string, EvalValue>;
  readonly variables: Map<string, EvalValue | undefined>;
  readonly resolving: Set<string>;
  /** Locals being evaluated, in order (to name a cycle). */
  readonly localStack: string[];
  outputs?: EvalValue;
  scope?: EvalScope;
  /** Values of one-reference templates in the module's own scope (see `referenceValue`). */
  readonly templateValues: Map<Template, Value>;
}

export interface ModuleOptions {
  readonly definitions?: ModuleDefinitions;
  /** Variable values from tfvars files and the command line, for the root module. */
  readonly assigned?: ReadonlyMap<string, unknown>;
  /** The calling module, the arguments of its `module` block, and `count` / `each` of this instance. */
  readonly caller?: { readonly modulePath: string; readonly arguments: Readonly<Record<string, unknown>>; readonly bindings?: Bindings };
  /** The module's folder and the root module's folder, when read from files. */
  readonly dir?: string;
  readonly rootDir?: string;
  /** Why this module instance may not exist (an unknown count / for_each on a call on the way). */
  readonly unknownExistence?: string;
  /** Reads a file for `file()` / `templatefile()`; absent: those stay unknown. */
  readonly readFile?: (path: string) => { text: string } | { error: string };
}

/** A module's state before anything in it is evaluated. */
function newModuleState(modulePath: string, options: ModuleOptions): ModuleState {
  return {
    modulePath,
    definitions: options.definitions ?? emptyDefinitions(),
    assigned: options.assigned ?? new Map(),
    ...(options.caller ? { caller: options.caller } : {}),
    ...(options.dir !== undefined ? { dir: options.dir } : {}),
    ...(options.rootDir !== undefined ? { rootDir: options.rootDir } : {}),
    ...(options.unknownExistence !== undefined ? { unknownExistence: options.unknownExistence } : {}),
    locals: new Map(),
    variables: new Map(),
    resolving: new Set(),
    localStack: [],
    templateValues: new Map(),
  };
}

/** A variable default or tfvars value is a constant: it is evaluated with nothing in scope. */
const CONSTANT_SCOPE: EvalScope = { prefix: '', variable: () => undefined, local: () => undefined };

/** Model values made from opaque values, so reading them back for another expression is exact. */
const opaqueOf = new WeakMap<Unknown, Opaque>();
/** The other way: one model value per opaque value (the same apply-time attribute is read all over a stack). */
const unknownOf = new WeakMap<Opaque, Unknown>();

/**
 * The model's form of an evaluated value: an apply-time value is `Unknown` (its reason the
 * `${...}` text, plus why it was not evaluated when that is not "known after apply"); a string
 * with some apply-time parts stays a string with those parts as `${...}` text, as synth JSON
 * writes an interpolation inside a JSON policy.
 */
function toModelValue(value: EvalValue): Value {
  if (value instanceof Opaque) {
    if (value.partial) return value.text;
    let unknown = unknownOf.get(value);
    if (unknown === undefined) {
      unknown = new Unknown(value.note ? `${value.text} (${value.note})` : value.text, value.refs);
      opaqueOf.set(unknown, value);
      unknownOf.set(value, unknown);
    }
    return unknown;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as readonly EvalValue[]).map(toModelValue);
  return mapDict(value as { readonly [key: string]: EvalValue }, toModelValue);
}

/** A resource instance's values as expressions read them: containers marked apply-time (see APPLY_TIME). */
function fromModelValue(value: Value, text: string, refs: readonly string[]): EvalValue {
  if (value instanceof Unknown)
    return (
      opaqueOf.get(value) ??
      new Opaque(/^\$\{[\s\S]*\}$/.test(value.reason) ? value.reason : `\${${text}}`, value.references.length ? value.references : refs, false)
    );
  if (value === null || typeof value !== 'object') return value;
  // Most members are literals: their path text is built only for containers and unknowns.
  let out: EvalValue;
  if (Array.isArray(value)) {
    const list = value as readonly Value[];
    const items: EvalValue[] = new Array<EvalValue>(list.length);
    for (let i = 0; i < list.length; i++) {
      const v = list[i] as Value;
      items[i] = v === null || typeof v !== 'object' ? v : fromModelValue(v, `${text}[${i}]`, refs);
    }
    out = items;
  } else {
    const object = value as { readonly [key: string]: Value };
    const members: { [key: string]: EvalValue } = dict();
    for (const k in object) {
      const v = object[k] as Value;
      members[k] = v === null || typeof v !== 'object' ? v : fromModelValue(v, `${text}.${k}`, refs);
    }
    out = members;
  }
  APPLY_TIME.set(out, text);
  return out;
}

/**
 * A resource instance's values as expressions read them (see fromModelValue), each member
 * converted when first read: most references read one attribute, often `arn` or `id`, which the
 * configuration does not hold at all.
 */
function instanceEvalValue(values: { readonly [key: string]: Value }, address: string): { [key: string]: EvalValue } {
  const refs = [address];
  const out: { [key: string]: EvalValue } = dict();
  for (const key in values) {
    const value = values[key] as Value;
    if (value === null || typeof value !== 'object') {
      out[key] = value;
      continue;
    }
    Object.defineProperty(out, key, {
      enumerable: true,
      configurable: true,
      get: () => {
        const converted = fromModelValue(value, `${address}.${key}`, refs);
        Object.defineProperty(out, key, { value: converted, enumerable: true, writable: true, configurable: true });
        return converted;
      },
    });
  }
  APPLY_TIME.set(out, address);
  return out;
}

/**
 * AWS partitions by region prefix (the partitions of the AWS SDKs' endpoint data): the partition,
 * its DNS suffix and reverse DNS prefix. A region no prefix names is in `aws`.
 */
const PARTITIONS: readonly (readonly [RegExp, string, string, string])[] = [
  [/^cn-/, 'aws-cn', 'amazonaws.com.cn', 'cn.com.amazonaws'],
  [/^us-gov-/, 'aws-us-gov', 'amazonaws.com', 'com.amazonaws'],
  [/^us-isob-/, 'aws-iso-b', 'sc2s.sgov.gov', 'gov.sgov.sc2s'],
  [/^us-isof-/, 'aws-iso-f', 'csp.hci.ic.gov', 'gov.ic.hci.csp'],
  [/^us-iso-/, 'aws-iso', 'c2s.ic.gov', 'gov.ic.c2s'],
  [/^eu-isoe-/, 'aws-iso-e', 'cloud.adc-e.uk', 'uk.adc-e.cloud'],
  [/^eusc-/, 'aws-eusc', 'amazonaws.eu', 'eu.amazonaws'],
];

function partitionOf(region: string): { partition: string; dns_suffix: string; reverse_dns_prefix: string; id: string } {
  const found = PARTITIONS.find(([prefix]) => prefix.test(region));
  const [, partition, dns, reverse] = found ?? [undefined, 'aws', 'amazonaws.com', 'com.amazonaws'];
  return { partition, dns_suffix: dns, reverse_dns_prefix: reverse, id: partition };
}

/** The regions of the AWS provider configurations a data source may use: a string when written literally, undefined when known only at run time. */
type ProviderRegions = readonly (string | undefined)[];

const keyText = (key: string | number): string => (typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`);

/**
 * Builds the resources of one root module and its module calls. `modulePath` (`module.net`,
 * `module.svc["api"]`, empty at the root) prefixes addresses and every reference made inside the
 * module. `count` and `for_each` expand into instances with Terraform's addresses.
 */
export class ConfigScope {
  private readonly entries = new Map<string, BlockEntry>();
  private readonly order: BlockEntry[] = [];
  private readonly modules = new Map<string, ModuleState>();
  /** `parentPath \0 callName` -> the call's instances, once its module was read. */
  private readonly calls = new Map<string, Expansion>();
  private readonly memo = new TextMemo();

  constructor(readonly stack?: string) {}

  add(blocks: readonly ConfigBlock[], modulePath: string, options: ModuleOptions = {}): void {
    const prefix = modulePath ? `${modulePath}.` : '';
    if (!this.modules.has(modulePath)) {
      this.modules.set(modulePath, newModuleState(modulePath, options));
      if (options.readFile) this.readers.set(modulePath, options.readFile);
    }
    for (const block of blocks) {
      // One concatenation for both modes: a stack's first data block, thousands of blocks in, then
      // runs code the optimizer has already seen (a branch of its own would throw the loop's optimized code away).
      const kind = (block.mode === 'data' ? 'data.' : '') + block.type;
      const local = `${kind}.${block.name}`;
      const address = prefix + local;
      if (this.entries.has(address)) {
        const first = this.entries.get(address)?.block.location;
        throw inputError(
          `duplicate resource ${address} (first declared in ${first?.file}${first?.line ? `:${first.line}` : ''})`,
          { file: block.location.file, line: block.location.line, field: block.location.jsonPointer },
          'each resource address declared once',
        );
      }
      const normalized = normalizeBlocks(kind, block.body);
      const found: FoundReferences = { prefix, memo: this.memo, references: [] };
      const pending: { [key: string]: Pending } = dict();
      // Path segments are pushed and popped on one array: no string is built unless a reference is found.
      const path: string[] = [];
      for (const key in normalized) {
        if (META_ARGUMENTS.has(key)) continue;
        const raw = normalized[key];
        if (key === 'dynamic' && raw !== null && typeof raw === 'object') pending[key] = dynamicBlocks(raw, path, found);
        else {
          path.push(key);
          pending[key] = toPending(raw, path, found);
          path.pop();
        }
      }
      const { references, computedIndexes } = found;
      const entry: BlockEntry = { block, base: address, modulePath, pending, references, ...(computedIndexes ? { computedIndexes } : {}) };
      this.entries.set(address, entry);
      this.order.push(entry);
    }
  }

  private readonly readers = new Map<string, (path: string) => { text: string } | { error: string }>();

  /** Resolves every instance and returns the finished resources in declaration order. */
  resources(): Resource[] {
    const out: Resource[] = [];
    for (const entry of this.order) {
      for (const draft of this.expand(entry).drafts) {
        const values = this.finish(draft);
        const { block } = draft;
        out.push({
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
          ...(draft.unknownExistence !== undefined ? { unknownExistence: draft.unknownExistence } : {}),
        } satisfies Resource);
      }
    }
    return out;
  }

  /**
   * The instances of `count` / `for_each` (written as in a resource or module block), evaluated in
   * `modulePath`'s scope with `bindings` (a module call's own `each` when nested).
   */
  expansion(modulePath: string, count: unknown, forEach: unknown, bindings?: Bindings): Expansion {
    const scope = this.scopeFor(modulePath, bindings);
    if (count !== undefined) {
      const value = evaluateRaw(count, scope);
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0)
        return { kind: 'count', keys: Array.from({ length: Math.min(value, 10_000) }, (_v, i) => i) };
      if (typeof value === 'string' && /^\d+$/.test(value))
        return { kind: 'count', keys: Array.from({ length: Math.min(Number(value), 10_000) }, (_v, i) => i) };
      return { kind: 'unknown', reason: `count = ${describe(count, value)}` };
    }
    if (forEach !== undefined) {
      const value = evaluateRaw(forEach, scope);
      const values = new Map<string, EvalValue>();
      if (Array.isArray(value) && (value as readonly EvalValue[]).every((v) => typeof v === 'string' || typeof v === 'number')) {
        for (const v of value as readonly (string | number)[]) values.set(String(v), String(v));
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Opaque)) {
        for (const [k, v] of Object.entries(value)) values.set(k, v);
      } else return { kind: 'unknown', reason: `for_each = ${describe(forEach, value)}` };
      const keys = [...values.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return { kind: 'for_each', keys, values };
    }
    return { kind: 'single' };
  }

  /** Records the instances of a module call (read by index.ts), so `module.NAME` resolves to them. */
  recordCall(parentPath: string, name: string, expansion: Expansion | 'unread'): void {
    if (expansion === 'unread') this.calls.set(`${parentPath}\u0000${name}`, { kind: 'unknown', reason: 'the module was not read' });
    else this.calls.set(`${parentPath}\u0000${name}`, expansion);
  }

  private expand(entry: BlockEntry): NonNullable<BlockEntry['expansion']> {
    if (entry.expansion) return entry.expansion;
    const { block, base, modulePath } = entry;
    const state = this.state(modulePath);
    const inherited = state.unknownExistence;
    const draft = (address: string, bindings: Bindings, unknownExistence?: string): Draft => ({
      block,
      address,
      modulePath,
      pending: entry.pending,
      // References naming `[count.index]` or `[each.key]` point at the instance this one names.
      // Each instance adds its own (see linkUnknowns): the array is the block's only when it has one
      // instance. Reference objects are never mutated: an instance shares them unless it rewrites one.
      references:
        bindings.size === 0
          ? entry.references
          : entry.references.map((r, i) => {
              const expr = entry.computedIndexes?.get(i);
              if (expr === undefined) return r;
              const key = evaluateExpression(expr, this.scopeFor(modulePath, bindings));
              return typeof key === 'string' || typeof key === 'number' ? { ...r, target: `${r.target}${keyText(key)}` } : r;
            }),
      bindings,
      ...(unknownExistence ?? inherited ? { unknownExistence: unknownExistence ?? inherited } : {}),
    });
    if (entry.expanding) {
      // count / for_each refers to the resource itself: Terraform rejects the cycle.
      return {
        drafts: [draft(base, NO_BINDINGS, `count/for_each of ${base} refers to itself`)],
        shape: 'unknown',
        reason: `count/for_each of ${base} refers to itself`,
      };
    }
    entry.expanding = true;
    const result = this.expansion(modulePath, block.body.count, block.body.for_each);
    entry.expanding = false;
    let expansion: NonNullable<BlockEntry['expansion']>;
    switch (result.kind) {
      case 'single':
        expansion = { drafts: [draft(base, NO_BINDINGS)], shape: 'single' };
        break;
      case 'count':
        expansion = { drafts: result.keys.map((i) => draft(`${base}[${i}]`, new Map([['count', { index: i }]]))), shape: 'list' };
        break;
      case 'for_each':
        expansion = {
          drafts: result.keys.map((k) => draft(`${base}${keyText(k)}`, new Map([['each', { key: k, value: result.values.get(k) ?? null }]]))),
          shape: 'map',
        };
        break;
      case 'unknown': {
        // One stand-in instance whose existence is undecided; its count.index / each.* are unknown.
        const unknownBindings = new Map<string, EvalValue>([
          ['count', { index: new Opaque('${count.index}', [], false) }],
          ['each', { key: new Opaque('${each.key}', [], false), value: new Opaque('${each.value}', [], false) }],
        ]);
        const reason = `${result.reason} is known only after apply`;
        expansion = { drafts: [draft(base, unknownBindings, inherited ? `${inherited}; ${reason}` : reason)], shape: 'unknown', reason };
      }
    }
    entry.expansion = expansion;
    return expansion;
  }

  private finish(draft: Draft): { [key: string]: Value } {
    if (draft.values) return draft.values;
    draft.resolving = true;
    const scope = this.scopeFor(draft.modulePath, draft.bindings);
    // The top level is always copied: meta-arguments were dropped from it.
    const values: { [key: string]: Value } = dict();
    for (const key in draft.pending) {
      const value = draft.pending[key] as Pending;
      if (value instanceof DynamicBlocks) this.expandDynamic(value, scope, values, draft.modulePath, draft.bindings);
      else values[key] = this.resolve(value, scope, draft.modulePath, draft.bindings);
    }
    // Well-known data sources answer some attributes before apply (an AWS managed policy's document).
    if (draft.block.mode === 'data') {
      const known = knownDataAttributes(draft.block.type, values as { [key: string]: EvalValue }, () =>
        this.providerRegions(draft.modulePath, draft.block.body.provider),
      );
      if (known) for (const [key, value] of Object.entries(known)) if (!(key in values) || values[key] === null) values[key] = toModelValue(value);
    }
    draft.resolving = false;
    draft.values = values;
    // Well-known data attributes are not in the configuration: their values are walked whole.
    linkUnknowns(values, draft.references, this.memo, draft.block.mode === 'data' ? undefined : draft.pending);
    return values;
  }

  /**
   * Regions of the AWS provider configurations a block may use. In the root module: the one its
   * `provider` meta-argument names (default `aws`). In a module: any of the root's, since a call's
   * `providers` map may pass an alias. No `provider "aws"` block, or no `region` in it: the region
   * comes from the environment at run time (undefined).
   */
  private providerRegions(modulePath: string, meta: unknown): ProviderRegions {
    const root = this.modules.get('');
    const configs = root?.definitions.providers ?? new Map<string, { readonly region?: unknown }>();
    const named = typeof meta === 'string' ? meta.replace(/^\$\{([\s\S]*)\}$/, '$1').trim() : 'aws';
    const chosen = modulePath === '' ? [named] : configs.size > 0 ? [...configs.keys()] : ['aws'];
    const scope = this.moduleScope('');
    return chosen.map((name) => {
      const raw = configs.get(name)?.region;
      if (raw === undefined) return undefined;
      const value = evaluateRaw(raw, scope);
      return typeof value === 'string' && value !== '' ? value : undefined;
    });
  }

  private resolve(value: Pending, scope: EvalScope, modulePath: string, bindings: Bindings): Value {
    if (value instanceof Template)
      return value.resource !== undefined && bindings.size === 0
        ? this.referenceValue(value, value.resource, scope, modulePath)
        : toModelValue(evaluateTemplate(value.parts, scope));
    if (value instanceof DynamicBlocks) return null;
    if (value === null || typeof value !== 'object' || !pendingContainers.has(value)) return value as Value;
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, scope, modulePath, bindings));
    const out: { [key: string]: Value } = dict();
    for (const k in value) {
      const v = value[k] as Pending;
      if (v instanceof DynamicBlocks) this.expandDynamic(v, scope, out, modulePath, bindings);
      else out[k] = this.resolve(v, scope, modulePath, bindings);
    }
    return out;
  }

  /**
   * The value of a template that reads one attribute of `resource` (`${aws_subnet.a.id}`, thousands
   * of times in a big stack), in its module's own scope (no `count`, `each` or iterator bound):
   * evaluated once per module, after that resource is finished, when its value can no longer change.
   * A container is evaluated anew each time (each resource gets its own).
   */
  private referenceValue(template: Template, resource: string, scope: EvalScope, modulePath: string): Value {
    const state = this.state(modulePath);
    const known = state.templateValues.get(template);
    if (known !== undefined) return known;
    const value = toModelValue(evaluateTemplate(template.parts, scope));
    const kept = value === null || typeof value !== 'object' || value instanceof Unknown;
    if (kept && this.finished(scope.prefix + resource)) state.templateValues.set(template, value);
    return value;
  }

  /** Whether every instance of the resource at `address` has its values (none is being resolved). */
  private finished(address: string): boolean {
    const expansion = this.entries.get(address)?.expansion;
    return expansion !== undefined && expansion.drafts.every((d) => d.values !== undefined && !d.resolving);
  }

  /**
   * `dynamic "ingress" { for_each = ..., content { ... } }`: one `ingress` block per element, after
   * the static ones. An unknown `for_each` makes the whole block list unknown (never silently empty).
   */
  private expandDynamic(dynamic: DynamicBlocks, scope: EvalScope, out: { [key: string]: Value }, modulePath: string, bindings: Bindings): void {
    for (const { name, forEach, iterator, content } of dynamic.blocks) {
      const collection = evaluateRaw(forEach, scope);
      const existing = out[name];
      const list: Value[] = Array.isArray(existing) ? [...(existing as Value[])] : existing !== undefined && existing !== null ? [existing] : [];
      if (existing instanceof Unknown) continue;
      let pairs: [EvalValue, EvalValue][] | undefined;
      if (Array.isArray(collection)) pairs = (collection as readonly EvalValue[]).map((v, i) => [i, v]);
      else if (collection !== null && typeof collection === 'object' && !(collection instanceof Opaque)) {
        pairs = Object.keys(collection).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((k) => [k, (collection as Record<string, EvalValue>)[k] as EvalValue]);
      }
      if (!pairs) {
        const opaque =
          collection instanceof Opaque ? collection : new Opaque(`\${${String(forEach)}}`, [], false, 'for_each of a dynamic block must be a collection');
        out[name] = new Unknown(
          `dynamic "${name}" blocks: for_each = ${opaque.text}${opaque.note ? ` (${opaque.note})` : ''} is known only after apply`,
          opaque.refs,
        );
        continue;
      }
      for (const [key, value] of pairs) {
        const inner = new Map(bindings);
        inner.set(iterator, { key, value });
        const innerScope = this.scopeFor(modulePath, inner);
        const body = Array.isArray(content) && content.length === 1 ? content[0] as Pending : content;
        list.push(this.resolveForced(body, innerScope, modulePath, inner));
      }
      out[name] = list;
    }
  }

  /** Like resolve, also for containers without templates (dynamic content is walked once per element). */
  private resolveForced(value: Pending, scope: EvalScope, modulePath: string, bindings: Bindings): Value {
    if (value === null || typeof value !== 'object' || value instanceof Template || value instanceof DynamicBlocks)
      return this.resolve(value, scope, modulePath, bindings);
    if (Array.isArray(value)) return value.map((v) => this.resolveForced(v, scope, modulePath, bindings));
    const out: { [key: string]: Value } = dict();
    for (const [k, v] of Object.entries(value)) {
      if (v instanceof DynamicBlocks) this.expandDynamic(v, scope, out, modulePath, bindings);
      else out[k] = this.resolveForced(v, scope, modulePath, bindings);
    }
    return out;
  }

  private state(modulePath: string): ModuleState {
    let state = this.modules.get(modulePath);
    if (!state) {
      state = newModuleState(modulePath, {});
      this.modules.set(modulePath, state);
    }
    return state;
  }

  /** What expressions inside `modulePath` can read; `bindings` add `count`, `each` and iterators. */
  private scopeFor(modulePath: string, bindings?: Bindings): EvalScope {
    const base = this.moduleScope(modulePath);
    if (!bindings || bindings.size === 0) return base;
    return { ...base, symbol: (name) => bindings.get(name) ?? base.symbol?.(name) };
  }

  private moduleScope(modulePath: string): EvalScope {
    const state = this.state(modulePath);
    if (state.scope) return state.scope;
    const prefix = modulePath ? `${modulePath}.` : '';
    const reader = this.readers.get(modulePath);
    const scope: EvalScope = {
      prefix,
      variable: (name) => this.variable(state, name),
      local: (name) => {
        const cached = state.locals.get(name);
        if (cached !== undefined) return cached;
        if (!state.definitions.locals.has(name)) return undefined;
        if (state.resolving.has(`local.${name}`)) throw this.localCycle(state, name);
        state.resolving.add(`local.${name}`);
        state.localStack.push(name);
        const value = evaluateRaw(state.definitions.locals.get(name), scope);
        state.localStack.pop();
        state.resolving.delete(`local.${name}`);
        state.locals.set(name, value);
        return value;
      },
      resource: (base) => this.resourceValue(prefix + base),
      module: (name) => this.moduleOutputs(modulePath, name),
      symbol: (name): EvalValue | undefined => {
        if (name === 'path') {
          const root = state.rootDir;
          const dir = state.dir;
          if (root === undefined || dir === undefined) return undefined;
          const rel = relative(root, dir).split(sep).join('/');
          return { module: rel || '.', root: '.', cwd: '.' };
        }
        if (name === 'terraform') return { workspace: 'default' };
        return undefined;
      },
      ...(reader ? { readFile: reader } : {}),
    };
    state.scope = scope;
    return scope;
  }

  /** Terraform rejects locals that refer to each other in a cycle: an input error naming them and their lines. */
  private localCycle(state: ModuleState, name: string) {
    const cycle = state.localStack.slice(state.localStack.indexOf(name));
    const where = (n: string) => {
      const at = state.definitions.localLocations.get(n);
      return `local.${n}${at ? ` (${at.file}${at.line !== undefined ? `:${at.line}` : ''})` : ''}`;
    };
    const first = state.definitions.localLocations.get(name);
    const message =
      cycle.length === 1 ? `${where(name)} refers to itself` : `locals refer to each other in a cycle: ${cycle.map(where).join(' -> ')} -> local.${name}`;
    return inputError(
      message,
      { file: first?.file ?? '', ...(first?.line !== undefined ? { line: first.line } : {}) },
      'locals that do not depend on themselves',
    );
  }

  /**
   * `var.x`: in a child module, the caller's argument evaluated in the caller's scope; in the root
   * module, a value given from outside (tfvars, command line, environment); else the variable's
   * default. Converted to the declared type. `undefined` (unknown) without any.
   */
  private variable(state: ModuleState, name: string): EvalValue | undefined {
    if (state.variables.has(name)) return state.variables.get(name);
    const key = `var.${name}`;
    if (state.resolving.has(key)) return undefined;
    state.resolving.add(key);
    let value: EvalValue | undefined;
    const declared = state.definitions.variables.get(name);
    if (state.caller && Object.prototype.hasOwnProperty.call(state.caller.arguments, name)) {
      value = evaluateRaw(state.caller.arguments[name], this.scopeFor(state.caller.modulePath, state.caller.bindings));
    } else if (!state.caller && state.assigned.has(name)) {
      value = evaluateRaw(state.assigned.get(name), CONSTANT_SCOPE);
    }
    // A null argument takes the default when the variable is not nullable.
    if ((value === undefined || (value === null && declared?.nullable === false)) && declared && 'default' in declared) {
      value = evaluateRaw(declared.default, CONSTANT_SCOPE);
    }
    if (value !== undefined && declared?.type !== undefined) value = convertVariable(value, declared.type);
    state.resolving.delete(key);
    state.variables.set(name, value);
    return value;
  }

  /** `aws_x.y` as an expression sees it: one object, a list (count), a map (for_each), or unknown. */
  private resourceValue(address: string): EvalValue | undefined {
    const entry = this.entries.get(address);
    if (!entry) return undefined;
    const expansion = this.expand(entry);
    if (expansion.shape === 'unknown') return new Opaque(`\${${address}}`, [address], false, expansion.reason);
    if (expansion.shape === 'single') return this.instanceValue(expansion.drafts[0] as Draft);
    const values = expansion.drafts.map((d) => this.instanceValue(d));
    if (values.some((v) => v === undefined)) return undefined;
    if (expansion.shape === 'list') return values as EvalValue[];
    return dict(
      expansion.drafts.map((d, i): [string, EvalValue] => [
        d.address.slice(d.address.lastIndexOf('[') + 2, -2).replace(/\\(.)/g, '$1'),
        values[i] as EvalValue,
      ]),
    );
  }

  private instanceValue(draft: Draft): EvalValue | undefined {
    if (draft.evalValue !== undefined) return draft.evalValue;
    if (draft.resolving) return undefined;
    const values = this.finish(draft);
    let value = instanceEvalValue(values, draft.address);
    const known =
      draft.block.mode === 'data'
        ? knownDataAttributes(draft.block.type, value, () => this.providerRegions(draft.modulePath, draft.block.body.provider))
        : undefined;
    if (known) {
      value = { ...value, ...known };
      APPLY_TIME.set(value, draft.address);
    }
    draft.evalValue = value;
    return value;
  }

  /** `module.NAME` from inside `parentPath`: the outputs of that call's instances. */
  private moduleOutputs(parentPath: string, name: string): EvalValue | undefined {
    const call = this.calls.get(`${parentPath}\u0000${name}`);
    if (!call) return undefined;
    const childPath = `${parentPath ? `${parentPath}.` : ''}module.${name}`;
    switch (call.kind) {
      case 'single':
        return this.outputsOf(childPath);
      case 'count': {
        const all = call.keys.map((k) => this.outputsOf(`${childPath}[${k}]`));
        return all.some((v) => v === undefined) ? undefined : (all as EvalValue[]);
      }
      case 'for_each': {
        const all = call.keys.map((k) => [k, this.outputsOf(`${childPath}${keyText(k)}`)] as const);
        return all.some(([, v]) => v === undefined) ? undefined : (dict(all) as { [key: string]: EvalValue });
      }
      case 'unknown':
        return new Opaque(`\${module.${name}}`, [], false, call.reason);
    }
  }

  private outputsOf(modulePath: string): EvalValue | undefined {
    const state = this.modules.get(modulePath);
    if (!state) return undefined;
    if (state.outputs !== undefined) return state.outputs;
    if (state.resolving.has('outputs')) return undefined;
    state.resolving.add('outputs');
    const scope = this.moduleScope(modulePath);
    const entries: [string, EvalValue][] = [];
    for (const [name, raw] of state.definitions.outputs) entries.push([name, evaluateRaw(raw, scope)]);
    state.resolving.delete('outputs');
    state.outputs = dict(entries);
    return state.outputs;
  }
}

/** The text of a count / for_each for a reason: the expression as written, and why it is unknown. */
function describe(raw: unknown, value: EvalValue): string {
  const text = typeof raw === 'string' ? raw.replace(/^\$\{([\s\S]*)\}$/, '$1') : JSON.stringify(raw);
  const note = value instanceof Opaque ? value.note : 'a value that is not a whole number, set or map';
  return note ? `${text} (${note})` : text;
}

/**
 * Known attributes of well-known data sources: the partition (from the provider's region; `aws`
 * when no region says otherwise), the region when the provider names it (aws_region; the account
 * of aws_caller_identity stays unknown until apply), AWS managed policies by name or ARN.
 */
function knownDataAttributes(type: string, args: { readonly [key: string]: EvalValue }, regions: () => ProviderRegions): Record<string, EvalValue> | undefined {
  if (type === 'aws_partition') {
    const known = regions().filter((r): r is string => r !== undefined).map((r) => partitionOf(r));
    const partitions = new Set(known.map((p) => p.partition));
    // Regions known only at run time may be in any partition: `aws` unless a known region says otherwise.
    if (partitions.size > 1 || (partitions.size === 1 && !partitions.has('aws') && known.length < regions().length)) return undefined;
    return known[0] ?? partitionOf('');
  }
  if (type === 'aws_region') {
    const own = typeof args.region === 'string' ? args.region : typeof args.name === 'string' ? args.name : undefined;
    const all = own !== undefined ? [own] : regions();
    const region = all[0];
    if (region === undefined || all.some((r) => r !== region)) return undefined;
    return { name: region, region, id: region, endpoint: `ec2.${region}.${partitionOf(region).dns_suffix}` };
  }
  if (type === 'aws_iam_policy') {
    const arn = typeof args.arn === 'string' ? args.arn : undefined;
    const name = typeof args.name === 'string' ? args.name : undefined;
    const found = arn !== undefined || name !== undefined ? awsManagedPolicyData(arn !== undefined ? { arn } : { name: name }) : undefined;
    if (found) return { arn: found.arn, name: found.name, path: found.path, policy: found.policy, id: found.arn };
  }
  return undefined;
}

/** A variable's declared `type` applied to its value (see convertToType). */
function convertVariable(value: EvalValue, type: unknown): EvalValue {
  const text = typeof type === 'string' ? type.replace(/^\$\{([\s\S]*)\}$/, '$1').trim() : '';
  const spec = text ? parseTypeConstraint(text) : undefined;
  return spec ? convertToType(value, spec) : value;
}

/**
 * References carried by unknown values (a module output naming `module.net.aws_subnet.public.id`,
 * a local built from a resource attribute) become references of the resource, at the attribute
 * path where the value landed, so graph links exist even when the text names no resource.
 */
function linkUnknowns(
  values: { readonly [key: string]: Value },
  references: Reference[],
  memo: TextMemo,
  pending?: { readonly [key: string]: Pending },
): void {
  // Nearly always the reference is there already (the template that made the unknown named it):
  // a few references are compared in place, many through a set.
  let seen: Set<string> | undefined;
  const linked = (attribute: string, target: string): boolean => {
    if (!seen && references.length <= 32) {
      for (let i = 0; i < references.length; i++) {
        const r = references[i] as Reference;
        if (r.attribute === attribute && r.target === target) return true;
      }
      return false;
    }
    seen ??= new Set(references.map((r) => `${r.attribute}\u0000${r.target}`));
    return seen.has(`${attribute}\u0000${target}`);
  };
  // Path segments are pushed and popped on one array: a path is joined only where an unknown carries references.
  const path: string[] = [];
  const walk = (value: Value, depth: number): void => {
    if (value === null || typeof value !== 'object' || depth > 32) return;
    if (value instanceof Unknown) {
      if (value.references.length === 0) return;
      const at = path.join('.');
      for (const ref of value.references) {
        const named = memo.referenceTarget(ref);
        if (!named || linked(at, named.target)) continue;
        seen?.add(`${at}\u0000${named.target}`);
        references.push(named.attribute ? { attribute: at, target: named.target, targetAttribute: named.attribute } : { attribute: at, target: named.target });
      }
      return;
    }
    if (Array.isArray(value)) {
      const list = value as readonly Value[];
      for (let i = 0; i < list.length; i++) {
        const item = list[i] as Value;
        if (item === null || typeof item !== 'object') continue;
        path.push(String(i));
        walk(item, depth + 1);
        path.pop();
      }
      return;
    }
    const object = value as { readonly [key: string]: Value };
    for (const key in object) {
      const item = object[key] as Value;
      if (item === null || typeof item !== 'object') continue;
      path.push(key);
      walk(item, depth + 1);
      path.pop();
    }
  };
  // Unknowns come only from what was evaluated: literal parts of the configuration are not walked.
  const evaluated = (guide: Pending, value: Value | undefined, depth: number): void => {
    if (value === null || value === undefined || typeof value !== 'object' || guide === null || typeof guide !== 'object') return;
    if (guide instanceof Template) return walk(value, depth);
    if (!pendingContainers.has(guide) || value instanceof Unknown) return;
    if (Array.isArray(guide)) {
      if (!Array.isArray(value)) return;
      for (let i = 0; i < guide.length; i++) {
        path.push(String(i));
        evaluated(guide[i] as Pending, (value as readonly Value[])[i], depth + 1);
        path.pop();
      }
      return;
    }
    members(guide as { readonly [key: string]: Pending }, value as { readonly [key: string]: Value }, depth);
  };
  const members = (guide: { readonly [key: string]: Pending }, object: { readonly [key: string]: Value }, depth: number): void => {
    for (const key in guide) {
      const item = guide[key] as Pending;
      if (item === null || typeof item !== 'object') continue;
      if (item instanceof DynamicBlocks) {
        // `dynamic` blocks land under their own names.
        for (const { name } of item.blocks) {
          path.push(name);
          walk(object[name] as Value, depth + 1);
          path.pop();
        }
        continue;
      }
      path.push(key);
      evaluated(item, object[key], depth + 1);
      path.pop();
    }
  };
  if (pending) members(pending, values, 0);
  else walk(values, 0);
}

/** Containers holding at least one Template: only these are copied and walked again at resolve time. */
const pendingContainers = new WeakSet<object>();

/** The references one block's values make, as `toPending` finds them. */
interface FoundReferences {
  /** Module prefix of the targets (`module.net.`), empty at the root. */
  readonly prefix: string;
  readonly memo: TextMemo;
  readonly references: Reference[];
  /** References whose instance is computed (`[each.key]`), by position: the index expression. */
  computedIndexes?: Map<number, string>;
}

/**
 * Replaces template strings by `Template`s and records their references; `dynamic` blocks become
 * `DynamicBlocks`. Copy-on-write: a subtree without `${` is returned as is, so a large stack is not
 * copied twice.
 */
function toPending(value: unknown, path: string[], found: FoundReferences): Pending {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    const template = found.memo.template(value);
    if (typeof template === 'string') return template;
    const { traversals } = template;
    const attribute = traversals.length > 0 ? path.join('.') : '';
    for (let i = 0; i < traversals.length; i++) {
      const t = traversals[i] as Traversal;
      const target = found.prefix + t.base + (t.index !== undefined ? `[${t.index}]` : '');
      if (t.computedIndex !== undefined) (found.computedIndexes ??= new Map()).set(found.references.length, t.computedIndex);
      found.references.push(t.attribute ? { attribute, target, targetAttribute: t.attribute } : { attribute, target });
    }
    return template;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: Pending[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as unknown;
      path.push(String(i));
      const next = toPending(item, path, found);
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
      if (key === 'dynamic' && item !== null && typeof item === 'object') {
        copy ??= dict(object as { [key: string]: Pending });
        copy[key] = dynamicBlocks(item, path, found);
        continue;
      }
      path.push(key);
      const next = toPending(item, path, found);
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

/** `dynamic` as hcl2json writes it (`[{ingress: [{for_each, content: [{...}]}]}]`) or as Terraform JSON (`{ingress: {...}}`). */
function dynamicBlocks(raw: object, path: string[], found: FoundReferences): DynamicBlocks {
  const blocks: { name: string; forEach: unknown; iterator: string; content: Pending }[] = [];
  for (const group of Array.isArray(raw) ? raw : [raw]) {
    if (!isPlainObject(group)) continue;
    for (const [name, specs] of Object.entries(group)) {
      for (const spec of Array.isArray(specs) ? specs : [specs]) {
        if (!isPlainObject(spec)) continue;
        const iterator = typeof spec.iterator === 'string' ? spec.iterator.replace(/^\$\{([\s\S]*)\}$/, '$1') : name;
        path.push(name);
        // Record the content's references (and the for_each's) on the block's attribute path.
        toPending(spec.for_each, path, found);
        const content = toPending(spec.content ?? {}, path, found);
        path.pop();
        blocks.push({ name, forEach: spec.for_each, iterator, content });
      }
    }
  }
  return new DynamicBlocks(blocks);
}

export function dedupeReferences(references: readonly Reference[]): Reference[] {
  if (references.length < 2) return [...references];
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
