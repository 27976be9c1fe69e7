import type { CatalogAction } from '../../model/catalog.js';
import { globMatch } from '../../model/glob.js';
import type { ActionIndex } from './actions.js';
import {
  accepts,
  findMember,
  formatLanguage,
  NO_ARN_CHAR,
  patternLanguage,
  prettyWitness,
  union,
  type ArnLanguage,
  type WitnessResult,
} from './arn-language.js';
import { evaluateCondition, substituteVariables, type ConditionEnv, type Note, type NormalizedContext } from './conditions.js';
import { hasFragment, patternService, type PolicyDocument, type Statement } from './document.js';

/**
 * IAM's evaluation logic for identity policies and a permissions boundary, as one decision
 * procedure over sets of requests: is there one request (one resource of the action's resource
 * types, or the resource asked about; one request context) that an identity statement allows, a
 * boundary statement allows (when a boundary is set), and no Deny matches?
 *
 * - `allow`: yes, for a witness resource, whatever the request context holds.
 * - `conditional`: yes, but only for some request contexts (a witness context is given).
 * - `unknown`: it depends on a value known only after apply (an unreadable document, an ARN).
 * - `deny`: a Deny removes every request an Allow would let through; `implicit-deny`: nothing allows it
 *   (or the boundary caps it).
 *
 * Resources are decided jointly, as regular languages (arn-language.ts): the Allow's resources,
 * intersected with the action's ARN formats and the boundary's, minus every Deny's. Condition keys
 * the action never carries are absent (the documented absent-key semantics apply); keys it may
 * carry make the answer conditional, and a witness context is searched among the values the
 * policies name (plus absence and one value none names), so that an Allow and a Deny on the same
 * condition give `deny`, not `conditional`.
 */

export interface Request {
  readonly action: CatalogAction;
  /**
   * Target ARN; undefined asks "on at least one resource the action can target". A `*` in it is literal (a request for `*` is
   * matched only by statements that cover `*`).
   */
  readonly resource?: string;
  /**
   * With `resource` undefined: resources left out of "at least one resource" (patterns, `*` a wildcard), where AWS refuses the
   * action whatever the policies say.
   */
  readonly excluded?: readonly string[];
  readonly context: NormalizedContext;
  /** The context is the whole request: keys it lacks are absent, not unknown. */
  readonly complete: boolean;
  /** Policy variables the principal fixes (`aws:username`: a user's name; `null` for a role, which has none). */
  readonly variables?: ReadonlyMap<string, string | null>;
}

type Match = { readonly kind: 'yes' } | { readonly kind: 'no' } | { readonly kind: 'maybe'; readonly notes: readonly Note[] };
const YES: Match = { kind: 'yes' };
const NO: Match = { kind: 'no' };

const FRAGMENT = /\$\{[^}]*\}/g;
const starred = (pattern: string): string => pattern.replace(FRAGMENT, '*');
/**
 * `${aws_iam_role.exec.arn}`, `${module.net.aws_iam_role.r[0].arn}`: an attribute of a resource (in
 * a module, of one instance) is one concrete value, never a wildcard.
 */
const REFERENCE = /^\$\{(module\.[\w-]+(\[[^\]]*\])?\.)*(data\.)?[a-z][a-z0-9_]*\.[^.}\s[]+(\[[^\]]*\])?\.[a-z_]+\}$/;
/** For coverage questions (is `*` granted?): references become a character no ARN holds, other fragments stay "anything". */
const concrete = (pattern: string): string => pattern.replace(FRAGMENT, (f) => (REFERENCE.test(f) ? '\u0000' : '*'));

/**
 * Does a Resource pattern cover every resource (`*`)? `maybe`: only if an apply-time value in it
 * (a variable, not a resource attribute) turns out to be a wildcard, as in `${var.table_arn}`.
 */
export function coversEveryResource(pattern: string): 'yes' | 'maybe' | 'no' {
  if (!hasFragment(pattern)) return globMatch(pattern, '*', false) ? 'yes' : 'no';
  return globMatch(concrete(pattern), '*', false) ? 'maybe' : 'no';
}

/**
 * `coverage`: the question is whether the pattern covers a wildcard request (`*`), so references stand for one concrete value.
 * `someValue`: the question is "on at least one resource", so a pattern with an apply-time value applies to whatever that
 * value turns out to be, as long as its literal parts fit the action's resource types.
 */
