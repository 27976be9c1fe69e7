import { globMatch } from '../../model/glob.js';
import { conditionText, type Condition } from './document.js';
import { dict } from '../../model/dict.js';

/**
 * IAM condition operators over a request context. Returns `true`/`false` where the context
 * decides, or a note when it cannot: the key is absent from a partial context, the policy value
 * holds a variable (`${aws:username}`) or an apply-time value, or the operator is one we do not
 * evaluate. A note is never turned into a silent allow or deny.
 */
export interface Note {
  /** `StringLike ec2:InstanceType = [t3.*]` */
  readonly text: string;
  /** True when the answer waits for a value known only after apply, not for a request attribute. */
  readonly unknown: boolean;
}

type Tri = true | false | Note;

/** Request context with lower-cased keys (IAM condition keys are case-insensitive). */
export type NormalizedContext = ReadonlyMap<string, readonly string[]>;

export function normalizeContext(context: Readonly<Record<string, string | readonly string[]>> | undefined): NormalizedContext {
  const out = new Map<string, readonly string[]>();
  if (!context) return out;
  for (const [key, value] of Object.entries(context)) out.set(key.toLowerCase(), typeof value === 'string' ? [value] : value);
  return out;
}

type Matcher = (requestValue: string, policyValue: string) => boolean | undefined;

const NEGATED = new Set([
  'stringnotequals',
  'stringnotequalsignorecase',
  'stringnotlike',
  'arnnotequals',
  'arnnotlike',
  'numericnotequals',
  'datenotequals',
  'notipaddress',
]);

/** ARN match component by component: the first five `:`-separated parts, then the rest (a `*` never spans a colon boundary). */
function arnLike(value: string, pattern: string): boolean {
  const split = (s: string) => {
    const parts = s.split(':');
    return parts.length < 6 ? parts : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const v = split(value);
  const p = split(pattern);
  if (p.length === 1 && p[0] === '*') return true;
  if (v.length !== 6 || p.length !== 6) return false;
  return p.every((part, i) => globMatch(part, v[i] ?? '', false));
}

const numeric = (s: string): number | undefined => {
  if (s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
};
const date = (s: string): number | undefined => {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
};

function ipv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return (((parts[0] ?? 0) << 24) | ((parts[1] ?? 0) << 16) | ((parts[2] ?? 0) << 8) | (parts[3] ?? 0)) >>> 0;
}
function inCidr(ip: string, cidr: string): boolean | undefined {
  const [base, bitsText] = cidr.split('/');
  const a = ipv4(ip);
  const b = ipv4(base ?? '');
  if (a === undefined || b === undefined) return undefined; // IPv6: not evaluated
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (a & mask) === (b & mask);
}

const compare = (parse: (s: string) => number | undefined, test: (a: number, b: number) => boolean): Matcher => (rv, pv) => {
  const a = parse(rv);
  const b = parse(pv);
  return a === undefined || b === undefined ? undefined : test(a, b);
};

/** Positive form of each operator (negated ones are evaluated as "not the positive form"). */
const MATCHERS: Readonly<Record<string, Matcher>> = dict({
  stringequals: (rv, pv) => rv === pv,
  stringequalsignorecase: (rv, pv) => rv.toLowerCase() === pv.toLowerCase(),
  stringlike: (rv, pv) => globMatch(pv, rv, false),
  arnequals: arnLike,
  arnlike: arnLike,
  bool: (rv, pv) => rv.toLowerCase() === pv.toLowerCase(),
  binaryequals: (rv, pv) => rv === pv,
  numericequals: compare(numeric, (a, b) => a === b),
  numericlessthan: compare(numeric, (a, b) => a < b),
  numericlessthanequals: compare(numeric, (a, b) => a <= b),
  numericgreaterthan: compare(numeric, (a, b) => a > b),
  numericgreaterthanequals: compare(numeric, (a, b) => a >= b),
  dateequals: compare(date, (a, b) => a === b),
  datelessthan: compare(date, (a, b) => a < b),
  datelessthanequals: compare(date, (a, b) => a <= b),
  dategreaterthan: compare(date, (a, b) => a > b),
  dategreaterthanequals: compare(date, (a, b) => a >= b),
  ipaddress: inCidr,
});
const POSITIVE_OF: Readonly<Record<string, string>> = dict({
  stringnotequals: 'stringequals',
  stringnotequalsignorecase: 'stringequalsignorecase',
  stringnotlike: 'stringlike',
  arnnotequals: 'arnequals',
  arnnotlike: 'arnlike',
  numericnotequals: 'numericequals',
  datenotequals: 'dateequals',
  notipaddress: 'ipaddress',
});

/** What a condition is evaluated against. */
export interface ConditionEnv {
  readonly context: NormalizedContext;
  /** The context is the whole request: keys it lacks are absent from the request. */
  readonly complete: boolean;
  /** Can the request carry this key (lower case) at all? A key it never carries is absent, whatever `complete` says. */
  readonly carries: (key: string) => boolean;
  /** True for keys that carry several values. */
  readonly multiValued: (key: string) => boolean;
  /** Values the principal fixes (`aws:username` of a user; `null`: no value, as for a role). */
  readonly variables: ReadonlyMap<string, string | null>;
}

const POLICY_VARIABLE = /\$\{([a-z0-9-]+:[^}]*|\*|\?|\$)\}/gi;
const TERRAFORM_FRAGMENT = /\$\{(?![a-z0-9-]+:)(?![*?$]\})[^}]*\}/i;

