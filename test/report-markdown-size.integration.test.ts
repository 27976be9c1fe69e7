/**
 * The markdown report is a pull-request comment, which GitHub rejects over 65,536 characters:
 * measured on a generated 1,000-service stack with thousands of findings, it stays under the
 * limit, grouped by rule with the worst first, and says how many more the full report holds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../bench/generate.js';
import { check, type CheckOutcome } from '../src/api/index.js';
import { GITHUB_COMMENT_LIMIT } from '../src/report/markdown/index.js';

/** Attribute checks that every resource of a common type fails: one finding per resource. */
const NOISY = (id: number, type: string, attribute: string): string[] => [
  `  - id: ACME-${String(id).padStart(3, '0')}`,
  `    name: acme-${type.replace(/_/g, '-')}-${attribute.replace(/_/g, '-')}`,
  `    severity: ${id % 2 === 0 ? 'warning' : 'error'}`,
  `    description: Every ${type} sets ${attribute} to the house value.`,
  '    rationale: House rules keep every stack alike, so reviews stay short.',
  `    remediation: Set ${attribute} on the ${type} to the house value.`,
  '    assert:',
  '      attribute-condition:',
  `        resourceTypes: [${type}]`,
  `        attribute: ${attribute}`,
  '        equals: house-value',
  '        default: unset',
];

describe('markdown report size', () => {
  let dir: string;
  let run: CheckOutcome;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-md-size-'));
    generate({ out: dir, services: 1000, formats: ['synth'] });
    const policy = [
      'policies:',
      ...NOISY(1, 'aws_iam_role', 'description'),
      ...NOISY(2, 'aws_lambda_function', 'description'),
      ...NOISY(3, 'aws_security_group', 'name_prefix'),
    ];
    writeFileSync(join(dir, 'noisy.yaml'), `${policy.join('\n')}\n`);
    run = await check({ inputs: [join(dir, 'cdktf.out')], cwd: dir, policyPaths: [join(dir, 'noisy.yaml')], failOn: 'warning' });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stays under 65,536 characters with thousands of findings, worst rule first, and points to the full report', () => {
    const findings = run.results.results.length;
    expect(findings).toBeGreaterThan(2000);
    const md = run.render('markdown');
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(md.length).toBeGreaterThan(30_000); // it uses the room it has
    const summaries = [...md.matchAll(/<details><summary>([^<]*)<\/summary>/g)].map((m) => m[1]!);
    // Grouped by rule, errors before warnings.
    const severities = summaries.map((s) => s.split(' · ')[0]);
    expect(severities.indexOf('warning')).toBeGreaterThan(severities.lastIndexOf('error'));
    expect(summaries.some((s) => s.includes('ACME-001 acme-aws-iam-role-description'))).toBe(true);
    expect(md).toMatch(/… and \d+ more of this rule in the full report\./);
    expect(md).toMatch(/\*\*… and [\d,]+ more findings? not shown here\*\*/);
    expect(md).toContain('`hybridguard check --format json`');
    // The details stay collapsed: every section opened is closed.
    expect(md.split('<details>').length).toBe(md.split('</details>').length);
  });
});