function anyPattern(patterns: readonly string[], test: (p: string) => boolean, what: string, coverage = false, someValue = false): Match {
  let maybe: Note | undefined;
  for (const p of patterns) {
    if (hasFragment(p)) {
      if (coverage && !test(concrete(p))) continue;
      if (someValue && test(starred(p))) return YES;
      if (test(starred(p))) maybe ??= { text: `${what} ${p} is known only after apply`, unknown: !/\$\{[a-z0-9-]+:/i.test(p) };
    } else if (test(p)) return YES;
  }
  return maybe ? { kind: 'maybe', notes: [maybe] } : NO;
}
const invert = (m: Match): Match => (m.kind === 'yes' ? NO : m.kind === 'no' ? YES : m);

/** The patterns of an Action list that name `action` (one with an apply-time part: that may, by its value). */
export function patternsNaming(patterns: readonly string[], action: string): string[] {
  return patterns.filter((p) => globMatch(hasFragment(p) ? starred(p) : p, action, true));
}

function actionMatch(s: Statement, action: string): Match {
  if (s.action) return anyPattern(s.action, (p) => globMatch(p, action, true), 'action');
  if (s.notAction) return invert(anyPattern(s.notAction, (p) => globMatch(p, action, true), 'NotAction'));
  return NO;
}

/** A statement that took part in a decision, with the document it belongs to (`T` carries the caller's policy metadata). */
export interface StatementHit<T> {
  readonly policy: T;
  readonly statement: Statement;
  /** Notes that must hold for the statement to apply (empty when it applies outright). */
  readonly notes: readonly Note[];
}

export type Decision = 'allow' | 'deny' | 'implicit-deny' | 'conditional' | 'unknown';

/** A request that the decision found allowed (or, for `conditional`, allowed in this context). */
export interface Witness {
  readonly resource: string;
  /** Context keys and values of the witness request (empty: any context). Keys it lacks are absent. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

export interface Decided<T> {
  readonly decision: Decision;
  /** Identity statements that allow (the one that grants the witness first). */
  readonly grants: readonly StatementHit<T>[];
  /** Deny statements that cancel (outright), or may cancel (with notes), or that removed part of the resources. */
  readonly denies: readonly StatementHit<T>[];
  /** Boundary statements that let the request through. */
  readonly boundaryAllows: readonly StatementHit<T>[];
  /** Set when the boundary caps an identity grant (no boundary statement allows a request the identity policies allow). */
  readonly cappedBy?: T;
  /** Documents whose content is unknown and could change the answer. */
  readonly unknownPolicies: readonly T[];
  /** Conditions the answer depends on: notes of conditional grants, and `not (...)` of conditional denies. */
  readonly conditions: readonly Note[];
  /** For `allow` and `conditional` (and `unknown` when one exists): one request the answer is about. */
  readonly witness?: Witness;
}

/** A statement's contribution to one request shape: where it applies (resource language) and under which notes. */
interface Part<T> {
  readonly hit: StatementHit<T>;
  readonly effect: 'Allow' | 'Deny';
  /** Resources it applies to: `lang`, or everything outside it when `negated` (NotResource). */
  readonly lang: ArnLanguage;
  readonly negated: boolean;
  /** Cache key of the resource constraint. */
  readonly key: string;
  /** Applies to every resource (Resource `*`, or an empty NotResource). */
  readonly universal: boolean;
  /** Some note waits for a value known only after apply. */
  readonly unknown: boolean;
}

const FRAGMENT_ONE = /\$\{[^}]*\}/g;
const isPolicyVariable = (fragment: string): boolean => /^\$\{([a-z0-9-]+:[^}]*|\*|\?|\$)\}$/i.test(fragment);

/** A statement that names the action (through Action or NotAction), and how. */
type Naming = readonly [Statement, Exclude<Match, { readonly kind: 'no' }>];

/** Shared state of one analysis: the resource-language cache (keyed by constraint text) and the catalog index. */
interface DecideCache {
  readonly witnesses: Map<string, WitnessResult>;
  /** A number per constraint text (resource patterns, ARN formats), for `witnesses` keys. */
  readonly textIds: Map<string, number>;
  readonly languages: Map<string, ArnLanguage>;
  /** `action\nresource` -> the condition keys a request for that resource carries. */
  readonly carries: Map<string, (key: string) => boolean>;
  /** Per document and action: its statements that name the action. */
  readonly naming: WeakMap<PolicyDocument, Map<string, readonly Naming[]>>;
  /** Per document and service (lower case): its statements that may name an action of the service, in document order. */
  readonly byService: WeakMap<PolicyDocument, Map<string, readonly Statement[]>>;
  /** Decisions by what they depend on (see `decisionKey`), with the policies they were made for. */
  readonly decisions: Map<string, { readonly policies: readonly unknown[]; readonly decided: Decided<unknown> }>;
  /** A number per document (for `decisionKey`), for the run the cache serves. */
  readonly documentIds: Map<PolicyDocument, number>;
  /** A principal's policy variables as key text (each principal asks many questions with one variables map). */
  readonly variableKeys: WeakMap<ReadonlyMap<string, string | null>, string>;
}
export const newDecideCache = (): DecideCache => ({
  witnesses: new Map(),
  textIds: new Map(),
  languages: new Map(),
  carries: new Map(),
  naming: new WeakMap(),
  byService: new WeakMap(),
  decisions: new Map(),
  documentIds: new Map(),
  variableKeys: new WeakMap(),
});

function statementsNaming(document: PolicyDocument, action: string, cache: DecideCache): readonly Naming[] {
  let byAction = cache.naming.get(document);
  if (!byAction) cache.naming.set(document, (byAction = new Map<string, readonly Naming[]>()));
  let list = byAction.get(action);
  if (!list) {
    const found: Naming[] = [];
    for (const statement of statementsForService(document, action, cache)) {
      const match = actionMatch(statement, action);
      if (match.kind !== 'no') found.push([statement, match]);
    }
    byAction.set(action, (list = found));
  }
  return list;
}

/**
 * The statements that may name an action of `action`'s service: those with a pattern for that
 * service, one whose service part is not literal (a `*` there may span the colon), or a NotAction.
 * A role with dozens of statements is asked about hundreds of actions, each matched only against these.
 */
function statementsForService(document: PolicyDocument, action: string, cache: DecideCache): readonly Statement[] {
  const service = action.slice(0, Math.max(action.indexOf(':'), 0)).toLowerCase();
  let byService = cache.byService.get(document);
  if (!byService) cache.byService.set(document, (byService = new Map<string, readonly Statement[]>()));
  let list = byService.get(service);
  if (!list) {
    const names = (p: string): boolean => {
      const named = patternService(p);
      return named === undefined || named === service;
    };
    list = document.statements.filter((st) => st.notAction !== undefined || (st.action ?? []).some(names));
    byService.set(service, list);
  }
  return list;
}

/** Statements naming the action that a request's keys or values can change (conditions, `${...}` in resources). */
const keysMatterIn = (document: PolicyDocument, action: string, cache: DecideCache): boolean =>
  statementsNaming(document, action, cache).some(
    ([st]) => st.conditions.length > 0 || [...(st.resource ?? []), ...(st.notResource ?? [])].some(hasFragment),
  );

