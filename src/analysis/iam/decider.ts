import type { CatalogAction } from '../../model/catalog.js';
import { globMatch } from '../../model/glob.js';
import type { ActionIndex } from './actions.js';
import { ActionPrefilter } from './action-prefilter.js';
import type { AppliedPolicy, Principal } from './collect.js';
import { normalizeContext, type NormalizedContext } from './conditions.js';
import { decideRequest, decisionOfRequest, newDecideCache, type Decided, type Decision, type Request } from './evaluate.js';

/** Which answer is better for the principal (any one request granting is enough). */
export const RANK: Record<Decision, number> = { allow: 4, conditional: 3, unknown: 2, 'implicit-deny': 1, deny: 0 };

const NOTHING_ALLOWS: Decided<AppliedPolicy> = { decision: 'implicit-deny', grants: [], denies: [], boundaryAllows: [], unknownPolicies: [], conditions: [] };

/** Where a capability grant applies: one resource, or "some resource" outside the excluded ones. */
export interface GrantScope {
  readonly resource: string | undefined;
  /** Resources on which AWS refuses the action whatever the policies say: never a witness. */
  readonly excluded: readonly string[];
}

/**
 * Decides requests for the principals of one analysis run, with the state the run shares: the
 * statement evaluator's cache, each principal's policy variables and action prefilter.
 */
export class Decider {
  readonly prefilter = new ActionPrefilter();
  /** The request context of a question that names none. */
  readonly emptyContext = normalizeContext(undefined);
  private readonly cache = newDecideCache();
  private readonly variablesOf = new Map<string, ReadonlyMap<string, string | null>>();

  constructor(private readonly index: ActionIndex) {}

  /** A request for `action` on `resourceArn` (or on at least one resource) in no particular context. */
  request(action: CatalogAction, resourceArn?: string): Request {
    return { action, ...(resourceArn !== undefined ? { resource: resourceArn } : {}), context: this.emptyContext, complete: false };
  }

  /** `identityOnly`: what the identity policies alone answer, as if the principal had no boundary. */
  decide(principal: Principal, request: Request, identityOnly = false): Decided<AppliedPolicy> {
    if (!this.prefilter.mayAllow(principal, request.action)) return NOTHING_ALLOWS;
    const boundary = identityOnly ? undefined : principal.boundary;
    // Asked again (by another rule, or for another principal with the same documents), the answer comes from the cache's decisions.
    return decideRequest(principal.identityPolicies, boundary, this.withVariables(principal, request), { index: this.index, cache: this.cache });
  }

  /**
   * The decision alone, as `decide` answers it. A boundary that names no statement for the action
   * caps it: with no identity Deny naming it and every document known, it is implicitly denied,
   * found without deciding (a role with ReadOnlyAccess under a narrow boundary is asked about
   * thousands of such actions).
   */
  decision(principal: Principal, request: Request): Decision {
    const { action } = request;
    if (!this.prefilter.mayAllow(principal, action)) return NOTHING_ALLOWS.decision;
    if (principal.boundary && !this.prefilter.boundaryMayName(principal, action) && !this.prefilter.mayDeny(principal, action)) return 'implicit-deny';
    return decisionOfRequest(principal.identityPolicies, principal.boundary, this.withVariables(principal, request), { index: this.index, cache: this.cache });
  }

  private withVariables(principal: Principal, request: Request): Request {
    let variables = this.variablesOf.get(principal.address);
    if (!variables) this.variablesOf.set(principal.address, (variables = principalVariables(principal)));
    return { ...request, variables };
  }

  /** Best answer for an action over the alternatives of a request context (any one alternative granting is enough). */
  bestOver(
    principal: Principal,
    action: CatalogAction,
    grant: GrantScope,
    alternatives: readonly NormalizedContext[],
    identityOnly = false,
  ): { decided: Decided<AppliedPolicy>; request: Request } {
    const { resource, excluded } = grant;
    const where = resource !== undefined ? { resource } : excluded.length ? { excluded } : {};
    const base: Request = { action, ...where, context: this.emptyContext, complete: false };
    const first = this.decide(principal, base, identityOnly);
    // Without context: implicit-deny/deny cannot become an allow by adding context, and allow needs no context.
    if (first.decision !== 'conditional' && first.decision !== 'unknown') return { decided: first, request: base };
    if (alternatives.length === 0) return { decided: first, request: base };
    let best: { decided: Decided<AppliedPolicy>; request: Request } | undefined;
    for (const alt of distinctAlternatives(principal, alternatives)) {
      const request: Request = { ...base, context: alt };
      const decided = this.decide(principal, request, identityOnly);
      if (!best || RANK[decided.decision] > RANK[best.decided.decision]) best = { decided, request };
      if (decided.decision === 'allow') break;
    }
    return best ?? { decided: first, request: base };
  }
}

/** Policy variables the principal fixes: a user's name for `aws:username`; a role has none. */
function principalVariables(p: Principal): ReadonlyMap<string, string | null> {
  if (p.kind === 'role') return new Map([['aws:username', null]]);
  return p.name !== undefined ? new Map([['aws:username', p.name]]) : new Map();
}

/**
 * The alternatives the principal's policies can tell apart: two request values that every string
 * or ARN condition on their key matches alike (case-sensitively and not) get the same answer, so
 * one of each kind is asked (a t3-only grant is asked once, not once per GPU instance type). Keys
 * tested by other operators, with policy variables or apply-time values, or unreadable documents:
 * every alternative is asked.
 */
function distinctAlternatives(principal: Principal, alternatives: readonly NormalizedContext[]): readonly NormalizedContext[] {
  if (alternatives.length < 2) return alternatives;
  const keys = new Set<string>();
  for (const alt of alternatives) for (const key of alt.keys()) keys.add(key);
  const patterns = new Map<string, string[]>();
  for (const policy of principal.boundary ? [...principal.identityPolicies, principal.boundary] : principal.identityPolicies) {
    if (policy.document.unknown !== undefined) return alternatives;
    for (const statement of policy.document.statements) {
      for (const condition of statement.conditions) {
        const key = condition.key.toLowerCase();
        if (!keys.has(key)) continue;
        if (!/^(for(any|all)values?:)?(string|arn)/i.test(condition.operator) || condition.values.some((v) => v.includes('${'))) return alternatives;
        const list = patterns.get(key) ?? [];
        list.push(...condition.values);
        patterns.set(key, list);
      }
    }
  }
  const seen = new Set<string>();
  const out: NormalizedContext[] = [];
  for (const alt of alternatives) {
    const signature = [...alt.entries()]
      .map(([key, values]) => `${key}=${values.map((v) => matchSignature(patterns.get(key) ?? [], v)).join(',')}`)
      .sort()
      .join('|');
    if (seen.has(signature)) continue;
    seen.add(signature);
    out.push(alt);
  }
  return out;
}

/** How each pattern matches a value: as a glob (case-insensitively, case-sensitively), exactly, exactly but for case. */
function matchSignature(patterns: readonly string[], value: string): string {
  const bit = (b: boolean): string => (b ? '1' : '0');
  return patterns
    .map((p) => `${bit(globMatch(p, value, false))}${bit(globMatch(p, value, true))}${bit(p === value)}${bit(p.toLowerCase() === value.toLowerCase())}`)
    .join('');
}
