/**
 * The audit report: ONE self-contained HTML file (inline CSS, one tiny inline script, an inline
 * SVG diagram; nothing fetched from anywhere), answering on one page: what runs here and of
 * which type; who can do what that matters; what is reachable from the internet and by which
 * path; what is wrong, what is suppressed, by whom and until when; what the handler code calls
 * against what its role grants. Pure: AuditData + results in, a string out.
 *
 * Safety: every input-derived string goes through `esc`; a Content-Security-Policy allows no
 * network access at all and only our own script (by hash), so even a missed escape could not
 * run a script or load anything.
 */
import { createHash } from 'node:crypto';
import type { AuditData, ExposureEntry, HandlerAudit, InventoryGroup, MatrixCell, MatrixRow } from '../../model/audit.js';
import type { Evidence, Result, RuleDescriptor, RunResults } from '../../model/findings.js';
import type { Location } from '../../model/types.js';
import { fileLine, isActive, isSuppressed, isUndecided, plural, summarize, SEVERITY_ORDER } from '../common.js';
import { exposureDiagram } from './diagram.js';
import { esc, Ids } from './escape.js';
import { STYLE } from './style.js';

interface AuditHtmlOptions {
  /** Page title; default `hybridguard audit`. */
  readonly title?: string;
  /** Absolute working directory, to show absolute paths relative to it. */
  readonly cwd?: string;
  /** Groups with more rows than this start collapsed (default 25). */
  readonly collapseAbove?: number;
}

// Opens every collapsed section before printing, so the paper copy is complete.
const SCRIPT = `addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})});`;
const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;

const CELL_SYMBOL: Record<MatrixCell['state'], string> = { granted: '●', conditional: '◐', unknown: '?', none: '' };

