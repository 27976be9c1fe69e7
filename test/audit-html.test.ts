import { describe, expect, it } from 'vitest';
import { renderAuditHtml } from '../src/report/html/index.js';
import { esc } from '../src/report/html/escape.js';
import { hostileAudit, largeAudit, loadAudit, PAYLOAD } from './audit-fixtures.js';
import { loadResults } from './report-helpers.js';

const audit = loadAudit();
const results = loadResults('run-results');
const html = renderAuditHtml(audit, results);

/** Every way an HTML page can make the browser fetch something remote. */
export function remoteReferences(page: string): string[] {
  const found: string[] = [];
  const patterns: RegExp[] = [
    /\b(?:src|href|action|formaction|poster|data|srcset|background|xlink:href)\s*=\s*["']?\s*(?:https?:)?\/\/[^"'\s>]*/gi,
    /url\(\s*["']?\s*(?:https?:)?\/\/[^)]*\)/gi,
    /@import\b[^;]*/gi,
    /<(?:link|iframe|object|embed|base|frame)\b[^>]*>/gi,
  ];
  for (const p of patterns) for (const m of page.matchAll(p)) found.push(m[0]);
  return found;
}

describe('audit HTML report', () => {
  it('is one self-contained page: no remote references of any kind', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(remoteReferences(html)).toEqual([]);
    // The check itself finds what it should.
    expect(
      remoteReferences('<img src="https://x.example/a.png"><style>@import "x.css"; a{background:url(//cdn.example/i.png)}</style><link rel=stylesheet href=x>'),
    ).toHaveLength(4);
    // And a CSP forbids fetching anything even if something slipped through.
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('has every section: inventory with reasons, matrix, diagram, findings, suppressed, code vs roles, baseline', () => {
    expect(html).toContain('<section id="inventory">');
    expect(html).toContain('<strong>tag</strong>: tag hybridguard:service-type=function on aws_lambda_function.ingest');
    expect(html).toContain('<strong>config</strong>: config serviceTypes[&quot;aws_batch_job_definition.*&quot;]=pipeline');
    expect(html).toContain('<table class="matrix">');
    expect(html).toMatch(/<svg class="diagram"/);
    expect(html).toContain('<section id="findings">');
    expect(html).toContain('Baseline <span class="addr">hybridguard-baseline.json</span>: <strong>5 new</strong>, 2 unchanged, 2 fixed since.');
    expect(html).toContain('<section id="code">');
    expect(html).toContain('<span class="addr">sqs:SendMessage</span>');
  });

  it('marks matrix violations, and suppressed violations differently, each cell linking to its statements', () => {
    const violation =
      /<td class="cell granted violation" title="gpu-compute: sagemaker:CreateTrainingJob — violates HG-IAM-001"><a href="#(iam-[a-z0-9-]+-c0)">✖ ●<\/a><\/td>/.exec(
        html,
      );
    expect(violation).not.toBeNull();
    // The link target exists and names the granting statement.
    const target = html.indexOf(`id="${violation![1]}"`);
    expect(target).toBeGreaterThan(0);
    expect(html.slice(target, target + 600)).toContain('statement 0 (TrainModels) of inline policy &quot;ingest&quot;');
    expect(html).toContain(
      '<td class="cell granted violation suppressed" title="model-registry: sagemaker:CreateModelPackage — violates HG-IAM-002 (suppressed)">',
    );
    expect(html).toContain('<td class="cell conditional" title="gpu-compute: sagemaker:CreateTrainingJob">');
    expect(html).toContain('<td class="cell unknown"');
  });

  it('draws non-gateway paths red with ports, gateway paths grey', () => {
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg).toContain('class="node direct"');
    expect(svg.match(/class="edge direct"/g)!.length).toBeGreaterThanOrEqual(2);
    expect(svg).toContain('class="port direct">tcp/443, tcp/8080</text>');
    expect(svg).toContain('class="node gateway"');
    expect(svg).toContain('>aws_lb.inference_public (microservice)</text>');
    expect(svg).toContain('class="node undecided"');
  });

  it('lists suppressed findings with reason, owner and expiry', () => {
    expect(html).toContain(
      '<td>Model promotion job registers packages until the registry service ships (PLAT-812)</td><td>ml-platform@example.com</td><td>2027-03-31</td><td ' +
        'class="addr">hybridguard.config.yaml:14</td>',
    );
    expect(html).toContain('<td>team-training</td><td><em class="muted">never</em></td>');
  });

  it('is deterministic', () => {
    expect(renderAuditHtml(JSON.parse(JSON.stringify(audit)), JSON.parse(JSON.stringify(results)))).toBe(html);
  });

  it('escapes every input-derived string (names, tags, descriptions, policy text)', () => {
    const { audit: evil, results: evilResults } = hostileAudit();
    const page = renderAuditHtml(evil, evilResults);
    // Exactly one script element: ours. No element or attribute from the payload.
    expect(page.match(/<script\b/g)).toHaveLength(1);
    expect(page).not.toMatch(/<(img|iframe|b)\b/i);
    expect(page).not.toMatch(/<svg\b[^>]*onload/i);
    // An event-handler attribute anywhere in a tag (quoted attribute values skipped, as a parser does).
    const handlerAttr = /<[a-z][a-z0-9]*(?:\s+[a-z][a-z0-9:-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*\s+on[a-z]+\s*=/i;
    expect(page).not.toMatch(handlerAttr);
    expect('<p class="x" onclick="y">').toMatch(handlerAttr);
    expect('<p title="a onclick=b">').not.toMatch(handlerAttr);
    expect(page).toContain(esc(PAYLOAD));
    expect(remoteReferences(page)).toEqual([]);
  });

  it('renders a 1,000-service stack grouped and collapsed', () => {
    const { audit: big, results: bigResults } = largeAudit(1000);
    const page = renderAuditHtml(big, bigResults);
    // Groups of more than 25 rows start closed; the diagram shows at most 60 targets plus a summary box.
    expect(page).toMatch(/<details id="inventory-function"><summary>function — 200 services/);
    expect(page).toContain('+ 83 more (see the table)');
    expect(page.length).toBeLessThan(12_000_000);
  });
});
