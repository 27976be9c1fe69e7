import type { AuditData } from '../../model/audit.js';
import type { Result, RunResults } from '../../model/findings.js';
import { fileLine, isActive, isSuppressed, isUndecided, plural, SEVERITY_ORDER } from '../common.js';
import { collapsible, evidenceList, locationHtml, type PageContext } from './context.js';
import { esc } from './escape.js';

/** What is wrong (by severity), what is undecided, what is suppressed by whom and until when. */
export function findingsSection(audit: AuditData, results: RunResults, page: PageContext): string[] {
  const out = ['<section id="findings"><h2>Findings</h2>'];
  if (audit.baseline) {
    const { file, new: added, unchanged, fixed } = audit.baseline;
    out.push(`<p>Baseline <span class="addr">${esc(file)}</span>: <strong>${added} new</strong>, ${unchanged} unchanged, ${fixed} fixed since.</p>`);
  }
  const findingHtml = (r: Result): string => finding(r, results.baseline !== undefined, page);
  const active = results.results.filter(isActive);
  for (const sev of SEVERITY_ORDER) {
    const list = active.filter((r) => r.severity === sev);
    if (list.length === 0) continue;
    const summary = `<span class="sev ${sev}">${sev}</span> ${plural(list.length, 'finding')}`;
    out.push(collapsible(summary, list.map(findingHtml).join(''), list.length <= page.collapseAbove, `findings-${sev}`));
  }
  if (active.length === 0) out.push('<p>No unsuppressed findings.</p>');
  const undecided = results.results.filter(isUndecided);
  if (undecided.length) {
    const summary = `Undecided (${undecided.length}): could not decide, value unknown until apply`;
    out.push(collapsible(summary, undecided.map(findingHtml).join(''), undecided.length <= page.collapseAbove, 'findings-undecided'));
  }
  const suppressed = results.results.filter(isSuppressed);
  if (suppressed.length) {
    const head = '<thead><tr><th>Rule</th><th>Resource</th><th>Reason</th><th>Owner</th><th>Expires</th><th>Declared in</th></tr></thead>';
    const rows = suppressed.map((r) => suppressionRow(r, page)).join('');
    const body = `<table>${head}<tbody>${rows}</tbody></table>${suppressed.map(findingHtml).join('')}`;
    out.push(collapsible(`Suppressed (${suppressed.length})`, body, suppressed.length <= page.collapseAbove, 'findings-suppressed'));
  }
  out.push('</section>');
  return out;
}

/** One finding: severity, rule, message, where, service type, evidence, fix, and its suppression if any. */
function finding(r: Result, baselineUsed: boolean, page: PageContext): string {
  const badges = [
    baselineUsed && r.isNew !== false && !r.suppression ? '<span class="badge new">new</span>' : '',
    r.undecided ? '<span class="badge undecided">undecided</span>' : '',
  ].join('');
  const s = r.suppression;
  const owner = s?.owner ? esc(s.owner) : '<em>none</em>';
  const expires = s?.expires ? esc(s.expires) : '<em>never</em>';
  const who = s ? `<span class="muted">— owner ${owner}, expires ${expires}, from ${esc(s.source)}</span>` : '';
  const sup = s ? `<div><strong>Suppressed:</strong> ${esc(s.reason)} ${who}</div>` : '';
  const serviceType = r.serviceType
    ? `<div class="muted">service type ${esc(r.serviceType)}${r.serviceTypeReason ? ` (${esc(r.serviceTypeReason)})` : ''}</div>`
    : '';
  return [
    `<div class="finding ${esc(r.severity)}${r.suppression ? ' suppressed' : ''}">`,
    `<div><span class="sev ${esc(r.severity)}">${esc(r.severity)}</span> <strong>${esc(r.ruleId)}</strong> `,
    `<span class="muted">${esc(r.ruleName)}</span>${badges}</div>`,
    `<div class="msg">${esc(r.message)}</div>`,
    `<div>${locationHtml(r.location, page.cwd)}</div>`,
    serviceType,
    evidenceList(r.evidence, page.cwd),
    `<div class="fix"><strong>Fix:</strong> ${esc(r.remediation)}</div>`,
    sup,
    '</div>',
  ].join('');
}

/** A suppressed finding in the suppressions table: who suppressed what, why, until when, where. */
function suppressionRow(r: Result, page: PageContext): string {
  const s = r.suppression!;
  return [
    `<tr><td><span class="sev ${esc(r.severity)}">${esc(r.severity)}</span> ${esc(r.ruleId)}</td>`,
    `<td class="addr">${esc(r.location.address ?? fileLine(r.location, page.cwd))}${r.subject ? ` [${esc(r.subject)}]` : ''}</td>`,
    `<td>${esc(s.reason)}</td>`,
    `<td>${s.owner ? esc(s.owner) : '<em class="muted">none</em>'}</td>`,
    `<td>${s.expires ? esc(s.expires) : '<em class="muted">never</em>'}</td>`,
    `<td class="addr">${esc(s.source)}</td></tr>`,
  ].join('');
}
