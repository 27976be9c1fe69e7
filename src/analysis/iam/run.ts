import type { ResourceGraph } from '../../model/graph.js';
import type { CatalogAction, IamCatalog } from '../../model/catalog.js';
import type { Capability } from '../../model/policy.js';
import { compareCodeUnits } from '../../model/compare.js';
import { hasWildcard } from '../../model/glob.js';
import { remember } from '../../model/memo.js';
import { usageError } from '../../errors.js';
import { ActionIndex } from './actions.js';
import { boundaryBlockedGrants } from './boundary.js';
import { capabilityGrants, grantedOf } from './capability-grants.js';
import { CapabilityPlans } from './capability-plans.js';
import { PolicyCollector, type AppliedPolicy, type Principal } from './collect.js';
import { normalizeContext } from './conditions.js';
import { Decider } from './decider.js';
import { hasFragment } from './document.js';
import type { Decision, Request } from './evaluate.js';
import { toEvaluation, undecidedReason } from './evidence.js';
import type {
  BoundaryBlockedGrants,
  CapabilityGrants,
  EvaluateOptions,
  Evaluation,
  GrantedAction,
  IamFacts,
  RequestContext,
  UnknownActionUse,
  WhoCanEntry,
} from './types.js';

/**
 * The IAM facts of one analysis run: principals and their policies collected up front, every
 * question answered lazily and kept for the run (a rule and the audit ask the same ones).
 */
export class IamRun implements IamFacts {
  readonly principals: readonly Principal[];
  private readonly index: ActionIndex;
  private readonly collector: PolicyCollector;
  private readonly byAddress: ReadonlyMap<string, Principal>;
  private readonly decider: Decider;
  private readonly plans: CapabilityPlans;
  /** Answers per `principal\ncapability`, per principal, and for the whole input. */
  private readonly capabilityAnswers = new Map<string, CapabilityGrants>();
  private readonly blockedAnswers = new Map<string, BoundaryBlockedGrants>();
  private readonly allowedAnswers = new Map<string, readonly GrantedAction[]>();
  private allDocuments: readonly AppliedPolicy[] | undefined;
  private unknownActionUses: readonly UnknownActionUse[] | undefined;

  constructor(
    graph: ResourceGraph,
    private readonly catalog: IamCatalog,
    capabilities: ReadonlyMap<string, Capability>,
  ) {
    this.index = new ActionIndex(catalog);
    this.collector = new PolicyCollector(graph, catalog);
    this.principals = this.collector.collect();
    this.byAddress = new Map(this.principals.map((p) => [p.address, p]));
    this.decider = new Decider(this.index);
    this.plans = new CapabilityPlans(capabilities, this.index);
  }

  principal(address: string): Principal | undefined {
    return this.byAddress.get(address);
  }

  documents(): readonly AppliedPolicy[] {
    return (this.allDocuments ??= this.collector.allDocuments());
  }

  actionsMatching(pattern: string): Iterable<CatalogAction> {
    return this.index.matching(pattern);
  }

  evaluate(principal: Principal, action: string, resourceArn?: string, context?: RequestContext, options?: EvaluateOptions): Evaluation {
    const request: Request = {
      action: this.catalogAction(action),
      ...(resourceArn !== undefined ? { resource: resourceArn } : {}),
      context: context === undefined ? this.decider.emptyContext : normalizeContext(context),
      complete: options?.completeContext ?? false,
    };
    return toEvaluation(this.decider.decide(principal, request), request);
  }

  decisionOf(principal: Principal, action: string, resourceArn?: string): Decision {
    return this.decider.decision(principal, this.decider.request(this.catalogAction(action), resourceArn));
  }

  mayAllowService(principal: Principal, service: string): boolean {
    const prefix = service.toLowerCase();
    const { prefilter } = this.decider;
    return prefilter.mayAllowService(principal, prefix) && (!principal.boundary || prefilter.boundaryMayNameService(principal, prefix));
  }

  capabilityGrants(principal: Principal, capabilityName: string): CapabilityGrants {
    const compute = (): CapabilityGrants => capabilityGrants(this.decider, this.plans, principal, capabilityName);
    return remember(this.capabilityAnswers, `${principal.address}\n${capabilityName}`, compute);
  }

  boundaryBlockedGrants(principal: Principal, capabilityName: string): BoundaryBlockedGrants {
    const compute = (): BoundaryBlockedGrants => boundaryBlockedGrants(this.decider, this.plans, principal, capabilityName);
    return remember(this.blockedAnswers, `${principal.address}\n${capabilityName}`, compute);
  }

  allowedActions(principal: Principal): readonly GrantedAction[] {
    return remember(this.allowedAnswers, principal.address, () => this.computeAllowedActions(principal));
  }

  whoCan(action: string, resourceArn?: string): readonly WhoCanEntry[] {
    const actions = hasWildcard(action) ? this.index.expand(action) : [this.catalogAction(action)];
    if (actions.length === 0) throw usageError(`${action} matches no IAM action`, 'an action or a pattern such as sagemaker:Create*');
    const out: WhoCanEntry[] = [];
    for (const a of actions) {
      for (const principal of this.principals) {
        const r = this.decider.request(a, resourceArn);
        const d = this.decider.decide(principal, r);
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
    return out.sort((x, y) => compareCodeUnits(x.address, y.address) || compareCodeUnits(x.action, y.action));
  }

  unknownActions(): readonly UnknownActionUse[] {
    return (this.unknownActionUses ??= this.findUnknownActions());
  }

  private catalogAction(name: string): CatalogAction {
    const found = this.catalog.action(name);
    if (found) return found;
    throw usageError(`${name} is not a known IAM action`, 'an action of the IAM service authorization reference, such as sagemaker:CreateTrainingJob');
  }

  private computeAllowedActions(principal: Principal): readonly GrantedAction[] {
    // Candidates: what Allow statements name (NotAction: the whole catalog). Then decide each one.
    const candidates = new Map<string, CatalogAction>();
    for (const policy of principal.identityPolicies) {
      for (const s of policy.document.statements) {
        if (s.effect !== 'Allow') continue;
        const patterns = s.action ?? ['*'];
        for (const p of patterns) {
          if (hasFragment(p)) continue;
          for (const a of this.index.expand(p)) candidates.set(a.action, a);
        }
      }
    }
    const out: GrantedAction[] = [];
    for (const action of candidates.values()) {
      const request = this.decider.request(action);
      const granted = grantedOf(this.decider.decide(principal, request), request);
      if (granted) out.push(granted);
    }
    return out.sort((a, b) => compareCodeUnits(a.action, b.action));
  }

  private findUnknownActions(): readonly UnknownActionUse[] {
    const out: UnknownActionUse[] = [];
    const seen = new Set<string>();
    for (const policy of this.documents()) {
      if (policy.kind === 'aws-managed') continue; // AWS's own text: not the user's to fix
      for (const statement of policy.document.statements) {
        for (const pattern of [...(statement.action ?? []), ...(statement.notAction ?? [])]) {
          if (hasFragment(pattern) || this.index.matchesAny(pattern)) continue;
          const location = statement.origin ?? policy.location;
          const key = `${location.address ?? ''}|${location.jsonPointer ?? ''}|${statement.index}|${pattern}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({ pattern, policy, statement, location });
        }
      }
    }
    return out;
  }
}
