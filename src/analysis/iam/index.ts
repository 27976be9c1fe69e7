import type { ResourceGraph } from '../../model/graph.js';
import type { CatalogAction, IamCatalog } from '../../model/catalog.js';
import type { Location, ServiceType } from '../../model/types.js';
import type { Capability } from '../../model/policy.js';
import type { Evidence } from '../../model/findings.js';
import { usageError } from '../../errors.js';
import { globMatch, hasWildcard } from '../../model/glob.js';
import { ActionIndex } from './actions.js';
import { PolicyCollector, type AppliedPolicy, type Principal } from './collect.js';
import { normalizeContext, type NormalizedContext } from './conditions.js';
import { hasFragment, statementJson, type Statement } from './document.js';
import { decideRequest, newDecideCache, type Decided, type Decision, type Request, type StatementHit, type Witness } from './evaluate.js';
import { dict } from '../../model/dict.js';

export type { AppliedPolicy, Principal } from './collect.js';
export type { Statement } from './document.js';
export type { Decision, Witness } from './evaluate.js';
export { coversEveryResource } from './evaluate.js';
export { ActionIndex, globsIntersect } from './actions.js';

/** A request context: condition key -> value(s), e.g. `{ "ec2:InstanceType": "p4d.24xlarge" }`. */
export type RequestContext = Readonly<Record<string, string | readonly string[]>>;

export interface EvaluateOptions {
  /**
   * The context is the whole request: keys it lacks are absent (IAM semantics for absent keys).
   * Default false: a condition on a key the context lacks makes the answer `conditional`.
   */
  readonly completeContext?: boolean;
}

export interface Evaluation {
  /** Canonical action name. */
  readonly action: string;
  readonly resource?: string;
  /**
   * `allow`: allowed outright. `deny`: an explicit Deny applies. `implicit-deny`: nothing allows it
   * (or the boundary caps it). `conditional`: allowed only when `conditions` hold. `unknown`: the
   * answer depends on a value known only after apply (an unreadable document, an ARN).
   */
  readonly decision: Decision;
  /** What a conditional/unknown answer waits for, in IAM's words (`StringLike ec2:InstanceType = [t3.*]`). */
  readonly conditions: readonly string[];
  /** The statements that grant, the Deny that cancels, the boundary that caps, the unreadable document. */
  readonly evidence: readonly Evidence[];
  /** One request the answer is about (for `allow`, `conditional`, and `unknown` when one exists). */
  readonly witness?: Witness;
}

export interface GrantedAction {
  readonly action: string;
  readonly decision: 'allow' | 'conditional' | 'unknown';
  readonly conditions: readonly string[];
  readonly evidence: readonly Evidence[];
}

export interface CapabilityGrants {
  readonly capability: string;
  /** Actions of the capability the principal is allowed (outright, conditionally or maybe), sorted. */
  readonly actions: readonly string[];
  /** Some action is allowed outright. */
  readonly held: boolean;
  /** Nothing is allowed outright, but some action is allowed under conditions (or pending an unknown value). */
  readonly conditional: boolean;
  /** Some answer depends on a value known only after apply. */
  readonly undecided: boolean;
  readonly grants: readonly GrantedAction[];
  /** The granting statements (deduplicated), then the Denies/conditions that narrow them. */
  readonly evidence: readonly Evidence[];
}

/** An action of a capability the identity policies allow but the permissions boundary stops. */
interface BlockedGrant {
  readonly action: string;
  /** `blocked`: the boundary stops it. `unknown`: a document known only after apply decides whether it is asked for or blocked. */
  readonly decision: 'blocked' | 'unknown';
  /** Conditions of the identity grant, and what an unknown answer waits for. */
  readonly conditions: readonly string[];
  /** The granting statements, the boundary statement (or boundary) that stops them, the unreadable documents. */
  readonly evidence: readonly Evidence[];
}

