/**
 * Helpers every reporter shares: counts, ordering, locations, rule lookup. Reporters import
 * the engine's types only (the architecture keeps report/ downstream and pure), so the few
 * runtime helpers they need live here.
 */
import type { Location, ServiceType } from '../model/types.js';
import { SERVICE_TYPES } from '../model/types.js';
import type { Result, RuleDescriptor, RunResults, Severity } from '../model/findings.js';
import { dict } from '../model/dict.js';
export { visibleText } from '../errors.js';

export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'note'];
export const rankOf = (s: Severity): number => (s === 'error' ? 3 : s === 'warning' ? 2 : 1);

/** Options every reporter receives; the CLI decides colour (NO_COLOR, TTY) and passes it in. */
export interface RenderOptions {
  readonly color: boolean;
  /** Absolute working directory: absolute paths under it are shown relative to it. */
  readonly cwd?: string;
  /** Base URL of the rule docs (`https://example.org/docs/rules`); default: `docs/rules` relative. */
  readonly ruleDocsBaseUrl?: string;
  /**
   * Lowest severity that fails the gate (`--fail-on`), for JUnit failures and the summaries'
   * verdict. Default `warning`: errors and warnings fail, notes inform.
   */
  readonly failOn?: Severity;
  /** `--fail-on-undecided`: undecided findings at or above `failOn` fail the gate too. */
  readonly failOnUndecided?: boolean;
  /** `--show-suppressed`: the text report lists suppressed findings in full (default: one line). */
  readonly showSuppressed?: boolean;
}

/** What fails the gate: `--fail-on` and `--fail-on-undecided`. */
export interface Gate {
  readonly failOn: Severity;
  readonly failOnUndecided?: boolean;
}

/** The gate a reporter was asked to show (`failOn` defaults to `warning`, as `summarize`'s). */
export const gateOf = (options: RenderOptions): Gate => ({ failOn: options.failOn ?? 'warning', failOnUndecided: options.failOnUndecided === true });

export interface Summary {
  /** All results, suppressed included. */
  readonly total: number;
  /** Unsuppressed, decided findings by severity. */
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly suppressed: number;
  /** Unsuppressed findings a rule could not decide (value unknown until apply). */
  readonly undecided: number;
  /** With a baseline: unsuppressed, decided findings not in it. */
  readonly new?: number;
  /** With a baseline: unsuppressed, decided findings already in it. */
  readonly unchanged?: number;
  /** With a baseline: baseline entries no longer found. */
  readonly fixed?: number;
  /** Findings that fail the gate at `failOn` (new ones only when a baseline is given). */
  readonly failing: number;
  readonly failOn: Severity;
  /** Undecided findings count towards `failing` (`--fail-on-undecided`). */
  readonly failOnUndecided: boolean;
}

export const isSuppressed = (r: Result): boolean => r.suppression !== undefined;
export const isUndecided = (r: Result): boolean => r.undecided === true && r.suppression === undefined;
/** Unsuppressed and decided: what counts towards the gate. */
export const isActive = (r: Result): boolean => r.suppression === undefined && r.undecided !== true;

/**
 * Does this result fail the gate? Unsuppressed, at or above failOn, new when a baseline was used,
 * and decided (or undecided under `failOnUndecided`). The one definition the CLI's exit code,
 * the synth-time check and every report's verdict share.
 */
export function isFailing(r: Result, results: RunResults, gate: Gate | Severity): boolean {
  const { failOn, failOnUndecided } = typeof gate === 'string' ? { failOn: gate, failOnUndecided: false } : gate;
  if (r.suppression !== undefined || rankOf(r.severity) < rankOf(failOn)) return false;
  if (r.undecided === true && failOnUndecided !== true) return false;
  return results.baseline ? r.isNew !== false : true;
}

export function summarize(results: RunResults, gate: Gate | Severity = 'warning'): Summary {
  const failOn = typeof gate === 'string' ? gate : gate.failOn;
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  let suppressed = 0;
  let undecided = 0;
  let fresh = 0;
  let unchanged = 0;
  let failing = 0;
  for (const r of results.results) {
    if (isSuppressed(r)) suppressed++;
    else if (r.undecided === true) undecided++;
    else {
      bySeverity[r.severity]++;
      if (r.isNew === false) unchanged++;
      else fresh++;
    }
    if (isFailing(r, results, gate)) failing++;
  }
  return {
    total: results.results.length,
    bySeverity,
    suppressed,
    undecided,
    ...(results.baseline ? { new: fresh, unchanged, fixed: results.baseline.fixed } : {}),
    failing,
    failOn,
    failOnUndecided: typeof gate === 'string' ? false : gate.failOnUndecided === true,
  };
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Rule descriptors by id, and each one's index in `results.rules` (SARIF `ruleIndex`). */
export function ruleIndex(results: RunResults): Map<string, { rule: RuleDescriptor; index: number }> {
  const map = new Map<string, { rule: RuleDescriptor; index: number }>();
  results.rules.forEach((rule, index) => {
    if (!map.has(rule.id)) map.set(rule.id, { rule, index });
  });
  return map;
}

/**
 * A file path as a relative, posix path: backslashes become slashes, and an absolute path under
 * `cwd` loses that prefix. Pure string work: reporters never ask the process where they are.
 */
export function displayPath(file: string, cwd?: string): string {
  let path = file.split('\\').join('/');
  if (cwd) {
    const base = cwd.split('\\').join('/').replace(/\/+$/, '');
    if (base && path.startsWith(`${base}/`)) path = path.slice(base.length + 1);
  }
  return path.replace(/^\.\//, '');
}

/** `file:line` (or `file`) of a location. */
export function fileLine(location: Location, cwd?: string): string {
  const path = displayPath(location.file, cwd);
  return location.line !== undefined ? `${path}:${location.line}` : path;
}

/** Service-type groups in the architecture's order, then findings without a service type. */
const GROUP_ORDER: readonly (ServiceType | 'other')[] = [...SERVICE_TYPES, 'other'];

export function groupByServiceType<T extends Result>(items: readonly T[]): Map<ServiceType | 'other', T[]> {
  const groups = new Map<ServiceType | 'other', T[]>();
  for (const key of GROUP_ORDER) groups.set(key, []);
  for (const item of items) groups.get(item.serviceType ?? 'other')!.push(item);
  for (const [key, list] of groups) {
    if (list.length === 0) groups.delete(key);
    // Stable sort keeps the engine's deterministic order within one severity.
    else list.sort((a, b) => rankOf(b.severity) - rankOf(a.severity));
  }
  return groups;
}

/** Where the docs of a rule live: `<base>/<name>.md`, `docs/rules/<name>.md` by default. */
export function ruleDocUrl(ruleName: string, base?: string): string {
  const file = `${encodeURIComponent(ruleName)}.md`;
  if (!base) return `docs/rules/${file}`;
  return `${base.replace(/\/+$/, '')}/${file}`;
}

/** JSON values with object keys sorted, so structured evidence serialises the same way every time. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    const json = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') return sortKeysDeep(json.call(value));
    const out: Record<string, unknown> = dict();
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeysDeep(v);
    }
    return out;
  }
  return value;
}

/** Removes undefined members, so optional fields are absent rather than `undefined`. */
export function compact<T extends Record<string, unknown>>(object: T): T {
  const out: Record<string, unknown> = dict();
  for (const [key, value] of Object.entries(object)) if (value !== undefined) out[key] = value;
  return out as T;
}