function languageOf(cache: DecideCache, patterns: readonly string[]): ArnLanguage {
  const key = patterns.join('\n');
  let lang = cache.languages.get(key);
  if (!lang) cache.languages.set(key, (lang = union(patterns.map(patternLanguage))));
  return lang;
}

/**
 * The parts of a statement for a request: its resource patterns after policy variables are
 * substituted, grouped by the notes they bring. A pattern whose variable has no value matches
 * nothing; one whose variable comes with the request applies (with the variable named) to
 * whatever value it takes; an apply-time value is unknown, except in an Allow asked "on some
 * resource", where it stands for one concrete resource of the action's types.
 */
function partsOf<T>(
  policy: T,
  statement: Statement,
  env: ConditionEnv,
  mode: { someResource: boolean; wildcardRequest: boolean },
  cache: DecideCache,
  actionNotes: readonly Note[],
): Part<T>[] {
  const notes: Note[] = [...actionNotes];
  for (const condition of statement.conditions) {
    const result = evaluateCondition(condition, env);
    if (result === false) return [];
    if (result !== true) notes.push(result);
  }
  const negated = statement.resource === undefined;
  const patterns = statement.resource ?? statement.notResource;
  if (!patterns) return [];
  const groups = new Map<string, { patterns: string[]; notes: Note[] }>();
  const add = (group: string, pattern: string, note?: Note) => {
    let g = groups.get(group);
    if (!g) groups.set(group, (g = { patterns: [], notes: note ? [note] : [] }));
    g.patterns.push(pattern);
  };
  for (const raw of patterns) {
    if (!hasFragment(raw)) {
      add('', raw);
      continue;
    }
    const substituted = substituteVariables(raw, env);
    // A variable without a value (a role's aws:username). In Resource the pattern matches nothing. In NotResource
    // the pattern cannot be resolved, so only a resource that differs from it before the resource part (another
    // partition, service, region or account) is certainly outside it; for every other resource the statement
    // does not apply ("If AWS cannot resolve a variable, the entire statement might be invalid", IAM User Guide,
    // Policy variables). This is also how iam-simulate reads it (docs/iam-differential.md).
    if (substituted.kind === 'dead') {
      if (negated) add('', unresolvedHead(raw));
      continue;
    }
    let text = substituted.kind === 'value' ? substituted.text : raw;
    const variableNote: Note | undefined =
      substituted.kind === 'depends'
        ? { text: `${negated ? 'NotResource' : 'resource'} ${raw} with ${substituted.variables.join(', ')} from the request`, unknown: false }
        : undefined;
    // Apply-time fragments left after substitution.
    let unknown = false;
    // A request-supplied variable in a Deny's NotResource: the Deny spares only the resource its value names,
    // so without the value it spares nothing for sure (the context search substitutes real values).
    const spareNothing = negated && statement.effect === 'Deny' && substituted.kind === 'depends';
    text = text.replace(FRAGMENT_ONE, (f) => {
      if (isPolicyVariable(f)) return spareNothing ? NO_ARN_CHAR : '*';
      if (REFERENCE.test(f) && mode.wildcardRequest) return NO_ARN_CHAR; // one concrete ARN, never `*`
      unknown = true;
      return '*';
    });
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the replace callback above
    if (unknown && mode.someResource && statement.effect === 'Allow' && !negated && !variableNote) {
      add('', text); // some concrete resource: it applies to itself
      continue;
    }
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the replace callback above
    const unknownNote: Note | undefined = unknown
      ? { text: `${negated ? 'NotResource' : 'resource'} ${raw} is known only after apply`, unknown: true }
      : undefined;
    const note = variableNote ?? unknownNote;
    if (note && variableNote && unknownNote) {
      add(`${variableNote.text}\n${unknownNote.text}`, text, unknownNote);
      continue;
    }
    add(note?.text ?? '', text, note);
  }
  if (negated) {
    // NotResource: one constraint over all its patterns (excluded together); their notes all apply.
    const all = [...groups.values()];
    const list = all.flatMap((g) => g.patterns);
    const groupNotes = all.flatMap((g) => g.notes);
    const hitNotes = [...notes, ...groupNotes];
    const lang = languageOf(cache, list);
    return [
      {
        hit: { policy, statement, notes: hitNotes },
        effect: statement.effect,
        lang,
        negated: true,
        key: `!${list.join('\n')}`,
        universal: list.length === 0,
        unknown: hitNotes.some((n) => n.unknown),
      },
    ];
  }
  const out: Part<T>[] = [];
  for (const g of groups.values()) {
    const hitNotes = [...notes, ...g.notes];
    out.push({
      hit: { policy, statement, notes: hitNotes },
      effect: statement.effect,
      lang: languageOf(cache, g.patterns),
      negated: false,
      key: g.patterns.join('\n'),
      universal: g.patterns.includes('*'),
      unknown: hitNotes.some((n) => n.unknown),
    });
  }
  return out;
}

/** `arn:aws:s3:::home/${aws:username}/*` -> `arn:aws:s3:::*`: every resource sharing the pattern's partition, service, region and account. */
function unresolvedHead(pattern: string): string {
  if (!pattern.startsWith('arn:')) return '*';
  const head = pattern.split(':').slice(0, 5).map((segment) => (segment.includes('${') ? '*' : segment));
  while (head.length < 5) head.push('*');
  return `${head.join(':')}:*`;
}

/**
 * The parts of a statement that no request value can change (no condition, no `${...}`) are the same
 * for every action and request: kept per (statement, policy, request shape).
 */
