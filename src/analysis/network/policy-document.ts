import type { ResourceGraph } from '../../model/graph.js';
import { asList, asObject, asString, isUnknown, valueAt } from '../../model/graph.js';
import { globMatch } from '../../model/glob.js';
import type { Resource, Unknown, Value } from '../../model/types.js';
import { classifyCidr } from './cidr.js';
import { linksAt } from './links.js';
import { dict, own, textOf } from '../../model/dict.js';

/**
 * Resource policies judged as AWS judges "public" (S3 Block Public Access, EFS, Access Analyzer):
 * an Allow for Principal "*" is public unless a condition pins callers to fixed accounts,
 * organizations, sources or networks, or a Deny for everyone takes it back.
 */

/** A value known only after apply that may be anything (a variable, a local, a module output). */
const ANY_MARK = '__hybridguard_known_after_apply__';
/** A value known only after apply that is a resource's or data source's own attribute (an ARN, an account id): never "*". */
const REF_MARK = '__hybridguard_resource_attribute__';

interface Condition {
  readonly op: string;
  readonly key: string;
  readonly values: readonly string[];
}

interface Statement {
  /** Position in the document, from 0. */
  readonly index: number;
  readonly allow: boolean;
  /** any = Principal "*" / AWS "*" (or an Allow with NotPrincipal); unknown = known only after apply; except = Deny with a fixed NotPrincipal. */
  readonly principal: 'any' | 'named' | 'unknown' | 'except';
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions: readonly Condition[];
}

/** `invalid`: a document AWS refuses (not JSON): nothing is granted. */
type Document = { readonly statements: readonly Statement[]; readonly invalid?: string } | { readonly undecided: string };

/** What a document means for "anyone". */
type Verdict =
  | { readonly kind: 'public'; readonly open: readonly Statement[] }
  | { readonly kind: 'undecided'; readonly reason: string }
  /** Not public; `reasons` says why a statement for "*" does not open it (empty when none names "*"). */
  | { readonly kind: 'private'; readonly reasons: readonly string[] };

// Keys that, with fixed values, pin the caller (S3, EFS and Access Analyzer's notion of "not public").
const RESTRICTING_KEYS = new Set([
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principalservicename',
  'aws:userid',
  'aws:sourceip',
  'aws:vpcsourceip',
  'kms:calleraccount',
  's3:dataaccesspointaccount',
  's3:dataaccesspointarn',
  'lambda:functionurlauthtype',
]);
// ForAllValues is true when the key is missing: it restricts nothing.
const POSITIVE = /^(foranyvalue:)?(stringequals|stringequalsignorecase|stringlike|arnequals|arnlike|ipaddress|numericequals)(ifexists)?$/i;
const NEGATIVE = /^(forallvalues:)?(stringnotequals|stringnotequalsignorecase|stringnotlike|arnnotequals|arnnotlike|notipaddress)(ifexists)?$/i;
const EXACT = /equals/i;

/** Reads the policy at `attr`: a JSON string, an object, or a referenced `data.aws_iam_policy_document`. */
export function readDocument(graph: ResourceGraph, holder: Resource, attr: string): Document {
  const raw = valueAt(holder.values, attr);
  if (typeof raw === 'string') {
    // Interpolations are values known at apply: keep them as markers, so a principal that is one is undecided, not public.
    const text = raw.includes('${') ? raw.replace(/\$\{([^{}]*)\}/g, (_, expr: string) => (isAttributeReference(expr) ? REF_MARK : ANY_MARK)) : raw;
    try {
      return { statements: jsonStatements(JSON.parse(text) as unknown) };
    } catch {
      if (raw.includes('${')) return { undecided: `the ${attr} of ${holder.address} is a template we cannot evaluate` };
      return { statements: [], invalid: `the ${attr} of ${holder.address} is not valid JSON: AWS refuses it, so it grants nothing` };
    }
  }
  // Addresses may carry an input's `name:` prefix and a module path.
  const source = linksAt(graph, holder, attr).unresolved.find((u) => /^(?:[^ ]*[.:])?data\.aws_iam_policy_document\.[^ ]*( |$)/.test(u));
  const docAddress = source?.split(' ')[0];
  const doc = docAddress ? graph.get(docAddress) : undefined;
  if (doc) return { statements: documentStatements(doc) };
  if (raw !== null && typeof raw === 'object' && !isUnknown(raw)) return { statements: jsonStatements(raw) };
  return { undecided: `the ${attr} of ${holder.address} is ${isUnknown(raw) ? raw.reason : 'an expression'}, known only after apply` };
}

