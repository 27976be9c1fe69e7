/**
 * The CLI contract, as a user meets it: exit codes, formats, bad input (exit 2, a located message,
 * no stack trace, nothing written), determinism.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { CHECKS, checkSource } from '../src/rules/index.js';
import { META_RULES } from '../src/rules/meta/index.js';

const REPO = join(import.meta.dirname, '..');
const EXAMPLE = join(REPO, 'fixtures', 'example', 'cdktf.out');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], cwd = REPO, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    cwd,
    env: { NO_COLOR: '1', ...env },
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'hybridguard-cli-'));

function expectLocatedError(run: Run, ...fragments: string[]): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  for (const fragment of fragments) expect(run.stderr).toContain(fragment);
  expect(run.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
}

describe('check on the bundled example', () => {
  it('finds the planted violations, with evidence, and exits 1', async () => {
    const run = await cli(['check', EXAMPLE, '--format', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { results: { ruleName: string; evidence: unknown[] }[] };
    const rules = new Set(report.results.map((r) => r.ruleName));
    for (const expected of ['no-model-registry-in-functions', 'no-full-admin', 'world-open-admin-port', 'only-gateway-public']) {
      expect(rules).toContain(expected);
    }
    for (const result of report.results) expect(result.evidence.length).toBeGreaterThan(0);
  });

  it.each(['text', 'json', 'sarif', 'junit', 'markdown'])('prints %s byte-identically on every run', async (format) => {
    const first = await cli(['check', EXAMPLE, '--format', format]);
    const second = await cli(['check', EXAMPLE, '--format', format]);
    expect(first.code).toBe(1);
    expect(first.stdout.length).toBeGreaterThan(200);
    expect(second.stdout).toBe(first.stdout);
  });

  it('writes SARIF to --output with logical and physical locations', async () => {
    const dir = tmp();
    const out = join(dir, 'report.sarif');
    const run = await cli(['check', EXAMPLE, '--format', 'sarif', '--output', out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    const result = sarif.runs[0].results[0];
    expect(result.locations[0].logicalLocations[0].kind).toBe('resource');
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toMatch(/cdk\.tf\.json$/);
    expect(result.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
  });

  it('--output - is standard output, not a file named "-"', async () => {
    const dir = tmp();
    const run = await cli(['check', EXAMPLE, '--format', 'sarif', '--output', '-'], dir);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as { version: string }).version).toBe('2.1.0');
    expect(readdirSync(dir)).toEqual([]);
    const baseline = await cli(['baseline', EXAMPLE, '--output', '-'], dir);
    expect(baseline.code).toBe(0);
    expect(JSON.parse(baseline.stdout)).toBeTypeOf('object');
    expect(baseline.stderr).toMatch(/finding\(s\) to standard output\n$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--fail-on note fails on notes too; a high bar on a clean policy set passes', async () => {
    const noteRun = await cli(['check', EXAMPLE, '--fail-on', 'note', '--format', 'json']);
    expect(noteRun.code).toBe(1);
    const badLevel = await cli(['check', EXAMPLE, '--fail-on', 'critical']);
    expectLocatedError(badLevel, 'critical', 'error, warning, note');
  });

  it('a baseline of today’s findings makes the same check pass, and fails again on a new finding', async () => {
    const dir = tmp();
    const baseline = join(dir, 'baseline.json');
    expect((await cli(['baseline', EXAMPLE, '--output', baseline])).code).toBe(0);
    expect((await cli(['check', EXAMPLE, '--baseline', baseline])).code).toBe(0);
    const trimmed = JSON.parse(readFileSync(baseline, 'utf8'));
    const key = Object.keys(trimmed).find((k) => Array.isArray(trimmed[k]))!;
    trimmed[key] = trimmed[key].slice(1);
    writeFileSync(baseline, JSON.stringify(trimmed));
    expect((await cli(['check', EXAMPLE, '--baseline', baseline])).code).toBe(1);
  });
  it('a central --suppressions file applies to check, baseline and audit alike', async () => {
    const dir = tmp();
    const report = JSON.parse((await cli(['check', EXAMPLE, '--format', 'json'])).stdout) as {
      results: { ruleId: string; severity: string; subject?: string; location: { address?: string } }[];
    };
    const target = report.results.find((r) => r.severity === 'error' && r.location.address)!;
    const suppressions = join(dir, 'suppressions.yaml');
    const reason = 'accepted by platform-security until the registry move (PLAT-812)';
    writeFileSync(
      suppressions,
      `suppressions:\n  - rule: ${target.ruleId}\n    address: ${target.location.address}\n${
        target.subject ? `    subject: "${target.subject}"\n` : ''
      }    reason: ${reason}\n`,
    );
    const baseline = join(dir, 'baseline.json');
    expect((await cli(['baseline', EXAMPLE, '--suppressions', suppressions, '--output', baseline])).code).toBe(0);
    const entries = (JSON.parse(readFileSync(baseline, 'utf8')) as { findings: { ruleId: string; address?: string; subject?: string }[] }).findings;
    const isTarget = (e: { ruleId: string; address?: string; subject?: string }) =>
      e.ruleId === target.ruleId && e.address === target.location.address && e.subject === target.subject;
    expect(entries.some(isTarget)).toBe(false);
    expect(entries.length).toBeGreaterThan(0);
    const html = join(dir, 'audit.html');
    expect((await cli(['audit', EXAMPLE, '--suppressions', suppressions, '--out', html])).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain(reason);
  });
});

describe('bad input: exit 2, a located message, nothing written', () => {
  it('a missing path', async () => {
    expectLocatedError(await cli(['check', 'no/such/stack.tf.json']), 'no/such/stack.tf.json');
  });

  it('a folder with nothing to check', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    expectLocatedError(await cli(['check', dir]), dir.split('/').pop()!);
  });

  it('malformed JSON names the line', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'main.tf.json'), '{\n  "resource": {\n    "aws_s3_bucket": {\n      "x": { "bucket": "a" },\n    }\n  }\n}\n');
    expectLocatedError(await cli(['check', join(dir, 'main.tf.json')]), 'main.tf.json:5');
  });

  it('malformed HCL names the line', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'main.tf'), 'resource "aws_s3_bucket" "x" {\n  bucket = "a"\n\n  tags = {\n');
    expectLocatedError(await cli(['check', dir]), 'main.tf:');
  });

  it('a binary file', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'main.tf.json'), Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x00, 0x01]));
    expectLocatedError(await cli(['check', join(dir, 'main.tf.json')]), 'main.tf.json');
  });

  it('JSON that is not Terraform', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'package.tf.json'), JSON.stringify({ name: 'not-terraform', version: '1.0.0' }));
    expectLocatedError(await cli(['check', join(dir, 'package.tf.json')]), 'package.tf.json');
  });

  it('a plan JSON of an unsupported format version', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ format_version: '2.0', planned_values: {}, resource_changes: [], configuration: {} }));
    expectLocatedError(await cli(['check', join(dir, 'plan.json')]), 'plan.json', '2.0');
  });

  it('a folder with a symlink loop', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'infra'));
    symlinkSync(join(dir, 'infra'), join(dir, 'infra', 'loop'));
    writeFileSync(join(dir, 'infra', 'main.tf'), 'resource "aws_s3_bucket" "x" {\n  bucket = "a"\n}\n');
    const run = await cli(['check', join(dir, 'infra'), '--format', 'json']);
    expect([0, 1, 2]).toContain(run.code);
    if (run.code === 2) expect(run.stderr).toContain('loop');
  });

  it.each([
    ['an unknown field', 'policies:\n  - id: X-1\n    name: x-one\n    severty: error\n', 'severty'],
    ['a wrong severity', 'policies:\n  - id: X-1\n    name: x-one\n    severity: critical\n', 'severity'],
    [
      'an unknown capability',
      'policies:\n  - id: X-1\n    name: x-one\n    severity: error\n    serviceTypes: [function]\n    description: d\n    rationale: r\n    remediation: m\n' +
        '    assert:\n      denied-capabilities: { capabilities: [teleportation] }\n',
      'teleportation',
    ],
  ])('an invalid policy file: %s', async (_name, text, fragment) => {
    const dir = tmp();
    writeFileSync(join(dir, 'policy.yaml'), text);
    const out = join(dir, 'report.json');
    const run = await cli(['check', EXAMPLE, '--policy', join(dir, 'policy.yaml'), '--format', 'json', '--output', out]);
    expectLocatedError(run, 'policy.yaml:', fragment);
    expect(existsSync(out)).toBe(false);
  });

  it('an unknown --format', async () => {
    const run = await cli(['check', EXAMPLE, '--format', 'xml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('xml');
    expect(run.stderr).toContain('sarif');
  });

  it('an unwritable --output leaves nothing behind', async () => {
    const dir = tmp();
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const run = await cli(['check', EXAMPLE, '--format', 'json', '--output', join(locked, 'r.json')]);
    // root ignores directory permissions: fall back to a path under a file, which nobody can write.
    if (run.code !== 2) {
      writeFileSync(join(dir, 'file'), 'x');
      const again = await cli(['check', EXAMPLE, '--format', 'json', '--output', join(dir, 'file', 'r.json')]);
      expectLocatedError(again, 'r.json');
    } else {
      expectLocatedError(run, 'r.json');
    }
  });
});

describe('queries', () => {
  it('who-can answers with principals, evidence and conditions', async () => {
    const run = await cli(['query', 'who-can', 'sagemaker:CreateModelPackage', EXAMPLE, '--format', 'json']);
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as {
      address: string;
      action: string;
      serviceType: string;
      conditional: boolean;
      undecided?: string;
      evidence: { kind: string }[];
    }[];
    expect(answer.length).toBeGreaterThan(0);
    for (const entry of answer) {
      const keys = Object.keys(entry).sort();
      expect(keys).toEqual(
        entry.undecided === undefined
          ? ['action', 'address', 'conditional', 'evidence', 'serviceType']
          : ['action', 'address', 'conditional', 'evidence', 'serviceType', 'undecided'],
      );
      expect(entry.action).toBe('sagemaker:CreateModelPackage');
      expect(entry.evidence.length).toBeGreaterThan(0);
      // An answer that is not undecided names one request it is about.
      if (entry.undecided === undefined) expect(entry.evidence.some((e) => e.kind === 'witness')).toBe(true);
    }
  });

  it('who-can reads action names case-insensitively, service prefix included, and answers a pattern per action', async () => {
    const exact = await cli(['query', 'who-can', 'sagemaker:CreateModelPackage', EXAMPLE, '--format', 'json']);
    const mixed = await cli(['query', 'who-can', 'SageMaker:createmodelpackage', EXAMPLE, '--format', 'json']);
    expect(mixed.code).toBe(0);
    expect(mixed.stdout).toBe(exact.stdout);
    const pattern = await cli(['query', 'who-can', 'sagemaker:createModelPackage*', EXAMPLE, '--format', 'json']);
    expect(pattern.code).toBe(0);
    const rows = JSON.parse(pattern.stdout) as { address: string; action: string }[];
    expect(new Set(rows.map((r) => r.action))).toEqual(new Set(['sagemaker:CreateModelPackage', 'sagemaker:CreateModelPackageGroup']));
    expect(rows.filter((r) => r.action === 'sagemaker:CreateModelPackage').map((r) => r.address)).toEqual(
      (JSON.parse(exact.stdout) as { address: string }[]).map((r) => r.address),
    );
    expectLocatedError(await cli(['query', 'who-can', 'sagemaker:Teleport*', EXAMPLE]), 'sagemaker:Teleport*');
  });

  it('who-can refuses an action that does not exist', async () => {
    expectLocatedError(await cli(['query', 'who-can', 'sagemaker:TeleportModel', EXAMPLE]), 'sagemaker:TeleportModel');
  });

  it('exposure lists reachable resources with their path and ports', async () => {
    const run = await cli(['query', 'exposure', EXAMPLE, '--format', 'json']);
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as { address: string; viaGateway: boolean; path: string[]; ports: string[] }[];
    expect(answer.some((e) => !e.viaGateway)).toBe(true);
    for (const entry of answer) expect(entry.path.length).toBeGreaterThan(0);
  });
});

describe('policies', () => {
  it('list and explain cover the engine\'s own rules beside the packs', async () => {
    const list = await cli(['policies', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^HG-IAM-001\s+no-gpu-in-functions\s+error/m);
    expect(list.stdout).toMatch(/^HG-META-003\s+module-not-analyzed\s+note/m);
    const json = JSON.parse((await cli(['policies', 'list', '--format', 'json'])).stdout) as { id: string; check: string }[];
    expect(json.find((r) => r.id === 'HG-META-003')?.check).toBe('module-not-analyzed');
    const meta = await cli(['policies', 'explain', 'HG-META-003']);
    expect(meta.code).toBe(0);
    expect(meta.stdout.split('\n')[0]).toBe('HG-META-003 module-not-analyzed (note)');
    expect(meta.stdout).toContain('  How to fix:\n    Run `terraform init`');
    expect(meta.stdout).toContain('  Implemented in: src/rules/meta/module-not-analyzed.ts\n');
    expect(meta.stdout).toContain('  Fixtures: fixtures/rules/module-not-analyzed/ (run by test/rules.test.ts)\n');
    expect(meta.stdout).toContain('    fail-registry-module-not-initialized -> HG-META-003 on module.vpc (terraform-aws-modules/vpc/aws)\n');
    const unknown = await cli(['policies', 'explain', 'no-such-rule']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('expired-suppression');
    expect(unknown.stderr).toContain('boundary-blocked-capabilities');
  });

  it('explain finds a rule by any of its names: id, rule name, or the name of the check only it uses', async () => {
    const byId = await cli(['policies', 'explain', 'HG-IAM-009']);
    expect(byId.code).toBe(0);
    expect(byId.stdout.split('\n')[0]).toBe('HG-IAM-009 no-forbidden-grants-behind-boundary (error)');
    expect((await cli(['policies', 'explain', 'no-forbidden-grants-behind-boundary'])).stdout).toBe(byId.stdout);
    expect((await cli(['policies', 'explain', 'boundary-blocked-capabilities'])).stdout).toBe(byId.stdout);
    const metaById = await cli(['policies', 'explain', 'HG-META-001']);
    expect(metaById.stdout.split('\n')[0]).toBe('HG-META-001 expired-suppression (error)');
    expect((await cli(['policies', 'explain', 'expired-suppression'])).stdout).toBe(metaById.stdout);
  });

  it('explain of a check several rules use names its file and each rule with its fixtures', async () => {
    const run = await cli(['policies', 'explain', 'attribute-condition']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^attribute-condition \(check\)\n {2}Every resource of the given types/);
    expect(run.stdout).toContain('  Implemented in: src/rules/resource/attribute-condition.ts\n');
    expect(run.stdout).toMatch(/^ {4}HG-RES-001 s3-block-public-policy\s+fixtures\/rules\/s3-block-public-policy\/$/m);
    expect(run.stdout).toMatch(/^ {4}HG-RES-004 sagemaker-endpoint-kms\s+fixtures\/rules\/sagemaker-endpoint-kms\/$/m);
    expect(run.stdout).toContain('  Their fixtures are run by test/rules.test.ts.\n');
  });

  it('explain names, for every rule, the file that declares its check and the fixtures that test it, and both exist', async () => {
    const run = await cli(['policies', 'explain', 'HG-CODE-004']);
    expect(run.code).toBe(0);
    expect(/^ {2}Implemented in: (\S+)$/m.exec(run.stdout)?.[1]).toBe('src/rules/code/missing-grants.ts');
    expect(/^ {2}Fixtures: (\S+) \(run by test\/rules\.test\.ts\)$/m.exec(run.stdout)?.[1]).toBe('fixtures/rules/code-calls-are-granted/');
    const listed = JSON.parse((await cli(['policies', 'list', '--format', 'json'])).stdout) as { id: string; check: string }[];
    // One rule per check: each check's file and fixtures, the engine's own rules included.
    const rules = listed.filter((r, i) => listed.findIndex((o) => o.check === r.check) === i);
    for (const { id, check } of rules) {
      const text = (await cli(['policies', 'explain', id])).stdout;
      const source = /^ {2}Implemented in: (\S+)$/m.exec(text)?.[1];
      const fixtures = /^ {2}Fixtures: (\S+) \(run by test\/rules\.test\.ts\)$/m.exec(text)?.[1];
      expect(source, `${id}: no source file`).toBe(checkSource(check));
      // The file is named after the check and declares it under that name.
      expect(readFileSync(join(REPO, source!), 'utf8'), `${source} does not declare check ${check}`).toMatch(new RegExp(`name: '${check}'`));
      expect(readdirSync(join(REPO, fixtures!)).some((c) => c.startsWith('fail-')), `${fixtures} has no fail- case`).toBe(true);
    }
    expect(rules.length).toBe(CHECKS.length + META_RULES.length);
  });
});
