import type { ValidateFunction } from 'ajv';
import { HybridguardError, type ErrorKind } from '../errors.js';
import type { IamCatalog } from '../model/catalog.js';
import { globMatch, hasWildcard } from '../model/glob.js';
import type { JsonValue } from '../model/json.js';
import { SERVICE_TYPES, type ServiceType } from '../model/types.js';
import type { Severity } from '../model/findings.js';
import type { Check, ValidationContext } from '../rules/types.js';
import { CHECKS } from '../rules/index.js';
import type { Capability, CapabilityGrant, Policy, ProjectConfig, Suppression } from '../model/policy.js';
import { EMPTY_CONFIG } from '../model/policy.js';
import { locatedFromTable, parseLocated, toPointer, type LocatedDocument, type PathSegment, type TextSource } from './parse.js';
import {
  CAPABILITY_NAME_FORMAT,
  IAM_ACTION_PATTERN_FORMAT,
  configFileSchema,
  createAjv,
  policyFileSchema,
  suppressionSchema,
  suppressionsFileSchema,
} from './schema.js';
import { schemaErrors } from './validate.js';
import { suggestion } from './suggest.js';
import { throwIfAny } from './errors.js';
import { dict, textOf } from '../model/dict.js';
import { META_RULES } from '../rules/meta/index.js';

export { PolicyLoadError } from './errors.js';

export interface LoadedPolicies {
  readonly policies: Policy[];
  readonly capabilities: Map<string, Capability>;
}

type JsonObject = { readonly [key: string]: JsonValue };

// Compiling a schema costs milliseconds; policy sets are loaded many times in tests and fuzzing.
const policyValidators = new WeakMap<readonly Check[], ValidateFunction>();
let configValidator: ValidateFunction | undefined;
let suppressionsValidator: ValidateFunction | undefined;
let suppressionValidator: ValidateFunction | undefined;

function policyValidator(checks: readonly Check[]): ValidateFunction {
  let validate = policyValidators.get(checks);
  if (!validate) {
    validate = createAjv({ verbose: true }).compile(policyFileSchema(checks));
    policyValidators.set(checks, validate);
  }
  return validate;
}

const isCheckMap = (segments: readonly PathSegment[]): boolean =>
  segments.length === 3 && segments[0] === 'policies' && typeof segments[1] === 'number' && segments[2] === 'assert';

/**
 * Parse, schema-check and meaning-check policy files, then normalize them. Pure: takes texts.
 * Every problem of every file is collected; one throws as a located `HybridguardError`, several
 * as a `PolicyLoadError` listing all of them.
 */
