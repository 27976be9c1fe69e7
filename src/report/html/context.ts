import type { AuditData } from '../../model/audit.js';
import type { Evidence } from '../../model/findings.js';
import type { Location } from '../../model/types.js';
import { fileLine } from '../common.js';
import { esc, Ids } from './escape.js';

/** What every section of the page shares: options, the fragment ids of rows other sections link to, common fragments. */
export interface PageContext {
  /** Absolute working directory, to show absolute paths relative to it. */
  readonly cwd: string | undefined;
  /** Groups with more rows than this start collapsed. */
  readonly collapseAbove: number;
  /** Fragment id per exposed resource, per permission-matrix principal, per inventory service. */
  readonly exposureId: ReadonlyMap<string, string>;
  readonly rowId: ReadonlyMap<string, string>;
  readonly serviceId: ReadonlyMap<string, string>;
}

/** Fragment ids, fixed up front so every section can link to every other. */
export function pageContext(audit: AuditData, cwd: string | undefined, collapseAbove: number): PageContext {
  const ids = new Ids();
  const exposureId = new Map<string, string>();
  for (const e of audit.exposure) exposureId.set(e.address, ids.make('exp', e.address));
  const rowId = new Map<string, string>();
  for (const r of audit.matrix) rowId.set(r.principal, ids.make('iam', r.principal));
  const serviceId = new Map<string, string>();
  for (const g of audit.inventory) for (const s of g.services) serviceId.set(s.address, ids.make('svc', s.address));
  return { cwd, collapseAbove, exposureId, rowId, serviceId };
}

/** Where a thing is defined: file and line, address, construct path. */
export function locationHtml(l: Location, cwd: string | undefined): string {
  const address = l.address ? ` <span class="addr">${esc(l.address)}</span>` : '';
  const constructPath = l.constructPath ? ` <span class="muted">(${esc(l.constructPath)})</span>` : '';
  return `<span class="addr">${esc(fileLine(l, cwd))}</span>${address}${constructPath}`;
}

export function evidenceList(evidence: readonly Evidence[], cwd: string | undefined): string {
  if (evidence.length === 0) return '';
  const item = (e: Evidence): string => `<li>${esc(e.message)}${e.location ? ` <span class="muted">— ${locationHtml(e.location, cwd)}</span>` : ''}</li>`;
  return `<ul>${evidence.map(item).join('')}</ul>`;
}

/** A `<details>` block; `summary` and `body` are HTML already. */
export function collapsible(summary: string, body: string, open: boolean, id?: string): string {
  return `<details${open ? ' open' : ''}${id ? ` id="${esc(id)}"` : ''}><summary>${summary}</summary><div class="body">${body}</div></details>`;
}
