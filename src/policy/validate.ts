import type { ErrorObject, ValidateFunction } from 'ajv';
import { HybridguardError, type ErrorKind } from '../errors.js';
import type { JsonValue } from '../model/json.js';
import { FORMAT_HINTS, PATTERN_HINTS } from './schema.js';
import { pointerSegments, toPointer, type LocatedDocument, type PathSegment } from './parse.js';
import { didYouMean, suggestion } from './suggest.js';

/** Readable name of the field at `segments`: `severity`, `serviceTypes[1]`, `the file`. */
function fieldName(segments: readonly PathSegment[]): string {
  let indices = '';
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i];
    if (typeof segment === 'number') indices = `[${segment}]${indices}`;
    else return `${segment ?? ''}${indices}`;
  }
  return segments.length === 0 ? 'the file' : `item${indices}`;
}

function valueAtSegments(data: JsonValue, segments: readonly PathSegment[]): JsonValue | undefined {
  let current: JsonValue | undefined = data;
  for (const segment of segments) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) current = typeof segment === 'number' ? (current as readonly JsonValue[])[segment] : undefined;
    else
      current = Object.prototype.hasOwnProperty.call(current, String(segment)) ? (current as { readonly [k: string]: JsonValue })[String(segment)] : undefined;
  }
  return current;
}

const show = (value: JsonValue | undefined): string => {
  const json = value === undefined ? 'nothing' : JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
};

const jsonType = (value: JsonValue | undefined): string =>
  value === undefined ? 'nothing' : value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;

const TYPE_PHRASE: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  null: 'null',
};

const typePhrase = (type: unknown): string =>
  (Array.isArray(type) ? type : [type]).map((t) => TYPE_PHRASE[String(t)] ?? String(t)).join(' or ');

interface Options {
  readonly kind: ErrorKind;
  /** Instance paths (JSON pointers) whose `additionalProperties` keys are check names. */
  readonly isCheckMap?: (segments: readonly PathSegment[]) => boolean;
}

/**
 * Validate `doc.data` and turn every ajv error into a located, human `HybridguardError`:
 * file:line:column of the offending node, the JSON pointer, what was expected.
 */
/** More errors than anyone reads; the file is rejected all the same. */
const MAX_REPORTED_ERRORS = 50;

