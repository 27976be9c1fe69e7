/**
 * Markdown reporter: a pull-request comment or job summary. Counts by severity, then the new
 * findings (all findings without a baseline) grouped by rule, worst rule first, each group
 * collapsed with a table of its findings; undecided and suppressed findings apart. GitHub rejects
 * a comment over 65,536 characters, so the report is built against a budget: whatever the number
 * of findings, it stays under it and says how many more the full report (SARIF, JSON) holds.
 * Every string from the inputs or policies is escaped so that a resource named
 * `[click](https://evil)` or `<img onerror=...>` renders as that text, never as a link, HTML
 * or a broken table.
 */
import type { Result, RunResults } from '../../model/findings.js';
import {
  displayPath,
  fileLine,
  gateOf,
  isActive,
  isFailing,
  isSuppressed,
  isUndecided,
  plural,
  rankOf,
  ruleDocUrl,
  summarize,
  visibleText,
  type RenderOptions,
} from '../common.js';

/** GitHub's limit on a comment (and on a job summary's step output, 1 MiB, is far above it). */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Our budget: under the limit with room for a bot's own header around the report. */
const MARKDOWN_BUDGET = 60_000;
/** Longest text of one table cell, before escaping (a message, an evidence line). */
const CELL_CHARS = 400;
/** Rows of one rule's table before "and N more". */
const ROWS_PER_RULE = 25;

/**
 * Inline markdown text. Escaped with a backslash (CommonMark allows it before any ASCII
 * punctuation): everything that can open markup (emphasis, code, links, images, HTML, entities,
 * strikethrough, headings, math, mentions, emoji shortcodes, table pipes) and the `:` of a URL
 * scheme and the dot of `www.`, which defeats GitHub's autolinks (an escape splits the text
 * node they scan). A leading `-`, `+`, `=` or `1.` is escaped so a value never starts a list or a
 * heading underline. Line breaks become spaces so a value stays in its table cell or list item.
 */
