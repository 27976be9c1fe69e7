/**
 * What the IAM analysis answers (the contract rules and the CLI read): evaluations, capability
 * grants, what a boundary stops, who can do an action. index.ts re-exports what other layers use.
 */
import type { CatalogAction } from '../../model/catalog.js';
import type { Location, ServiceType } from '../../model/types.js';
import type { Evidence } from '../../model/findings.js';
import type { AppliedPolicy, Principal } from './collect.js';
import type { Statement } from './document.js';
import type { Decision, Witness } from './evaluate.js';

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
export interface BlockedGrant {
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
  /**
   * False when no action of the service (an IAM prefix, any case) can be allowed to the principal:
   * no identity Allow names one, or its permissions boundary names none. Then every `decisionOf`
   * of the service's actions is something other than `allow`, and a check over thousands of
   * granted actions skips the service at once.
   */
  mayAllowService(principal: Principal, service: string): boolean;
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
