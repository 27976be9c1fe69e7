import type { CatalogAction } from '../../model/catalog.js';
import { globMatch, hasWildcard } from '../../model/glob.js';
import type { Principal } from './collect.js';
import { hasFragment } from './document.js';

/**
 * Per principal, the action patterns of its Allow statements (`null`: anything may be allowed,
 * as with NotAction or an unreadable document).
 */
interface AllowPatterns {
  readonly byService: Map<string, string[]>;
  readonly anyService: string[];
}

/**
 * Answers "can any Allow of this principal name the action?" without evaluating a statement: an
 * action no pattern matches is implicitly denied, and most (role, capability action) pairs of a
 * large stack end here. Built lazily per principal, for one analysis run.
 */
export class AllowPrefilter {
  private readonly patterns = new Map<string, AllowPatterns | null>();
  /** Lower-case action names, made once per action (a large stack asks about the same actions for every principal). */
  private readonly lowerNames = new Map<string, string>();

  /** False when no Allow pattern of the principal can name an action of `service` (a lower-case prefix). */
  mayAllowService(principal: Principal, service: string): boolean {
    const allow = this.patternsOf(principal);
    return allow === null || allow.anyService.length > 0 || allow.byService.has(service);
  }

  /** False when no Allow pattern of the principal can match the action (then it is implicitly denied, whatever else holds). */
  mayAllow(principal: Principal, action: CatalogAction): boolean {
    const allow = this.patternsOf(principal);
    if (allow === null) return true;
    const sameService = allow.byService.get(action.service);
    if (!sameService && allow.anyService.length === 0) return false;
    const name = this.lowerName(action);
    return (sameService ?? []).some((p) => globMatch(p, name, false)) || allow.anyService.some((p) => globMatch(p, name, false));
  }

  private lowerName(action: CatalogAction): string {
    let name = this.lowerNames.get(action.action);
    if (name === undefined) this.lowerNames.set(action.action, (name = action.action.toLowerCase()));
    return name;
  }

  private patternsOf(principal: Principal): AllowPatterns | null {
    const cached = this.patterns.get(principal.address);
    if (cached !== undefined) return cached;
    const result = allowPatterns(principal);
    this.patterns.set(principal.address, result);
    return result;
  }
}

function allowPatterns(principal: Principal): AllowPatterns | null {
  const result: AllowPatterns = { byService: new Map(), anyService: [] };
  for (const policy of principal.identityPolicies) {
    if (policy.document.unknown !== undefined) return null;
    for (const s of policy.document.statements) {
      if (s.effect !== 'Allow') continue;
      if (!s.action) return null;
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
  return result;
}