export function loadPolicies(sources: readonly TextSource[], catalog: IamCatalog, checks: readonly Check[] = CHECKS): LoadedPolicies {
  const errors: HybridguardError[] = [];
  const docs: LocatedDocument[] = [];
  const trusted = new Set<LocatedDocument>();
  // Pointers with schema errors: meaning checks skip the capability or policy they fall in, and
  // still check the file's sound parts, so one run reports as much as it can.
  const broken = new Map<LocatedDocument, string[]>();
  const isBroken = (doc: LocatedDocument, at: PathSegment[]): boolean => {
    const prefix = toPointer(at);
    return (broken.get(doc) ?? []).some((field) => field === prefix || field.startsWith(`${prefix}/`));
  };
  for (const source of sources) {
    try {
      const doc = source.parsed ? locatedFromTable(source.path, source.parsed) : parseLocated(source, 'policy');
      if (doc.data === null) {
        errors.push(policyError(doc, [], 'policy file is empty', 'a mapping with "policies" and/or "capabilities"'));
        continue;
      }
      if (source.trusted) trusted.add(doc);
      const found = source.trusted ? [] : schemaErrors(doc, policyValidator(checks), { kind: 'policy', isCheckMap });
      errors.push(...found);
      const fields = found.map((e) => e.location.field ?? '');
      // Only a file whose top-level shape is right can be walked.
      const shapeOk = validShape(doc.data);
      if (shapeOk) {
        broken.set(doc, fields);
        docs.push(doc);
      }
    } catch (error) {
      if (error instanceof HybridguardError) errors.push(error);
      else throw error;
    }
  }

  const actions = new ActionPatternChecker(catalog);
  const capabilities = new Map<string, Capability>();
  for (const doc of docs) {
    const declared = ((doc.data as JsonObject)['capabilities'] ?? {}) as { readonly [name: string]: JsonObject };
    for (const [name, raw] of Object.entries(declared)) {
      const at: PathSegment[] = ['capabilities', name];
      if (isBroken(doc, at)) continue;
      const previous = capabilities.get(name);
      if (previous) {
        errors.push(policyError(doc, at, `capability "${name}" is already declared at ${where(previous.declaredAt)}`, 'a unique capability name', true));
        continue;
      }
      const grants = (raw['grants'] as readonly JsonObject[]).map((grant, g): CapabilityGrant => {
        (grant['actions'] as readonly string[]).forEach((pattern, a) => {
          const problem = trusted.has(doc) ? undefined : actions.problem(pattern);
          if (problem) errors.push(policyError(doc, [...at, 'grants', g, 'actions', a], problem, 'a pattern matching at least one IAM action'));
        });
        return {
          actions: [...(grant['actions'] as readonly string[])],
          ...(grant['requestContext'] ? { requestContext: grant['requestContext'] as Record<string, string[]> } : {}),
          ...(typeof grant['resource'] === 'string' ? { resource: grant['resource'] } : {}),
          ...(Array.isArray(grant['notResource']) ? { notResource: [...(grant['notResource'] as readonly string[])] } : {}),
        };
      });
      capabilities.set(name, { name, description: textOf(raw['description']), grants, declaredAt: { file: doc.path, line: doc.locate(at, true).line } });
    }
  }

  const capabilityNames = new Set(capabilities.keys());
  const context: ValidationContext = { capabilityNames, matchesAnyAction: (pattern) => actions.problem(pattern) === undefined };
  const trustedContext: ValidationContext = { capabilityNames, matchesAnyAction: () => true };
  const policies: Policy[] = [];
  const byId = new Map<string, Policy>();
  const byName = new Map<string, Policy>();
  for (const doc of docs) {
    const list = ((doc.data as JsonObject)['policies'] ?? []) as readonly JsonObject[];
    list.forEach((raw, index) => {
      const at: PathSegment[] = ['policies', index];
      // The assert is checked for meaning whenever it is sound, even if another field of the
      // policy is not, so one run reports the bad id and the unknown capability together.
      const assertion = raw['assert'];
      const entries = assertion && typeof assertion === 'object' && !Array.isArray(assertion) ? Object.entries(assertion) : [];
      const assertOk = entries.length === 1 && !isBroken(doc, [...at, 'assert']);
      const [checkName, params] = (entries[0] ?? ['', {}]) as [string, JsonObject | null];
      const check = assertOk ? checks.find((c) => c.name === checkName) : undefined;
      let skip = isBroken(doc, at); // schema errors in it, or a duplicate: not loaded
      const policy: Policy = {
        id: textOf(raw['id']),
        name: textOf(raw['name']),
        severity: raw['severity'] as Severity,
        description: textOf(raw['description']),
        rationale: textOf(raw['rationale']),
        remediation: textOf(raw['remediation']),
        serviceTypes: (Array.isArray(raw['serviceTypes']) ? (raw['serviceTypes'] as readonly ServiceType[]) : []).filter((t) =>
          (SERVICE_TYPES as readonly string[]).includes(t),
        ),
        check: checkName,
        params: params ?? {},
        ...(typeof raw['helpUri'] === 'string' ? { helpUri: raw['helpUri'] } : {}),
        declaredAt: { file: doc.path, line: doc.locate(at).line },
      };
      const sameId = typeof raw['id'] === 'string' ? byId.get(policy.id) : undefined;
      if (sameId) {
        errors.push(policyError(doc, [...at, 'id'], `policy id ${policy.id} is already used at ${where(sameId.declaredAt)}`, 'a unique policy id'));
        skip = true;
      }
      const sameName = typeof raw['name'] === 'string' ? byName.get(policy.name) : undefined;
      if (sameName) {
        errors.push(policyError(doc, [...at, 'name'], `policy name ${policy.name} is already used at ${where(sameName.declaredAt)}`, 'a unique policy name'));
        skip = true;
      }
      if (!check || !params || typeof params !== 'object' || Array.isArray(params)) return; // the schema already refused it
      const paramsAt: PathSegment[] = [...at, 'assert', checkName];
      const flagged = new Set<string>();
      walkFormats(check.paramsSchema, params, [], (format, value, path) => {
        let problem: string | undefined;
        if (format === IAM_ACTION_PATTERN_FORMAT) problem = trusted.has(doc) ? undefined : actions.problem(value);
        else if (format === CAPABILITY_NAME_FORMAT && !capabilityNames.has(value)) {
          problem = `unknown capability "${value}"${suggestion(value, capabilityNames)}`;
        }
        if (problem) {
          flagged.add(toPointer(path));
          const expected =
            format === CAPABILITY_NAME_FORMAT
              ? `a capability declared in a policy file (${[...capabilityNames].sort().join(', ') || 'none declared'})`
              : 'a pattern matching at least one IAM action';
          errors.push(policyError(doc, [...paramsAt, ...path], problem, expected));
        }
      });
      for (const issue of check.validate?.(params, trusted.has(doc) ? trustedContext : context) ?? []) {
        const path = fieldSegments(issue.field);
        if (flagged.has(toPointer(path))) continue; // already reported, more precisely, above
        errors.push(policyError(doc, [...paramsAt, ...path], issue.message, `valid parameters for check ${checkName}`));
      }
      if (!skip) {
        byId.set(policy.id, policy);
        byName.set(policy.name, policy);
        policies.push(policy);
      }
    });
  }
  throwIfAny(errors);
  return { policies, capabilities };
}