export interface BoundaryBlockedGrants {
  readonly capability: string;
  /** Actions of the capability asked for and stopped only by the boundary (or maybe), sorted. */
  readonly actions: readonly string[];
  /** Every answer depends on a value known only after apply. */
  readonly undecided: boolean;
  readonly grants: readonly BlockedGrant[];
  readonly evidence: readonly Evidence[];
}

/** One row of `hybridguard query who-can` (JSON contract): one principal allowed one action. */
export interface WhoCanEntry {
  readonly address: string;
  /** The action (canonical spelling): ACTION itself, or each action a pattern matches. */
  readonly action: string;
  readonly serviceType: ServiceType | null;
  /** Allowed only for some request contexts (the conditions are in the evidence). */
  readonly conditional: boolean;
  /** Set when the answer depends on a value known only after apply: what it waits for. */
  readonly undecided?: string;
  /** Granting statement, boundary, the Denies that removed part of the resources, the witness request. */
  readonly evidence: readonly Evidence[];
}

export interface UnknownActionUse {
  readonly pattern: string;
  readonly policy: AppliedPolicy;
  readonly statement: Statement;
  /** Where the statement is written (data source statement block, or the policy attribute). */
  readonly location: Location;
}

/** Effective IAM permissions of every role and user of the stack, computed lazily per question and cached. */
export interface IamFacts {
  readonly principals: readonly Principal[];
  principal(address: string): Principal | undefined;
  /** Every policy document in the input (attached or not) and every attached AWS managed policy. */
  documents(): readonly AppliedPolicy[];
  /**
   * Catalog actions a pattern matches (case-insensitive glob); none when it names nothing real.
   * Lazy: for `*`, the catalog is read only as far as the caller goes.
   */
  actionsMatching(pattern: string): Iterable<CatalogAction>;
  evaluate(principal: Principal, action: string, resourceArn?: string, context?: RequestContext, options?: EvaluateOptions): Evaluation;
  /** The decision alone (no evidence), for checks that test many actions. Same semantics as `evaluate`. */
  decisionOf(principal: Principal, action: string, resourceArn?: string): Decision;
  capabilityGrants(principal: Principal, capabilityName: string): CapabilityGrants;
  /**
   * Actions of the capability the identity policies allow (outright, conditionally or maybe) and
   * no identity Deny refuses, that only the permissions boundary stops (its Deny, or its Allows
   * leaving them out). Empty for a principal without a boundary.
   */
  boundaryBlockedGrants(principal: Principal, capabilityName: string): BoundaryBlockedGrants;
  /** Every action the principal may perform on at least one resource (outright, conditionally or maybe), sorted. */
  allowedActions(principal: Principal): readonly GrantedAction[];
  /** Principals allowed `action` (a name or pattern) on at least one resource, or on `resourceArn`. Sorted by address. */
  whoCan(action: string, resourceArn?: string): readonly WhoCanEntry[];
  /** Action names in written policies that match no real action. */
  unknownActions(): readonly UnknownActionUse[];
}

const RANK: Record<Decision, number> = { allow: 4, conditional: 3, unknown: 2, 'implicit-deny': 1, deny: 0 };

/** How a policy is named in messages. */
export function describePolicy(p: AppliedPolicy): string {
  const via = p.attachedBy?.address ? ` attached by ${p.attachedBy.address}` : '';
  const group = p.viaGroup ? ` via group ${p.viaGroup}` : '';
  switch (p.kind) {
    case 'aws-managed':
      return `AWS managed policy ${p.name}${via}${group}`;
    case 'inline':
      return `inline policy "${p.name}" of ${p.location.address ?? '?'}`;
    case 'customer-managed':
      return `${p.location.address ?? `policy ${p.name}`}${via}${group}`;
    case 'unresolved':
      return `unresolved policy (${p.name})${via}`;
    default:
      return `${p.location.address ?? p.name}${group}`;
  }
}

/** `<policy> cannot be read before apply: <why>` (an unresolved policy is named by why it is unknown: said once). */
export const unreadableText = (p: AppliedPolicy): string =>
  p.kind === 'unresolved'
    ? `${describePolicy(p)} cannot be read before apply`
    : `${describePolicy(p)} cannot be read before apply: ${p.document.unknown ?? ''}`;

