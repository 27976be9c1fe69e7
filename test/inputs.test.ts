import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HybridguardError } from '../src/errors.js';
import { findDefaultInputs, readInputs } from '../src/inputs/index.js';
import { readTextFile, writeOutput } from '../src/inputs/files.js';
import { isUnknown } from '../src/model/graph.js';
import { Unknown } from '../src/model/types.js';

const root = join(import.meta.dirname, '..');
const stacks = join(root, 'fixtures/stacks');
const inference = join(stacks, 'inference-platform');
const training = join(stacks, 'training-platform');
const tmp = mkdtempSync(join(tmpdir(), 'hg-inputs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const read = (paths: string[], cwd = root) => readInputs(paths, { cwd });

/** Runs `action` and returns the HybridguardError it rejects with (fails the test otherwise). */
async function inputFailure(action: () => Promise<unknown>): Promise<HybridguardError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(HybridguardError);
    return error as HybridguardError;
  }
  throw new Error('expected a HybridguardError');
}

function lineOf(file: string, needle: string, from = 0): number {
  const text = readFileSync(file, 'utf8');
  const index = text.indexOf(needle, from);
  expect(index).toBeGreaterThanOrEqual(0);
  return text.slice(0, index).split('\n').length;
}

describe('input forms', () => {
  it('reads a cdktf.out folder through its manifest, with construct paths and no stack prefix for one stack', async () => {
    const { graph, files } = await read(['fixtures/example/cdktf.out']);
    expect(files).toEqual([{ path: 'fixtures/example/cdktf.out/stacks/ai-platform/cdk.tf.json', format: 'cdktf-synth', stack: 'ai-platform' }]);
    const role = graph.get('aws_iam_role.ingest_role');
    expect(role?.stack).toBe('ai-platform');
    expect(role?.location.constructPath).toBe('ai-platform/ingest_role');
    expect(role?.location.jsonPointer).toBe('/resource/aws_iam_role/ingest_role');
    expect(graph.ofType('aws_lambda_function').map((r) => r.address).sort()).toEqual([
      'aws_lambda_function.ingest',
      'aws_lambda_function.predict',
      'aws_lambda_function.preprocess',
      'aws_lambda_function.register',
    ]);
    expect(graph.ofType('data.aws_iam_policy_document').map((r) => r.address)).toEqual(['data.aws_iam_policy_document.lambda_assume']);
  });

  it('reads a stack folder holding cdk.tf.json, a *.tf.json file, a folder of *.tf and a plan', async () => {
    const synth = await read([join(inference, 'synth')]);
    const file = await read([join(inference, 'synth/cdk.tf.json')]);
    const hcl = await read([join(inference, 'hcl')]);
    const plan = await read([join(inference, 'plan/plan.json')]);
    const planFolder = await read([join(inference, 'plan')]);
    for (const result of [synth, file, hcl, plan, planFolder]) expect(result.graph.resources).toHaveLength(60);
    expect(synth.files[0]?.format).toBe('cdktf-synth');
    expect(hcl.files[0]).toEqual({ path: 'fixtures/stacks/inference-platform/hcl/main.tf', format: 'hcl' });
    expect(plan.files[0]).toEqual({ path: 'fixtures/stacks/inference-platform/plan/plan.json', format: 'plan-json' });
  });

  it('reads plans of Terraform 0.12 to 1.0 (format_version 0.x) as it reads 1.x plans', async () => {
    // Same plan as Terraform 1.0 would write it: format 0.2, without the top-level keys added in 1.x.
    const {
      relevant_attributes: _r,
      timestamp: _t,
      checks: _c,
      applyable: _a,
      complete: _d,
      errored: _e,
      ...plan
    } = JSON.parse(readFileSync(join(training, 'plan/plan.json'), 'utf8'));
    writeFileSync(join(tmp, 'plan-0.2.json'), JSON.stringify({ ...plan, format_version: '0.2', terraform_version: '1.0.11' }, null, 2));
    const old = await read(['plan-0.2.json'], tmp);
    const current = await read([join(training, 'plan/plan.json')]);
    const comparable = (g: typeof old.graph) => g.resources.map(({ location: _l, ...r }) => r);
    expect(old.graph.resources.length).toBeGreaterThan(10);
    expect(comparable(old.graph)).toEqual(comparable(current.graph));
    expect(old.files).toEqual([{ path: 'plan-0.2.json', format: 'plan-json' }]);

    // A plan written by Terraform 1.0.5 (format 0.2), from the KICS corpus beside the repository.
    const kics = join(root, '..', 'shared/corpus/kics/queries/sensitive_port_is_exposed_to_entire_network/test/positive.json');
    if (!existsSync(kics)) return;
    const sample = await read([kics]);
    const group = sample.graph.get('aws_security_group.invalid');
    expect(group?.values.ingress).toEqual([expect.objectContaining({ from_port: 443, to_port: 443, cidr_blocks: ['0.0.0.0/0'] })]);
  });

  it('detects the format by content, not by file name', async () => {
    const dir = join(tmp, 'by-content');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(inference, 'plan/plan.json'), join(dir, 'inference.out'));
    copyFileSync(join(inference, 'synth/cdk.tf.json'), join(dir, 'stack.json'));
    const plan = await read([join(dir, 'inference.out')], dir);
    expect(plan.files[0]?.format).toBe('plan-json');
    expect(plan.graph.get('aws_lambda_function.invoke')?.values.arn).toBeInstanceOf(Unknown);
    const synth = await read([join(dir, 'stack.json')], dir);
    expect(synth.files[0]?.format).toBe('cdktf-synth');
    writeFileSync(join(dir, 'plain.tf.json'), JSON.stringify({ resource: { aws_s3_bucket: { b: { bucket: 'x' } } } }));
    expect((await read([join(dir, 'plain.tf.json')], dir)).files[0]?.format).toBe('terraform-json');
  });

  it('finds the nearest cdktf.out walking up, else uses the folder itself', () => {
    expect(findDefaultInputs(join(root, 'fixtures/example/src/handlers'))).toEqual([join(root, 'fixtures/example/cdktf.out')]);
    expect(findDefaultInputs(tmp)).toEqual([tmp]);
  });
});