const plainCache = new WeakMap<Statement, Map<unknown, Part<unknown>[]>>();
function plainParts<T>(
  policy: T,
  statement: Statement,
  env: ConditionEnv,
  mode: { someResource: boolean; wildcardRequest: boolean },
  cache: DecideCache,
): Part<T>[] {
  const plain = statement.conditions.length === 0 && ![...(statement.resource ?? []), ...(statement.notResource ?? [])].some(hasFragment);
  if (!plain) return partsOf(policy, statement, env, mode, cache, []);
  let byPolicy = plainCache.get(statement);
  if (!byPolicy) plainCache.set(statement, (byPolicy = new Map<unknown, Part<unknown>[]>()));
  // The request shape matters only through `someResource`/`wildcardRequest`, which plain patterns ignore.
  let parts = byPolicy.get(policy) as Part<T>[] | undefined;
  if (!parts) byPolicy.set(policy, (parts = partsOf(policy, statement, env, mode, cache, [])));
  return parts;
}

interface Shape<T> {
  readonly identity: Part<T>[];
  readonly boundary: Part<T>[] | undefined;
  readonly denies: Part<T>[];
}

function shapeOf<T extends { readonly document: PolicyDocument }>(
  identity: readonly T[],
  boundary: T | undefined,
  request: Request,
  env: ConditionEnv,
  cache: DecideCache,
): Shape<T> {
  const mode = { someResource: request.resource === undefined, wildcardRequest: request.resource?.includes('*') ?? false };
  const out: Shape<T> = { identity: [], boundary: boundary ? [] : undefined, denies: [] };
  const visit = (policy: T, inBoundary: boolean) => {
    for (const [statement, a] of statementsNaming(policy.document, request.action.action, cache)) {
      const parts = a.kind === 'yes' ? plainParts(policy, statement, env, mode, cache) : partsOf(policy, statement, env, mode, cache, a.notes);
      for (const part of parts) {
        if (part.effect === 'Deny') out.denies.push(part);
        else if (inBoundary) out.boundary?.push(part);
        else out.identity.push(part);
      }
    }
  };
  for (const p of identity) visit(p, false);
  if (boundary) visit(boundary, true);
  return out;
}

/** One resource in `formats`, allowed by `allow` and `bound`, outside every part of `denies`. */
function search<T>(target: Target, allow: Part<T>, bound: Part<T> | undefined, denies: readonly Part<T>[], cache: DecideCache): string | undefined {
  if (denies.some((d) => d.universal)) return undefined;
  // One resource asked about: membership, no search.
  if ('resource' in target) {
    const { resource } = target;
    const holds = partApplies(allow, resource) && (!bound || partApplies(bound, resource)) && !denies.some((d) => partApplies(d, resource));
    return holds ? resource : undefined;
  }
  const { lang: formats, key: formatsKey } = target;
  const constraints = [
    ...[allow, ...(bound ? [bound] : [])].filter((c) => !c.universal),
    // Outside a Deny's resources: the complement of its language (a NotResource Deny leaves exactly its own).
    ...denies.map((d) => ({ ...d, negated: !d.negated })),
  ];
  const include = constraints.filter((c) => !c.negated);
  const exclude = [...constraints.filter((c) => c.negated).map((c) => c.lang), ...target.excluded];
  // Constraint texts are long and asked about again and again: the key names them by number.
  const ids = (parts: readonly Part<T>[]) => [...new Set(parts.map((c) => textId(c.key, cache)))].sort((a, b) => a - b).join(',');
  const key = `${textId(formatsKey, cache)}|${ids(include)}|${ids(constraints.filter((c) => c.negated))}`;
  let result = cache.witnesses.get(key);
  if (!result) {
    result = findMember([formats, ...include.map((c) => c.lang)], exclude);
    if (result.kind === 'member') {
      const holds = (candidate: string) =>
        accepts(formats, candidate) && include.every((c) => accepts(c.lang, candidate)) && !exclude.some((l) => accepts(l, candidate));
      result = { kind: 'member', witness: prettyWitness(result.witness, holds) };
    }
    cache.witnesses.set(key, result);
  }
  return result.kind === 'member' ? result.witness : undefined;
}

function textId(text: string, cache: DecideCache): number {
  let id = cache.textIds.get(text);
  if (id === undefined) cache.textIds.set(text, (id = cache.textIds.size));
  return id;
}

const partApplies = <T>(part: Part<T>, resource: string): boolean => accepts(part.lang, resource) !== part.negated;

