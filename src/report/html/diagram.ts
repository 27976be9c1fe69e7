/**
 * The exposure diagram as inline SVG: internet -> entry points (API gateways, internet gateways,
 * function URLs, public policies) -> exposed resources. Paths that bypass the gateway are drawn
 * red and thick, with their ports on the edge; gateway paths are grey. Three fixed columns keep it
 * readable; beyond MAX_TARGETS targets the rest is summarised (the table below lists them all).
 */
import type { ExposureEntry } from '../../model/audit.js';
import { esc, shorten } from './escape.js';

const MAX_TARGETS = 60;
const ROW = 34;
const TOP = 40;
const COL = [20, 290, 600];
const BOX_W = [140, 250, 300];
const BOX_H = 24;

interface Node {
  readonly key: string;
  readonly label: string;
  readonly kind: 'internet' | 'gateway' | 'entry' | 'direct' | 'via-gateway' | 'undecided' | 'more';
  y: number;
}

export function exposureDiagram(exposure: readonly ExposureEntry[], anchorOf: (address: string) => string): string {
  // Direct (non-gateway) exposures first: they are what the reader must see.
  const rank = (e: ExposureEntry): number => (e.isGateway ? 2 : e.undecided ? 1 : e.viaGateway ? 3 : 0);
  const targets = exposure.filter((e) => !e.isGateway).sort((a, b) => rank(a) - rank(b) || (a.address < b.address ? -1 : 1));
  const gateways = exposure.filter((e) => e.isGateway);
  const shown = targets.slice(0, MAX_TARGETS);
  const hidden = targets.length - shown.length;

  // Entry points: every gateway API, plus the first hop of each shown target's path.
  const entries = new Map<string, Node>();
  for (const g of gateways) entries.set(g.address, { key: g.address, label: g.address, kind: 'gateway', y: 0 });
  for (const t of shown) {
    if (!entries.has(t.entry) && t.entry !== t.address) entries.set(t.entry, { key: t.entry, label: t.entry, kind: 'entry', y: 0 });
  }
  const entryList = [...entries.values()].sort((a, b) => (a.kind === b.kind ? (a.key < b.key ? -1 : 1) : a.kind === 'gateway' ? -1 : 1));
  const rows = Math.max(entryList.length, shown.length + (hidden > 0 ? 1 : 0), 1);
  const height = TOP + rows * ROW + 20;
  // Target ports are written right of the target box: one per row, so labels never collide.
  const width = COL[2]! + BOX_W[2]! + 190;
  entryList.forEach((n, i) => (n.y = TOP + i * ROW + Math.max(0, (rows - entryList.length) * ROW) / 2));
  const internetY = TOP + ((rows - 1) * ROW) / 2;

  const parts: string[] = [];
  const marker = (id: string, fill: string): string =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
    `<path d="M0,0 L10,5 L0,10 z" fill="${fill}"/></marker>`;
  const column = (x: number | undefined, title: string): string => `<text x="${x}" y="20" class="col">${title}</text>`;
  parts.push(
    `<svg class="diagram" role="img" aria-labelledby="diagram-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    '<title id="diagram-title">Exposure diagram: internet, entry points, exposed resources</title>',
    `<defs>${marker('arrow', '#555')}`,
    `${marker('arrow-red', '#c0392b')}</defs>`,
    `${column(COL[0], 'Internet')}${column(COL[1], 'Entry points')}${column(COL[2], 'Exposed resources')}`,
  );

  const edges: string[] = [];
  const boxes: string[] = [];
  const edge = (x1: number, y1: number, x2: number, y2: number, direct: boolean, label?: string, labelRight = false): void => {
    const mx = (x1 + x2) / 2;
    const curve = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
    edges.push(`<path d="${curve}" class="${direct ? 'edge direct' : 'edge'}" marker-end="url(#${direct ? 'arrow-red' : 'arrow'})"/>`);
    if (!label) return;
    const x = labelRight ? COL[2]! + BOX_W[2]! + 8 : x2 - 8;
    const anchor = labelRight ? '' : ' text-anchor="end"';
    edges.push(`<text x="${x}" y="${labelRight ? y2 + 4 : y2 - 5}"${anchor} class="port${direct ? ' direct' : ''}">${esc(shorten(label, 30))}</text>`);
  };
  const box = (col: number, y: number, label: string, kind: Node['kind'], href?: string, title?: string): void => {
    const max = col === 0 ? 18 : col === 1 ? 36 : 44;
    const rect = `<rect x="${COL[col]}" y="${y - BOX_H / 2}" width="${BOX_W[col]}" height="${BOX_H}" rx="5" class="node ${kind}"/>`;
    const inner = `${rect}<text x="${COL[col]! + 8}" y="${y + 4}" class="label">${esc(shorten(label, max))}</text><title>${esc(title ?? label)}</title>`;
    boxes.push(href ? `<a href="#${esc(href)}"><g>${inner}</g></a>` : `<g>${inner}</g>`);
  };

  box(0, internetY, 'Internet', 'internet');
  shown.forEach((t, i) => {
    const y = TOP + i * ROW + Math.max(0, (rows - shown.length - (hidden > 0 ? 1 : 0)) * ROW) / 2;
    const direct = !t.viaGateway && !t.undecided;
    const kind: Node['kind'] = t.undecided ? 'undecided' : direct ? 'direct' : 'via-gateway';
    const ports = (direct && t.worldPorts.length ? t.worldPorts : t.ports).join(', ');
    const entry = entries.get(t.entry);
    if (entry) {
      edge(COL[1]! + BOX_W[1]!, entry.y, COL[2]!, y, direct, ports || undefined, true);
    } else {
      edge(COL[0]! + BOX_W[0]!, internetY, COL[2]!, y, direct, ports || undefined, true);
    }
    const title = `${t.address} — ${t.path.join(' → ')}${ports ? ` — ports ${ports}` : ''}`;
    box(2, y, `${t.address}${t.serviceType ? ` (${t.serviceType})` : ''}`, kind, anchorOf(t.address), title);
  });
  if (hidden > 0) {
    const y = TOP + shown.length * ROW + Math.max(0, (rows - shown.length - 1) * ROW) / 2;
    box(2, y, `+ ${hidden} more (see the table)`, 'more');
  }
  for (const n of entryList) {
    const direct = shown.some((t) => t.entry === n.key && !t.viaGateway && !t.undecided);
    const ports = n.kind === 'gateway' ? gateways.find((g) => g.address === n.key)?.ports.join(', ') : undefined;
    edge(COL[0]! + BOX_W[0]!, internetY, COL[1]!, n.y, direct, ports || undefined);
    box(1, n.y, n.label, n.kind, anchorOf(n.key));
  }
  if (exposure.length === 0) parts.push(`<text x="${COL[1]}" y="${internetY + 4}" class="label">Nothing is reachable from the internet.</text>`);
  parts.push(...edges, ...boxes, '</svg>');
  return parts.join('');
}
