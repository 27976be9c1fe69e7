import type { CatalogAction } from '../../model/catalog.js';
import type { Capability } from '../../model/policy.js';
import { dict } from '../../model/dict.js';
import { usageError } from '../../errors.js';
import type { ActionIndex } from './actions.js';
import { normalizeContext, type NormalizedContext } from './conditions.js';
import type { GrantScope } from './decider.js';
import type { RequestContext } from './types.js';

/** A capability grant resolved once: its actions expanded, its request contexts normalized. */
export interface GrantPlan extends GrantScope {
  readonly actions: readonly CatalogAction[];
  /** The same actions by service, in their order: a principal no Allow of which names the service skips them all. */
  readonly byService: ReadonlyMap<string, readonly CatalogAction[]>;
  readonly alternatives: readonly NormalizedContext[];
}

/** The capabilities of a run (policies/capabilities.yaml and --policy files), each resolved on first use. */
export class CapabilityPlans {
  private readonly plans = new Map<string, readonly GrantPlan[]>();

  constructor(
    private readonly capabilities: ReadonlyMap<string, Capability>,
    private readonly index: ActionIndex,
  ) {}

  planOf(name: string): readonly GrantPlan[] {
    const cached = this.plans.get(name);
    if (cached) return cached;
    const capability = this.capabilities.get(name);
    if (!capability) throw usageError(`capability ${name} is not defined`, 'a capability of policies/capabilities.yaml or a --policy file');
    const plan = capability.grants.map((grant): GrantPlan => {
      const actions = grant.actions.flatMap((p) => this.index.expand(p));
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
    this.plans.set(name, plan);
    return plan;
  }
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
