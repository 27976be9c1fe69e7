import { createRequire } from 'node:module';
import type { Alias, Document, Node as YamlNode } from 'yaml';
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { HybridguardError, lineColumnAt, type ErrorKind } from '../errors.js';
import type { JsonValue, ParsedText, PositionTable } from '../model/json.js';
import { dict, own } from '../model/dict.js';

type Yaml = typeof import('yaml');
let yamlLibrary: Yaml | undefined;
/**
 * The YAML library, loaded on first use (it is CommonJS): a run whose only YAML is the built-in
 * policies reads them parsed at build time (see inputs/shipped-policies.ts) and never loads it.
 */
const yaml = (): Yaml => (yamlLibrary ??= createRequire(import.meta.url)('yaml') as Yaml);

export type PathSegment = string | number;

export interface TextSource {
  readonly path: string;
  readonly text: string;
  /**
   * Shipped with hybridguard and validated by its own test suite (test/policy.test.ts): the schema
   * and IAM-pattern checks, about half a second of every run, are skipped for it.
   */
  readonly trusted?: boolean;
  /** The text parsed at build time (the built-in policies): read from here instead of parsed again. */
  readonly parsed?: ParsedText;
}

/** A parsed YAML or JSON file that still knows where each node came from. */
export interface LocatedDocument {
  readonly path: string;
  /** The content as plain JSON; `null` for an empty file. */
  readonly data: JsonValue;
  /**
   * 1-based line and column of the node at `segments` (of its key when `key` is true, for
   * "unknown field" errors), falling back to the deepest ancestor that exists.
   */
  locate(segments: readonly PathSegment[], key?: boolean): { line: number; column: number };
}

/**
 * The node each alias names: the nearest anchor of that name before it, found in one pass
 * (`Alias.resolve` searches the whole document for every alias: quadratic in the alias count).
 */