/** Top level is `{ capabilities?: {..}, policies?: [..] }` with objects inside, so the loops above can walk it. */
function validShape(data: JsonValue): boolean {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
  const { capabilities, policies } = data as JsonObject;
  const isObject = (v: JsonValue | undefined) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (capabilities !== undefined && !isObject(capabilities)) return false;
  if (capabilities !== undefined && !Object.values(capabilities as JsonObject).every(isObject)) return false;
  if (policies !== undefined && (!Array.isArray(policies) || !policies.every(isObject))) return false;
  return true;
}

/** `hybridguard.config.yaml|json`, validated and normalized (an empty file is the default config). */
export function loadConfig(source: TextSource): ProjectConfig {
  const doc = parseLocated(source, 'config');
  if (doc.data === null) return { ...EMPTY_CONFIG, declaredAt: { file: source.path } };
  configValidator ??= createAjv({ verbose: true }).compile(configFileSchema());
  throwIfAny(schemaErrors(doc, configValidator, { kind: 'config' }));
  const data = doc.data as JsonObject;
  const record = (key: string): Record<string, string> => dict((data[key] ?? {}) as Record<string, string>);
  return {
    serviceTypes: record('serviceTypes') as Record<string, ServiceType>,
    sources: record('sources'),
    services: record('services'),
    policies: [...((data['policies'] ?? []) as readonly string[])],
    suppressions: normalizeSuppressions(doc, ['suppressions']),
    ...(typeof data['failOn'] === 'string' ? { failOn: data['failOn'] as Severity } : {}),
    declaredAt: { file: source.path },
  };
}

