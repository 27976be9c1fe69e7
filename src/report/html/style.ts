/** The report's only stylesheet, inlined: system fonts, no images, no imports. */
export const STYLE = `
:root { --err:#c0392b; --warn:#b9770e; --note:#2e6da4; --ok:#1e8449; --muted:#666; --line:#ddd; --bg:#fafafa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color:#222; margin:0; background:#fff; }
header { padding: 18px 28px 10px; border-bottom: 1px solid var(--line); background: var(--bg); }
header h1 { margin: 0 0 4px; font-size: 22px; }
header .meta { color: var(--muted); font-size: 12px; }
nav { padding: 6px 28px; border-bottom: 1px solid var(--line); font-size: 13px; position: sticky; top: 0; background: #fff; z-index: 2; }
nav a { margin-right: 16px; color: #1a5490; text-decoration: none; }
main { padding: 8px 28px 40px; max-width: 1400px; }
section { margin-top: 22px; }
h2 { font-size: 18px; border-bottom: 2px solid #222; padding-bottom: 3px; margin: 0 0 10px; }
h3 { font-size: 15px; margin: 14px 0 6px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; background: #fff; }
.card .n { font-size: 22px; font-weight: 600; display: block; }
.card .t { font-size: 12px; color: var(--muted); }
.card.err .n { color: var(--err); } .card.warn .n { color: var(--warn); } .card.note .n { color: var(--note); } .card.ok .n { color: var(--ok); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; position: sticky; top: 30px; }
td.addr, .addr { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
.muted { color: var(--muted); }
.sev { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 11px; font-weight: 600; text-transform: uppercase; }
.sev.error { background: var(--err); } .sev.warning { background: var(--warn); } .sev.note { background: var(--note); }
.badge { display: inline-block; padding: 0 5px; border-radius: 3px; font-size: 11px; border: 1px solid currentColor; margin-left: 4px; }
.badge.new { color: #8e44ad; } .badge.direct { color: var(--err); } .badge.gateway { color: var(--ok); } .badge.undecided { color: var(--warn); }
details { border: 1px solid var(--line); border-radius: 5px; margin: 6px 0; background: #fff; }
details > summary { cursor: pointer; padding: 5px 10px; background: var(--bg); font-weight: 600; }
details > .body { padding: 6px 10px; }
.finding { border-left: 4px solid var(--line); padding: 6px 10px; margin: 8px 0; background: #fff; }
.finding.error { border-color: var(--err); } .finding.warning { border-color: var(--warn); } .finding.note { border-color: var(--note); }
.finding.suppressed { opacity: .85; border-color: #999; }
.finding .msg { font-weight: 600; }
.finding ul { margin: 4px 0 4px 18px; padding: 0; }
.finding .fix { color: var(--ok); }
.matrix td.cell, .matrix th.cap { text-align: center; width: 92px; }
.matrix th.cap { font-size: 11px; }
.cell a { text-decoration: none; color: inherit; display: block; }
.cell.granted { background: #fdebd0; } .cell.conditional { background: #fcf3cf; } .cell.unknown { background: #eaecee; }
.cell.violation { background: #f5b7b1; color: #78281f; font-weight: 700; outline: 2px solid var(--err); outline-offset: -2px; }
.cell.violation.suppressed { background: #e8daef; outline-color: #8e44ad; color: #4a235a; }
.legend span { margin-right: 12px; padding: 1px 6px; font-size: 12px; }
.diagram-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: 6px; background: #fff; }
svg.diagram { font: 12px system-ui, sans-serif; max-width: none; }
svg .col { font-weight: 700; fill: #333; }
svg .node { stroke: #555; stroke-width: 1; fill: #fff; }
svg .node.internet { fill: #d6eaf8; } svg .node.gateway { fill: #d5f5e3; stroke: var(--ok); }
svg .node.entry { fill: #fdebd0; } svg .node.direct { fill: #fadbd8; stroke: var(--err); stroke-width: 2; }
svg .node.via-gateway { fill: #eafaf1; } svg .node.undecided { fill: #fcf3cf; stroke-dasharray: 4 2; } svg .node.more { fill: #f4f6f6; stroke-dasharray: 2 2; }
svg .label { fill: #222; }
svg .edge { fill: none; stroke: #999; stroke-width: 1.2; }
svg .edge.direct { stroke: var(--err); stroke-width: 2.6; }
svg .port { font-size: 11px; fill: #555; } svg .port.direct { fill: var(--err); font-weight: 700; }
.path { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
.path .hop::after { content: " → "; color: #999; } .path .hop:last-child::after { content: ""; }
tr.direct td:first-child { border-left: 4px solid var(--err); }
.missing { color: var(--err); font-weight: 600; } .unused { color: var(--warn); }
pre { white-space: pre-wrap; word-break: break-word; background: var(--bg); padding: 6px; border-radius: 4px; font-size: 12px; margin: 4px 0; }
@media (max-width: 900px) { main, header, nav { padding-left: 10px; padding-right: 10px; } }
@media print {
  nav { display: none; }
  th { position: static; }
  body { font-size: 11px; }
  details::details-content { content-visibility: visible; display: contents; }
  details { break-inside: avoid-page; }
  section { break-before: auto; }
  .finding, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;