describe('references and unknown values', () => {
  it('turns ${...} into references with attribute paths, inside blocks, lists, policies and functions', async () => {
    const { graph } = await read([join(inference, 'synth')]);
    const fn = graph.get('aws_lambda_function.preprocess');
    expect(fn?.references).toEqual(
      expect.arrayContaining([
        { attribute: 'role', target: 'aws_iam_role.preprocess_role', targetAttribute: 'arn' },
        { attribute: 'vpc_config.0.subnet_ids.1', target: 'aws_subnet.private_b', targetAttribute: 'id' },
        { attribute: 'vpc_config.0.security_group_ids.0', target: 'aws_security_group.lambda_sg', targetAttribute: 'id' },
      ]),
    );
    expect(graph.target(fn!, 'role')?.address).toBe('aws_iam_role.preprocess_role');
    expect(graph.targets(fn!, 'vpc_config.subnet_ids').map((r) => r.address)).toEqual(['aws_subnet.private_a', 'aws_subnet.private_b']);
    // Inside a JSON policy string.
    const inline = graph.get('aws_iam_role_policy.preprocess_inline');
    expect(inline?.references).toContainEqual({ attribute: 'policy', target: 'aws_s3_bucket.artifacts', targetAttribute: 'arn' });
    // Inside jsonencode(...).
    const task = graph.get('aws_ecs_task_definition.serving_task');
    expect(task?.references).toContainEqual({ attribute: 'container_definitions', target: 'aws_s3_bucket.artifacts', targetAttribute: 'bucket' });
    // A data source's json.
    const role = graph.get('aws_iam_role.preprocess_role');
    expect(role?.references).toContainEqual({ attribute: 'assume_role_policy', target: 'data.aws_iam_policy_document.lambda_assume', targetAttribute: 'json' });
    expect(graph.referrers(graph.get('aws_iam_role.preprocess_role')!, 'aws_lambda_function').map((r) => r.address)).toEqual([
      'aws_lambda_function.preprocess',
    ]);
  });

  it('keeps references to values known only after apply as Unknown, and resolves literal ones', async () => {
    const { graph } = await read([join(inference, 'synth')]);
    const fn = graph.get('aws_lambda_function.preprocess')!;
    const role = fn.values.role;
    expect(isUnknown(role)).toBe(true);
    expect((role as Unknown).reason).toBe('${aws_iam_role.preprocess_role.arn}');
    expect((role as Unknown).references).toEqual(['aws_iam_role.preprocess_role.arn']);
    // ${aws_s3_bucket.artifacts.bucket} is a literal on the bucket: the value is exact.
    expect(fn.values.environment).toEqual([{ variables: { ARTIFACT_BUCKET: 'inference-artifacts-fixture' } }]);
    const model = graph.get('aws_sagemaker_model.ranker')!;
    expect(model.values.primary_container).toEqual([
      expect.objectContaining({ model_data_url: 's3://inference-artifacts-fixture/ranker/model.tar.gz' }),
    ]);
    // Mixed text keeps the unresolved interpolation readable.
    const policy = graph.get('aws_iam_role_policy.preprocess_inline')!.values.policy as string;
    expect(JSON.parse(policy).Statement[0].Resource).toBe('${aws_s3_bucket.artifacts.arn}/*');
  });

  it('takes plan links from configuration only, with after_unknown values as Unknown', async () => {
    const { graph } = await read([join(inference, 'plan/plan.json')]);
    const fn = graph.get('aws_lambda_function.preprocess')!;
    expect(fn.values.role).toEqual(new Unknown('known after apply', ['aws_iam_role.preprocess_role.arn']));
    expect(fn.values.function_name).toBe('inference-preprocess');
    expect(fn.values.environment).toEqual([{ variables: { ARTIFACT_BUCKET: 'inference-artifacts-fixture' } }]);
    expect(graph.target(fn, 'role')?.address).toBe('aws_iam_role.preprocess_role');
    expect(graph.targets(fn, 'vpc_config.subnet_ids').map((r) => r.address).sort()).toEqual(['aws_subnet.private_a', 'aws_subnet.private_b']);
    // The bare `aws_iam_role.preprocess_role` Terraform lists beside `.arn` is folded into one reference.
    expect(fn.references.filter((r) => r.attribute === 'role')).toEqual([
      { attribute: 'role', target: 'aws_iam_role.preprocess_role', targetAttribute: 'arn' },
    ]);
    // A data source read at plan time (prior_state) and one deferred to apply (resource_changes).
    expect(graph.get('data.aws_iam_policy_document.lambda_assume')?.values.json).toEqual(expect.stringContaining('lambda.amazonaws.com'));
    expect(graph.get('data.aws_iam_policy_document.artifacts_policy')?.mode).toBe('data');
  });

  it('merges tags and tags_all, and keeps // annotations other than metadata', async () => {
    const dir = join(tmp, 'annotations');
    mkdirSync(dir, { recursive: true });
    const stack = {
      resource: {
        aws_iam_role: {
          fn: {
            '//': { metadata: { path: 'app/fn/role' }, hybridguard: { suppressions: [{ rule: 'HG-IAM-001', reason: 'reviewed by security' }] } },
            name: 'fn',
            assume_role_policy: '{}',
            tags: { team: 'ml', env: '${var.env}' },
            tags_all: { owner: 'platform' },
          },
        },
      },
    };
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(stack, null, 2));
    const { graph } = await read([dir], dir);
    const role = graph.get('aws_iam_role.fn')!;
    expect(role.tags).toEqual({ team: 'ml', owner: 'platform' });
    expect(role.annotations).toEqual({ hybridguard: { suppressions: [{ rule: 'HG-IAM-001', reason: 'reviewed by security' }] } });
    expect(role.location).toMatchObject({ file: 'main.tf.json', line: 4, constructPath: 'app/fn/role' });
  });
});

