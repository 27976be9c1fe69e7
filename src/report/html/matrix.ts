import type { AuditCapability, AuditData, MatrixCell, MatrixRow } from '../../model/audit.js';
import { plural } from '../common.js';
import { collapsible, evidenceList, type PageContext } from './context.js';
import { esc } from './escape.js';

const CELL_SYMBOL: Record<MatrixCell['state'], string> = { granted: '●', conditional: '◐', unknown: '?', none: '' };

const LEGEND = [
  '<p class="legend">',
  '<span class="cell granted">● granted</span>',
  '<span class="cell conditional">◐ under conditions</span>',
  '<span class="cell unknown">? known after apply</span>',
  '<span class="cell violation">✖ violates a rule</span>',
  '<span class="cell violation suppressed">✖ violation, suppressed</span>',
  '</p>',
].join('');

/** Who can do what that matters: principals by capabilities, one table per service type. */
export function permissionsSection(audit: AuditData, page: PageContext): string[] {
  const out = ['<section id="permissions"><h2>Permissions: who can do what that matters</h2>', LEGEND];
  if (audit.matrix.length === 0 || audit.capabilities.length === 0) out.push('<p class="muted">No IAM principals or no capabilities defined.</p>');
  else out.push(matrixTables(audit, page));
  out.push('</section>');
  return out;
}

function matrixTables(audit: AuditData, page: PageContext): string {
  const capabilities = audit.capabilities.map((c) => `<th class="cap" title="${esc(c.description)}">${esc(c.name)}</th>`).join('');
  const head = `<thead><tr><th>Principal</th><th>Used by</th>${capabilities}</tr></thead>`;
  // Group rows by service type, violations first within the page's reading order.
  const groups = new Map<string, MatrixRow[]>();
  for (const row of audit.matrix) {
    const key = row.serviceType ?? 'untyped';
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  const parts: string[] = [];
  for (const [type, rows] of groups) {
    const violations = rows.filter((r) => r.cells.some((c) => c.violation && !c.violation.suppressed)).length;
    const body = rows.map((row) => matrixRow(row, audit.capabilities, page)).join('');
    const label = type === 'untyped' ? 'no service type' : type;
    const summary = `${esc(label)} — ${plural(rows.length, 'principal')}${violations ? `, ${violations} with violations` : ''}`;
    parts.push(collapsible(summary, `<table class="matrix">${head}<tbody>${body}</tbody></table>`, rows.length <= page.collapseAbove || violations > 0));
  }
  return parts.join('');
}

/** The principal's row of cells, then a collapsed row with what grants each cell (cells link to it). */
function matrixRow(row: MatrixRow, capabilities: readonly AuditCapability[], page: PageContext): string {
  const id = page.rowId.get(row.principal) ?? '';
  const shown = (cell: MatrixCell): boolean => cell.state !== 'none' || cell.violation !== undefined;
  const cells = row.cells.map((cell, i) => (shown(cell) ? matrixCell(cell, capabilities[i]!, `${id}-c${i}`) : '<td class="cell"></td>')).join('');
  const grants = row.cells.map((cell, i) => (shown(cell) ? cellGrants(cell, capabilities[i]!, `${id}-c${i}`, page) : '')).join('');
  const details = grants
    ? `<tr class="grants"><td colspan="${capabilities.length + 2}">${collapsible(`statements granting ${esc(row.principal)}`, grants, false)}</td></tr>`
    : '';
  const principal = `${esc(row.principal)}${row.kind === 'user' ? ' <span class="muted">(user)</span>' : ''}`;
  return `<tr id="${esc(id)}"><td class="addr">${principal}</td><td class="addr">${row.usedBy.map(esc).join('<br>')}</td>${cells}</tr>${details}`;
}

function matrixCell(cell: MatrixCell, cap: AuditCapability, grantsId: string): string {
  const cls = ['cell', cell.state, cell.violation ? 'violation' : '', cell.violation?.suppressed ? 'suppressed' : ''].filter(Boolean).join(' ');
  const symbol = cell.violation ? `✖ ${CELL_SYMBOL[cell.state]}` : CELL_SYMBOL[cell.state];
  const violates = cell.violation ? ` — violates ${cell.violation.ruleIds.join(', ')}${cell.violation.suppressed ? ' (suppressed)' : ''}` : '';
  const tip = `${cap.name}: ${cell.actions.join(', ')}${violates}`;
  return `<td class="${esc(cls)}" title="${esc(tip)}"><a href="#${esc(grantsId)}">${symbol}</a></td>`;
}

function cellGrants(cell: MatrixCell, cap: AuditCapability, id: string, page: PageContext): string {
  const violates = cell.violation ? `, violates ${esc(cell.violation.ruleIds.join(', '))}${cell.violation.suppressed ? ', suppressed' : ''}` : '';
  const conditions = cell.conditions.length ? `<div class="muted">when ${esc(cell.conditions.join(' and '))}</div>` : '';
  const actions = `<span class="addr">${esc(cell.actions.join(', '))}</span>`;
  const what = `<strong>${esc(cap.name)}</strong> (${esc(cell.state)}${violates}): ${actions}`;
  return `<div id="${esc(id)}">${what}${conditions}${evidenceList(cell.evidence, page.cwd)}</div>`;
}
