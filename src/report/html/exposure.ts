import type { AuditData, ExposureEntry } from '../../model/audit.js';
import { plural } from '../common.js';
import { collapsible, evidenceList, type PageContext } from './context.js';
import { exposureDiagram } from './diagram.js';
import { esc } from './escape.js';

/** What the internet reaches, and how: the diagram, then one row per exposed resource. */
export function exposureSection(audit: AuditData, page: PageContext): string[] {
  const anchorOf = (address: string): string => page.exposureId.get(address) ?? page.serviceId.get(address) ?? page.rowId.get(address) ?? 'exposure';
  return [
    '<section id="exposure"><h2>Exposure: what the internet reaches, and how</h2>',
    `<div class="diagram-wrap">${exposureDiagram(audit.exposure, anchorOf)}</div>`,
    exposureTable(audit.exposure, page),
    '</section>',
  ];
}

function exposureTable(exposure: readonly ExposureEntry[], page: PageContext): string {
  if (exposure.length === 0) return '<p>Nothing is reachable from the internet.</p>';
  const sorted = [...exposure].sort((a, b) => Number(a.isGateway || a.viaGateway) - Number(b.isGateway || b.viaGateway) || (a.address < b.address ? -1 : 1));
  const head = '<thead><tr><th>Resource</th><th>How</th><th>Ports</th><th>Path from the internet</th></tr></thead>';
  const table = `<table>${head}<tbody>${sorted.map((e) => exposureRow(e, page)).join('')}</tbody></table>`;
  return collapsible(plural(exposure.length, 'exposed resource'), table, exposure.length <= page.collapseAbove * 2);
}

const pathHtml = (hops: readonly string[]): string => `<span class="path">${hops.map((h) => `<span class="hop">${esc(h)}</span>`).join('')}</span>`;

function exposureRow(e: ExposureEntry, page: PageContext): string {
  const kind = e.isGateway
    ? '<span class="badge gateway">gateway (public by design)</span>'
    : e.undecided
      ? '<span class="badge undecided">maybe</span>'
      : e.viaGateway
        ? '<span class="badge gateway">via gateway</span>'
        : '<span class="badge direct">around the gateway</span>';
  const otherPath = (p: ExposureEntry['otherPaths'][number]): string =>
    `${pathHtml(p.path)} ${p.viaGateway ? '(via gateway)' : '(direct)'} ${esc(p.ports.join(', '))}${p.undecided ? ` — ${esc(p.undecided)}` : ''}`;
  const others = e.otherPaths.length ? `<div class="muted">also: ${e.otherPaths.map(otherPath).join('<br>')}</div>` : '';
  const direct = !e.isGateway && !e.viaGateway && !e.undecided;
  const resource = `${esc(e.address)}${e.serviceType ? ` <span class="muted">(${esc(e.serviceType)})</span>` : ''}`;
  const ports = `${esc(e.ports.join(', ') || '—')}${e.worldPorts.length ? `<div class="missing">open to all: ${esc(e.worldPorts.join(', '))}</div>` : ''}`;
  const undecided = e.undecided ? `<div class="muted">${esc(e.undecided)}</div>` : '';
  const hops = collapsible('hops', evidenceList(e.evidence, page.cwd), false);
  return [
    `<tr id="${esc(page.exposureId.get(e.address) ?? '')}" class="${direct ? 'direct' : ''}">`,
    `<td class="addr">${resource}</td>`,
    `<td>${kind}</td>`,
    `<td class="addr">${ports}</td>`,
    `<td>${pathHtml(e.path)}${others}${undecided}${hops}</td></tr>`,
  ].join('');
}