function statementLabel(s: Statement): string {
  return `statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

function scope(s: Statement): string {
  const what = s.action ? s.action.join(', ') : `everything except ${s.notAction?.join(', ') ?? ''}`;
  const on = s.resource ? s.resource.join(', ') : `everything except ${s.notResource?.join(', ') ?? ''}`;
  return `${what} on ${on}`;
}

function policyData(p: AppliedPolicy, s: Statement) {
  return {
    policy: p.name,
    policyKind: p.kind,
    ...(p.arn ? { arn: p.arn } : {}),
    ...(p.attachedBy?.address ? { attachedBy: p.attachedBy.address } : {}),
    ...(p.viaGroup ? { viaGroup: p.viaGroup } : {}),
    statementIndex: s.index,
    ...(s.sid ? { sid: s.sid } : {}),
    statement: statementJson(s),
  };
}

export function statementEvidence(hit: StatementHit<AppliedPolicy>, verb: string): Evidence {
  const { policy, statement } = hit;
  const where = statement.origin?.address && statement.origin.address !== policy.location.address ? ` (written in ${statement.origin.address})` : '';
  const when = hit.notes.length > 0 ? ` when ${hit.notes.map((n) => n.text).join(' and ')}` : '';
  return {
    kind: 'statement',
    message: `${statementLabel(statement)} of ${describePolicy(policy)}${where} ${verb} ${scope(statement)}${when}`,
    location: statement.origin ?? policy.location,
    data: policyData(policy, statement),
  };
}

function decisionEvidence(d: Decided<AppliedPolicy>, action: string): Evidence[] {
  const out: Evidence[] = [];
  if (d.decision === 'deny') {
    for (const hit of d.denies) out.push(statementEvidence(hit, `denies ${action}:`));
    for (const hit of d.grants) out.push(statementEvidence(hit, `would allow ${action}:`));
    return out;
  }
  for (const hit of d.grants) out.push(statementEvidence(hit, 'allows'));
  if (d.cappedBy) {
    out.push({
      kind: 'boundary',
      message: `permissions boundary ${describePolicy(d.cappedBy)} does not allow ${action}`,
      location: d.cappedBy.location,
      data: { policy: d.cappedBy.name, policyKind: d.cappedBy.kind, ...(d.cappedBy.arn ? { arn: d.cappedBy.arn } : {}) },
    });
  } else {
    for (const hit of d.boundaryAllows) out.push(statementEvidence(hit, 'lets through (permissions boundary)'));
  }
  const denyVerb = d.decision === 'allow' ? `denies ${action} on part of the resources:` : `denies ${action}`;
  for (const hit of d.denies) out.push(statementEvidence(hit, denyVerb));
  if (d.witness) out.push(witnessEvidence(action, d.witness));
  for (const p of d.unknownPolicies) {
    out.push({
      kind: 'unknown-policy',
      message: unreadableText(p),
      location: p.location,
      data: { policy: p.name, policyKind: p.kind, ...(p.document.unknown !== undefined ? { unknown: p.document.unknown } : {}) },
    });
  }
  return out;
}

/** The request the answer is about: `for example sagemaker:CreateModelPackage on arn:... with aws:PrincipalTag/team = ml`. */
function witnessEvidence(action: string, w: Witness): Evidence {
  const keys = Object.keys(w.context);
  const context = keys.map((k) => {
    const v = w.context[k];
    return `${k} = ${typeof v === 'string' ? v : `[${(v ?? []).join(', ')}]`}`;
  });
  const absent = keys.length === 0 ? '' : ` with ${context.join(', ')}`;
  return {
    kind: 'witness',
    message: `for example ${action} on ${w.resource}${absent}`,
    data: { action, resource: w.resource, context: dict(keys.map((k): [string, string | string[]] => [k, w.context[k] as string | string[]])) },
  };
}

/** Policy variables the principal fixes: a user's name for `aws:username`; a role has none. */
function principalVariables(p: Principal): ReadonlyMap<string, string | null> {
  if (p.kind === 'role') return new Map([['aws:username', null]]);
  return p.name !== undefined ? new Map([['aws:username', p.name]]) : new Map();
}

export function analyzeIam(graph: ResourceGraph, catalog: IamCatalog, capabilities: ReadonlyMap<string, Capability>): IamFacts {
  const index = new ActionIndex(catalog);
  const collector = new PolicyCollector(graph, catalog);
  const principals = collector.collect();
  const byAddress = new Map(principals.map((p) => [p.address, p]));
  const cache = newDecideCache();
  const variablesOf = new Map<string, ReadonlyMap<string, string | null>>();
  const emptyContext = normalizeContext(undefined);

  const catalogAction = (name: string): CatalogAction => {
    const found = catalog.action(name);
    if (!found)
      throw usageError(`${name} is not a known IAM action`, 'an action of the IAM service authorization reference, such as sagemaker:CreateTrainingJob');
    return found;
  };

  /**
   * Per principal, the action patterns of its Allow statements (`null`: anything may be allowed,
   * as with NotAction or an unreadable document). An action no pattern matches is implicitly
   * denied without evaluating a statement: most (role, capability action) pairs of a large stack
   * end here.
   */
  interface AllowIndex {
    readonly byService: Map<string, string[]>;
    readonly anyService: string[];
  }
  const allowIndexes = new Map<string, AllowIndex | null>();
  const allowIndexOf = (principal: Principal): AllowIndex | null => {
    const cached = allowIndexes.get(principal.address);
    if (cached !== undefined) return cached;
    let result: AllowIndex | null = { byService: new Map(), anyService: [] };
    outer: for (const policy of principal.identityPolicies) {
      if (policy.document.unknown !== undefined) {
        result = null;
        break;
      }
      for (const s of policy.document.statements) {
        if (s.effect !== 'Allow') continue;
        if (!s.action) {
          result = null;
          break outer;
        }
        for (const raw of s.action) {
          const pattern = (hasFragment(raw) ? raw.replace(/\$\{[^}]*\}/g, '*') : raw).toLowerCase();
          const colon = pattern.indexOf(':');
          const service = colon < 0 ? pattern : pattern.slice(0, colon);
          if (hasWildcard(service)) result.anyService.push(pattern);
          else {
            const list = result.byService.get(service);
            if (list) list.push(pattern);
            else result.byService.set(service, [pattern]);
          }
        }
      }
    }
    allowIndexes.set(principal.address, result);
    return result;
  };
  /** Lower-case action names, made once per action (a large stack asks about the same actions for every principal). */
  const lowerNames = new Map<string, string>();
  const lowerName = (action: CatalogAction): string => {
    let name = lowerNames.get(action.action);
    if (name === undefined) lowerNames.set(action.action, (name = action.action.toLowerCase()));
    return name;
  };
  /** False when no Allow pattern of the principal can name an action of `service` (a lower-case prefix). */
  const mayAllowService = (principal: Principal, service: string): boolean => {
    const allow = allowIndexOf(principal);
    return allow === null || allow.anyService.length > 0 || allow.byService.has(service);
  };
  /** False when no Allow pattern of the principal can match the action (then it is implicitly denied, whatever else holds). */
  const mayAllow = (principal: Principal, action: CatalogAction): boolean => {
    const allow = allowIndexOf(principal);
    if (allow === null) return true;
    const sameService = allow.byService.get(action.service);
    if (!sameService && allow.anyService.length === 0) return false;
    const name = lowerName(action);
    return (sameService ?? []).some((p) => globMatch(p, name, false)) || allow.anyService.some((p) => globMatch(p, name, false));
  };
  const nothingAllows: Decided<AppliedPolicy> = { decision: 'implicit-deny', grants: [], denies: [], boundaryAllows: [], unknownPolicies: [], conditions: [] };

  /** `identityOnly`: what the identity policies alone answer, as if the principal had no boundary. */
  const decideFor = (principal: Principal, request: Request, identityOnly = false): Decided<AppliedPolicy> => {
    if (!mayAllow(principal, request.action)) return nothingAllows;
    let variables = variablesOf.get(principal.address);
    if (!variables) variablesOf.set(principal.address, (variables = principalVariables(principal)));
    return decideRequest(principal.identityPolicies, identityOnly ? undefined : principal.boundary, { ...request, variables }, { index, cache });
  };

  const toEvaluation = (d: Decided<AppliedPolicy>, request: Request): Evaluation => ({
    action: request.action.action,
    ...(request.resource !== undefined ? { resource: request.resource } : {}),
    decision: d.decision,
    conditions: d.conditions.map((c) => c.text),
    evidence: decisionEvidence(d, request.action.action),
    ...(d.witness ? { witness: d.witness } : {}),
  });

  /** Best answer for an action over the alternatives of a request context (any one alternative granting is enough). */
  const bestOver = (
    principal: Principal,
    action: CatalogAction,
    grant: { readonly resource: string | undefined; readonly excluded: readonly string[] },
    alternatives: readonly NormalizedContext[],
    identityOnly = false,
  ) => {
    const { resource, excluded } = grant;
    const base: Request = { action, ...(resource !== undefined ? { resource } : excluded.length ? { excluded } : {}), context: emptyContext, complete: false };
    const first = decideFor(principal, base, identityOnly);
    // Without context: implicit-deny/deny cannot become an allow by adding context, and allow needs no context.
    if (first.decision !== 'conditional' && first.decision !== 'unknown') return { decided: first, request: base };
    if (alternatives.length === 0) return { decided: first, request: base };
    let best: { decided: Decided<AppliedPolicy>; request: Request } | undefined;
    for (const alt of distinctAlternatives(principal, alternatives)) {
      const request: Request = { ...base, context: alt };
      const decided = decideFor(principal, request, identityOnly);
      if (!best || RANK[decided.decision] > RANK[best.decided.decision]) best = { decided, request };
      if (decided.decision === 'allow') break;
    }
    return best ?? { decided: first, request: base };
  };

  const grantedOf = (d: Decided<AppliedPolicy>, request: Request): GrantedAction | undefined => {
    if (d.decision !== 'allow' && d.decision !== 'conditional' && d.decision !== 'unknown') return undefined;
    const e = toEvaluation(d, request);
    return { action: e.action, decision: d.decision, conditions: e.conditions, evidence: e.evidence };
  };

  /** A capability resolved once: its grants' actions expanded, their request contexts normalized. */
  interface GrantPlan {
    readonly actions: readonly CatalogAction[];
    /** The same actions by service, in their order: a principal no Allow of which names the service skips them all. */
    readonly byService: ReadonlyMap<string, readonly CatalogAction[]>;
    readonly alternatives: readonly NormalizedContext[];
    readonly resource: string | undefined;
    /** Resources on which AWS refuses the action whatever the policies say: never a witness. */
    readonly excluded: readonly string[];
  }
  const plans = new Map<string, readonly GrantPlan[]>();
  const planOf = (name: string): readonly GrantPlan[] => {
    const cached = plans.get(name);
    if (cached) return cached;
    const capability = capabilities.get(name);
    if (!capability) throw usageError(`capability ${name} is not defined`, 'a capability of policies/capabilities.yaml or a --policy file');
    const plan = capability.grants.map((grant) => {
      const actions = grant.actions.flatMap((p) => index.expand(p));
      const byService = new Map<string, CatalogAction[]>();
      for (const action of actions) {
        const list = byService.get(action.service);
        if (list) list.push(action);
        else byService.set(action.service, [action]);
      }
      return {
        actions,
        byService,
        alternatives: contextAlternatives(grant.requestContext).map(normalizeContext),
        resource: grant.resource,
        excluded: grant.notResource ?? [],
      };
    });
    plans.set(name, plan);
    return plan;
  };
  /**
   * Does the boundary alone stop what the identity policies allow? It does when the whole decision
   * refuses what the identity policies alone allow (identity Denies are in both): by a boundary Deny,
   * or by allowing none of it. `undefined`: it lets it through (perhaps conditionally).
   */
  const boundaryStop = (
    principal: Principal,
    boundary: AppliedPolicy,
    request: Request,
  ): { decision: 'blocked' | 'unknown'; evidence: Evidence[]; conditions: string[] } | undefined => {
    const whole = decideFor(principal, request);
    const action = request.action.action;
    if (whole.decision === 'allow' || whole.decision === 'conditional') return undefined;
    if (whole.decision === 'unknown') {
      if (boundary.document.unknown !== undefined) {
        return {
          decision: 'unknown',
          evidence: [
            {
              kind: 'unknown-policy',
              message: `permissions boundary ${unreadableText(boundary)}`,
              location: boundary.location,
              data: {
                policy: boundary.name,
                policyKind: boundary.kind,
                unknown: boundary.document.unknown,
              },
            },
          ],
          conditions: [],
        };
      }
      const pending = whole.denies.filter((hit) => hit.policy === boundary);
      if (pending.length === 0) return undefined;
      return {
        decision: 'unknown',
        evidence: pending.map((hit) => statementEvidence(hit, `may deny ${action}:`)),
        conditions: whole.conditions.filter((c) => c.unknown).map((c) => c.text),
      };
    }
    const boundaryDenies = whole.denies.filter((hit) => hit.policy === boundary);
    if (boundaryDenies.length > 0) return { decision: 'blocked', evidence: boundaryDenies.map((hit) => statementEvidence(hit, 'denies')), conditions: [] };
    return {
      decision: 'blocked',
      evidence: [
        {
          kind: 'boundary',
          message: `permissions boundary ${describePolicy(boundary)} does not allow ${action}`,
          location: boundary.location,
          data: { policy: boundary.name, policyKind: boundary.kind, ...(boundary.arn ? { arn: boundary.arn } : {}) },
        },
      ],
      conditions: [],
    };
  };
  const blockedCache = new Map<string, BoundaryBlockedGrants>();
  const capabilityCache = new Map<string, CapabilityGrants>();
  const allowedCache = new Map<string, readonly GrantedAction[]>();
  let documentsCache: readonly AppliedPolicy[] | undefined;
  let unknownCache: readonly UnknownActionUse[] | undefined;

  const facts: IamFacts = {
    principals,
    principal: (address) => byAddress.get(address),
    documents: () => (documentsCache ??= collector.allDocuments()),
    actionsMatching: (pattern) => index.matching(pattern),

    evaluate(principal, action, resourceArn, context, options) {
      const request: Request = {
        action: catalogAction(action),
        ...(resourceArn !== undefined ? { resource: resourceArn } : {}),
        context: normalizeContext(context),
        complete: options?.completeContext ?? false,
      };
      return toEvaluation(decideFor(principal, request), request);
    },

    decisionOf(principal, action, resourceArn) {
      const request: Request = {
        action: catalogAction(action),
        ...(resourceArn !== undefined ? { resource: resourceArn } : {}),
        context: emptyContext,
        complete: false,
      };
      return decideFor(principal, request).decision;
    },

    capabilityGrants(principal, capabilityName) {
      const key = `${principal.address}\n${capabilityName}`;
      const cached = capabilityCache.get(key);
      if (cached) return cached;
      const plan = planOf(capabilityName);
      const byAction = new Map<string, GrantedAction>();
      for (const grant of plan) {
        for (const [service, actions] of grant.byService) {
          if (!mayAllowService(principal, service)) continue;
          for (const action of actions) {
            if (!mayAllow(principal, action)) continue;
            const { decided, request } = bestOver(principal, action, grant, grant.alternatives);
            const granted = grantedOf(decided, request);
            if (!granted) continue;
            const previous = byAction.get(granted.action);
            if (!previous || RANK[granted.decision] > RANK[previous.decision]) byAction.set(granted.action, granted);
          }
        }
      }
      const grants = [...byAction.values()].sort((a, b) => cmp(a.action, b.action));
      const held = grants.some((g) => g.decision === 'allow');
      const result: CapabilityGrants = {
        capability: capabilityName,
        actions: grants.map((g) => g.action),
        held,
        conditional: !held && grants.length > 0,
        undecided: grants.some((g) => g.decision === 'unknown'),
        grants,
        evidence: dedupeEvidence(grants.flatMap((g) => g.evidence)),
      };
      capabilityCache.set(key, result);
      return result;
    },

    boundaryBlockedGrants(principal, capabilityName) {
      const key = `${principal.address}\n${capabilityName}`;
      const cached = blockedCache.get(key);
      if (cached) return cached;
      const byAction = new Map<string, BlockedGrant>();
      const boundary = principal.boundary;
      for (const grant of boundary ? planOf(capabilityName) : []) {
        for (const [service, actions] of grant.byService) {
          if (!mayAllowService(principal, service)) continue;
          for (const action of actions) {
            if (!boundary || !mayAllow(principal, action)) continue;
            const { decided, request } = bestOver(principal, action, grant, grant.alternatives, true);
            if (decided.decision === 'deny' || decided.decision === 'implicit-deny') continue;
            const stop = boundaryStop(principal, boundary, request);
            if (!stop) continue;
            const unknown = decided.decision === 'unknown' || stop.decision === 'unknown';
            const identity = toEvaluation(decided, request);
            // The example request is the identity policies' own: not evidence of what the principal holds.
            const identityEvidence = identity.evidence.filter((e) => e.kind !== 'witness');
            const blocked: BlockedGrant = {
              action: action.action,
              decision: unknown ? 'unknown' : 'blocked',
              conditions: [...new Set([...identity.conditions, ...stop.conditions])],
              evidence: [...identityEvidence, ...stop.evidence],
            };
            const previous = byAction.get(blocked.action);
            if (!previous || (previous.decision === 'unknown' && blocked.decision === 'blocked')) byAction.set(blocked.action, blocked);
          }
        }
      }
      const grants = [...byAction.values()].sort((a, b) => cmp(a.action, b.action));
      // "Does not allow" once for the capability, naming every action it leaves out.
      const notAllowed = grants.filter((g) => g.evidence.some((e) => e.kind === 'boundary')).map((g) => g.action);
      const shown = notAllowed.length > 4 ? `${notAllowed.slice(0, 4).join(', ')} and ${notAllowed.length - 4} more` : notAllowed.join(', ');
      const evidence = grants.flatMap((g) =>
        g.evidence.map((e) =>
          e.kind === 'boundary' && boundary ? { ...e, message: `permissions boundary ${describePolicy(boundary)} does not allow ${shown}` } : e,
        ),
      );
      const result: BoundaryBlockedGrants = {
        capability: capabilityName,
        actions: grants.map((g) => g.action),
        undecided: grants.length > 0 && grants.every((g) => g.decision === 'unknown'),
        grants,
        evidence: dedupeEvidence(evidence),
      };
      blockedCache.set(key, result);
      return result;
    },

    allowedActions(principal) {
      const cached = allowedCache.get(principal.address);
      if (cached) return cached;
      // Candidates: what Allow statements name (NotAction: the whole catalog). Then decide each one.
      const candidates = new Map<string, CatalogAction>();
      for (const policy of principal.identityPolicies) {
        for (const s of policy.document.statements) {
          if (s.effect !== 'Allow') continue;
          const patterns = s.action ?? ['*'];
          for (const p of patterns) {
            if (hasFragment(p)) continue;
            for (const a of index.expand(p)) candidates.set(a.action, a);
          }
        }
      }
      const out: GrantedAction[] = [];
      for (const action of candidates.values()) {
        const request: Request = { action, context: emptyContext, complete: false };
        const granted = grantedOf(decideFor(principal, request), request);
        if (granted) out.push(granted);
      }
      out.sort((a, b) => cmp(a.action, b.action));
      allowedCache.set(principal.address, out);
      return out;
    },

    whoCan(action, resourceArn) {
      const actions = hasWildcard(action) ? index.expand(action) : [catalogAction(action)];
      if (actions.length === 0) throw usageError(`${action} matches no IAM action`, 'an action or a pattern such as sagemaker:Create*');
      const out: WhoCanEntry[] = [];
      for (const a of actions) {
        for (const principal of principals) {
          const r: Request = { action: a, ...(resourceArn !== undefined ? { resource: resourceArn } : {}), context: emptyContext, complete: false };
          const d = decideFor(principal, r);
          if (d.decision !== 'allow' && d.decision !== 'conditional' && d.decision !== 'unknown') continue;
          const undecided = d.decision === 'unknown' ? undecidedReason(d) : undefined;
          out.push({
            address: principal.address,
            action: a.action,
            serviceType: principal.serviceType?.type ?? null,
            conditional: d.decision === 'conditional' || (d.decision === 'unknown' && d.conditions.some((c) => !c.unknown)),
            ...(undecided !== undefined ? { undecided } : {}),
            evidence: toEvaluation(d, r).evidence,
          });
        }
      }
      return out.sort((x, y) => cmp(x.address, y.address) || cmp(x.action, y.action));
    },

    unknownActions() {
      if (unknownCache) return unknownCache;
      const out: UnknownActionUse[] = [];
      const seen = new Set<string>();
      for (const policy of facts.documents()) {
        if (policy.kind === 'aws-managed') continue; // AWS's own text: not the user's to fix
        for (const statement of policy.document.statements) {
          for (const pattern of [...(statement.action ?? []), ...(statement.notAction ?? [])]) {
            if (hasFragment(pattern) || index.matchesAny(pattern)) continue;
            const location = statement.origin ?? policy.location;
            const key = `${location.address ?? ''}|${location.jsonPointer ?? ''}|${statement.index}|${pattern}`;
            if (seen.has(key)) continue;
            seen.add(key);
            out.push({ pattern, policy, statement, location });
          }
        }
      }
      return (unknownCache = out);
    },
  };
  return facts;
}

/** What an undecided answer waits for: the unreadable documents, then the apply-time values in statements. */
function undecidedReason(d: Decided<AppliedPolicy>): string {
  const reasons = [...d.unknownPolicies.map(unreadableText), ...d.conditions.filter((c) => c.unknown).map((c) => c.text)];
  return reasons.length > 0 ? [...new Set(reasons)].join('; ') : 'a value known only after apply';
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
      .map(
        ([key, values]) =>
          `${key}=${values
            .map((v) =>
              (patterns.get(key) ?? [])
                .map((p) => `${globMatch(p, v, false) ? 1 : 0}${globMatch(p, v, true) ? 1 : 0}${p === v ? 1 : 0}${p.toLowerCase() === v.toLowerCase() ? 1 : 0}`)
                .join(''),
            )
            .join(',')}`,
      )
      .sort()
      .join('|');
    if (seen.has(signature)) continue;
    seen.add(signature);
    out.push(alt);
  }
  return out;
}

/** `{ k1: [a, b], k2: [c] }` -> `[{k1: a, k2: c}, {k1: b, k2: c}]`; each alternative is one possible request. */
function contextAlternatives(context: Readonly<Record<string, readonly string[]>> | undefined): RequestContext[] {
  if (!context) return [];
  let out: Record<string, string>[] = [dict()];
  for (const [key, values] of Object.entries(context)) {
    const next: Record<string, string>[] = [];
    for (const partial of out) for (const v of values) next.push(dict({ ...partial, [key]: v }));
    out = next;
  }
  return out;
}

function dedupeEvidence(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const e of evidence) {
    // One statement grants many actions: keep it once, with a message not tied to one action.
    const key = `${e.kind}|${e.location?.address ?? ''}|${e.location?.jsonPointer ?? ''}|${JSON.stringify(e.data ?? null)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
