import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRuleDocs } from '../scripts/gen-docs.js';
import { explainPolicy, renderPolicyDoc } from '../src/policy/docs.js';
import type { PolicyFixtures } from '../src/model/policy.js';
import type { Policy } from '../src/model/policy.js';

const ROOT = join(import.meta.dirname, '..');

describe('rule docs', () => {
  it('docs/rules/ is up to date with policies and fixtures (npm run gen:docs)', () => {
    const files = buildRuleDocs(ROOT);
    const dir = join(ROOT, 'docs', 'rules');
    const onDisk = readdirSync(dir).filter((n) => n.endsWith('.md')).sort();
    expect(onDisk, 'docs/rules has pages for policies that no longer exist, or lacks some: run npm run gen:docs').toEqual(Object.keys(files).sort());
    for (const [name, text] of Object.entries(files)) {
      expect(readFileSync(join(dir, name), 'utf8'), `docs/rules/${name} is stale: run npm run gen:docs`).toBe(text);
    }
  });

  it('a page of a rule of the engine itself names its file, its fixtures folder and their cases, like a policy\'s page', () => {
    const page = buildRuleDocs(ROOT)['unused-suppression.md'];
    expect(page).toContain('| Check | `unused-suppression` (`src/rules/meta/unused-suppression.ts`) |\n');
    expect(page).toContain('| Fixtures | `fixtures/rules/unused-suppression/` (run by `test/rules.test.ts`) |\n');
    expect(page).toContain('## Test cases\n\n- `fail-subject-matches-nothing`: `hybridguard.config.yaml` (no-full-admin aws_iam_role.ci_deployer s3:*)\n');
    expect(page).toContain('- `pass-silences-a-finding`: no finding\n');
  });

  const policy: Policy = {
    id: 'HG-RES-003',
    name: 'ecr-scan-on-push',
    severity: 'warning',
    description: 'ECR repositories scan every image when it is pushed.',
    rationale: 'Serving images pick up CVEs quickly.',
    remediation: 'Set scan_on_push = true.',
    serviceTypes: [],
    check: 'attribute-condition',
    params: { resourceTypes: ['aws_ecr_repository'], attribute: 'image_scanning_configuration.0.scan_on_push', equals: true },
    declaredAt: { file: 'policies/resource.yaml', line: 39 },
  };
  const hcl = (scan: boolean) =>
    `resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n\nresource "aws_ecr_repository" "serving" {\n  name = "serving"\n` +
      `  image_scanning_configuration {\n    scan_on_push = ${scan}\n  }\n  tags = { note = "braces } in strings" }\n}\n`;
  const fixtures: PolicyFixtures = {
    fail: [
      {
        name: 'fail-off',
        inputPath: 'fixtures/rules/ecr-scan-on-push/fail-off/main.tf',
        inputText: hcl(false),
        expected: [{ ruleId: 'HG-RES-003', address: 'aws_ecr_repository.serving' }],
      },
    ],
    pass: [
      {
        name: 'pass-plan',
        inputPath: 'fixtures/rules/ecr-scan-on-push/pass-plan/plan.json',
        inputText: JSON.stringify({
          resource_changes: [
            {
              address: 'aws_ecr_repository.serving',
              type: 'aws_ecr_repository',
              change: { after: { name: 'serving', image_scanning_configuration: [{ scan_on_push: true }] } },
            },
          ],
        }),
        expected: [],
      },
    ],
  };

  it('a page shows metadata, the assert, and the flagged and passing resources from the fixtures', () => {
    const page = renderPolicyDoc(policy, fixtures);
    expect(page).toContain('# ecr-scan-on-push (HG-RES-003)');
    expect(page).toContain('| Severity | warning |');
    expect(page).toContain('## Why it matters\n\nServing images pick up CVEs quickly.');
    expect(page).toContain(
      '```hcl\nresource "aws_ecr_repository" "serving" {\n  name = "serving"\n  image_scanning_configuration {\n    scan_on_push = false\n  }\n' +
        '  tags = { note = "braces } in strings" }\n}\n```',
    );
    expect(page).not.toContain('aws_vpc');
    expect(page).toContain('"address": "aws_ecr_repository.serving"');
    expect(page).toContain('- `fail-off`: `aws_ecr_repository.serving`\n- `pass-plan`: no finding');
  });

  it('explain prints rationale, what it checks, and failing and passing examples', () => {
    const text = explainPolicy(policy, fixtures);
    expect(text.split('\n').slice(0, 3)).toEqual(['HG-RES-003 ecr-scan-on-push (warning)', '  ECR repositories scan every image when it is pushed.', '']);
    expect(text).toContain('  Why it matters:\n    Serving images pick up CVEs quickly.');
    expect(text).toContain('  What it checks: attribute-condition: ');
    expect(text).toContain('      attribute: image_scanning_configuration.0.scan_on_push');
    expect(text).toContain('  Failing example (fixtures/rules/ecr-scan-on-push/fail-off/main.tf):\n    resource "aws_ecr_repository" "serving" {');
    expect(text).toContain('    -> HG-RES-003 on aws_ecr_repository.serving');
    expect(text).toContain('  Passing example (fixtures/rules/ecr-scan-on-push/pass-plan/plan.json):');
    expect(explainPolicy(policy)).toContain('no examples');
  });
});