describe('modules, instances and stacks', () => {
  it('gives plan child-module resources module addresses and count instances', async () => {
    const { graph } = await read([join(training, 'plan/plan.json')]);
    const subnets = graph.ofType('aws_subnet').map((r) => r.address).sort();
    expect(subnets).toEqual(['module.network.aws_subnet.private[0]', 'module.network.aws_subnet.private[1]', 'module.network.aws_subnet.public']);
    const association = graph.get('module.network.aws_route_table_association.private[1]')!;
    expect(association.modulePath).toBe('module.network');
    expect(graph.target(association, 'route_table_id')?.address).toBe('module.network.aws_route_table.private');
    // `aws_subnet.private[count.index]` in instance [1] names the subnet instance [1].
    expect(graph.targets(association, 'subnet_id').map((r) => r.address).sort()).toEqual(['module.network.aws_subnet.private[1]']);
  });

  it('reads local module sources from HCL and synth JSON, prefixing addresses and references', async () => {
    for (const form of ['hcl', 'synth']) {
      const { graph, files } = await read([join(training, form)]);
      const nat = graph.get('module.network.aws_nat_gateway.this');
      expect(nat?.location.file).toBe('fixtures/stacks/training-platform/modules/network/main.tf');
      expect(nat?.location.line).toBe(lineOf(join(training, 'modules/network/main.tf'), 'resource "aws_nat_gateway" "this"'));
      expect(graph.target(nat!, 'subnet_id')?.address).toBe('module.network.aws_subnet.public');
      expect(files.map((f) => f.path)).toContain('fixtures/stacks/training-platform/modules/network/main.tf');
    }
  });

  it('prefixes addresses with the stack name only when several stacks are read', async () => {
    const dir = join(tmp, 'two-stacks');
    for (const [name, from] of [['inference-platform', inference], ['training-platform', training]] as const) {
      mkdirSync(join(dir, 'stacks', name), { recursive: true });
      copyFileSync(join(from, 'synth/cdk.tf.json'), join(dir, 'stacks', name, 'cdk.tf.json'));
    }
    mkdirSync(join(dir, 'stacks/modules/network'), { recursive: true });
    copyFileSync(join(training, 'modules/network/main.tf'), join(dir, 'stacks/modules/network/main.tf'));
    const stacksOf = (...names: string[]) =>
      Object.fromEntries(names.map((n) => [n, { name: n, synthesizedStackPath: `stacks/${n}/cdk.tf.json`, workingDirectory: `stacks/${n}` }]));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: stacksOf('inference-platform', 'training-platform') }));
    const progress: string[] = [];
    const { graph } = await readInputs([dir], { cwd: dir, onProgress: (e) => progress.push(`${e.kind}:${e.path}`) });
    const fn = graph.get('inference-platform:aws_lambda_function.preprocess')!;
    expect(fn.stack).toBe('inference-platform');
    expect(graph.target(fn, 'role')?.address).toBe('inference-platform:aws_iam_role.preprocess_role');
    expect(graph.get('training-platform:module.network.aws_vpc.this')).toBeDefined();
    expect(graph.get('aws_lambda_function.preprocess')).toBeUndefined();
    expect(progress).toEqual(expect.arrayContaining(['stack:inference-platform', 'stack:training-platform', 'file:manifest.json']));
  });
});