/**
 * Judges a document for callers from anywhere. `relevant` limits it to statements allowing one of
 * those actions (a trust policy matters only for sts:AssumeRole).
 */
export function judge(doc: Document, holder: Resource, relevant?: readonly string[]): Verdict {
  if ('undecided' in doc) return { kind: 'undecided', reason: doc.undecided };
  const denies = doc.statements.filter((s) => !s.allow);
  const open: Statement[] = [];
  const reasons: string[] = doc.invalid ? [doc.invalid] : [];
  let undecided: string | undefined;
  for (const s of doc.statements) {
    if (!s.allow || (relevant && !relevant.some((a) => allows(s, a)))) continue;
    if (s.principal === 'named' || s.principal === 'except') continue;
    const limit = allowLimit(s.conditions);
    const who = s.principal === 'unknown' ? 'a principal known only after apply' : 'Principal "*"';
    if (limit.restrictedBy) {
      reasons.push(`statement ${s.index} of ${holder.address} admits ${who} only with ${limit.restrictedBy}`);
      continue;
    }
    const deny = denies.map((d) => [d, denyCover(d, s, relevant)] as const).find(([, c]) => c !== undefined);
    if (deny) {
      reasons.push(`statement ${s.index} of ${holder.address} admits ${who}, but statement ${deny[0].index} denies ${deny[1]}`);
      continue;
    }
    if (s.principal === 'unknown') undecided ??= `the Principal of statement ${s.index} in ${holder.address} is known only after apply`;
    else if (limit.undecided) undecided ??= `statement ${s.index} of ${holder.address} admits Principal "*" with ${limit.undecided}, known only after apply`;
    else open.push(s);
  }
  if (open.length) return { kind: 'public', open };
  if (undecided) return { kind: 'undecided', reason: undecided };
  return { kind: 'private', reasons };
}

/** `statement 0 allows s3:GetObject to Principal "*"` */
export function describeOpen(open: readonly Statement[], holder: Resource): string {
  const actions = [...new Set(open.flatMap((s) => (s.notActions.length ? [`everything but ${s.notActions.join(', ')}`] : s.actions)))];
  return `statement ${open.map((s) => s.index).join(', ')} of the policy in ${holder.address} allows ${
    actions.join(', ') || 'actions'
  } to Principal "*" with no condition that restricts who calls`;
}

function allows(s: Statement, action: string): boolean {
  if (s.notActions.length) return !s.notActions.some((p) => globMatch(p, action, true));
  return s.actions.some((p) => globMatch(p, action, true));
}

/** An Allow's conditions (all must hold): one fixed restricting condition is enough. */
function allowLimit(conditions: readonly Condition[]): { restrictedBy?: string; undecided?: string } {
  let undecided: string | undefined;
  for (const c of conditions) {
    const key = c.key.toLowerCase();
    if (key === 'elasticfilesystem:accessedviamounttarget' && /^bool$/i.test(c.op) && c.values.length > 0 && c.values.every((v) => v === 'true')) {
      return { restrictedBy: `${c.op} ${c.key}` };
    }
    if (!RESTRICTING_KEYS.has(key) || !POSITIVE.test(c.op) || c.values.length === 0) continue;
    const fixed = fixedValues(c);
    if (fixed === 'unknown') undecided ??= `${c.op} ${c.key} = a value`;
    else if (fixed) return { restrictedBy: `${c.op} ${c.key}` };
  }
  return undecided ? { undecided } : {};
}

/**
 * Whether values pin callers: no wildcard, no world-wide or huge CIDR (S3/EFS's "fixed values").
 * `unknown` when a value known only after apply could be a wildcard or a wide CIDR.
 */
