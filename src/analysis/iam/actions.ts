import type { CatalogAction, IamCatalog } from '../../model/catalog.js';
import { globMatch, hasWildcard } from '../../model/glob.js';
import { hasFragment } from './document.js';

/**
 * Action patterns against the IAM catalog. Patterns are case-insensitive globs over
 * `service:Action`; a pattern is expanded once and kept, and only the services its prefix can
 * match are loaded (so `sagemaker:*ModelPackage*` reads sagemaker alone, `*` reads everything).
 */
export class ActionIndex {
  private readonly expanded = new Map<string, readonly CatalogAction[]>();
  private all: readonly CatalogAction[] | undefined;

  constructor(readonly catalog: IamCatalog) {}

  private readonly keyKinds = new Map<string, boolean>();
  /** True for condition keys that carry several values (`ArrayOf...` in the reference). */
  readonly multiValued = (key: string): boolean => {
    const lower = key.toLowerCase();
    let kind = this.keyKinds.get(lower);
    if (kind === undefined) {
      kind = this.catalog.conditionKeyType?.(lower)?.startsWith('ArrayOf') ?? false;
      this.keyKinds.set(lower, kind);
    }
    return kind;
  };

  /** Every catalog action the pattern matches (empty for a pattern that names nothing real). */
  expand(pattern: string): readonly CatalogAction[] {
    const key = pattern.toLowerCase();
    const cached = this.expanded.get(key);
    if (cached) return cached;
    let result: readonly CatalogAction[];
    if (hasFragment(key)) {
      result = [];
    } else if (key === '*') {
      result = this.allActions();
    } else {
      const colon = key.indexOf(':');
      if (colon <= 0) {
        result = [];
      } else {
        const servicePart = key.slice(0, colon);
        const actionPart = key.slice(colon + 1);
        const services = hasWildcard(servicePart)
          ? this.catalog.services().filter((s) => globMatch(servicePart, s, true))
          : [servicePart];
        const found: CatalogAction[] = [];
        for (const service of services) {
          if (!hasWildcard(actionPart) && !hasWildcard(servicePart)) {
            const one = this.catalog.action(`${service}:${actionPart}`);
            if (one) found.push(one);
            continue;
          }
          for (const action of this.catalog.actionsOf(service)) {
            if (globMatch(actionPart, action.action.slice(action.service.length + 1), true)) found.push(action);
          }
        }
        result = found;
      }
    }
    this.expanded.set(key, result);
    return result;
  }

  /** True if the pattern names at least one real action. */
  matchesAny(pattern: string): boolean {
    return !this.matching(pattern).next().done;
  }

  /** The same actions as `expand`, lazily: `*` reads the catalog one service at a time, only as far as the caller goes. */
  *matching(pattern: string): Generator<CatalogAction> {
    if (pattern !== '*' || this.all) {
      yield* this.expand(pattern);
      return;
    }
    for (const service of this.catalog.services()) yield* this.catalog.actionsOf(service);
  }

  allActions(): readonly CatalogAction[] {
    if (!this.all) {
      const list: CatalogAction[] = [];
      for (const service of this.catalog.services()) list.push(...this.catalog.actionsOf(service));
      this.all = list;
    }
    return this.all;
  }

  /** Resource types of an action with their ARN formats (one entry with format `*` for an action without resource types). */
  private readonly typeCache = new Map<string, readonly { readonly type?: string; readonly format: string }[]>();
  resourceTypesOf(action: CatalogAction): readonly { readonly type?: string; readonly format: string }[] {
    const cached = this.typeCache.get(action.action);
    if (cached) return cached;
    const out: { type?: string; format: string }[] = [];
    for (const type of action.resourceTypes) {
      const format = this.catalog.resourceArnFormat(action.service, type.name);
      if (format) out.push({ type: type.name, format });
    }
    const list = out.length === 0 ? [{ format: '*' }] : out;
    this.typeCache.set(action.action, list);
    return list;
  }

  /**
   * The action's resource types grouped by the condition keys a request for them carries: types
   * in one group can be asked about together (one union of ARN formats), since every condition
   * evaluates alike on them.
   */
  private readonly groupCache = new Map<string, readonly { readonly formats: readonly string[]; readonly carries: (key: string) => boolean }[]>();
  typeGroups(action: CatalogAction): readonly { readonly formats: readonly string[]; readonly carries: (key: string) => boolean }[] {
    const cached = this.groupCache.get(action.action);
    if (cached) return cached;
    const byKeys = new Map<string, { formats: string[]; carries: (key: string) => boolean }>();
    for (const t of this.resourceTypesOf(action)) {
      const own = t.type === undefined ? [] : [
        ...(action.resourceTypes.find((r) => r.name === t.type)?.conditionKeys ?? []),
        ...(this.catalog.resourceTypeConditionKeys?.(action.service, t.type) ?? []),
      ];
      const key = [...new Set(own.map((k) => k.toLowerCase()))].sort().join(',');
      const group = byKeys.get(key);
      if (group) group.formats.push(t.format);
      else byKeys.set(key, { formats: [t.format], carries: t.type === undefined ? this.carries(action) : this.carries(action, t.type) });
    }
    const list = [...byKeys.values()];
    this.groupCache.set(action.action, list);
    return list;
  }

