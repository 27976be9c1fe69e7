import type { CatalogAction } from '../../model/catalog.js';
import { globMatch } from '../../model/glob.js';
import type { Principal } from './collect.js';
import { hasFragment, patternService, type Statement } from './document.js';

/**
 * Action patterns of some statements of a principal, by the service they name (lower case); `null`
 * when they may name any action (a NotAction, or an unreadable document).
 */
interface ActionPatterns {
  readonly byService: Map<string, string[]>;
  readonly anyService: string[];
}

type Which = 'allow' | 'deny' | 'boundary';

/**
 * Answers "can a statement of this kind name the action?" without evaluating one, from the action
 * patterns of the principal's statements: an action no identity Allow names is implicitly denied,
 * and most (role, capability action) pairs of a large stack end here. Built lazily per principal,
 * for one analysis run.
 */
export class ActionPrefilter {
  private readonly patterns: Readonly<Record<Which, Map<string, ActionPatterns | null>>> = { allow: new Map(), deny: new Map(), boundary: new Map() };
  /** Lower-case action names, made once per action (a large stack asks about the same actions for every principal). */
  private readonly lowerNames = new Map<string, string>();

  /** False when no identity Allow pattern of the principal can name an action of `service` (a lower-case prefix). */
  mayAllowService(principal: Principal, service: string): boolean {
    return mayNameService(this.patternsOf(principal, 'allow'), service);
  }

  /** False when no statement of the principal's boundary (it has one) can name an action of `service` (a lower-case prefix). */
  boundaryMayNameService(principal: Principal, service: string): boolean {
    return mayNameService(this.patternsOf(principal, 'boundary'), service);
  }

  /** False when no identity Allow of the principal can name the action (then it is implicitly denied, whatever else holds). */
  mayAllow(principal: Principal, action: CatalogAction): boolean {
    return this.mayName(this.patternsOf(principal, 'allow'), action);
  }

  /** False when no identity Deny of the principal can name the action. */
  mayDeny(principal: Principal, action: CatalogAction): boolean {
    return this.mayName(this.patternsOf(principal, 'deny'), action);
  }

  /** False when no statement of the principal's boundary (it has one) can name the action: then the boundary caps it. */
  boundaryMayName(principal: Principal, action: CatalogAction): boolean {
    return this.mayName(this.patternsOf(principal, 'boundary'), action);
  }

  private mayName(patterns: ActionPatterns | null, action: CatalogAction): boolean {
    if (patterns === null) return true;
    const sameService = patterns.byService.get(action.service);
    if (!sameService && patterns.anyService.length === 0) return false;
    const name = this.lowerName(action);
    return (sameService ?? []).some((p) => globMatch(p, name, false)) || patterns.anyService.some((p) => globMatch(p, name, false));
  }

  private lowerName(action: CatalogAction): string {
    let name = this.lowerNames.get(action.action);
    if (name === undefined) this.lowerNames.set(action.action, (name = action.action.toLowerCase()));
    return name;
  }

  private patternsOf(principal: Principal, which: Which): ActionPatterns | null {
    const byPrincipal = this.patterns[which];
    const cached = byPrincipal.get(principal.address);
    if (cached !== undefined) return cached;
    const result = actionPatterns(principal, which);
    byPrincipal.set(principal.address, result);
    return result;
  }
}

const mayNameService = (patterns: ActionPatterns | null, service: string): boolean =>
  patterns === null || patterns.anyService.length > 0 || patterns.byService.has(service);

function actionPatterns(principal: Principal, which: Which): ActionPatterns | null {
  const result: ActionPatterns = { byService: new Map(), anyService: [] };
  const policies = which === 'boundary' ? (principal.boundary ? [principal.boundary] : []) : principal.identityPolicies;
  const counts = (s: Statement): boolean => which === 'boundary' || s.effect === (which === 'allow' ? 'Allow' : 'Deny');
  for (const policy of policies) {
    if (policy.document.unknown !== undefined) return null;
    for (const s of policy.document.statements) {
      if (!counts(s)) continue;
      if (!s.action) return null;
      for (const raw of s.action) {
        const pattern = (hasFragment(raw) ? raw.replace(/\$\{[^}]*\}/g, '*') : raw).toLowerCase();
        const service = patternService(pattern);
        if (service === undefined) result.anyService.push(pattern);
        else {
          const list = result.byService.get(service);
          if (list) list.push(pattern);
          else result.byService.set(service, [pattern]);
        }
      }
    }
  }
  return result;
}
