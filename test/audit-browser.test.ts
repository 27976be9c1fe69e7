/**
 * The audit report in a real browser: Debian's chromium, headless, driven by playwright-core
 * through its executable path, with a fresh profile and no network. Under CI=true a missing
 * chromium fails; elsewhere the suite is skipped with a loud message.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAuditHtml } from '../src/report/html/index.js';
import { hostileAudit, largeAudit, loadAudit } from './audit-fixtures.js';
import { loadResults } from './report-helpers.js';

function findChromium(): string | undefined {
  try {
    const path = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
    return path || undefined;
  } catch {
    return undefined;
  }
}

const executablePath = findChromium();
if (!executablePath) {
  if (process.env.CI === 'true')
    throw new Error("chromium is not installed: the audit browser test needs Debian's chromium package (apt-get install -y chromium)");
  console.warn('\n*** SKIPPING test/audit-browser.test.ts: chromium not found (apt-get install -y chromium). Under CI=true this fails. ***\n');
}

/** Decodes a PNG (8-bit RGB/RGBA, non-interlaced, as Chromium writes) to its pixel variance. */
function pngVariance(png: Buffer): { variance: number; distinct: number } {
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 4;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('ascii', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error('unexpected PNG format');
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      if (!channels) throw new Error(`unexpected PNG colour type ${data[9]}`);
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[x - channels]! : 0;
      const b = prev[x]!;
      const c = x >= channels ? prev[x - channels]! : 0;
      const v = line[x]!;
      let r: number;
      if (filter === 0) r = v;
      else if (filter === 1) r = v + a;
      else if (filter === 2) r = v + b;
      else if (filter === 3) r = v + ((a + b) >> 1);
      else {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        r = v + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      out[x] = r & 0xff;
    }
    prev = out;
  }
  let sum = 0;
  let sumSq = 0;
  const colours = new Set<number>();
  const n = width * height;
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    const lum = 0.299 * pixels[o]! + 0.587 * pixels[o + 1]! + 0.114 * pixels[o + 2]!;
    sum += lum;
    sumSq += lum * lum;
    if (colours.size < 5000) colours.add((pixels[o]! << 16) | (pixels[o + 1]! << 8) | pixels[o + 2]!);
  }
  const mean = sum / n;
  return { variance: sumSq / n - mean * mean, distinct: colours.size };
}

describe.skipIf(!executablePath)('audit report in headless Chromium', () => {
  let dir: string;
  let context: BrowserContext | undefined;
  const requests: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-audit-browser-'));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: executablePath!,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1366, height: 768 },
      offline: true,
    });
    // Record every request the page makes: a self-contained report makes none but its own file.
    context.on('request', (req) => requests.push(req.url()));
  });

  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(name: string, html: string): Promise<Page> {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, html);
    const page = await context!.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return page;
  }

  it('renders the realistic report: not blank, diagram and matrix present, nothing fetched', async () => {
    requests.length = 0;
    const page = await open('realistic', renderAuditHtml(loadAudit(), loadResults('run-results')));
    const shot = await page.screenshot({ fullPage: false });
    const { variance, distinct } = pngVariance(shot);
    expect(variance).toBeGreaterThan(100);
    expect(distinct).toBeGreaterThan(20);

    const facts = await page.evaluate(() => {
      const svg = document.querySelector('svg.diagram');
      const box = svg?.getBoundingClientRect();
      return {
        svgNodes: svg ? svg.querySelectorAll('rect.node').length : 0,
        redEdges: svg ? svg.querySelectorAll('path.edge.direct').length : 0,
        svgSize: box ? [box.width, box.height] : [0, 0],
        matrixRows: document.querySelectorAll('table.matrix tbody tr:not(.grants)').length,
        violations: document.querySelectorAll('table.matrix td.violation').length,
        matrixVisible: (document.querySelector('table.matrix')?.getBoundingClientRect().height ?? 0) > 0,
        sections: Array.from(document.querySelectorAll('main > section[id]')).map((s) => s.id),
        scripts: document.scripts.length,
      };
    });
    expect(facts.svgNodes).toBeGreaterThanOrEqual(8);
    expect(facts.redEdges).toBeGreaterThanOrEqual(2);
    expect(facts.svgSize[0]).toBeGreaterThan(500);
    expect(facts.matrixRows).toBe(6);
    expect(facts.violations).toBe(3);
    expect(facts.matrixVisible).toBe(true);
    expect(facts.sections).toEqual(['inventory', 'permissions', 'exposure', 'findings', 'code', 'rules']);
    expect(facts.scripts).toBe(1);
    // Our script is allowed by the CSP hash and runs: printing opens every collapsed section.
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    expect(await page.evaluate(() => Array.from(document.querySelectorAll('details')).every((d) => d.open))).toBe(true);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(requests).toHaveLength(1);
    await page.close();
  });

  it('runs no script from the inputs: names, tags and descriptions with <script>, onerror= and links stay text', async () => {
    requests.length = 0;
    const { audit, results } = hostileAudit();
    const page = await open('hostile', renderAuditHtml(audit, results));
    // Give any injected handler a chance to fire: hover everything, wait a tick.
    await page.mouse.move(600, 300);
    await page.waitForTimeout(200);
    const facts = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      scripts: document.scripts.length,
      imgs: document.images.length,
      iframes: document.querySelectorAll('iframe').length,
      handlers: Array.from(document.querySelectorAll('*')).filter((el) => Array.from(el.attributes).some((a) => a.name.startsWith('on'))).length,
      remoteLinks: Array.from(document.querySelectorAll('a[href]')).map((a) => a.getAttribute('href')!).filter((h) => !h.startsWith('#')),
      text: document.body.innerText.includes('<script>window.__pwned=1</script>'),
    }));
    expect(facts.pwned).toBeUndefined();
    expect(facts.scripts).toBe(1);
    expect(facts.imgs).toBe(0);
    expect(facts.iframes).toBe(0);
    expect(facts.handlers).toBe(0);
    expect(facts.remoteLinks).toEqual([]);
    expect(facts.text).toBe(true);
    expect(requests).toHaveLength(1);
    await page.close();
  });

  it('opens a 1,000-service report: laid out, sections folded, painted', async () => {
    const { audit, results } = largeAudit(1000);
    const html = renderAuditHtml(audit, results);
    const page = await open('large', html);
    const layout = await page.evaluate(() => ({
      height: document.body.scrollHeight,
      closed: Array.from(document.querySelectorAll('details')).filter((d) => !d.open).length,
    }));
    expect(layout.closed).toBeGreaterThan(5);
    expect(layout.height).toBeGreaterThan(768);
    const { variance } = pngVariance(await page.screenshot());
    expect(variance).toBeGreaterThan(100);
    await page.close();
  });
});