/** A suppressions file (`suppressions: [...]`). Whether each rule exists is checked against the loaded policies by `checkSuppressionRules`. */
export function loadSuppressions(source: TextSource): Suppression[] {
  const doc = parseLocated(source, 'config');
  if (doc.data === null) return [];
  suppressionsValidator ??= createAjv({ verbose: true }).compile(suppressionsFileSchema());
  throwIfAny(schemaErrors(doc, suppressionsValidator, { kind: 'config' }));
  return normalizeSuppressions(doc, ['suppressions']);
}

/**
 * Validate suppressions declared outside a file (cdktf construct annotations). `data` is the
 * annotation array; errors point at `location` with `field` = `pointer` + the offending item.
 */
export function suppressionsFromAnnotation(
  data: JsonValue,
  origin: { readonly file: string; readonly line?: number; readonly pointer: string },
): { suppression: Omit<Suppression, 'declaredAt'>; problem?: undefined }[] | { problem: string; field: string } {
  suppressionValidator ??= createAjv({ verbose: true }).compile(suppressionSchema());
  if (!Array.isArray(data)) return { problem: 'construct suppressions must be a list', field: origin.pointer };
  const out: { suppression: Omit<Suppression, 'declaredAt'> }[] = [];
  for (let i = 0; i < data.length; i++) {
    const item = data[i] as JsonValue;
    if (!suppressionValidator(item)) {
      const first = suppressionValidator.errors?.[0];
      const field = `${origin.pointer}/${i}${first?.instancePath ?? ''}`;
      const detail =
        first?.keyword === 'required'
          ? `missing required field "${String((first.params as Record<string, unknown>)['missingProperty'])}"`
          : first?.keyword === 'additionalProperties'
            ? `unknown field "${String((first.params as Record<string, unknown>)['additionalProperty'])}"`
            : `${first?.instancePath.split('/').pop() || 'suppression'} ${first?.message ?? 'is invalid'}`;
      return { problem: `invalid construct suppression: ${detail}`, field };
    }
    out.push({ suppression: toSuppression(item as JsonObject) });
  }
  return out;
}

/** Every suppression must name a policy that exists (by id or name); the meta rules count too. */
export function checkSuppressionRules(suppressions: readonly Suppression[], policies: readonly Pick<Policy, 'id' | 'name'>[]): void {
  const known = new Set<string>(META_RULES.flatMap((r) => [r.id, r.name]));
  for (const p of policies) {
    known.add(p.id);
    known.add(p.name);
  }
  const errors: HybridguardError[] = [];
  for (const s of suppressions) {
    if (known.has(s.rule)) continue;
    errors.push(
      new HybridguardError(
        'config',
        `suppression names unknown rule "${s.rule}"${suggestion(s.rule, known)}`,
        { file: s.declaredAt.file, ...(s.declaredAt.line !== undefined ? { line: s.declaredAt.line } : {}), field: 'rule' },
        'the id or name of a loaded policy',
      ),
    );
  }
  throwIfAny(errors);
}

function normalizeSuppressions(doc: LocatedDocument, at: PathSegment[]): Suppression[] {
  const list = ((doc.data as JsonObject)[String(at[0])] ?? []) as readonly JsonObject[];
  return list.map((raw, i) => ({ ...toSuppression(raw), declaredAt: { file: doc.path, line: doc.locate([...at, i]).line } }));
}

function toSuppression(raw: JsonObject): Omit<Suppression, 'declaredAt'> {
  const optional = (key: 'address' | 'subject' | 'owner' | 'expires') => (typeof raw[key] === 'string' ? { [key]: raw[key] } : {});
  return {
    rule: textOf(raw['rule']),
    reason: textOf(raw['reason']),
    ...optional('address'),
    ...optional('subject'),
    ...optional('owner'),
    ...optional('expires'),
  };
}