export function schemaErrors(doc: LocatedDocument, validate: ValidateFunction, options: Options): HybridguardError[] {
  if (validate(doc.data)) return [];
  const raw = validate.errors ?? [];
  // A wrong type makes every other keyword at the same place noise: keep only the type error there.
  const typed = new Set(raw.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const nested = new Set(raw.filter((e) => e.propertyName !== undefined).map((e) => e.instancePath));
  // "unknown field severty" already says "did you mean severity": do not also say severity is missing.
  const misspelled = new Set(
    raw
      .filter((e) => e.keyword === 'additionalProperties')
      .flatMap((e) => {
        const field = String((e.params as Record<string, unknown>)['additionalProperty']);
        const allowed = Object.keys((e.parentSchema?.['properties'] as object | undefined) ?? {});
        const meant = didYouMean(field, allowed);
        return meant ? [`${e.instancePath}\u0000${meant}`] : [];
      }),
  );
  const seen = new Set<string>();
  const errors: { error: HybridguardError; order: number }[] = [];
  for (const error of raw) {
    // Locating an error walks the document: a hostile file with 20,000 unknown fields must not cost 20,000 walks.
    if (errors.length >= MAX_REPORTED_ERRORS) break;
    if (typed.has(error.instancePath) && error.keyword !== 'type') continue;
    if (error.keyword === 'propertyNames' && nested.has(error.instancePath)) continue;
    // anyOf/oneOf summaries repeat what their branches said.
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') continue;
    if (error.keyword === 'required' && misspelled.has(`${error.instancePath}\u0000${String((error.params as Record<string, unknown>)['missingProperty'])}`))
      continue;
    const located = describe(doc, error, options);
    const key = `${located.location.line}:${located.location.column}:${located.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ error: located, order: (located.location.line ?? 0) * 100000 + (located.location.column ?? 0) });
  }
  return errors.sort((a, b) => a.order - b.order).map((e) => e.error);
}

function describe(doc: LocatedDocument, error: ErrorObject, options: Options): HybridguardError {
  const segments = pointerSegments(error.instancePath);
  const value = valueAtSegments(doc.data, segments);
  const name = fieldName(segments);
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  let message: string;
  let expected: string | undefined;
  let at = segments;
  let onKey = false;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params['additionalProperty']);
      const allowed = Object.keys((parent['properties'] as Record<string, unknown> | undefined) ?? {}).filter((k) => k !== '$schema');
      at = [...segments, field];
      onKey = true;
      if (options.isCheckMap?.(segments)) {
        message = `unknown check "${field}"${suggestion(field, allowed)}`;
        expected = allowed.length ? `one of the checks ${allowed.join(', ')}` : 'a known check (none are registered)';
      } else {
        message = `unknown field "${field}"${suggestion(field, allowed)}`;
        expected = allowed.length ? `one of the fields ${allowed.join(', ')}` : 'no fields here';
      }
      break;
    }
    case 'required': {
      const field = String(params['missingProperty']);
      message = `missing required field "${field}"${segments.length ? ` in ${name}` : ''}`;
      expected = `a "${field}" field`;
      break;
    }
    case 'enum': {
      const allowed = ((params['allowedValues'] as unknown[] | undefined) ?? []).map(String);
      message = `${name} must be one of ${allowed.join(', ')} (got ${show(value)})${typeof value === 'string' ? suggestion(value, allowed) : ''}`;
      expected = `one of ${allowed.join(', ')}`;
      break;
    }
    case 'type':
      message = `${name} must be ${typePhrase(params['type'])} (got ${jsonType(value)})`;
      expected = typePhrase(params['type']);
      break;
    case 'pattern': {
      const pattern = String(params['pattern']);
      const hint = PATTERN_HINTS[pattern] ?? `text matching ${pattern}`;
      if (error.propertyName !== undefined) {
        at = [...segments, error.propertyName];
        onKey = true;
        message = `name "${error.propertyName}" in ${name} is not ${hint}`;
      } else {
        message = `${name} ${show(value)} is not ${hint}`;
      }
      expected = hint;
      break;
    }
    case 'format': {
      const hint = FORMAT_HINTS[String(params['format'])] ?? `a ${String(params['format'])}`;
      message = `${name} ${show(value)} is not ${hint}`;
      expected = hint;
      break;
    }
    case 'minLength': {
      const limit = Number(params['limit']);
      message = limit <= 1 ? `${name} must not be empty` : `${name} must be at least ${limit} characters (got ${typeof value === 'string' ? value.length : 0})`;
      expected = limit <= 1 ? 'a non-empty string' : `at least ${limit} characters`;
      if (error.propertyName !== undefined) {
        at = [...segments, error.propertyName];
        onKey = true;
        message = `empty key in ${name}`;
      }
      break;
    }
    case 'minItems': {
      const limit = Number(params['limit']);
      message = `${name} must have at least ${limit} item${limit === 1 ? '' : 's'}`;
      expected = `a list of at least ${limit}`;
      break;
    }
    case 'uniqueItems':
      message = `${name} lists the same item twice (items ${String(params['j'])} and ${String(params['i'])})`;
      expected = 'distinct items';
      break;
    case 'minProperties':
    case 'maxProperties': {
      const keys = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
      if (options.isCheckMap?.(segments)) {
        message = keys.length === 0 ? `${name} names no check` : `${name} must name exactly one check (found ${keys.length}: ${keys.join(', ')})`;
        expected = 'exactly one key, the name of a check';
      } else {
        message = `${name} ${error.message ?? 'has the wrong number of fields'}`;
      }
      break;
    }
    default:
      message = `${name} ${error.message ?? 'is invalid'}`;
  }
  const position = doc.locate(at, onKey);
  return new HybridguardError(options.kind, message, { file: doc.path, line: position.line, column: position.column, field: toPointer(at) }, expected);
}
