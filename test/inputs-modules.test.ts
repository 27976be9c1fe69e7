import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkProject } from '../src/api/project.js';
import { readInputs } from '../src/inputs/index.js';
import { remoteSourceKind } from '../src/inputs/module-sources.js';
import { renderSarif } from '../src/report/sarif.js';
import { Unknown } from '../src/model/types.js';

const root = join(import.meta.dirname, '..');
const fixtures = 'fixtures/inputs/modules';
const notInitialized = `${fixtures}/not-initialized`;
const initialized = `${fixtures}/initialized`;
const tmp = mkdtempSync(join(tmpdir(), 'hg-modules-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TODAY = '2026-11-28';
const check = (inputs: string[], extra: { configPath?: string; cwd?: string } = {}) =>
  checkProject({ inputs, cwd: extra.cwd ?? root, today: TODAY, ...(extra.configPath ? { configPath: extra.configPath } : {}) });

describe('module calls that cannot be read are reported, not skipped', () => {
  it('lists every unread call with its source, why, and the line of its block', async () => {
    const { graph } = await readInputs([notInitialized], { cwd: root });
    const manifest = `${notInitialized}/.terraform/modules/modules.json`;
    expect([...graph.unreadModules].sort((a, b) => a.address.localeCompare(b.address))).toEqual([
      {
        address: 'module.logs',
        source: 'git::https://git.example.com/platform/log-archive.git?ref=v1.0.0',
        reason: `git module not downloaded: no ${manifest} (terraform init was not run there)`,
        fix: 'init',
        location: { file: `${notInitialized}/main.tf`, address: 'module.logs', line: 18 },
      },
      {
        address: 'module.queues',
        source: './modules/queues',
        reason: `local folder ${notInitialized}/modules/queues does not exist`,
        fix: 'path',
        location: { file: `${notInitialized}/main.tf`, address: 'module.queues', line: 28 },
      },
      {
        address: 'module.vpc',
        source: 'terraform-aws-modules/vpc/aws',
        version: '5.1.2',
        reason: `registry module not downloaded: no ${manifest} (terraform init was not run there)`,
        fix: 'init',
        location: { file: `${notInitialized}/main.tf`, address: 'module.vpc', line: 7 },
      },
    ]);
    // What could be read still is: the root and the local module.
    expect(graph.resources.map((r) => r.address).sort()).toEqual([
      'aws_iam_role.ingest',
      'module.storage.aws_s3_bucket.this',
      'module.storage.aws_s3_bucket_public_access_block.this',
    ]);
  });

  it('check reports HG-META-003 notes at the module blocks, with evidence and a fix per cause, in SARIF too', async () => {
    const { results } = await check([notInitialized]);
    const notes = results.results.filter((r) => r.ruleId === 'HG-META-003');
    expect(notes.map((r) => [r.location.address, r.location.line, r.severity, r.subject])).toEqual([
      ['module.vpc', 7, 'note', 'terraform-aws-modules/vpc/aws'],
      ['module.logs', 18, 'note', 'git::https://git.example.com/platform/log-archive.git?ref=v1.0.0'],
      ['module.queues', 28, 'note', './modules/queues'],
    ]);
    const [vpc, , queues] = notes;
    expect(vpc?.message).toBe(
      `module.vpc was not analyzed, none of its resources were checked: registry module not downloaded: no ${notInitialized}/.terraform/modules/modules.json ` +
        `(terraform init was not run there)`,
    );
    expect(vpc?.evidence).toEqual([
      expect.objectContaining({
        kind: 'module-call',
        message: `module block at ${notInitialized}/main.tf:7 (source terraform-aws-modules/vpc/aws, version 5.1.2)`,
      }),
    ]);
    expect(vpc?.remediation).toMatch(/terraform init.*terraform show -json.*vendor/);
    expect(queues?.remediation).toMatch(/^Correct the module's source path/);
    expect(results.rules.find((r) => r.id === 'HG-META-003')).toMatchObject({ name: 'module-not-analyzed', severity: 'note' });

    const sarif = JSON.parse(renderSarif(results, { color: false, cwd: root })) as { runs: { results: { ruleId: string }[] }[] };
    const sarifVpc = sarif.runs[0]?.results.find((r) => r.ruleId === 'HG-META-003');
    expect(sarifVpc).toMatchObject({
      level: 'note',
      locations: [{ physicalLocation: { region: { startLine: 7 } }, logicalLocations: [{ fullyQualifiedName: 'module.vpc', kind: 'module' }] }],
    });
  });

  it('a suppression with a reason silences one module call, and counts as used', async () => {
    const dir = join(tmp, 'suppressed');
    cpSync(join(root, notInitialized), dir, { recursive: true });
    writeFileSync(
      join(dir, 'hybridguard.config.yaml'),
      'suppressions:\n  - rule: module-not-analyzed\n    address: module.vpc\n    reason: the VPC module is checked in its own pipeline from its plan\n',
    );
    const { results } = await check(['.'], { cwd: dir });
    const meta = results.results.filter((r) => r.ruleId.startsWith('HG-META'));
    expect(meta.map((r) => [r.ruleId, r.location.address, r.suppression?.reason])).toEqual([
      ['HG-META-003', 'module.vpc', 'the VPC module is checked in its own pipeline from its plan'],
      ['HG-META-003', 'module.logs', undefined],
      ['HG-META-003', 'module.queues', undefined],
    ]);
  });

  it('a module block in Terraform JSON (cdktf TerraformHclModule) is located at its key, and several units prefix the address', async () => {
    const dir = join(tmp, 'json');
    mkdirSync(dir, { recursive: true });
    const doc = {
      resource: { aws_s3_bucket: { raw: { bucket: 'raw-data' } } },
      module: { eks: { source: 'terraform-aws-modules/eks/aws', version: '20.8.4', cluster_name: 'serving' } },
    };
    writeFileSync(join(dir, 'main.tf.json'), `${JSON.stringify(doc, null, 2)}\n`);
    const { graph } = await readInputs(['json/main.tf.json'], { cwd: tmp });
    expect(graph.unreadModules).toEqual([
      expect.objectContaining({ address: 'module.eks', version: '20.8.4', location: { file: 'json/main.tf.json', address: 'module.eks', line: 10 } }),
    ]);
    const both = await readInputs(['json/main.tf.json', join(root, notInitialized)], { cwd: tmp });
    expect(both.graph.unreadModules.map((m) => [m.address, m.location.address])).toContainEqual([
      'json/main.tf.json:module.eks',
      'json/main.tf.json:module.eks',
    ]);
  });

  it('classifies sources as Terraform does', () => {
    expect(
      [
        'terraform-aws-modules/vpc/aws',
        'app.terraform.io/acme/vpc/aws',
        'terraform-aws-modules/iam/aws//modules/iam-assumable-role',
        'github.com/acme/modules',
        'git@github.com:acme/modules.git',
        'git::https://example.com/vpc.git',
        'bitbucket.org/acme/modules',
        'hg::http://example.com/vpc.hg',
        'https://example.com/vpc-module.zip',
        's3::https://s3-eu-west-1.amazonaws.com/acme/vpc.zip',
        'acme-modules.s3-eu-west-1.amazonaws.com/vpc.zip',
        'gcs::https://www.googleapis.com/storage/v1/acme/vpc.zip',
        '/opt/modules/vpc',
      ].map(remoteSourceKind),
    ).toEqual(['registry', 'registry', 'registry', 'git', 'git', 'git', 'git', 'Mercurial', 'HTTP', 'S3', 'S3', 'GCS', 'absolute-path']);
  });
});

describe('modules downloaded by terraform init are read from .terraform/modules', () => {
  it('reads a registry module and its nested local module from modules.json, with the caller arguments', async () => {
    const { graph } = await readInputs([initialized], { cwd: root });
    const bastion = `${initialized}/.terraform/modules/bastion`;
    expect(graph.get('module.bastion.aws_security_group.ssh')?.location).toMatchObject({
      file: `${bastion}/main.tf`,
      address: 'module.bastion.aws_security_group.ssh',
      line: 23,
    });
    expect(graph.get('module.bastion.aws_security_group.ssh')?.values.name).toBe('ops-bastion-ssh');
    expect(graph.get('module.bastion.module.instance_role.aws_iam_role.this')?.location.file).toBe(`${bastion}/modules/instance_role/main.tf`);
    expect(graph.get('module.bastion.aws_instance.this')?.values.subnet_id).toMatchObject({ references: ['aws_subnet.public.id'] });
    // The git module is not in modules.json (added after init): reported.
    expect(graph.unreadModules.map((m) => [m.address, m.reason])).toEqual([
      ['module.logs', `git module not downloaded: ${initialized}/.terraform/modules/modules.json has no entry "logs" (run terraform init again)`],
    ]);
  });

  it('check finds the exposure the registry module creates', async () => {
    const { results } = await check([initialized]);
    const found = results.results.map((r) => [r.ruleId, r.location.address]);
    expect(found).toContainEqual(['HG-NET-004', 'module.bastion.aws_instance.this']);
    expect(found.filter(([id]) => id === 'HG-META-003')).toEqual([['HG-META-003', 'module.logs']]);
  });

  it('a modules.json entry whose folder is gone is reported; a broken modules.json is a located error', async () => {
    const dir = join(tmp, 'stale-init');
    cpSync(join(root, initialized), dir, { recursive: true });
    rmSync(join(dir, '.terraform/modules/bastion'), { recursive: true });
    const { graph } = await readInputs(['stale-init'], { cwd: tmp });
    expect(graph.unreadModules.find((m) => m.address === 'module.bastion')?.reason).toBe(
      'registry module not downloaded: its folder stale-init/.terraform/modules/bastion does not exist (run terraform init again)',
    );
    writeFileSync(join(dir, '.terraform/modules/modules.json'), '{"Modules": {}}');
    await expect(readInputs(['stale-init'], { cwd: tmp })).rejects.toMatchObject({
      kind: 'input',
      location: { file: 'stale-init/.terraform/modules/modules.json', line: 1, field: '/Modules' },
    });
  });
});

describe('a reference written the same way in several modules', () => {
  it('reads each module\'s own resource, however often it is written, and a reference cycle stays unknown everywhere', async () => {
    const dir = join(tmp, 'same-text');
    mkdirSync(join(dir, 'modules', 'store'), { recursive: true });
    // `${aws_s3_bucket.b.bucket}` names the root's bucket in the root and the module's in the module.
    const readers = (n: number) =>
      Array.from({ length: n }, (_v, i) => `resource "aws_s3_bucket_policy" "p${i}" {\n  bucket = aws_s3_bucket.b.bucket\n  policy = "{}"\n}\n`).join('');
    writeFileSync(
      join(dir, 'main.tf'),
      `resource "aws_s3_bucket" "b" {\n  bucket = "root-data"\n}\n${readers(3)}` +
        // a and c read each other: each sees the other as known only after apply, whatever the order.
        `resource "aws_s3_bucket" "a" {\n  bucket = aws_s3_bucket.c.bucket\n}\nresource "aws_s3_bucket" "c" {\n  bucket = aws_s3_bucket.a.bucket\n}\n` +
        `resource "aws_s3_bucket_policy" "after" {\n  bucket = aws_s3_bucket.a.bucket\n  policy = "{}"\n}\n` +
        `module "store" {\n  source = "./modules/store"\n}\n`,
    );
    writeFileSync(join(dir, 'modules', 'store', 'main.tf'), `resource "aws_s3_bucket" "b" {\n  bucket = "module-data"\n}\n${readers(2)}`);
    const { graph } = await readInputs([dir], { cwd: tmp });
    const bucketOf = (address: string) => graph.resources.find((r) => r.address === address)?.values.bucket;
    for (const i of [0, 1, 2]) expect(bucketOf(`aws_s3_bucket_policy.p${i}`)).toBe('root-data');
    for (const i of [0, 1]) expect(bucketOf(`module.store.aws_s3_bucket_policy.p${i}`)).toBe('module-data');
    for (const address of ['aws_s3_bucket.a', 'aws_s3_bucket.c', 'aws_s3_bucket_policy.after']) {
      expect(bucketOf(address), address).toBeInstanceOf(Unknown);
    }
  });
});