describe('locations', () => {
  it('points at the line of the resource key in synth JSON, the block header in HCL, the address in a plan', async () => {
    const synthFile = join(inference, 'synth/cdk.tf.json');
    const synth = await read([synthFile]);
    const fnJson = synth.graph.get('aws_lambda_function.preprocess')!;
    const fnSection = readFileSync(synthFile, 'utf8').indexOf('"aws_lambda_function": {');
    expect(fnJson.location.line).toBe(lineOf(synthFile, '"preprocess": {', fnSection));
    expect(fnJson.location.file).toBe('fixtures/stacks/inference-platform/synth/cdk.tf.json');

    const hclFile = join(inference, 'hcl/main.tf');
    const hcl = await read([hclFile]);
    expect(hcl.graph.get('aws_lambda_function.preprocess')?.location.line).toBe(lineOf(hclFile, 'resource "aws_lambda_function" "preprocess"'));
    expect(hcl.graph.get('data.aws_iam_policy_document.lambda_assume')?.location.line).toBe(lineOf(hclFile, 'data "aws_iam_policy_document" "lambda_assume"'));

    const planFile = join(inference, 'plan/plan.json');
    const plan = await read([planFile]);
    const line = plan.graph.get('aws_lambda_function.preprocess')!.location.line!;
    expect(readFileSync(planFile, 'utf8').split('\n')[line - 1]).toContain('"address": "aws_lambda_function.preprocess"');
  });
});