export function renderAuditHtml(audit: AuditData, results: RunResults, options: AuditHtmlOptions = {}): string {
  const cwd = options.cwd;
  const collapseAbove = options.collapseAbove ?? 25;
  const ids = new Ids();
  const title = options.title ?? 'hybridguard audit';

  // Fragment ids, fixed up front so every section can link to every other.
  const exposureId = new Map<string, string>();
  for (const e of audit.exposure) exposureId.set(e.address, ids.make('exp', e.address));
  const rowId = new Map<string, string>();
  for (const r of audit.matrix) rowId.set(r.principal, ids.make('iam', r.principal));
  const serviceId = new Map<string, string>();
  for (const g of audit.inventory) for (const s of g.services) serviceId.set(s.address, ids.make('svc', s.address));
  const anchorOf = (address: string): string => exposureId.get(address) ?? serviceId.get(address) ?? rowId.get(address) ?? 'exposure';

  const loc = (l: Location): string =>
    `<span class="addr">${esc(fileLine(l, cwd))}</span>${l.address ? ` <span class="addr">${esc(l.address)}</span>` : ''}${
      l.constructPath ? ` <span class="muted">(${esc(l.constructPath)})</span>` : ''
    }`;
  const evidenceList = (evidence: readonly Evidence[]): string =>
    evidence.length === 0
      ? ''
      : `<ul>${evidence.map((e) => `<li>${esc(e.message)}${e.location ? ` <span class="muted">— ${loc(e.location)}</span>` : ''}</li>`).join('')}</ul>`;
  const collapsible = (summary: string, body: string, open: boolean, id?: string): string =>
    `<details${open ? ' open' : ''}${id ? ` id="${esc(id)}"` : ''}><summary>${summary}</summary><div class="body">${body}</div></details>`;

  const s = summarize(results);
  const services = audit.inventory.reduce((n, g) => n + g.services.length, 0);
  const direct = audit.exposure.filter((e) => !e.isGateway && !e.viaGateway && !e.undecided).length;

  const out: string[] = [];
  out.push(
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="${esc(`${audit.tool.name} ${audit.tool.version}`)}">`,
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    `<script>${SCRIPT}</script>`,
    '</head><body>',
  );

  // ---- header and summary ----
  out.push(
    `<header><h1>${esc(title)}</h1><div class="meta">${esc(`${audit.tool.name} ${audit.tool.version}`)} · ${plural(
      audit.inputs.length,
      'input',
    )}: ${audit.inputs.map((i) => `<span class="addr">${esc(i)}</span>`).join(', ')}</div>`,
  );
  const card = (n: number, label: string, cls = ''): string => `<div class="card ${cls}"><span class="n">${n}</span><span class="t">${esc(label)}</span></div>`;
  out.push(
    '<div class="cards">',
    card(services, 'services'),
    card(audit.exposure.length, 'reachable from the internet'),
    card(direct, 'exposed around the gateway', direct ? 'err' : 'ok'),
    card(s.bySeverity.error, 'errors', s.bySeverity.error ? 'err' : 'ok'),
    card(s.bySeverity.warning, 'warnings', s.bySeverity.warning ? 'warn' : 'ok'),
    card(s.bySeverity.note, 'notes', 'note'),
    card(s.undecided, 'undecided'),
    card(s.suppressed, 'suppressed'),
    ...(audit.baseline
      ? [card(audit.baseline.new, 'new since baseline', audit.baseline.new ? 'err' : 'ok'), card(audit.baseline.fixed, 'fixed since baseline', 'ok')]
      : []),
    '</div></header>',
  );
  out.push(
    '<nav><a href="#inventory">Inventory</a><a href="#permissions">Permissions</a><a href="#exposure">Exposure</a><a href="#findings">Findings</a>',
    audit.handlers ? '<a href="#code">Code vs roles</a>' : '',
    '<a href="#rules">Rules</a></nav><main>',
  );
  if (audit.notes.length)
    out.push(`<section class="notes">${audit.notes.map((n) => `<p class="muted"><strong>Note:</strong> ${esc(n)}</p>`).join('')}</section>`);

  // ---- inventory ----
  out.push('<section id="inventory"><h2>Inventory: what runs here</h2>');
  if (audit.inventory.length === 0) out.push('<p class="muted">No services found.</p>');
  for (const g of audit.inventory) out.push(inventoryGroup(g, collapseAbove, serviceId, exposureId, loc));
  out.push('</section>');

  // ---- permission matrix ----
  out.push('<section id="permissions"><h2>Permissions: who can do what that matters</h2>');
  out.push(
    '<p class="legend"><span class="cell granted">● granted</span><span class="cell conditional">◐ under conditions</span><span class="cell unknown">? known ' +
      'after apply</span><span class="cell violation">✖ violates a rule</span><span class="cell violation suppressed">✖ violation, suppressed</span></p>',
  );
  if (audit.matrix.length === 0 || audit.capabilities.length === 0) out.push('<p class="muted">No IAM principals or no capabilities defined.</p>');
  else out.push(matrixSection(audit, collapseAbove, rowId, evidenceList));
  out.push('</section>');

  // ---- exposure ----
  out.push('<section id="exposure"><h2>Exposure: what the internet reaches, and how</h2>');
  out.push(`<div class="diagram-wrap">${exposureDiagram(audit.exposure, anchorOf)}</div>`);
  out.push(exposureTable(audit.exposure, exposureId, collapseAbove, evidenceList));
  out.push('</section>');

  // ---- findings ----
  out.push('<section id="findings"><h2>Findings</h2>');
  if (audit.baseline) {
    out.push(
      `<p>Baseline <span class="addr">${esc(audit.baseline.file)}</span>: <strong>${audit.baseline.new} new</strong>, ${audit.baseline.unchanged} unchanged, ${
        audit.baseline.fixed
      } fixed since.</p>`,
    );
  }
  const baselineUsed = results.baseline !== undefined;
  const findingHtml = (r: Result): string => {
    const badges = [
      baselineUsed && r.isNew !== false && !r.suppression ? '<span class="badge new">new</span>' : '',
      r.undecided ? '<span class="badge undecided">undecided</span>' : '',
    ].join('');
    const sup = r.suppression
      ? `<div><strong>Suppressed:</strong> ${esc(r.suppression.reason)} <span class="muted">— owner ${
          r.suppression.owner ? esc(r.suppression.owner) : '<em>none</em>'
        }, expires ${r.suppression.expires ? esc(r.suppression.expires) : '<em>never</em>'}, from ${esc(r.suppression.source)}</span></div>`
      : '';
    return `<div class="finding ${esc(r.severity)}${r.suppression ? ' suppressed' : ''}"><div><span class="sev ${esc(r.severity)}">${esc(
      r.severity,
    )}</span> <strong>${esc(r.ruleId)}</strong> <span class="muted">${esc(r.ruleName)}</span>${badges}</div><div class="msg">${esc(r.message)}</div><div>${loc(
      r.location,
    )}</div>${
      r.serviceType ? `<div class="muted">service type ${esc(r.serviceType)}${r.serviceTypeReason ? ` (${esc(r.serviceTypeReason)})` : ''}</div>` : ''
    }${evidenceList(r.evidence)}<div class="fix"><strong>Fix:</strong> ${esc(r.remediation)}</div>${sup}</div>`;
  };
  const active = results.results.filter(isActive);
  for (const sev of SEVERITY_ORDER) {
    const list = active.filter((r) => r.severity === sev);
    if (list.length === 0) continue;
    out.push(
      collapsible(
        `<span class="sev ${sev}">${sev}</span> ${plural(list.length, 'finding')}`,
        list.map(findingHtml).join(''),
        list.length <= collapseAbove,
        `findings-${sev}`,
      ),
    );
  }
  if (active.length === 0) out.push('<p>No unsuppressed findings.</p>');
  const undecided = results.results.filter(isUndecided);
  if (undecided.length)
    out.push(
      collapsible(
        `Undecided (${undecided.length}): could not decide, value unknown until apply`,
        undecided.map(findingHtml).join(''),
        undecided.length <= collapseAbove,
        'findings-undecided',
      ),
    );
  const suppressed = results.results.filter(isSuppressed);
  if (suppressed.length) {
    const rows = suppressed
      .map(
        (r) =>
          `<tr><td><span class="sev ${esc(r.severity)}">${esc(r.severity)}</span> ${esc(r.ruleId)}</td><td class="addr">${esc(
            r.location.address ?? fileLine(r.location, cwd),
          )}${r.subject ? ` [${esc(r.subject)}]` : ''}</td><td>${esc(r.suppression!.reason)}</td><td>${
            r.suppression!.owner ? esc(r.suppression!.owner) : '<em class="muted">none</em>'
          }</td><td>${r.suppression!.expires ? esc(r.suppression!.expires) : '<em class="muted">never</em>'}</td><td class="addr">${esc(
            r.suppression!.source,
          )}</td></tr>`,
      )
      .join('');
    out.push(
      collapsible(
        `Suppressed (${suppressed.length})`,
        `<table><thead><tr><th>Rule</th><th>Resource</th><th>Reason</th><th>Owner</th><th>Expires</th><th>Declared in</th></tr></thead>` +
          `<tbody>${rows}</tbody></table>${suppressed.map(findingHtml).join('')}`,
        suppressed.length <= collapseAbove,
        'findings-suppressed',
      ),
    );
  }
  out.push('</section>');

  // ---- code vs roles ----
  if (audit.handlers) {
    out.push('<section id="code"><h2>Code vs roles: SDK calls against grants</h2>');
    if (audit.handlers.length === 0) out.push('<p class="muted">No handler code was found for the stack’s functions and services.</p>');
    const open = audit.handlers.length <= collapseAbove;
    for (const h of audit.handlers) out.push(handlerSection(h, open));
    out.push('</section>');
  }

  // ---- rules ----
  out.push('<section id="rules"><h2>Rules</h2>');
  const used = new Set(results.results.map((r) => r.ruleId));
  const ruleRow = (rule: RuleDescriptor): string =>
    `<tr><td class="addr">${esc(rule.id)}</td><td>${esc(rule.name)}</td><td><span class="sev ${esc(rule.severity)}">${esc(rule.severity)}</span></td><td>${esc(
      rule.description,
    )}<div class="muted">${esc(rule.rationale)}</div><div class="fix">${esc(rule.remediation)}</div></td><td>${
      used.has(rule.id) ? results.results.filter((r) => r.ruleId === rule.id).length : 0
    }</td></tr>`;
  out.push(
    collapsible(
      `${plural(results.rules.length, 'rule')} ran`,
      `<table><thead><tr><th>Id</th><th>Name</th><th>Severity</th><th>What and why</th><th>Findings</th></tr></thead><tbody>${results.rules
        .map(ruleRow)
        .join('')}</tbody></table>`,
      results.rules.length <= collapseAbove,
    ),
  );
  out.push('</section></main></body></html>', '');
  return out.join('\n');
}

function inventoryGroup(
  g: InventoryGroup,
  collapseAbove: number,
  serviceId: ReadonlyMap<string, string>,
  exposureId: ReadonlyMap<string, string>,
  loc: (l: Location) => string,
): string {
  const exposureBadge = (e: string | undefined, address: string): string => {
    if (!e) return '';
    const cls = e === 'direct' ? 'direct' : e === 'undecided' ? 'undecided' : 'gateway';
    const label =
      e === 'direct' ? 'public, around the gateway' : e === 'gateway' ? 'via gateway' : e === 'public-by-design' ? 'public gateway' : 'maybe public';
    return `<a href="#${esc(exposureId.get(address) ?? 'exposure')}" class="badge ${cls}">${label}</a>`;
  };
  const rows = g.services
    .map(
      (s) =>
        `<tr id="${esc(serviceId.get(s.address) ?? '')}"><td class="addr">${esc(s.address)}${exposureBadge(s.exposure, s.address)}</td><td class="addr">${esc(
          s.resourceType,
        )}</td><td>${
          s.source ? `<strong>${esc(s.source)}</strong>: ${esc(s.reason ?? '')}` : '<em class="muted">no service type</em>'
        }</td><td class="addr">${s.roles.map(esc).join('<br>')}</td><td>${s.findings}${
          s.suppressed ? ` <span class="muted">(+${s.suppressed} suppressed)</span>` : ''
        }</td><td>${loc(s.location)}</td></tr>`,
    )
    .join('');
  const label = g.serviceType === 'untyped' ? 'no service type' : g.serviceType;
  const withFindings = g.services.filter((s) => s.findings > 0).length;
  const summary = `${esc(label)} — ${plural(g.services.length, 'service')}${withFindings ? `, ${withFindings} with findings` : ''}`;
  const head = '<tr><th>Service</th><th>Resource type</th><th>Why this type</th><th>Runs as</th><th>Findings</th><th>Defined at</th></tr>';
  return (
    `<details${g.services.length <= collapseAbove ? ' open' : ''} id="inventory-${esc(g.serviceType)}"><summary>${summary}</summary>` +
    `<div class="body"><table><thead>${head}</thead><tbody>${rows}</tbody></table></div></details>`
  );
}

function matrixSection(
  audit: AuditData,
  collapseAbove: number,
  rowId: ReadonlyMap<string, string>,
  evidenceList: (e: readonly Evidence[]) => string,
): string {
  const head = `<thead><tr><th>Principal</th><th>Used by</th>${audit.capabilities
    .map((c) => `<th class="cap" title="${esc(c.description)}">${esc(c.name)}</th>`)
    .join('')}</tr></thead>`;
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
    const body = rows
      .map((row) => {
        const id = rowId.get(row.principal) ?? '';
        const cells = row.cells
          .map((cell, i) => {
            const cap = audit.capabilities[i]!;
            if (cell.state === 'none' && !cell.violation) return '<td class="cell"></td>';
            const cls = ['cell', cell.state, cell.violation ? 'violation' : '', cell.violation?.suppressed ? 'suppressed' : ''].filter(Boolean).join(' ');
            const symbol = cell.violation ? `✖ ${CELL_SYMBOL[cell.state]}` : CELL_SYMBOL[cell.state];
            const tip = `${cap.name}: ${cell.actions.join(', ')}${
              cell.violation ? ` — violates ${cell.violation.ruleIds.join(', ')}${cell.violation.suppressed ? ' (suppressed)' : ''}` : ''
            }`;
            return `<td class="${esc(cls)}" title="${esc(tip)}"><a href="#${esc(`${id}-c${i}`)}">${symbol}</a></td>`;
          })
          .join('');
        const grants = row.cells
          .map((cell, i) =>
            cell.state === 'none' && !cell.violation
              ? ''
              : `<div id="${esc(`${id}-c${i}`)}"><strong>${esc(audit.capabilities[i]!.name)}</strong> (${esc(cell.state)}${
                  cell.violation ? `, violates ${esc(cell.violation.ruleIds.join(', '))}${cell.violation.suppressed ? ', suppressed' : ''}` : ''
                }): <span class="addr">${esc(cell.actions.join(', '))}</span>${
                  cell.conditions.length ? `<div class="muted">when ${esc(cell.conditions.join(' and '))}</div>` : ''
                }${evidenceList(cell.evidence)}</div>`,
          )
          .join('');
        const details = grants
          ? `<tr class="grants"><td colspan="${audit.capabilities.length + 2}"><details><summary>statements granting ${esc(
              row.principal,
            )}</summary><div class="body">${grants}</div></details></td></tr>`
          : '';
        return `<tr id="${esc(id)}"><td class="addr">${esc(row.principal)}${
          row.kind === 'user' ? ' <span class="muted">(user)</span>' : ''
        }</td><td class="addr">${row.usedBy.map(esc).join('<br>')}</td>${cells}</tr>${details}`;
      })
      .join('');
    parts.push(
      `<details${rows.length <= collapseAbove || violations > 0 ? ' open' : ''}><summary>${esc(type === 'untyped' ? 'no service type' : type)} — ${plural(
        rows.length,
        'principal',
      )}${
        violations ? `, ${violations} with violations` : ''
      }</summary><div class="body"><table class="matrix">${head}<tbody>${body}</tbody></table></div></details>`,
    );
  }
  return parts.join('');
}

function exposureTable(
  exposure: readonly ExposureEntry[],
  exposureId: ReadonlyMap<string, string>,
  collapseAbove: number,
  evidenceList: (e: readonly Evidence[]) => string,
): string {
  if (exposure.length === 0) return '<p>Nothing is reachable from the internet.</p>';
  const path = (hops: readonly string[]): string => `<span class="path">${hops.map((h) => `<span class="hop">${esc(h)}</span>`).join('')}</span>`;
  const row = (e: ExposureEntry): string => {
    const kind = e.isGateway
      ? '<span class="badge gateway">gateway (public by design)</span>'
      : e.undecided
        ? '<span class="badge undecided">maybe</span>'
        : e.viaGateway
          ? '<span class="badge gateway">via gateway</span>'
          : '<span class="badge direct">around the gateway</span>';
    const others = e.otherPaths.length
      ? `<div class="muted">also: ${e.otherPaths
          .map((p) => `${path(p.path)} ${p.viaGateway ? '(via gateway)' : '(direct)'} ${esc(p.ports.join(', '))}${p.undecided ? ` — ${esc(p.undecided)}` : ''}`)
          .join('<br>')}</div>`
      : '';
    const direct = !e.isGateway && !e.viaGateway && !e.undecided;
    return `<tr id="${esc(exposureId.get(e.address) ?? '')}" class="${direct ? 'direct' : ''}"><td class="addr">${esc(e.address)}${
      e.serviceType ? ` <span class="muted">(${esc(e.serviceType)})</span>` : ''
    }</td><td>${kind}</td><td class="addr">${esc(e.ports.join(', ') || '—')}${
      e.worldPorts.length ? `<div class="missing">open to all: ${esc(e.worldPorts.join(', '))}</div>` : ''
    }</td><td>${path(e.path)}${others}${
      e.undecided ? `<div class="muted">${esc(e.undecided)}</div>` : ''
    }<details><summary>hops</summary><div class="body">${evidenceList(e.evidence)}</div></details></td></tr>`;
  };
  const sorted = [...exposure].sort((a, b) => Number(a.isGateway || a.viaGateway) - Number(b.isGateway || b.viaGateway) || (a.address < b.address ? -1 : 1));
  return `<details${exposure.length <= collapseAbove * 2 ? ' open' : ''}><summary>${plural(
    exposure.length,
    'exposed resource',
  )}</summary><div class="body"><table><thead><tr><th>Resource</th><th>How</th><th>Ports</th><th>Path from the internet</th></tr></thead><tbody>${sorted
    .map(row)
    .join('')}</tbody></table></div></details>`;
}

function handlerSection(h: HandlerAudit, open: boolean): string {
  const calls = h.calls
    .map(
      (c) =>
        `<tr><td class="addr">${esc(`${c.file}:${c.line}`)}</td><td>${esc(c.sdkCall)}</td><td class="addr">${
          c.unresolved ? `<em class="muted">unresolved: ${esc(c.unresolved)}</em>` : esc(c.actions.join(', '))
        }</td></tr>`,
    )
    .join('');
  const missing = h.missing.length
    ? `<p class="missing">Missing grants (the code calls them, the role does not allow them): </p><ul>${h.missing
        .map(
          (m) =>
            `<li class="missing"><span class="addr">${esc(m.action)}</span>${m.denied ? ' (explicitly denied)' : ''} <span class="muted">at ${esc(
              m.sites.join(', '),
            )}</span></li>`,
        )
        .join('')}</ul>`
    : h.role
    ? '<p class="muted">Every call the code makes is allowed.</p>'
    : '<p class="muted">No role linked to this code.</p>';
  const conditional = h.conditional.length
    ? `<p>Allowed only under conditions:</p><ul>${h.conditional
        .map(
          (c) =>
            `<li><span class="addr">${esc(c.action)}</span> <span class="muted">when ${esc(
              c.conditions.join(' and ') || 'values known after apply',
            )}</span></li>`,
        )
        .join('')}</ul>`
    : '';
  const unused = h.unusedCount
    ? `<details><summary class="unused">${plural(h.unusedCount, 'unused grant')} (the role allows, no call needs)</summary><div class="body"><ul>${h.unused
        .map(
          (u) =>
            `<li><span class="addr">${esc(u.prefix)}</span>: ${u.count} — <span class="addr">${esc(u.actions.join(', '))}${
              u.count > u.actions.length ? ', …' : ''
            }</span></li>`,
        )
        .join('')}</ul></div></details>`
    : '';
  const summary = `<span class="addr">${esc(h.resource)}</span>${h.serviceType ? ` <span class="muted">(${esc(h.serviceType)})</span>` : ''} — ${plural(
    h.calls.length,
    'call',
  )}${h.missing.length ? `, <span class="missing">${h.missing.length} missing</span>` : ''}${
    h.unusedCount ? `, <span class="unused">${h.unusedCount} unused</span>` : ''
  }`;
  const body = `<div>entry <span class="addr">${esc(h.entry)}</span>, runs as <span class="addr">${esc(
    h.role ?? 'no role',
  )}</span></div>${missing}${conditional}${unused}${
    calls
      ? `<table><thead><tr><th>Call site</th><th>SDK call</th><th>IAM actions</th></tr></thead><tbody>${calls}</tbody></table>`
      : '<p class="muted">No AWS SDK calls.</p>'
  }`;
  return `<details${open || h.missing.length ? ' open' : ''}><summary>${summary}</summary><div class="body">${body}</div></details>`;
}
