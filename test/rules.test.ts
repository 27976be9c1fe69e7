/**
 * One table-driven test for every rule's fixtures (KICS / trivy-checks style):
 * fixtures/rules/<rule-name>/<fail|pass>-<case>/ holds one input and expected.json, the exact
 * findings of that rule. Every built-in policy and every rule of the engine itself (HG-META-*)
 * must have at least one failing and one passing case. A case may hold hybridguard.config.yaml
 * (suppressions, service types); runs are dated 2026-11-28 so expiry dates in fixtures stay put.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProject, loadPolicySet } from '../src/api/project.js';
import { META_RULES } from '../src/rules/meta/index.js';

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'rules');
const INPUT_NAMES = ['cdktf.out', 'main.tf.json', 'plan.json', 'main.tf'];

interface Expected {
  ruleId: string;
  address: string;
  subject?: string;
}

function caseInput(dir: string): string {
  const name = INPUT_NAMES.find((n) => existsSync(join(dir, n)));
  if (!name) throw new Error(`${dir}: no input (${INPUT_NAMES.join(', ')})`);
  // A folder of *.tf is read as a whole.
  return name === 'main.tf' ? dir : join(dir, name);
}

const key = (f: Expected) => `${f.ruleId} ${f.address} ${f.subject ?? ''}`.trim();

const policyDirs = existsSync(ROOT) ? readdirSync(ROOT).sort() : [];
const builtin = loadPolicySet({ cwd: process.cwd() });
const metaRuleNames = new Set(META_RULES.map((r) => r.name));

describe('every built-in rule has failing and passing fixtures', () => {
  it.each([...builtin.policies, ...META_RULES].map((r) => [r.name, r.id]))('%s (%s)', (name) => {
    const dir = join(ROOT, name);
    const cases = existsSync(dir) ? readdirSync(dir) : [];
    expect(cases.some((c) => c.startsWith('fail')), `${name}: no fail-* fixture`).toBe(true);
    expect(cases.some((c) => c.startsWith('pass')), `${name}: no pass-* fixture`).toBe(true);
  });
});

for (const policyName of policyDirs) {
  describe(`policy ${policyName}`, () => {
    const cases = readdirSync(join(ROOT, policyName)).filter((c) => /^(fail|pass)/.test(c)).sort();
    it.each(cases)('%s', async (caseName) => {
      const dir = join(ROOT, policyName, caseName);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected[];
      const configPath = ['hybridguard.config.yaml', 'hybridguard.config.json'].map((n) => join(dir, n)).find(existsSync);
      const run = await checkProject({
        inputs: [caseInput(dir)],
        cwd: dir,
        ...(existsSync(join(dir, 'code')) ? { code: join(dir, 'code') } : {}),
        ...(configPath ? { configPath } : {}),
        ...(existsSync(join(dir, 'policy.yaml')) ? { policyPaths: [join(dir, 'policy.yaml')] } : {}),
        today: '2026-11-28',
      });
      expect(run.policies.some((p) => p.name === policyName) || metaRuleNames.has(policyName), `no rule named ${policyName}`).toBe(true);
      const actual = run.results.results
        .filter((r) => r.ruleName === policyName && !r.suppression)
        .map((r) => key({ ruleId: r.ruleId, address: r.location.address ?? r.location.file, ...(r.subject ? { subject: r.subject } : {}) }));
      expect([...new Set(actual)].sort()).toEqual(expected.map(key).sort());
      if (caseName.startsWith('fail')) expect(expected.length).toBeGreaterThan(0);
      for (const result of run.results.results.filter((r) => r.ruleName === policyName)) {
        expect(result.evidence.length, 'a finding without evidence is a bug').toBeGreaterThan(0);
      }
    });
  });
}

describe('a user policy on where GPU compute runs (sensitive-services-private with gpu-compute)', () => {
  const run = (caseDir: string) =>
    checkProject({
      inputs: [join(ROOT, caseDir, 'main.tf.json')],
      cwd: join(ROOT, caseDir),
      policyPaths: [join(ROOT, '..', 'network', 'policies', 'gpu-compute-private.yaml')],
      today: '2026-11-28',
    }).then((r) => r.results.results.filter((f) => f.ruleName === 'gpu-compute-private'));

  it('an Auto Scaling group of g5.xlarge instances in a public subnet is GPU compute in a public subnet, with the instance types as evidence', async () => {
    const found = await run('only-gateway-public/fail-gpu-asg-public-ip-ssh-world');
    expect(found.map((f) => [f.location.address, f.subject, f.undecided ?? false])).toEqual([['aws_autoscaling_group.gpu', 'public', false]]);
    expect(found[0]!.message).toContain('holds gpu-compute');
    expect(found[0]!.evidence.map((e) => e.message)).toContain(
      'aws_autoscaling_group.gpu runs GPU/accelerator instances (g5.xlarge, from the instances aws_autoscaling_group.gpu launches from ' +
        'aws_launch_template.gpu): it is gpu-compute',
    );
  });

  it('the same group in private subnets passes', async () => {
    expect(await run('only-gateway-public/pass-gpu-asg-private-subnets')).toEqual([]);
  });

  const runHcl = (caseDir: string) =>
    checkProject({
      inputs: [join(ROOT, caseDir)],
      cwd: join(ROOT, caseDir),
      policyPaths: [join(ROOT, '..', 'network', 'policies', 'gpu-compute-private.yaml')],
      today: '2026-11-28',
    });

  it('HCL: GPU overrides of a mixed instances policy are GPU compute, exposed on a path naming every hop; a GPU Batch environment in private subnets ' +
    'passes', async () => {
    const exposed = await runHcl('only-gateway-public/fail-gpu-mixed-instances-asg');
    const placed = exposed.results.results.filter((f) => f.ruleName === 'gpu-compute-private');
    expect(placed.map((f) => [f.location.address, f.subject])).toEqual([['aws_autoscaling_group.trainers', 'public']]);
    const path = exposed.results.results.find((f) => f.ruleName === 'only-gateway-public')!;
    expect(path.message).toContain(
      'aws_internet_gateway.igw -> aws_route_table.public -> aws_route_table_association.public_a -> aws_subnet.public_a -> aws_security_group.trainers -> ' +
        'aws_launch_template.trainer -> aws_autoscaling_group.trainers',
    );
    expect(path.evidence.map((e) => e.message)).toContain(
      'Auto Scaling group of GPU instances (p4d.24xlarge, g5.12xlarge) (instances with public IPs) aws_autoscaling_group.trainers listens on tcp/22',
    );
    const batch = await runHcl('only-gateway-public/pass-gpu-batch-environment-private-subnets');
    expect(batch.results.results.filter((f) => f.ruleName === 'gpu-compute-private' || f.ruleName === 'only-gateway-public')).toEqual([]);
  });
});