/**
 * Whether an IAM action pattern names real actions: the service must exist and the pattern must
 * match at least one of its actions (case-insensitive glob). Results are cached per pattern.
 */
class ActionPatternChecker {
  private readonly cache = new Map<string, string | undefined>();
  constructor(private readonly catalog: IamCatalog) {}

  /** Undefined when fine, else the problem in one sentence. */
  problem(pattern: string): string | undefined {
    if (this.cache.has(pattern)) return this.cache.get(pattern);
    const result = this.compute(pattern);
    this.cache.set(pattern, result);
    return result;
  }

  private compute(pattern: string): string | undefined {
    if (pattern === '*') return undefined;
    const colon = pattern.indexOf(':');
    if (colon <= 0 || colon === pattern.length - 1) return `"${pattern}" is not an IAM action pattern`;
    const servicePattern = pattern.slice(0, colon).toLowerCase();
    const actionPattern = pattern.slice(colon + 1);
    const allServices = this.catalog.services();
    const services = hasWildcard(servicePattern)
      ? allServices.filter((s) => globMatch(servicePattern, s, true))
      : allServices.includes(servicePattern)
      ? [servicePattern]
      : [];
    if (services.length === 0) {
      return hasWildcard(servicePattern)
        ? `"${pattern}" matches no IAM service`
        : `IAM service "${servicePattern}" does not exist${suggestion(servicePattern, allServices)}`;
    }
    for (const service of services) {
      for (const action of this.catalog.actionsOf(service)) {
        if (globMatch(pattern, action.action, true)) return undefined;
      }
    }
    const names = services.length === 1 ? this.catalog.actionsOf(services[0] ?? '').map((a) => a.action.slice(a.action.indexOf(':') + 1)) : [];
    const hint = hasWildcard(actionPattern) ? '' : suggestion(actionPattern, names).replace(/"([^"]+)"/, `"${services[0] ?? ''}:$1"`);
    return `"${pattern}" matches no IAM action of ${services.length === 1 ? services[0] : `${services.length} services`}${hint}`;
  }
}

/** Visit every string in `value` whose schema (as far as it describes it) carries a `format`. */
function walkFormats(
  schema: JsonValue | undefined,
  value: JsonValue | undefined,
  path: PathSegment[],
  visit: (format: string, value: string, path: PathSegment[]) => void,
): void {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema) || value === undefined) return;
  const s = schema as JsonObject;
  if (typeof s['format'] === 'string' && typeof value === 'string') visit(s['format'], value, path);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = s[key];
    if (Array.isArray(branches)) for (const branch of branches as readonly JsonValue[]) walkFormats(branch, value, path, visit);
  }
  if (Array.isArray(value)) {
    const items = s['items'];
    value.forEach((item: JsonValue, i) => walkFormats(Array.isArray(items) ? (items as readonly JsonValue[])[i] : items, item, [...path, i], visit));
  } else if (value !== null && typeof value === 'object') {
    const properties = (s['properties'] ?? {}) as JsonObject;
    for (const [key, item] of Object.entries(value)) {
      const sub = Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : s['additionalProperties'];
      walkFormats(sub, item, [...path, key], visit);
    }
  }
}

/** A check's `field` (`capabilities/0`, `/capabilities/0`, `capabilities.0`, `capabilities[0]`) as path segments. */
function fieldSegments(field: string): PathSegment[] {
  return field
    .replace(/\[(\d+)\]/g, '.$1')
    .split(/[./]/)
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const where = (at: { file: string; line?: number }): string => (at.line !== undefined ? `${at.file}:${at.line}` : at.file);

function policyError(doc: LocatedDocument, at: PathSegment[], message: string, expected: string, onKey = false, kind: ErrorKind = 'policy'): HybridguardError {
  const { line, column } = doc.locate(at, onKey);
  return new HybridguardError(kind, message, { file: doc.path, line, column, field: toPointer(at) }, expected);
}