function fixedValues(c: Condition): boolean | 'unknown' {
  const key = c.key.toLowerCase();
  const cidr = key === 'aws:sourceip' || key === 'aws:vpcsourceip';
  let unknown = false;
  for (const v of c.values) {
    if (v.includes(ANY_MARK)) {
      // An exact comparison pins callers whatever the value is; a pattern or a CIDR may not.
      if (cidr || !EXACT.test(c.op)) unknown = true;
      continue;
    }
    const text = v.replaceAll(REF_MARK, 'x');
    if ((text.includes('*') || text.includes('?')) && !pinsDespiteWildcard(key, text)) return false;
    if (cidr && (classifyCidr(text) === 'world' || Number(text.split('/')[1] ?? 32) < 8)) return false;
    if (key === 'lambda:functionurlauthtype' && text === 'NONE') return false;
  }
  return unknown ? 'unknown' : true;
}

/**
 * A wildcard value that still pins callers to one account, organization or role: an ARN whose
 * account field is fixed (`arn:aws:iam::123456789012:role/*`), an org path under a fixed
 * organization, a role's unique id with any session (`AROA...:*`).
 */
function pinsDespiteWildcard(key: string, value: string): boolean {
  if (key === 'aws:principalarn' || key === 'aws:sourcearn') return /^\d{12}$/.test(value.split(':')[4] ?? '');
  if (key === 'aws:principalorgpaths' || key === 'aws:sourceorgpaths') return /^o-[a-z0-9]+\//.test(value);
  if (key === 'aws:userid') return /^AROA[A-Z0-9]+:\*$/.test(value);
  return false;
}

/** What a Deny takes back from a public Allow: its phrase, or undefined when it leaves some of it open. */
function denyCover(deny: Statement, allow: Statement, relevant?: readonly string[]): string | undefined {
  if (deny.principal !== 'any' && deny.principal !== 'except') return undefined;
  const actionsCovered = relevant ? relevant.filter((a) => allows(allow, a)).every((a) => allows(deny, a)) : coversActions(deny, allow);
  if (!actionsCovered || !coversResources(deny, allow)) return undefined;
  const negative = deny.conditions.filter(
    (c) => RESTRICTING_KEYS.has(c.key.toLowerCase()) && NEGATIVE.test(c.op) && c.values.length > 0 && fixedValues(c) === true,
  );
  // Conditions of one statement all must hold: the Deny covers every caller only when each is "caller outside a fixed set".
  if (negative.length !== deny.conditions.length) return undefined;
  const outside = [...negative.map((c) => `${c.op} ${c.key}`), ...(deny.principal === 'except' ? ['NotPrincipal'] : [])];
  return outside.length ? `every caller outside ${outside.join(' / ')}` : 'it to everyone';
}

function coversActions(deny: Statement, allow: Statement): boolean {
  if (deny.notActions.length) {
    if (allow.notActions.length) return false;
    return allow.actions.every((a) => !deny.notActions.some((n) => globMatch(n, a, true) || globMatch(a, n, true)));
  }
  if (allow.notActions.length) return deny.actions.includes('*');
  return allow.actions.every((a) => deny.actions.some((d) => globMatch(d, a, true)));
}

function coversResources(deny: Statement, allow: Statement): boolean {
  if (deny.resources.length === 0 || deny.resources.includes('*')) return true;
  if (allow.resources.length === 0 || allow.resources.includes('*')) return false;
  return allow.resources.every((r) => deny.resources.some((d) => globMatch(d, r)));
}

function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

function principalKind(principal: unknown, notPrincipal: unknown, allow: boolean): Statement['principal'] {
  if (notPrincipal !== undefined && notPrincipal !== null) {
    // Allow + NotPrincipal admits everyone but a few; Deny + NotPrincipal denies everyone but a few.
    if (allow) return 'any';
    const named = principalValues(notPrincipal);
    return named.some((v) => v === '*' || v === ANY_MARK) ? 'named' : 'except';
  }
  if (principal === '*') return 'any';
  const values = principalValues(principal, true);
  if (values.includes('*')) return 'any';
  return values.includes(ANY_MARK) ? 'unknown' : 'named';
}