/**
 * Substitutes IAM policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${*}`) in a
 * policy value. `dead`: a variable has no value (a role's `aws:username`, an absent key), so the
 * value matches nothing. `depends`: a variable whose value comes with the request and is not in
 * the context; the caller decides what "some value" means. Terraform fragments are left as they are.
 */
type Substituted =
  | { readonly kind: 'value'; readonly text: string }
  | { readonly kind: 'dead' }
  | { readonly kind: 'depends'; readonly variables: readonly string[] };

export function substituteVariables(text: string, env: ConditionEnv): Substituted {
  if (!text.includes('${')) return { kind: 'value', text };
  let dead = false;
  const depends: string[] = [];
  const out = text.replace(POLICY_VARIABLE, (whole, name: string) => {
    if (name === '*' || name === '?' || name === '$') return name;
    const key = name.toLowerCase();
    const fixed = env.variables.get(key);
    if (fixed === null) {
      dead = true;
      return whole;
    }
    if (fixed !== undefined) return fixed;
    const values = env.context.get(key);
    if (values !== undefined) {
      // A multivalued key cannot be substituted (IAM documentation, "Policy variables with no value").
      if (values.length !== 1) dead = true;
      return values[0] ?? whole;
    }
    if (env.complete || !env.carries(key)) {
      dead = true;
      return whole;
    }
    depends.push(`\${${name}}`);
    return whole;
  });
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the replace callback above
  if (dead) return { kind: 'dead' };
  if (depends.length > 0) return { kind: 'depends', variables: depends };
  return { kind: 'value', text: out };
}

const hasTerraformFragment = (text: string): boolean => TERRAFORM_FRAGMENT.test(text);

/**
 * One condition (operator, key, values) against the request. A key the request lacks is absent
 * when the context is complete or the action never carries it (the documented absent-key
 * semantics apply); otherwise the condition depends on the request and a note says so.
 */
export function evaluateCondition(condition: Condition, env: ConditionEnv): Tri {
  const note = (unknown = false): Note => ({ text: conditionText(condition), unknown });
  let op = condition.operator.toLowerCase();
  let set: 'any' | 'all' | undefined;
  if (op.startsWith('foranyvalue:')) {
    set = 'any';
    op = op.slice('foranyvalue:'.length);
  } else if (op.startsWith('forallvalues:')) {
    set = 'all';
    op = op.slice('forallvalues:'.length);
  }
  let ifExists = false;
  if (op.endsWith('ifexists') && op !== 'ifexists') {
    ifExists = true;
    op = op.slice(0, -'ifexists'.length);
  }
  const key = condition.key.toLowerCase();
  const fixed = env.variables.get(key);
  const requestValues = fixed === null ? undefined : fixed !== undefined ? [fixed] : env.context.get(key);
  const absentForSure = fixed === null || env.complete || !env.carries(key);

  if (op === 'null') {
    if (requestValues === undefined && !absentForSure) return note();
    const policySaysAbsent = condition.values.map((v) => v.toLowerCase());
    const absent = requestValues === undefined || requestValues.length === 0;
    return policySaysAbsent.some((v) => (v === 'true') === absent);
  }

  const negated = NEGATED.has(op);
  const matcher = MATCHERS[negated ? (POSITIVE_OF[op] ?? op) : op];
  if (!matcher) return note();

  if (requestValues === undefined) {
    if (!absentForSure) return note();
    // The key is absent from the request: IfExists and ForAllValues hold, negated operators hold, the rest fail.
    if (ifExists || set === 'all') return true;
    if (set === 'any') return false;
    return negated;
  }
  // Policy variables in the values: substituted; a value whose variable has no value matches nothing.
  const policyValues: string[] = [];
  for (const v of condition.values) {
    if (hasTerraformFragment(v)) return note(true);
    const s = substituteVariables(v, env);
    if (s.kind === 'depends') return note();
    if (s.kind === 'value') policyValues.push(s.text);
  }

  // A single-valued operator on a multivalued key (sagemaker:InstanceTypes without ForAnyValue/ForAllValues) does not match.
  if (set === undefined && env.multiValued(condition.key)) return false;

  // For one request value: does it match any policy value (positive form)? undefined = cannot tell.
  const matchesOne = (rv: string): boolean | undefined => {
    let undecided = false;
    for (const pv of policyValues) {
      const r = matcher(rv, pv);
      if (r === true) return true;
      if (r === undefined) undecided = true;
    }
    return undecided ? undefined : false;
  };
  const holds = (rv: string): boolean | undefined => {
    const m = matchesOne(rv);
    return m === undefined ? undefined : negated ? !m : m;
  };

  if (set === 'all') {
    let undecided = false;
    for (const rv of requestValues) {
      const h = holds(rv);
      if (h === false) return false;
      if (h === undefined) undecided = true;
    }
    return undecided ? note() : true;
  }
  if (set === 'any') {
    let undecided = false;
    for (const rv of requestValues) {
      const h = holds(rv);
      if (h === true) return true;
      if (h === undefined) undecided = true;
    }
    return undecided ? note() : false;
  }
  // Single-valued use: positive operators hold if some value matches; negated ones if none does.
  let undecided = false;
  let anyMatch = false;
  for (const rv of requestValues) {
    const m = matchesOne(rv);
    if (m === true) anyMatch = true;
    if (m === undefined) undecided = true;
  }
  if (anyMatch) return !negated;
  if (undecided) return note();
  return negated;
}