function aliasTargets(doc: Document.Parsed): Map<Alias, YamlNode> {
  const { isAlias, visit } = yaml();
  const anchors = new Map<string, YamlNode>();
  const targets = new Map<Alias, YamlNode>();
  visit(doc, {
    Node(_, node) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

/** Upper bound on nodes materialized through aliases, so `&a [*a, *a, ...]` bombs stay cheap. */
const MAX_NODES = 1_000_000;

/**
 * Parse YAML (and JSON, which YAML 1.2 contains) into plain JSON with positions. Anything that
 * is not plain JSON (binary tags, non-finite numbers, collection keys, alias cycles) is a
 * located error of `kind`, never an exception of another type.
 */
export function parseLocated(source: TextSource, kind: ErrorKind): LocatedDocument {
  const { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const isJson = /\.json$/i.test(source.path);
  const language = isJson ? 'JSON' : 'YAML';
  if (isJson) {
    // YAML would also accept trailing commas, comments and bare words: hold *.json files to JSON.
    const problems: ParseError[] = [];
    parseTree(source.text, problems, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true });
    const first = problems[0];
    if (first) {
      const { line, column } = lineColumnAt(source.text, first.offset);
      const what = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
      throw new HybridguardError(kind, `invalid JSON: ${what}`, { file: source.path, line, column }, 'valid JSON');
    }
  }
  let doc: Document.Parsed;
  try {
    doc = parseDocument(source.text, { lineCounter, prettyErrors: false, uniqueKeys: false, logLevel: 'silent', strict: true });
  } catch (error) {
    // The parser reports problems in `doc.errors`; a throw here is unexpected but must still be located.
    throw new HybridguardError(kind, `cannot parse ${language}: ${(error as Error).message}`, { file: source.path, line: 1, column: 1 }, `valid ${language}`);
  }
  const position = (offset: number): { line: number; column: number } => {
    const pos = lineCounter.linePos(Math.max(0, Math.min(offset, source.text.length)));
    return { line: pos.line, column: pos.col };
  };
  const firstError = doc.errors[0];
  if (firstError) {
    const { line, column } = position(firstError.pos[0]);
    const message = firstError.message.replace(/ at line \d+, column \d+.*$/s, '');
    throw new HybridguardError(kind, `invalid ${language}: ${message}`, { file: source.path, line, column }, `valid ${language}`);
  }

  const anchored = aliasTargets(doc);
  let budget = MAX_NODES;
  const fail = (node: YamlNode | Alias | undefined, message: string, expected: string): never => {
    const offset = node?.range?.[0] ?? 0;
    throw new HybridguardError(kind, message, { file: source.path, ...position(offset) }, expected);
  };
  const convert = (node: unknown, active: Set<unknown>): JsonValue => {
    if (--budget < 0) fail(undefined, `${language} expands to more than ${MAX_NODES} nodes (alias bomb?)`, 'a file without deeply repeated aliases');
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = anchored.get(node);
      if (!target) return fail(node, `unresolved alias *${node.source}`, 'an anchor defined before its alias');
      if (active.has(target)) return fail(node, `alias *${node.source} refers to itself`, 'a non-recursive alias');
      active.add(target);
      const value = convert(target, active);
      active.delete(target);
      return value;
    }
    if (isScalar(node)) {
      const value: unknown = node.value;
      if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) return fail(node, `number ${String(node.source ?? value)} is not finite`, 'a finite number');
        return value;
      }
      if (typeof value === 'bigint') return fail(node, 'integer is too large', 'a number within the safe range');
      return fail(node, `unsupported ${language} value (tag ${node.tag ?? 'unknown'})`, 'a string, number, boolean or null');
    }
    if (isSeq(node)) {
      active.add(node);
      const list = node.items.map((item) => convert(item, active));
      active.delete(node);
      return list;
    }
    if (isMap(node)) {
      active.add(node);
      const object: { [key: string]: JsonValue } = dict();
      for (const pair of node.items) {
        const key = pair.key;
        if (!isScalar(key) || (key.value !== null && typeof key.value === 'object')) {
          return fail(isPair(pair) && key && typeof key === 'object' ? (key as YamlNode) : node, 'a mapping key must be a plain string', 'a string key');
        }
        // Checked here, not by the YAML parser: its check compares every key with every other one.
        const name = String(key.value);
        if (name in object) return fail(key, `duplicate key "${name}"`, 'each key once per mapping');
        object[name] = convert(pair.value, active);
      }
      active.delete(node);
      return object;
    }
    return fail(undefined, `unsupported ${language} node`, 'plain JSON data');
  };
  const data = convert(doc.contents, new Set());

  const locate = (segments: readonly PathSegment[], key = false): { line: number; column: number } => {
    let node: unknown = doc.contents;
    let offset = (doc.contents as YamlNode | null)?.range?.[0] ?? 0;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        const last = i === segments.length - 1;
        const keyNode = pair.key as YamlNode;
        const valueNode = pair.value as YamlNode | null;
        offset = (last && key) || !valueNode?.range ? (keyNode.range?.[0] ?? offset) : valueNode.range[0];
        node = valueNode;
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)] as YamlNode | undefined;
        if (!item?.range) break;
        offset = item.range[0];
        node = item;
      } else {
        break;
      }
    }
    return position(offset);
  };
  return { path: source.path, data, locate };
}

/** The positions `locate` answers for every node of `doc` (see locatedFromTable). */
export function positionTable(doc: LocatedDocument): PositionTable {
  const table: { [pointer: string]: readonly [number, number, number, number] } = dict();
  const walk = (value: JsonValue, segments: PathSegment[]): void => {
    const at = doc.locate(segments);
    const key = doc.locate(segments, true);
    table[toPointer(segments)] = [at.line, at.column, key.line, key.column];
    if (Array.isArray(value)) (value as readonly JsonValue[]).forEach((item, i) => walk(item, [...segments, i]));
    else if (value !== null && typeof value === 'object') {
      const object = value as { readonly [key: string]: JsonValue };
      for (const name of Object.keys(object)) walk(object[name] as JsonValue, [...segments, name]);
    }
  };
  walk(doc.data, []);
  return table;
}

/** A document parsed earlier (see positionTable). `locate` answers as the parse did. */
export function locatedFromTable(path: string, { data, positions: table }: ParsedText): LocatedDocument {
  const locate = (segments: readonly PathSegment[], key = false): { line: number; column: number } => {
    // A path that leaves the document points at the deepest node it reaches, as a parse's does.
    for (let depth = segments.length; depth >= 0; depth--) {
      const at = own(table, toPointer(segments.slice(0, depth)));
      if (at) return key && depth === segments.length ? { line: at[2], column: at[3] } : { line: at[0], column: at[1] };
    }
    return { line: 1, column: 1 };
  };
  return { path, data, locate };
}

/** `/a/0/b` -> `['a', 0, 'b']` (RFC 6901 unescaping). */
export function pointerSegments(pointer: string): PathSegment[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `['a', 0, 'b']` -> `/a/0/b`. */
export function toPointer(segments: readonly PathSegment[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