/** Principal values; with `awsOnly`, of the AWS (or policy document `*`) type only: "*" under Service or Federated is not a principal AWS accepts. */
function principalValues(principal: unknown, awsOnly = false): string[] {
  if (typeof principal === 'string') return [principal];
  if (!principal || typeof principal !== 'object') return [];
  return Object.entries(principal as Record<string, unknown>)
    .filter(([k]) => !awsOnly || k.toUpperCase() === 'AWS' || k === '*')
    .flatMap(([, v]) => strings(v));
}

function jsonStatements(doc: unknown): Statement[] {
  const list = (doc as { Statement?: unknown } | null)?.Statement;
  const statements = Array.isArray(list) ? list : list ? [list] : [];
  return statements.map((s, index) => {
    const st = (s ?? {}) as Record<string, unknown>;
    const allow = st['Effect'] === 'Allow';
    return {
      index,
      allow,
      principal: principalKind(st['Principal'], st['NotPrincipal'], allow),
      actions: strings(st['Action']),
      notActions: strings(st['NotAction']),
      resources: strings(st['Resource']),
      conditions: Object.entries((st['Condition'] ?? {}) as Record<string, Record<string, unknown> | null>).flatMap(([op, body]) =>
        Object.entries(body ?? {}).map(([key, values]) => ({ op, key, values: strings(values) })),
      ),
    };
  });
}

/** Statements of a `data.aws_iam_policy_document` (values known only after apply become markers). */
function documentStatements(doc: Resource): Statement[] {
  const out: Statement[] = [];
  asList(valueAt(doc.values, 'statement')).forEach((item, index) => {
    const st = asObject(item);
    if (!st) return;
    const allow = (asString(st['effect']) ?? 'Allow') === 'Allow';
    const principals = (block: Value | undefined): Record<string, string[]> | undefined => {
      const list = asList(block).map(asObject);
      if (list.length === 0) return undefined;
      const out: Record<string, string[]> = dict();
      for (const p of list) if (p) (own(out, text(p['type'] ?? null)) ?? (out[text(p['type'] ?? null)] = [])).push(...asList(p['identifiers']).map(text));
      return out;
    };
    out.push({
      index,
      allow,
      principal: principalKind(principals(st['principals']), principals(st['not_principals']), allow),
      actions: asList(st['actions']).map(text),
      notActions: asList(st['not_actions']).map(text),
      resources: asList(st['resources']).map(text),
      conditions: asList(st['condition'])
        .map(asObject)
        .filter((c): c is { readonly [k: string]: Value } => !!c)
        .map((c) => ({ op: text(c['test'] ?? null), key: text(c['variable'] ?? null), values: asList(c['values']).map(text) })),
    });
  });
  return out;
}

/** A document value as text, with markers for values known only after apply. */
function text(value: Value): string {
  if (isUnknown(value)) return unknownIsAttribute(value) ? REF_MARK : ANY_MARK;
  if (typeof value === 'string') return value.replace(/\$\{([^{}]*)\}/g, (_, expr: string) => (isAttributeReference(expr) ? REF_MARK : ANY_MARK));
  return textOf(value);
}

function unknownIsAttribute(value: Unknown): boolean {
  const expr = /^\$\{([^{}]*)\}/.exec(value.reason)?.[1];
  return expr !== undefined && isAttributeReference(expr.trim());
}

/** `aws_iam_role.r.arn`, `data.aws_caller_identity.c.account_id`: an attribute of something that exists, never a wildcard. */
function isAttributeReference(expr: string): boolean {
  // A resource inside a module (`module.q.data.aws_caller_identity.c.account_id`) is one too.
  expr = expr.replace(/^(module\.[\w-]+(\[[^\]]*\])?\.)+(?=(data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.)/, '');
  if (/^(var|local|module|each|count|path|terraform|self)\./.test(expr)) return false;
  return /^(data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.[a-z_]+$/.test(expr);
}
