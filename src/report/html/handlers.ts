import type { AuditData, HandlerAudit } from '../../model/audit.js';
import { plural } from '../common.js';
import { collapsible, type PageContext } from './context.js';
import { esc } from './escape.js';

/** Code vs roles: per handler, what its SDK calls need against what its role grants. Absent without `--code`. */
export function codeSection(audit: AuditData, page: PageContext): string[] {
  if (!audit.handlers) return [];
  const out = ['<section id="code"><h2>Code vs roles: SDK calls against grants</h2>'];
  if (audit.handlers.length === 0) out.push('<p class="muted">No handler code was found for the stack’s functions and services.</p>');
  const open = audit.handlers.length <= page.collapseAbove;
  for (const h of audit.handlers) out.push(handlerSection(h, open));
  out.push('</section>');
  return out;
}

function handlerSection(h: HandlerAudit, open: boolean): string {
  const missingCount = h.missing.length ? `, <span class="missing">${h.missing.length} missing</span>` : '';
  const unusedCount = h.unusedCount ? `, <span class="unused">${h.unusedCount} unused</span>` : '';
  const serviceType = h.serviceType ? ` <span class="muted">(${esc(h.serviceType)})</span>` : '';
  const summary = `<span class="addr">${esc(h.resource)}</span>${serviceType} — ${plural(h.calls.length, 'call')}${missingCount}${unusedCount}`;
  const runsAs = `<div>entry <span class="addr">${esc(h.entry)}</span>, runs as <span class="addr">${esc(h.role ?? 'no role')}</span></div>`;
  const body = `${runsAs}${missingGrants(h)}${conditionalGrants(h)}${unusedGrants(h)}${callTable(h)}`;
  return collapsible(summary, body, open || h.missing.length > 0);
}

function missingGrants(h: HandlerAudit): string {
  if (!h.missing.length) return h.role ? '<p class="muted">Every call the code makes is allowed.</p>' : '<p class="muted">No role linked to this code.</p>';
  const item = (m: HandlerAudit['missing'][number]): string => {
    const sites = `<span class="muted">at ${esc(m.sites.join(', '))}</span>`;
    return `<li class="missing"><span class="addr">${esc(m.action)}</span>${m.denied ? ' (explicitly denied)' : ''} ${sites}</li>`;
  };
  return `<p class="missing">Missing grants (the code calls them, the role does not allow them): </p><ul>${h.missing.map(item).join('')}</ul>`;
}

function conditionalGrants(h: HandlerAudit): string {
  if (!h.conditional.length) return '';
  const item = (c: HandlerAudit['conditional'][number]): string =>
    `<li><span class="addr">${esc(c.action)}</span> <span class="muted">when ${esc(c.conditions.join(' and ') || 'values known after apply')}</span></li>`;
  return `<p>Allowed only under conditions:</p><ul>${h.conditional.map(item).join('')}</ul>`;
}

function unusedGrants(h: HandlerAudit): string {
  if (!h.unusedCount) return '';
  const item = (u: HandlerAudit['unused'][number]): string => {
    const actions = `${esc(u.actions.join(', '))}${u.count > u.actions.length ? ', …' : ''}`;
    return `<li><span class="addr">${esc(u.prefix)}</span>: ${u.count} — <span class="addr">${actions}</span></li>`;
  };
  const summary = `<summary class="unused">${plural(h.unusedCount, 'unused grant')} (the role allows, no call needs)</summary>`;
  return `<details>${summary}<div class="body"><ul>${h.unused.map(item).join('')}</ul></div></details>`;
}

function callTable(h: HandlerAudit): string {
  const row = (c: HandlerAudit['calls'][number]): string => {
    const actions = c.unresolved ? `<em class="muted">unresolved: ${esc(c.unresolved)}</em>` : esc(c.actions.join(', '));
    return `<tr><td class="addr">${esc(`${c.file}:${c.line}`)}</td><td>${esc(c.sdkCall)}</td><td class="addr">${actions}</td></tr>`;
  };
  const calls = h.calls.map(row).join('');
  if (!calls) return '<p class="muted">No AWS SDK calls.</p>';
  return `<table><thead><tr><th>Call site</th><th>SDK call</th><th>IAM actions</th></tr></thead><tbody>${calls}</tbody></table>`;
}
