import type { CatalogAction } from '../../model/catalog.js';
import { globMatch, hasWildcard } from '../../model/glob.js';
import { globsIntersect, type ActionIndex } from './actions.js';
import { evaluateCondition, type Note, type NormalizedContext } from './conditions.js';
import { hasFragment, type PolicyDocument, type Statement } from './document.js';

/**
 * IAM's evaluation logic for identity policies and a permissions boundary:
 * an explicit Deny anywhere wins; otherwise the request is allowed only if an identity
 * statement allows it AND (when a boundary is set) a boundary statement allows it; otherwise it
 * is implicitly denied. Where conditions or apply-time values decide, the answer is
 * `conditional` or `unknown` with the notes that say what it waits for.
 */

export interface Request {
  readonly action: CatalogAction;
  /** Target ARN; undefined asks "on at least one resource the action can target". A `*` in it is literal (a request for `*` is matched only by statements that cover `*`). */
  readonly resource?: string;
  readonly context: NormalizedContext;
  /** The context is the whole request: keys it lacks are absent, not unknown. */
  readonly complete: boolean;
}

export type Match = { readonly kind: 'yes' } | { readonly kind: 'no' } | { readonly kind: 'maybe'; readonly notes: readonly Note[] };
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

function actionMatch(s: Statement, action: string): Match {
  if (s.action) return anyPattern(s.action, (p) => globMatch(p, action, true), 'action');
  if (s.notAction) return invert(anyPattern(s.notAction, (p) => globMatch(p, action, true), 'NotAction'));
  return NO;
}

/** Can the statement's Resource/NotResource apply to the request's resource? */
function resourceMatch(s: Statement, request: Request, index: ActionIndex, intersections: Map<string, boolean>): Match {
  if (request.resource !== undefined) {
    const arn = request.resource;
    const coverage = hasWildcard(arn);
    if (s.resource) return anyPattern(s.resource, (p) => globMatch(p, arn, false), 'resource', coverage);
    if (s.notResource) return invert(anyPattern(s.notResource, (p) => globMatch(p, arn, false), 'NotResource', coverage));
    return NO;
  }
  // "Any resource": the action's resource types, as ARN templates; an action with none is requested on `*`.
  const templates = index.arnTemplates(request.action);
  if (s.resource) {
    if (templates.length === 0) return anyPattern(s.resource, (p) => globMatch(p, '*', false), 'resource', true);
    return anyPattern(
      s.resource,
      (p) =>
        templates.some((t) => {
          const key = `${p}\n${t}`;
          let hit = intersections.get(key);
          if (hit === undefined) intersections.set(key, (hit = globsIntersect(p, t)));
          return hit;
        }),
      'resource',
      false,
      true,
    );
  }
  if (s.notResource) {
    // Applies unless the excluded patterns cover every resource of the action (checked per template, `*` taken literally).
    const covered = (t: string) => s.notResource?.some((p) => !hasFragment(p) && globMatch(p, t.replace(/^arn:\*:/, 'arn:aws:'), false)) ?? false;
    if (templates.length === 0) return covered('*') ? NO : YES;
    return templates.every(covered) ? NO : YES;
  }
  return NO;
}

export function matchStatement(s: Statement, request: Request, index: ActionIndex, intersections: Map<string, boolean>): Match {
  const a = actionMatch(s, request.action.action);
  if (a.kind === 'no') return NO;
  const r = resourceMatch(s, request, index, intersections);
  if (r.kind === 'no') return NO;
  const notes: Note[] = [];
  if (a.kind === 'maybe') notes.push(...a.notes);
  if (r.kind === 'maybe') notes.push(...r.notes);
  for (const condition of s.conditions) {
    const result = evaluateCondition(condition, request.context, request.complete, index.multiValued);
    if (result === false) return NO;
    if (result !== true) notes.push(result);
  }
  return notes.length === 0 ? YES : { kind: 'maybe', notes };
}

/** A statement that took part in a decision, with the document it belongs to (`T` carries the caller's policy metadata). */
export interface StatementHit<T> {
  readonly policy: T;
  readonly statement: Statement;
  /** Notes that must hold for the statement to apply (empty when it applies outright). */
  readonly notes: readonly Note[];
}

export interface SetResult<T> {
  readonly allow: StatementHit<T>[];
  readonly allowIf: StatementHit<T>[];
  readonly deny: StatementHit<T>[];
  readonly denyIf: StatementHit<T>[];
  /** Documents that cannot be read before apply. */
  readonly unknown: T[];
}

