import type { AuditData, InventoryGroup, InventoryService } from '../../model/audit.js';
import { plural } from '../common.js';
import { collapsible, locationHtml, type PageContext } from './context.js';
import { esc } from './escape.js';

/** What runs here: one table per service type. */
export function inventorySection(audit: AuditData, page: PageContext): string[] {
  const out = ['<section id="inventory"><h2>Inventory: what runs here</h2>'];
  if (audit.inventory.length === 0) out.push('<p class="muted">No services found.</p>');
  for (const g of audit.inventory) out.push(inventoryGroup(g, page));
  out.push('</section>');
  return out;
}

function inventoryGroup(g: InventoryGroup, page: PageContext): string {
  const rows = g.services.map((s) => serviceRow(s, page)).join('');
  const label = g.serviceType === 'untyped' ? 'no service type' : g.serviceType;
  const withFindings = g.services.filter((s) => s.findings > 0).length;
  const summary = `${esc(label)} — ${plural(g.services.length, 'service')}${withFindings ? `, ${withFindings} with findings` : ''}`;
  const head = '<thead><tr><th>Service</th><th>Resource type</th><th>Why this type</th><th>Runs as</th><th>Findings</th><th>Defined at</th></tr></thead>';
  return collapsible(summary, `<table>${head}<tbody>${rows}</tbody></table>`, g.services.length <= page.collapseAbove, `inventory-${g.serviceType}`);
}

function serviceRow(s: InventoryService, page: PageContext): string {
  const why = s.source ? `<strong>${esc(s.source)}</strong>: ${esc(s.reason ?? '')}` : '<em class="muted">no service type</em>';
  const findings = `${s.findings}${s.suppressed ? ` <span class="muted">(+${s.suppressed} suppressed)</span>` : ''}`;
  return [
    `<tr id="${esc(page.serviceId.get(s.address) ?? '')}">`,
    `<td class="addr">${esc(s.address)}${exposureBadge(s.exposure, s.address, page)}</td>`,
    `<td class="addr">${esc(s.resourceType)}</td>`,
    `<td>${why}</td>`,
    `<td class="addr">${s.roles.map(esc).join('<br>')}</td>`,
    `<td>${findings}</td>`,
    `<td>${locationHtml(s.location, page.cwd)}</td></tr>`,
  ].join('');
}

/** How the service is reachable from the internet, linking to its exposure row. */
function exposureBadge(e: InventoryService['exposure'], address: string, page: PageContext): string {
  if (!e) return '';
  const cls = e === 'direct' ? 'direct' : e === 'undecided' ? 'undecided' : 'gateway';
  const label = e === 'direct' ? 'public, around the gateway' : e === 'gateway' ? 'via gateway' : e === 'public-by-design' ? 'public gateway' : 'maybe public';
  return `<a href="#${esc(page.exposureId.get(address) ?? 'exposure')}" class="badge ${cls}">${label}</a>`;
}