/** Allow/boundary pairs to try, outright ones first. */
function* pairs<T>(shape: Shape<T>, usable: (p: Part<T>) => boolean): Generator<[Part<T>, Part<T> | undefined]> {
  const ids = dedupeParts(shape.identity.filter(usable));
  const bounds = shape.boundary ? dedupeParts(shape.boundary.filter(usable)) : undefined;
  for (const a of ids) {
    if (!bounds) yield [a, undefined];
    else for (const b of bounds) yield [a, b];
  }
}
function dedupeParts<T>(parts: readonly Part<T>[]): Part<T>[] {
  const seen = new Set<string>();
  return parts.filter((p) => {
    const k = `${p.negated}\u0001${p.key}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

/** Candidate values for the context keys the policies test: each value they name (wildcards filled), absence, and one value none names. */
function contextCandidates<T>(shapes: Shape<T>, env: ConditionEnv): Map<string, (readonly string[] | undefined)[]> {
  const byKey = new Map<string, Set<string>>();
  const multi = new Set<string>();
  const visit = (part: Part<T>) => {
    for (const c of part.hit.statement.conditions) {
      const key = c.key.toLowerCase();
      if (env.context.has(key) || env.variables.has(key) || !env.carries(key)) continue;
      const set = byKey.get(key) ?? new Set<string>();
      byKey.set(key, set);
      if (/^for(any|all)value/i.test(c.operator) || env.multiValued(key)) multi.add(key);
      const op = c.operator.toLowerCase();
      for (const raw of c.values) {
        if (hasFragment(raw)) continue;
        if (op.includes('numeric')) {
          const n = Number(raw);
          if (!Number.isNaN(n)) for (const d of [0, 1, -1]) set.add(String(n + d));
        } else if (op.includes('date')) {
          const t = /^\d+$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
          if (!Number.isNaN(t)) for (const d of [0, 1000, -1000]) set.add(new Date(t + d).toISOString());
        } else if (op.includes('ipaddress')) set.add(raw.split('/')[0] ?? raw);
        else if (op === 'bool' || op === 'boolifexists') {
          set.add('true');
          set.add('false');
        } else if (op.startsWith('null')) {
          // presence is enough: the fresh value below
        } else {
          set.add(raw.replace(/[*?]/g, 'x'));
          if (/[*?]/.test(raw)) set.add(raw.replace(/[*?]/g, ''));
          if (op.includes('ignorecase')) set.add(raw.toUpperCase());
        }
      }
    }
    // Variables in resource patterns that the request supplies.
    for (const raw of [...(part.hit.statement.resource ?? []), ...(part.hit.statement.notResource ?? [])]) {
      for (const m of raw.matchAll(/\$\{([a-z0-9-]+:[^}]*)\}/gi)) {
        const key = (m[1] ?? '').toLowerCase();
        if (env.context.has(key) || env.variables.has(key) || !env.carries(key)) continue;
        if (!byKey.has(key)) byKey.set(key, new Set());
      }
    }
  };
  for (const p of [...shapes.identity, ...(shapes.boundary ?? []), ...shapes.denies]) visit(p);
  const out = new Map<string, (readonly string[] | undefined)[]>();
  for (const [key, values] of byKey) {
    const list: (readonly string[] | undefined)[] = [undefined];
    const all = [...values, 'hg-other-value'];
    for (const v of all) list.push([v]);
    if (multi.has(key) && values.size > 1) list.push([...values]);
    out.set(key, list);
  }
  return out;
}

/** Complete contexts to try, fewest keys present first; bounded (the product of candidates can be large). */
function* contexts(
  base: NormalizedContext,
  candidates: Map<string, (readonly string[] | undefined)[]>,
  limit = 512,
): Generator<Map<string, readonly string[]>> {
  const keys = [...candidates.keys()].sort();
  let produced = 0;
  // By number of keys present: 0, 1, 2, ... (most witnesses need few keys).
  for (let present = 0; present <= keys.length; present++) {
    const rec = function* (i: number, left: number, ctx: Map<string, readonly string[]>): Generator<Map<string, readonly string[]>> {
      if (i === keys.length) {
        if (left === 0) yield new Map(ctx);
        return;
      }
      const key = keys[i] as string;
      if (keys.length - i > left) yield* rec(i + 1, left, ctx); // absent
      if (left > 0) {
        for (const v of candidates.get(key) ?? []) {
          if (v === undefined) continue;
          ctx.set(key, v);
          yield* rec(i + 1, left - 1, ctx);
          ctx.delete(key);
        }
      }
    };
    for (const ctx of rec(0, present, new Map(base))) {
      yield ctx;
      if (++produced >= limit) return;
    }
  }
}

interface DecideOptions {
  readonly index: ActionIndex;
  readonly cache: DecideCache;
}

/**
 * The resources a request is about: one resource (asked by membership), or the language of some
 * ARN formats minus the request's excluded patterns (searched).
 */
type Target =
  | { readonly resource: string }
  | {
      readonly lang: ArnLanguage;
      /** Cache key: the formats, with the exclusions. */
      readonly key: string;
      readonly excluded: readonly ArnLanguage[];
    };

/** `#formats` targets, with the request's excluded resource patterns (none for a request about one resource). */
function formatsTarget(formats: readonly string[], request: Request, cache: DecideCache): Target {
  const base = `#${formats.join('\n')}`;
  let lang = cache.languages.get(base);
  if (!lang) cache.languages.set(base, (lang = union(formats.map(formatLanguage))));
  const patterns = request.excluded ?? [];
  if (patterns.length === 0) return { lang, key: base, excluded: [] };
  const excluded = patterns.map((p) => {
    let l = cache.languages.get(`~${p}`);
    if (!l) cache.languages.set(`~${p}`, (l = patternLanguage(p)));
    return l;
  });
  return { lang, key: `${base}\u0003${patterns.join('\u0003')}`, excluded };
}

/** What a request is about: the one resource asked about (a `*` in it literal), or the action's ARN formats. */
function requestFormats(request: Request, index: ActionIndex, cache: DecideCache): Target {
  if (request.resource !== undefined) return { resource: request.resource };
  return formatsTarget(index.arnFormats(request.action), request, cache);
}

/** The witness context's keys and values, keys spelled as the policies spell them (`aws:PrincipalTag/team`). */
const contextRecord = <T>(ctx: NormalizedContext, base: NormalizedContext, shape: Shape<T>): Record<string, string | readonly string[]> => {
  const spelling = new Map<string, string>();
  for (const p of [...shape.identity, ...(shape.boundary ?? []), ...shape.denies]) {
    for (const c of p.hit.statement.conditions) spelling.set(c.key.toLowerCase(), c.key);
    for (const r of [...(p.hit.statement.resource ?? []), ...(p.hit.statement.notResource ?? [])]) {
      for (const m of r.matchAll(/\$\{([a-z0-9-]+:[^}]*)\}/gi)) if (m[1]) spelling.set(m[1].toLowerCase(), m[1]);
    }
  }
  const out: Record<string, string | readonly string[]> = Object.create(null) as Record<string, string | readonly string[]>;
  for (const [k, v] of [...ctx.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
    if (!base.has(k) || base.get(k) !== v) out[spelling.get(k) ?? k] = v.length === 1 ? v[0] ?? '' : v;
  return out;
};

const RANK: Record<Decision, number> = { allow: 4, conditional: 3, unknown: 2, deny: 1, 'implicit-deny': 0 };

/**
 * The decision for a request. Only the statements naming the action (and documents that could not be
 * read) can change it, so principals whose such documents are the same share one decision: a managed
 * policy and a boundary attached to hundreds of roles are decided once per action, and the answer
 * is handed to each role with its own policies (the attachments evidence points at).
 */
export function decideRequest<T extends { readonly document: PolicyDocument }>(
  identity: readonly T[],
  boundary: T | undefined,
  request: Request,
  options: DecideOptions,
): Decided<T> {
  const { involved, known } = shared(identity, boundary, request, options);
  return forPolicies(known.decided as Decided<T>, known.policies as readonly (T | undefined)[], [...involved, boundary]);
}

/** The decision alone (`decideRequest(...).decision`), without telling a shared answer in terms of these policies. */
export function decisionOfRequest<T extends { readonly document: PolicyDocument }>(
  identity: readonly T[],
  boundary: T | undefined,
  request: Request,
  options: DecideOptions,
): Decision {
  return shared(identity, boundary, request, options).known.decided.decision;
}

/** The involved documents and the decision for them: the one made for the same documents before, or a new one (kept). */
function shared<T extends { readonly document: PolicyDocument }>(
  identity: readonly T[],
  boundary: T | undefined,
  request: Request,
  options: DecideOptions,
): { involved: readonly T[]; known: { readonly policies: readonly unknown[]; readonly decided: Decided<unknown> } } {
  const { cache } = options;
  const action = request.action.action;
  const involved = identity.filter((p) => p.document.unknown !== undefined || statementsNaming(p.document, action, cache).length > 0);
  const key = decisionKey(involved, boundary, request, cache);
  let known = cache.decisions.get(key);
  if (!known) {
    known = { policies: [...involved, boundary], decided: decideAnew(involved, boundary, request, options) };
    if (cache.decisions.size < 200_000) cache.decisions.set(key, known);
  }
  return { involved, known };
}

/** Everything a decision depends on: the request, the principal's policy variables, and which documents take part where. */
function decisionKey(
  involved: readonly { readonly document: PolicyDocument }[],
  boundary: { readonly document: PolicyDocument } | undefined,
  request: Request,
  cache: DecideCache,
): string {
  const id = (document: PolicyDocument): number => {
    let n = cache.documentIds.get(document);
    if (n === undefined) cache.documentIds.set(document, (n = cache.documentIds.size));
    return n;
  };
  const context = request.context.size === 0 ? '' : JSON.stringify([...request.context]);
  let variables = request.variables === undefined ? '' : cache.variableKeys.get(request.variables);
  if (variables === undefined && request.variables) cache.variableKeys.set(request.variables, (variables = JSON.stringify([...request.variables])));
  const resource = request.resource === undefined ? '\u0002' : `=${request.resource}`;
  const excluded = request.excluded?.join('\u0002') ?? '';
  let key = `${request.action.action}\u0001${resource}\u0001${excluded}\u0001${request.complete ? 1 : 0}\u0001${context}\u0001${variables}\u0001`;
  for (const p of involved) key += `${id(p.document)},`;
  return boundary ? `${key}b${id(boundary.document)}` : key;
}
/** A decision made for `from` (positionally the same documents as `to`), told in terms of `to`'s policies. */
function forPolicies<T>(decided: Decided<T>, from: readonly (T | undefined)[], to: readonly (T | undefined)[]): Decided<T> {
  if (from.every((p, i) => p === to[i])) return decided;
  const swap = new Map(from.map((p, i) => [p, to[i]]));
  const policy = (p: T): T => swap.get(p) ?? p;
  const hits = (list: readonly StatementHit<T>[]) => list.map((h) => ({ ...h, policy: policy(h.policy) }));
  return {
    ...decided,
    grants: hits(decided.grants),
    denies: hits(decided.denies),
    boundaryAllows: hits(decided.boundaryAllows),
    unknownPolicies: decided.unknownPolicies.map(policy),
    ...(decided.cappedBy !== undefined ? { cappedBy: policy(decided.cappedBy) } : {}),
  };
}

/**
 * "Some resource" is asked per resource type of the action: a request authorizes one resource, and
 * carries the condition keys of the action and of that resource's type (ec2:RunInstances carries
 * ec2:InstanceType for the instance, not for the image).
 */
function decideAnew<T extends { readonly document: PolicyDocument }>(
  identity: readonly T[],
  boundary: T | undefined,
  request: Request,
  options: DecideOptions,
): Decided<T> {
  const { index, cache } = options;
  const action = request.action.action;
  const types = index.resourceTypesOf(request.action);
  // Without conditions (and variables), the keys a request carries change nothing: one question over every format.
  const keysMatter = [...identity, ...(boundary ? [boundary] : [])].some((p) => keysMatterIn(p.document, action, cache));
  if (request.resource !== undefined) {
    if (!keysMatter) return decideOne(identity, boundary, request, options, requestFormats(request, index, cache), index.carries(request.action));
    const resource = request.resource;
    // The resource asked about: its type decides the keys (several or none matching: the union).
    const typeKey = `${action}\n${resource}`;
    let carries = cache.carries.get(typeKey);
    if (!carries) {
      const matching = types.filter((t) => accepts(formatLanguageOf(cache, t.format), resource));
      carries = matching.length === 1 && matching[0]?.type !== undefined ? index.carries(request.action, matching[0].type) : index.carries(request.action);
      if (cache.carries.size < 100_000) cache.carries.set(typeKey, carries);
    }
    return decideOne(identity, boundary, request, options, requestFormats(request, index, cache), carries);
  }
  const groups = keysMatter
    ? mergeGroups(index.typeGroups(request.action), [...identity, ...(boundary ? [boundary] : [])], action, cache)
    : [{ formats: types.map((t) => t.format), carries: index.carries(request.action) }];
  let best: Decided<T> | undefined;
  for (const group of groups) {
    const decided = decideOne(identity, boundary, request, options, formatsTarget(group.formats, request, cache), group.carries);
    if (!best || RANK[decided.decision] > RANK[best.decision] || (decided.decision === best.decision && decided.cappedBy && !best.cappedBy)) best = decided;
    if (best.decision === 'allow') break;
  }
  return best ?? decideOne(identity, boundary, request, options, requestFormats(request, index, cache), index.carries(request.action));
}

/**
 * Resource-type groups that carry the same keys among those the policies test are asked together:
 * for these policies they differ in nothing but their ARN formats.
 */
function mergeGroups(
  groups: readonly { readonly formats: readonly string[]; readonly carries: (key: string) => boolean }[],
  policies: readonly { readonly document: PolicyDocument }[],
  action: string,
  cache: DecideCache,
): { formats: readonly string[]; carries: (key: string) => boolean }[] {
  if (groups.length < 2) return [...groups];
  const keys = new Set<string>();
  for (const p of policies) {
    for (const [st] of statementsNaming(p.document, action, cache)) {
      for (const c of st.conditions) keys.add(c.key.toLowerCase());
      for (const r of [...(st.resource ?? []), ...(st.notResource ?? [])])
        for (const m of r.matchAll(/\$\{([a-z0-9-]+:[^}]*)\}/gi)) if (m[1]) keys.add(m[1].toLowerCase());
    }
  }
  const bySignature = new Map<string, { formats: string[]; carries: (key: string) => boolean }>();
  for (const g of groups) {
    const signature = [...keys].map((k) => (g.carries(k) ? '1' : '0')).join('');
    const merged = bySignature.get(signature);
    if (merged) merged.formats.push(...g.formats);
    else bySignature.set(signature, { formats: [...g.formats], carries: g.carries });
  }
  return [...bySignature.values()];
}

function formatLanguageOf(cache: DecideCache, format: string): ArnLanguage {
  const key = `#${format}`;
  let lang = cache.languages.get(key);
  if (!lang) cache.languages.set(key, (lang = formatLanguage(format)));
  return lang;
}

function decideOne<T extends { readonly document: PolicyDocument }>(
  identity: readonly T[],
  boundary: T | undefined,
  request: Request,
  options: DecideOptions,
  target: Target,
  carries: (key: string) => boolean,
): Decided<T> {
  const { cache } = options;
  const variables = request.variables ?? new Map<string, string | null>();
  const env: ConditionEnv = { context: request.context, complete: request.complete, carries, multiValued: options.index.multiValued, variables };
  const shape = shapeOf(identity, boundary, request, env, cache);
  const unknownPolicies = [...identity, ...(boundary ? [boundary] : [])].filter((p) => p.document.unknown !== undefined);
  const unknownIdentity = identity.some((p) => p.document.unknown !== undefined);
  const base = { unknownPolicies, boundaryAllows: [] as StatementHit<T>[] };

  // 1. Allowed whatever the context: an outright Allow (and boundary Allow) on a resource no Deny may touch.
  const outright = (p: Part<T>) => p.hit.notes.length === 0;
  for (const [a, b] of pairs(shape, outright)) {
    const witness = search(target, a, b, shape.denies, cache);
    if (witness === undefined) continue;
    // The Denies that removed part of what the Allow reaches (evidence): those overlapping it.
    const removed = shape.denies.filter((d) => overlaps(target, a, b, d, cache)).slice(0, 4);
    const decided: Decided<T> = {
      ...base,
      decision: unknownPolicies.length > 0 ? 'unknown' : 'allow',
      grants: [a.hit],
      boundaryAllows: b ? [b.hit] : [],
      denies: removed.map((d) => d.hit),
      conditions: [],
      witness: { resource: witness, context: {} },
    };
    return decided;
  }

  // 2. Allowed in some contexts: try complete contexts built from the values the policies name.
  const needsContexts = [...shape.identity, ...(shape.boundary ?? []), ...shape.denies].some((p) => p.hit.notes.some((n) => !n.unknown));
  let maybe: { a: Part<T>; b: Part<T> | undefined; witness: string; ctx: NormalizedContext } | undefined;
  const tryContext = (ctxShape: Shape<T>, ctx: NormalizedContext): { a: Part<T>; b: Part<T> | undefined; witness: string } | undefined => {
    const certainDenies = ctxShape.denies.filter((d) => !d.unknown);
    for (const [a, b] of pairs(ctxShape, (p) => !p.unknown && p.hit.notes.every((n) => n.unknown))) {
      const witness = search(target, a, b, ctxShape.denies, cache);
      if (witness !== undefined) return { a, b, witness };
    }
    if (!maybe) {
      for (const [a, b] of pairs(ctxShape, (p) => p.hit.notes.every((n) => n.unknown))) {
        const witness = search(target, a, b, certainDenies, cache);
        if (witness !== undefined) {
          maybe = { a, b, witness, ctx };
          break;
        }
      }
    }
    return undefined;
  };
  if (needsContexts) {
    const candidates = request.complete ? new Map<string, (readonly string[] | undefined)[]>() : contextCandidates(shape, env);
    for (const ctx of contexts(request.context, candidates)) {
      const ctxEnv: ConditionEnv = { ...env, context: ctx, complete: true };
      const ctxShape = shapeOf(identity, boundary, request, ctxEnv, cache);
      const found = tryContext(ctxShape, ctx);
      if (!found) continue;
      // What the answer depends on: the notes of the parts used, and the conditional Denies on the witness.
      const conditions: Note[] = [...found.a.hit.notes, ...(found.b?.hit.notes ?? [])];
      const partFor = (hit: StatementHit<T>) =>
        [...shape.identity, ...(shape.boundary ?? [])].find((p) => p.hit.statement === hit.statement && p.hit.policy === hit.policy);
      for (const used of [found.a, found.b]) {
        const original = used ? partFor(used.hit) : undefined;
        if (original) conditions.push(...original.hit.notes);
      }
      const conditionalDenies = shape.denies.filter((d) => d.hit.notes.length > 0 && partApplies(d, found.witness));
      for (const d of conditionalDenies) conditions.push({ text: `not (${d.hit.notes.map((n) => n.text).join(' and ')}) [Deny]`, unknown: d.unknown });
      const decided: Decided<T> = {
        ...base,
        decision: unknownPolicies.length > 0 ? 'unknown' : request.complete ? 'allow' : 'conditional',
        grants: [found.a.hit],
        boundaryAllows: found.b ? [found.b.hit] : [],
        denies: conditionalDenies.map((d) => d.hit),
        conditions: dedupe(conditions),
        witness: { resource: found.witness, context: contextRecord(ctx, request.context, shape) },
      };
      return decided;
    }
  }
  // Only apply-time values stand between the request and an allow: undecided.
  const waitsForApply = [...shape.identity, ...(shape.boundary ?? []), ...shape.denies].some((p) => p.unknown);
  if ((!needsContexts && waitsForApply) || maybe) {
    if (!maybe) {
      // Outright parts were tried in step 1; parts waiting for apply-time values:
      for (const [a, b] of pairs(shape, (p) => p.hit.notes.every((n) => n.unknown))) {
        const witness = search(target, a, b, shape.denies.filter((d) => !d.unknown), cache);
        if (witness !== undefined) {
          maybe = { a, b, witness, ctx: request.context };
          break;
        }
      }
    }
    if (maybe) {
      const m = maybe;
      const pending = shape.denies.filter((d) => d.unknown && partApplies(d, m.witness));
      const conditions = [
        ...m.a.hit.notes,
        ...(m.b?.hit.notes ?? []),
        ...pending.map((d) => ({ text: `not (${d.hit.notes.map((n) => n.text).join(' and ')}) [Deny]`, unknown: true })),
      ];
      return {
        ...base,
        decision: 'unknown',
        grants: [m.a.hit],
        boundaryAllows: m.b ? [m.b.hit] : [],
        denies: pending.map((d) => d.hit),
        conditions: dedupe(conditions),
        witness: { resource: m.witness, context: contextRecord(m.ctx, request.context, shape) },
      };
    }
  }

  // 3. Not allowed. Explicitly denied when, ignoring Denies, some request would be allowed (or a Deny covers the resource asked about).
  const any = () => true;
  let ignoringDenies: { a: Part<T>; b: Part<T> | undefined; witness: string } | undefined;
  for (const [a, b] of pairs(shape, any)) {
    const witness = search(target, a, b, [], cache);
    if (witness !== undefined) {
      ignoringDenies = { a, b, witness };
      break;
    }
  }
  const deniesOn = (resource: string) => shape.denies.filter((d) => partApplies(d, resource));
  if (ignoringDenies) {
    const found = ignoringDenies;
    const denies = deniesOn(found.witness);
    return {
      ...base,
      decision: unknownIdentity && denies.every((d) => d.hit.notes.length > 0) ? 'unknown' : 'deny',
      grants: dedupeHits(shape.identity.map((p) => p.hit)),
      boundaryAllows: found.b ? [found.b.hit] : [],
      denies: dedupeHits((denies.length > 0 ? denies : shape.denies).map((d) => d.hit)),
      conditions: [],
    };
  }
  // Nothing allows it, and a Deny matches it outright (on the resource asked about, or on some resource of the action's types).
  const resourceDenies = shape.denies.filter((d) => d.hit.notes.length === 0 && search(target, d, undefined, [], cache) !== undefined);
  if (resourceDenies.length > 0) {
    return {
      ...base,
      decision: 'deny',
      grants: dedupeHits(shape.identity.map((p) => p.hit)),
      denies: dedupeHits(resourceDenies.map((d) => d.hit)),
      conditions: [],
    };
  }
  // Capped by the boundary: the identity policies alone reach a resource.
  let capped = false;
  if (boundary && shape.boundary) {
    for (const a of dedupeParts(shape.identity)) {
      if (search(target, a, undefined, [], cache) !== undefined) {
        capped = true;
        break;
      }
    }
  }
  return {
    ...base,
    decision: unknownIdentity || (capped && boundary?.document.unknown !== undefined) ? 'unknown' : 'implicit-deny',
    grants: dedupeHits(shape.identity.map((p) => p.hit)),
    denies: [],
    conditions: [],
    ...(capped && boundary ? { cappedBy: boundary } : {}),
  };
}

/** Does Deny `d` remove some resource the Allow pair reaches? */
function overlaps<T>(target: Target, a: Part<T>, b: Part<T> | undefined, d: Part<T>, cache: DecideCache): boolean {
  // formats ∩ a ∩ d ∩ b: d takes the boundary's place, and b rides along as a "Deny" of its complement.
  const bAsDeny = b && !b.universal ? [{ ...b, negated: !b.negated }] : [];
  return search(target, a, d, bAsDeny, cache) !== undefined;
}

function dedupeHits<T>(hits: readonly StatementHit<T>[]): StatementHit<T>[] {
  const seen = new Set<Statement>();
  return hits.filter((h) => (seen.has(h.statement) ? false : (seen.add(h.statement), true)));
}

/** The decision for one request shape (kept under its historical name: every caller goes through `decideRequest`). */
export function decide<T extends { readonly document: PolicyDocument }>(
  identity: readonly T[],
  boundary: T | undefined,
  request: Request,
  index: ActionIndex,
  cache: DecideCache = newDecideCache(),
): Decided<T> {
  return decideRequest(identity, boundary, request, { index, cache });
}

function dedupe(notes: readonly Note[]): Note[] {
  const seen = new Set<string>();
  return notes.filter((n) => (seen.has(n.text) ? false : (seen.add(n.text), true)));
}