export function evaluateSet<T extends { readonly document: PolicyDocument }>(
  policies: readonly T[],
  request: Request,
  index: ActionIndex,
  intersections: Map<string, boolean>,
): SetResult<T> {
  const out: SetResult<T> = { allow: [], allowIf: [], deny: [], denyIf: [], unknown: [] };
  for (const policy of policies) {
    if (policy.document.unknown !== undefined) out.unknown.push(policy);
    for (const statement of policy.document.statements) {
      const m = matchStatement(statement, request, index, intersections);
      if (m.kind === 'no') continue;
      const hit: StatementHit<T> = { policy, statement, notes: m.kind === 'maybe' ? m.notes : [] };
      if (statement.effect === 'Deny') (m.kind === 'yes' ? out.deny : out.denyIf).push(hit);
      else (m.kind === 'yes' ? out.allow : out.allowIf).push(hit);
    }
  }
  return out;
}

export type Decision = 'allow' | 'deny' | 'implicit-deny' | 'conditional' | 'unknown';

export interface Decided<T> {
  readonly decision: Decision;
  /** Identity statements that allow (outright first, then conditionally). */
  readonly grants: readonly StatementHit<T>[];
  /** Deny statements that cancel (outright), or may cancel (with notes). */
  readonly denies: readonly StatementHit<T>[];
  /** Boundary statements that let the request through. */
  readonly boundaryAllows: readonly StatementHit<T>[];
  /** Set when the boundary caps an identity grant (no boundary statement allows the request). */
  readonly cappedBy?: T;
  /** Documents whose content is unknown and could change the answer. */
  readonly unknownPolicies: readonly T[];
  /** Conditions the answer depends on: notes of conditional grants, and `not (...)` of conditional denies. */
  readonly conditions: readonly Note[];
}

export function decide<T extends { readonly document: PolicyDocument }>(
  identity: readonly T[],
  boundary: T | undefined,
  request: Request,
  index: ActionIndex,
  intersections: Map<string, boolean>,
): Decided<T> {
  const id = evaluateSet(identity, request, index, intersections);
  const b = boundary ? evaluateSet([boundary], request, index, intersections) : undefined;
  const grants = [...id.allow, ...id.allowIf];
  const deny = [...id.deny, ...(b?.deny ?? [])];
  const base = { grants, boundaryAllows: b ? [...b.allow, ...b.allowIf] : [], unknownPolicies: [] as T[], conditions: [] as Note[] };
  if (deny.length > 0) return { ...base, decision: 'deny', denies: deny };

  const identityState = id.allow.length > 0 ? 'yes' : id.allowIf.length > 0 || id.unknown.length > 0 ? 'maybe' : 'no';
  const boundaryState = !b ? 'yes' : b.allow.length > 0 ? 'yes' : b.allowIf.length > 0 || b.unknown.length > 0 ? 'maybe' : 'no';
  const denyIf = [...id.denyIf, ...(b?.denyIf ?? [])];
  if (identityState === 'no' || boundaryState === 'no') {
    return { ...base, decision: 'implicit-deny', denies: [], ...(identityState !== 'no' && boundary ? { cappedBy: boundary } : {}) };
  }
  // Unknown documents matter: an unknown identity policy could allow (if nothing else does) or deny; an unknown boundary could cap.
  const unknownPolicies = [...id.unknown, ...(b?.unknown ?? [])];
  if (identityState === 'yes' && boundaryState === 'yes' && denyIf.length === 0 && unknownPolicies.length === 0) {
    return { ...base, decision: 'allow', denies: [] };
  }
  const conditions: Note[] = [];
  if (identityState === 'maybe') for (const hit of id.allowIf) conditions.push(...hit.notes);
  if (b && boundaryState === 'maybe') for (const hit of b.allowIf) conditions.push(...hit.notes);
  for (const hit of denyIf) {
    conditions.push({
      text: `not (${hit.notes.map((n) => n.text).join(' and ')}) [Deny]`,
      unknown: hit.notes.some((n) => n.unknown),
    });
  }
  const unknown = unknownPolicies.length > 0 || conditions.some((c) => c.unknown);
  return { ...base, decision: unknown ? 'unknown' : 'conditional', denies: denyIf, unknownPolicies, conditions: dedupe(conditions) };
}

function dedupe(notes: readonly Note[]): Note[] {
  const seen = new Set<string>();
  return notes.filter((n) => (seen.has(n.text) ? false : (seen.add(n.text), true)));
}
