import { createHash } from 'node:crypto';
import type { AuditData } from '../../model/audit.js';
import type { RunResults } from '../../model/findings.js';
import { plural, summarize } from '../common.js';
import { esc } from './escape.js';
import { STYLE } from './style.js';

// Opens every collapsed section before printing, so the paper copy is complete.
const SCRIPT = `addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})});`;
const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;

/** From the doctype to `<body>`: the CSP (no network access, only our own script by hash), the inline style and script. */
export function documentHead(audit: AuditData, title: string): string[] {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="${esc(`${audit.tool.name} ${audit.tool.version}`)}">`,
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    `<script>${SCRIPT}</script>`,
    '</head><body>',
  ];
}

/** The title, the inputs, and one card per headline number. */
export function pageHeader(audit: AuditData, results: RunResults, title: string): string[] {
  const s = summarize(results);
  const services = audit.inventory.reduce((n, g) => n + g.services.length, 0);
  const direct = audit.exposure.filter((e) => !e.isGateway && !e.viaGateway && !e.undecided).length;
  const tool = `${audit.tool.name} ${audit.tool.version}`;
  const inputs = audit.inputs.map((i) => `<span class="addr">${esc(i)}</span>`).join(', ');
  const card = (n: number, label: string, cls = ''): string => `<div class="card ${cls}"><span class="n">${n}</span><span class="t">${esc(label)}</span></div>`;
  const baseline = audit.baseline
    ? [card(audit.baseline.new, 'new since baseline', audit.baseline.new ? 'err' : 'ok'), card(audit.baseline.fixed, 'fixed since baseline', 'ok')]
    : [];
  return [
    `<header><h1>${esc(title)}</h1><div class="meta">${esc(tool)} · ${plural(audit.inputs.length, 'input')}: ${inputs}</div>`,
    '<div class="cards">',
    card(services, 'services'),
    card(audit.exposure.length, 'reachable from the internet'),
    card(direct, 'exposed around the gateway', direct ? 'err' : 'ok'),
    card(s.bySeverity.error, 'errors', s.bySeverity.error ? 'err' : 'ok'),
    card(s.bySeverity.warning, 'warnings', s.bySeverity.warning ? 'warn' : 'ok'),
    card(s.bySeverity.note, 'notes', 'note'),
    card(s.undecided, 'undecided'),
    card(s.suppressed, 'suppressed'),
    ...baseline,
    '</div></header>',
  ];
}

/** Links to the sections, then the notes on coverage; opens `<main>`. */
export function navigation(audit: AuditData): string[] {
  const out = [
    '<nav><a href="#inventory">Inventory</a><a href="#permissions">Permissions</a><a href="#exposure">Exposure</a><a href="#findings">Findings</a>',
    audit.handlers ? '<a href="#code">Code vs roles</a>' : '',
    '<a href="#rules">Rules</a></nav><main>',
  ];
  const note = (n: string): string => `<p class="muted"><strong>Note:</strong> ${esc(n)}</p>`;
  if (audit.notes.length) out.push(`<section class="notes">${audit.notes.map(note).join('')}</section>`);
  return out;
}