  /** ARN formats of the resource types an action can target, as the catalog writes them; `['*']` for an action without resource types. */
  private readonly formatCache = new Map<string, readonly string[]>();
  arnFormats(action: CatalogAction): readonly string[] {
    const cached = this.formatCache.get(action.action);
    if (cached) return cached;
    const out = new Set<string>();
    for (const type of action.resourceTypes) {
      const format = this.catalog.resourceArnFormat(action.service, type.name);
      if (format) out.add(format);
    }
    const list = out.size === 0 ? ['*'] : [...out];
    this.formatCache.set(action.action, list);
    return list;
  }

  /**
   * Which condition keys a request for this action can carry: the keys the catalog lists for the
   * action and for its resource types, plus the global `aws:` keys (except the tag keys, which the
   * catalog lists where they apply). Templates (`aws:RequestTag/${TagKey}`, `s3:ExistingObjectTag/<key>`)
   * match any key with their prefix.
   */
  private readonly carriesCache = new Map<string, (key: string) => boolean>();
  carries(action: CatalogAction, resourceType?: string): (key: string) => boolean {
    const cacheKey = `${action.action}\n${resourceType ?? ''}`;
    const cached = this.carriesCache.get(cacheKey);
    if (cached) return cached;
    const exact = new Set<string>();
    const prefixes: string[] = [];
    const add = (raw: string) => {
      const key = raw.toLowerCase();
      const cut = key.search(/\$\{|<[a-z]/);
      if (cut >= 0) prefixes.push(key.slice(0, cut));
      else exact.add(key);
    };
    action.conditionKeys.forEach(add);
    // One request authorizes one resource: the keys of that resource's type (all types when it is not known).
    for (const type of action.resourceTypes) {
      if (resourceType !== undefined && type.name !== resourceType) continue;
      type.conditionKeys?.forEach(add);
      this.catalog.resourceTypeConditionKeys?.(action.service, type.name).forEach(add);
    }
    const TAG_KEYS = /^aws:(requesttag\/|resourcetag\/|tagkeys$)/;
    const test = (key: string): boolean => {
      const k = key.toLowerCase();
      if (exact.has(k) || prefixes.some((p) => k.startsWith(p))) return true;
      return k.startsWith('aws:') && !TAG_KEYS.test(k);
    };
    this.carriesCache.set(cacheKey, test);
    return test;
  }

  /** ARN templates of the resource types an action can target (`arn:*:sagemaker:*:*:training-job/*`). */
  private readonly templates = new Map<string, readonly string[]>();
  arnTemplates(action: CatalogAction): readonly string[] {
    const cached = this.templates.get(action.action);
    if (cached) return cached;
    const out: string[] = [];
    for (const type of action.resourceTypes) {
      const format = this.catalog.resourceArnFormat(action.service, type.name);
      if (format) out.push(format.replace(/\$\{[^}]*\}/g, '*'));
    }
    this.templates.set(action.action, out);
    return out;
  }
}

/** Does some string match both globs? (`*` any run, `?` one character; iterative DP, no RegExp.) */
export function globsIntersect(a: string, b: string): boolean {
  const n = a.length;
  const m = b.length;
  // reach[i][j]: prefixes a[..i) and b[..j) can produce the same string.
  let reach = new Uint8Array((n + 1) * (m + 1));
  reach[0] = 1;
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (!reach[at(i, j)]) continue;
      const ca = a[i];
      const cb = b[j];
      if (ca === '*') {
        reach[at(i + 1, j)] = 1; // the star stops here
        if (j < m) reach[at(i, j + 1)] = 1; // the star eats b's next symbol
      }
      if (cb === '*') {
        reach[at(i, j + 1)] = 1;
        if (i < n) reach[at(i + 1, j)] = 1;
      }
      if (ca !== undefined && cb !== undefined && ca !== '*' && cb !== '*' && (ca === '?' || cb === '?' || ca === cb)) {
        reach[at(i + 1, j + 1)] = 1;
      }
    }
  }
  const result = reach[at(n, m)] === 1;
  reach = new Uint8Array(0);
  return result;
}