describe('bad input: a located error naming the file, the line and what was expected', () => {
  const write = (name: string, content: string | Buffer) => {
    const file = join(tmp, name);
    writeFileSync(file, content);
    return file;
  };

  it('a missing path', async () => {
    const error = await inputFailure(() => read(['nope/cdktf.out'], tmp));
    expect(error.kind).toBe('input');
    expect(error.format()).toMatch(/^nope\/cdktf\.out: input error: path does not exist: nope\/cdktf\.out; expected a cdktf\.out folder/);
  });

  it('a folder with nothing to check', async () => {
    const dir = join(tmp, 'empty');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notes.md'), '# nothing');
    const error = await inputFailure(() => read([dir], tmp));
    expect(error.format()).toBe(
      'empty: input error: folder has nothing to check: empty; expected a cdktf.out folder, a stack folder holding cdk.tf.json, a *.tf.json file, a ' +
        'Terraform plan JSON (terraform show -json), or a folder of *.tf files',
    );
  });

  it('malformed JSON, with the line and column of the problem', async () => {
    write('broken.tf.json', '{\n  "resource": {\n    "aws_s3_bucket": {\n      "b": { "bucket": "x", }\n    }\n  }\n}\n');
    const error = await inputFailure(() => read(['broken.tf.json'], tmp));
    expect(error.location).toEqual({ file: 'broken.tf.json', line: 4, column: 29 });
    expect(error.message).toMatch(/^malformed JSON/);
    expect(error.expected).toMatch(/plan JSON/);
    write('truncated.json', '{\n  "resource": {\n');
    expect((await inputFailure(() => read(['truncated.json'], tmp))).location.line).toBe(2);
  });

  it('malformed HCL, with the line hcl2json reports', async () => {
    const dir = join(tmp, 'bad-hcl');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.tf'), 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  acl = \n}\n');
    const error = await inputFailure(() => read([dir], tmp));
    expect(error.location).toMatchObject({ file: "bad-hcl/main.tf", line: 3 });
    expect(error.format()).toMatch(/^bad-hcl\/main\.tf:3:\d+: input error: malformed HCL: .*; expected valid Terraform HCL$/);
  });

  it('a binary file and a non-UTF-8 file', async () => {
    write('binary.tf.json', Buffer.from([0x7b, 0x0a, 0x00, 0x01, 0x02]));
    const binary = await inputFailure(() => read(['binary.tf.json'], tmp));
    expect(binary.location).toEqual({ file: 'binary.tf.json', line: 2 });
    expect(binary.message).toMatch(/binary/);
    write('latin1.tf.json', Buffer.concat([Buffer.from('{\n"resource": {},\n"x": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]));
    const latin1 = await inputFailure(() => read(['latin1.tf.json'], tmp));
    expect(latin1.location).toEqual({ file: 'latin1.tf.json', line: 3 });
    expect(latin1.message).toBe('file is not valid UTF-8 text');
  });

  it('JSON that is not Terraform', async () => {
    write('package.json', JSON.stringify({ name: 'x', version: '1.0.0' }));
    const error = await inputFailure(() => read(['package.json'], tmp));
    expect(error.format()).toMatch(/^package\.json:1: input error: JSON is not Terraform: package\.json; expected Terraform JSON/);
    write('list.tf.json', JSON.stringify({ resource: { aws_s3_bucket: ['not', 'an', 'object'] } }, null, 2));
    const shape = await inputFailure(() => read(['list.tf.json'], tmp));
    expect(shape.location).toMatchObject({ file: 'list.tf.json', field: '/resource/aws_s3_bucket', line: 3 });
  });

  it('a plan JSON of an unsupported format version, at the line of format_version', async () => {
    write('plan-v2.json', JSON.stringify({ format_version: '2.0', planned_values: {}, resource_changes: [] }));
    const error = await inputFailure(() => read(['plan-v2.json'], tmp));
    expect(error.format()).toBe(
      'plan-v2.json:1: input error: unsupported plan JSON format_version "2.0" (at /format_version); expected a plan from "terraform show -json" with ' +
        'format_version 0.x or 1.x',
    );
    write('plan-v3.json', JSON.stringify({ terraform_version: '9.0.0', format_version: '3.1', resource_changes: [] }, null, 2));
    expect((await inputFailure(() => read(['plan-v3.json'], tmp))).location).toEqual({ file: 'plan-v3.json', line: 3, field: '/format_version' });
  });

  it('a folder with a symlink loop does not hang', async () => {
    const dir = join(tmp, 'loop');
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(dir, 'b.tf'), join(dir, 'a.tf'));
    symlinkSync(join(dir, 'a.tf'), join(dir, 'b.tf'));
    const error = await inputFailure(() => read([dir], tmp));
    expect(error.format()).toMatch(/^loop\/a\.tf: input error: symbolic link loop at loop\/a\.tf/);
    symlinkSync(join(tmp, 'self'), join(tmp, 'self'));
    expect((await inputFailure(() => read(['self'], tmp))).message).toMatch(/symbolic link loop/);
  });

  it('a module whose source includes its caller', async () => {
    const dir = join(tmp, 'module-loop');
    mkdirSync(join(dir, 'child'), { recursive: true });
    writeFileSync(join(dir, 'main.tf'), 'module "child" {\n  source = "./child"\n}\n');
    writeFileSync(join(dir, 'child/main.tf'), 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n\nmodule "up" {\n  source = "../"\n}\n');
    const error = await inputFailure(() => read([dir], tmp));
    expect(error.location).toEqual({ file: 'module-loop/child/main.tf', line: 5 });
    expect(error.message).toMatch(/module "up" includes itself/);
  });
});

describe('file helpers', () => {
  it('readTextFile validates UTF-8 and locates missing files', () => {
    writeFileSync(join(tmp, 'ok.yaml'), '\ufeffpolicies: []\n');
    expect(readTextFile('ok.yaml', tmp)).toEqual({ path: 'ok.yaml', text: 'policies: []\n' });
    expect(() => readTextFile('missing.yaml', tmp)).toThrow(HybridguardError);
    try {
      readTextFile('missing.yaml', tmp);
    } catch (error) {
      expect((error as HybridguardError).location.file).toBe('missing.yaml');
    }
  });

  it('writeOutput writes whole files and refuses unwritable folders with a usage error', () => {
    const target = join(tmp, 'report.sarif');
    writeOutput(target, '{"runs":[]}');
    expect(readFileSync(target, 'utf8')).toBe('{"runs":[]}');
    const error = (() => {
      try {
        writeOutput(join(tmp, 'no/such/dir/report.sarif'), 'x');
      } catch (e) {
        return e as HybridguardError;
      }
      return undefined;
    })();
    expect(error?.kind).toBe('usage');
    expect(error?.message).toContain('no/such/dir/report.sarif');
  });
});