export function mdText(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    // eslint-disable-next-line no-control-regex -- control characters are what this replaces
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/[\\`*_[\]<>&|~!#$@:]/g, (c) => `\\${c}`)
    .replace(/(www)\./gi, '$1\\.')
    .replace(/^(\s*)([-+=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/** Text inside an HTML block (`<summary>`), where backslash escapes do not apply: entities do. */
function htmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/\s*[\r\n]+\s*/g, ' ');
}

/** A code span that no backtick in `text` can close early; pipes escaped for table cells. */
export function mdCode(text: string): string {
  const clean = text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/\|/g, '\\|');
  let longest = 0;
  for (const run of clean.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') || clean.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

export function renderMarkdown(results: RunResults, options: RenderOptions): string {
  const cwd = options.cwd;
  const gate = gateOf(options);
  const s = summarize(results, gate);
  const baseline = results.baseline !== undefined;
  const active = results.results.filter((r) => isActive(r) || (gate.failOnUndecided === true && isFailing(r, results, gate)));
  const shown = baseline ? active.filter((r) => r.isNew !== false) : active;
  const suppressed = results.results.filter(isSuppressed);
  const inShown = new Set(shown);
  const undecided = results.results.filter((r) => isUndecided(r) && !inShown.has(r));
  const link = (r: Result): string =>
    `[${mdText(`${r.ruleId} ${r.ruleName}`)}](<${ruleDocUrl(r.ruleName, options.ruleDocsBaseUrl).replace(/[<>\s]/g, encodeURIComponent)}>)`;

  const out = new Budget(MARKDOWN_BUDGET);
  const verdict = s.failing > 0 ? `❌ ${plural(s.failing, 'finding')} fail the check` : '✅ No finding fails the check';
  out.push(`## hybridguard: ${verdict}`, '');
  out.push('| Severity | Findings |', '|---|---:|');
  out.push(`| error | ${s.bySeverity.error} |`, `| warning | ${s.bySeverity.warning} |`, `| note | ${s.bySeverity.note} |`);
  out.push(`| undecided (value unknown until apply) | ${s.undecided} |`, `| suppressed | ${s.suppressed} |`, '');
  if (results.baseline) {
    out.push(`Baseline ${mdCode(displayPath(results.baseline.file, cwd))}: **${s.new ?? 0} new**, ${s.unchanged ?? 0} unchanged, ${s.fixed ?? 0} fixed.`, '');
  }
  out.push(`Fails on \`${s.failOn}\` and above${gate.failOnUndecided ? ', undecided included' : ''}${baseline ? ', new findings only' : ''}.`, '');

  out.push(`### ${baseline ? `New findings (${shown.length})` : `Findings (${shown.length})`}`, '');
  if (shown.length === 0) out.push(baseline ? 'No new findings.' : 'No findings.', '');
  const groups = byRule(shown, (r) => isFailing(r, results, gate));
  let left = 0;
  for (const group of groups) left += out.fits(600) ? ruleSection(out, group, cwd, link, isFailingOf(results, gate)) : group.length;
  left += listSection(out, `Undecided (${undecided.length}): could not decide, value unknown until apply`, undecided, cwd, link);
  left += listSection(out, `Suppressed (${suppressed.length})`, suppressed, cwd, link);
  if (left > 0) {
    out.force(
      `**… and ${plural(left, 'more finding')} not shown here** (GitHub caps a comment at ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')} characters): ` +
        'the full report is in the SARIF upload (code scanning alerts) or `hybridguard check --format json`.',
    );
  }
  return `${out.text().replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

const isFailingOf = (results: RunResults, gate: ReturnType<typeof gateOf>) => (r: Result) => isFailing(r, results, gate);

/** Findings grouped by rule; the worst rule first (severity, then failing findings, then count, then id). */
function byRule(list: readonly Result[], failing: (r: Result) => boolean): Result[][] {
  const groups = new Map<string, Result[]>();
  for (const r of list) {
    const group = groups.get(r.ruleId);
    if (group) group.push(r);
    else groups.set(r.ruleId, [r]);
  }
  const worst = (g: readonly Result[]) => Math.max(...g.map((r) => rankOf(r.severity)));
  const failingCount = (g: readonly Result[]) => g.filter(failing).length;
  return [...groups.values()].sort(
    (a, b) => worst(b) - worst(a) || failingCount(b) - failingCount(a) || b.length - a.length || (a[0]!.ruleId < b[0]!.ruleId ? -1 : 1),
  );
}

/** One rule: a collapsed section with a table of its findings (failing ones first); returns how many did not fit. */
function ruleSection(out: Budget, group: readonly Result[], cwd: string | undefined, link: (r: Result) => string, failing: (r: Result) => boolean): number {
  const first = group[0]!;
  const worst = group.reduce((w, r) => (rankOf(r.severity) > rankOf(w.severity) ? r : w), first);
  const count = group.filter(failing).length;
  out.push(
    `<details><summary>${htmlText(
      `${worst.severity} · ${first.ruleId} ${first.ruleName} · ${plural(group.length, 'finding')}${count > 0 ? `, ${count} failing` : ''}`,
    )}</summary>`,
    '',
  );
  out.push(`Rule: ${link(first)}. Fix: ${mdText(cut(first.remediation))}`, '');
  out.push('| Resource | Finding | Evidence | Where |', '|---|---|---|---|');
  const rows = [...group].sort((a, b) => Number(failing(b)) - Number(failing(a)) || rankOf(b.severity) - rankOf(a.severity));
  let shown = 0;
  for (const r of rows.slice(0, ROWS_PER_RULE)) {
    // The most telling link of the chain: the first that is not how the service type was decided.
    const proof = r.evidence.find((e) => e.kind !== 'service-type') ?? r.evidence[0];
    const evidence = proof ? `${mdText(cut(proof.message))}${r.evidence.length > 1 ? ` (+${r.evidence.length - 1} more)` : ''}` : '';
    const row = `| ${mdCode(cut(r.location.address ?? r.location.constructPath ?? '-'))} | ${r.undecided ? '**undecided:** ' : ''}${mdText(
      cut(r.message),
    )} | ${evidence} | ${mdCode(cut(fileLine(r.location, cwd)))} |`;
    if (!out.tryPush(row)) break;
    shown++;
  }
  const more = group.length - shown;
  if (more > 0) out.force('', `… and ${more} more of this rule in the full report.`);
  out.force('', '</details>', '');
  return more;
}

/** Undecided or suppressed findings: one collapsed table; returns how many did not fit. */
function listSection(out: Budget, summary: string, list: readonly Result[], cwd: string | undefined, link: (r: Result) => string): number {
  if (list.length === 0) return 0;
  if (!out.fits(600)) return list.length;
  out.push(`<details><summary>${htmlText(summary)}</summary>`, '');
  out.push('| Rule | Resource | Finding | Why |', '|---|---|---|---|');
  let shown = 0;
  for (const r of list) {
    const sup = r.suppression;
    const why = sup
      ? `${mdText(cut(sup.reason))} (owner ${sup.owner ? mdText(sup.owner) : 'none'}, expires ${sup.expires ? mdText(sup.expires) : 'never'}, ${mdText(
          cut(sup.source),
        )})`
      : mdText(cut(r.evidence.at(-1)?.message ?? ''));
    const row = `| ${link(r)} | ${mdCode(cut(r.location.address ?? fileLine(r.location, cwd)))} | ${mdText(cut(r.message))} | ${why} |`;
    if (!out.tryPush(row)) break;
    shown++;
  }
  if (shown < list.length) out.force('', `… and ${list.length - shown} more in the full report.`);
  out.force('', '</details>', '');
  return list.length - shown;
}

/** A value cut to one cell's length, saying so. */
function cut(text: string): string {
  return text.length <= CELL_CHARS ? text : `${text.slice(0, CELL_CHARS - 1)}…`;
}

/**
 * Lines under a character budget, measured as the reporter's output will be written (control and
 * bidi characters become six-character escapes). `tryPush` refuses a line that would cross the
 * budget less a reserve kept for closing lines, which `force` spends.
 */
class Budget {
  private readonly lines: string[] = [];
  private size = 0;
  private static readonly RESERVE = 1_500;
  constructor(private readonly limit: number) {}
  private static measure = (line: string): number => visibleText(line, true).length + 1;
  fits(chars: number): boolean {
    return this.size + chars + Budget.RESERVE <= this.limit;
  }
  tryPush(line: string): boolean {
    const n = Budget.measure(line);
    if (this.size + n + Budget.RESERVE > this.limit) return false;
    this.lines.push(line);
    this.size += n;
    return true;
  }
  /** Header lines: always kept (the budget leaves room for them by construction). */
  push(...lines: string[]): void {
    this.force(...lines);
  }
  force(...lines: string[]): void {
    for (const line of lines) {
      this.lines.push(line);
      this.size += Budget.measure(line);
    }
  }
  text(): string {
    return this.lines.join('\n');
  }
}
