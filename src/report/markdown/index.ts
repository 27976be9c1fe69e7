/**
 * Markdown reporter: a short pull-request comment. Counts by severity, a table of the new
 * findings (all findings without a baseline) with links to the rule docs, and the details
 * collapsed. Every string from the inputs or policies is escaped so that a resource named
 * `[click](https://evil)` or `<img onerror=...>` renders as that text, never as a link, HTML
 * or a broken table.
 */
import type { Result, RunResults } from '../../model/findings.js';
import { displayPath, fileLine, isActive, isSuppressed, isUndecided, plural, ruleDocUrl, summarize, type RenderOptions } from '../common.js';

/** Rows shown in the table and the details; GitHub caps a comment at 65,536 characters. */
const MAX_ROWS = 50;

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
  const s = summarize(results, options.failOn);
  const baseline = results.baseline !== undefined;
  const active = results.results.filter(isActive);
  const shown = baseline ? active.filter((r) => r.isNew !== false) : active;
  const suppressed = results.results.filter(isSuppressed);
  const undecided = results.results.filter(isUndecided);
  const link = (r: Result): string =>
    `[${mdText(`${r.ruleId} ${r.ruleName}`)}](<${ruleDocUrl(r.ruleName, options.ruleDocsBaseUrl).replace(/[<>\s]/g, encodeURIComponent)}>)`;

  const out: string[] = [];
  const verdict = s.failing > 0 ? `❌ ${plural(s.failing, 'finding')} fail the check` : '✅ No finding fails the check';
  out.push(`## hybridguard: ${verdict}`);
  out.push('');
  out.push('| Severity | Findings |');
  out.push('|---|---:|');
  out.push(`| error | ${s.bySeverity.error} |`);
  out.push(`| warning | ${s.bySeverity.warning} |`);
  out.push(`| note | ${s.bySeverity.note} |`);
  out.push(`| undecided (value unknown until apply) | ${s.undecided} |`);
  out.push(`| suppressed | ${s.suppressed} |`);
  out.push('');
  if (results.baseline) {
    out.push(`Baseline ${mdCode(displayPath(results.baseline.file, cwd))}: **${s.new ?? 0} new**, ${s.unchanged ?? 0} unchanged, ${s.fixed ?? 0} fixed.`);
    out.push('');
  }
  out.push(`Fails on \`${s.failOn}\` and above${baseline ? ', new findings only' : ''}.`);
  out.push('');

  const title = baseline ? `New findings (${shown.length})` : `Findings (${shown.length})`;
  out.push(`### ${title}`);
  out.push('');
  if (shown.length === 0) {
    out.push(baseline ? 'No new findings.' : 'No findings.');
    out.push('');
  } else {
    out.push('| Severity | Rule | Resource | Message |');
    out.push('|---|---|---|---|');
    for (const r of shown.slice(0, MAX_ROWS)) {
      const where = r.location.address ? mdCode(r.location.address) : mdCode(fileLine(r.location, cwd));
      out.push(`| ${r.severity} | ${link(r)} | ${where} | ${mdText(r.message)} |`);
    }
    if (shown.length > MAX_ROWS) out.push(`| | | | … and ${shown.length - MAX_ROWS} more (see the SARIF or JSON report) |`);
    out.push('');
    details(out, `Details of ${plural(Math.min(shown.length, MAX_ROWS), 'finding')}`, shown, cwd, link);
  }
  if (undecided.length > 0) details(out, `Undecided (${undecided.length}): could not decide, value unknown until apply`, undecided, cwd, link);
  if (suppressed.length > 0) details(out, `Suppressed (${suppressed.length})`, suppressed, cwd, link);
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function details(out: string[], summary: string, list: readonly Result[], cwd: string | undefined, link: (r: Result) => string): void {
  out.push(`<details><summary>${htmlText(summary)}</summary>`);
  out.push('');
  for (const r of list.slice(0, MAX_ROWS)) {
    out.push(`#### ${r.severity}: ${link(r)}`);
    out.push('');
    out.push(mdText(r.message));
    out.push('');
    const where = [mdCode(fileLine(r.location, cwd))];
    if (r.location.address) where.push(mdCode(r.location.address));
    if (r.location.constructPath) where.push(`construct ${mdCode(r.location.constructPath)}`);
    out.push(`- **Where:** ${where.join(' · ')}`);
    if (r.serviceType) out.push(`- **Service type:** ${r.serviceType}${r.serviceTypeReason ? ` (${mdText(r.serviceTypeReason)})` : ''}`);
    out.push('- **Evidence:**');
    for (const e of r.evidence) out.push(`  - ${mdText(e.message)}${e.location ? ` (${mdCode(fileLine(e.location, cwd))})` : ''}`);
    out.push(`- **Fix:** ${mdText(r.remediation)}`);
    if (r.suppression) {
      const sup = r.suppression;
      out.push(
        `- **Suppressed:** ${mdText(sup.reason)} (owner ${sup.owner ? mdText(sup.owner) : 'none'}, expires ${sup.expires ? mdText(sup.expires) : 'never'}, ${mdText(sup.source)})`,
      );
    }
    out.push('');
  }
  if (list.length > MAX_ROWS) out.push(`… and ${list.length - MAX_ROWS} more.`, '');
  out.push('</details>');
  out.push('');
}
