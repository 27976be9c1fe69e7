/**
 * Python handler code (fixtures/code/python-platform): functions found from their Terraform
 * alone (handler + archive_file / filename), boto3 / aioboto3 / SageMaker SDK calls mapped to
 * IAM actions with the same table as the TypeScript ones, and the code rules over them.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferHandlerPolicy, prepareCodeAnalysis, usePython, type CodeCall, type CodeFacts, type HandlerFacts } from '../src/analysis/code/index.js';
import { loadPythonGrammar } from '../src/inputs/python-grammar.js';
import { createFsSourceHost } from '../src/inputs/source-host.js';
import { runPolicies } from '../src/engine/run.js';
import { readInputs } from '../src/inputs/index.js';
import { EMPTY_CONFIG } from '../src/model/policy.js';
import type { Facts } from '../src/rules/types.js';
import { HybridguardError } from '../src/errors.js';
import { builtins, factsFor, FIXTURES, REPO } from './code-helpers.js';
import { boto3Actions, boto3Service, operationOf, snake } from '../src/analysis/code/python/boto3.js';
import { SDK_CLIENTS } from '../src/analysis/code/sdk-actions.generated.js';
import { literalValue } from '../src/analysis/code/python/parse.js';
import { HYBRIDGUARD } from './support/cli.js';

const PROJECT = join(FIXTURES, 'python-platform');

let facts: Facts;
let code: CodeFacts;
const handler = (address: string): HandlerFacts => {
  const found = code.handler(address);
  if (!found) throw new Error(`no handler ${address}`);
  return found;
};
const calls = (address: string): string[] => handler(address).calls.map((c) => `${c.file}:${c.line} ${c.action.join('+') || `(${c.unresolved})`}`);
const call = (address: string, sdkCall: string): CodeCall => {
  const found = handler(address).calls.find((c) => c.sdkCall.includes(sdkCall));
  if (!found) throw new Error(`${address}: no call ${sdkCall} in ${handler(address).calls.map((c) => c.sdkCall).join(', ')}`);
  return found;
};

beforeAll(async () => {
  facts = await factsFor(PROJECT, PROJECT);
  code = facts.code()!;
});

describe('boto3 service data (generated from botocore) meets the SDK v3 table', () => {
  it('every installed SDK v3 client is the package of a boto3 service, signing as the same IAM prefix', () => {
    const byPackage = new Map<string, string>();
    for (const name of [
      's3',
      'dynamodb',
      'sagemaker',
      'sagemaker-runtime',
      'bedrock',
      'bedrock-runtime',
      'logs',
      'events',
      'elbv2',
      'secretsmanager',
      'sns',
      'sqs',
      'ssm',
      'sts',
      'kms',
      'lambda',
      'iam',
      'ec2',
      'ecs',
      'apigatewayv2',
    ]) {
      const service = boto3Service(name)!;
      byPackage.set(service.sdkPackage, service.data.signingName);
    }
    for (const client of SDK_CLIENTS.filter((c) => c.package.startsWith('@aws-sdk/client-'))) {
      expect(byPackage.get(client.package), client.package).toBe(client.signingName);
    }
    expect(boto3Service('stepfunctions')).toMatchObject({ sdkPackage: '@aws-sdk/client-sfn', data: { signingName: 'states' } });
    expect(boto3Service('no-such-service')).toBeUndefined();
  });

  it("snake_case methods are botocore's operations; actions come from the same reviewed exceptions", () => {
    const s3 = boto3Service('s3')!;
    expect(['list_objects_v2', 'head_object', 'get_bucket_policy_status', 'ListObjectsV2', 'getobject_', 'constructor'].map((m) => operationOf(s3, m))).toEqual(
      ['ListObjectsV2', 'HeadObject', 'GetBucketPolicyStatus', undefined, 'GetObject', undefined],
    );
    const catalog = builtins().catalog;
    expect(boto3Actions(s3, 'HeadObject', catalog).actions).toEqual(['s3:GetObject']);
    expect(boto3Actions(boto3Service('bedrock-runtime')!, 'Converse', catalog).actions).toEqual(['bedrock:InvokeModel']);
    // A client whose SDK v3 package is not installed: the signing name, checked against the catalog.
    expect(boto3Actions(boto3Service('textract')!, 'AnalyzeDocument', catalog)).toMatchObject({ actions: ['textract:AnalyzeDocument'], resolved: true });
    expect(boto3Actions(boto3Service('stepfunctions')!, 'StartExecution', catalog).actions).toEqual(['states:StartExecution']);
    expect(['BucketExists', 'TableNotExists', 'DBInstanceAvailable'].map(snake)).toEqual(['bucket_exists', 'table_not_exists', 'db_instance_available']);
  });

  it('string literals are read as Python reads them, f-strings with values are computed', () => {
    expect([`'s3'`, `"a"  `.trim(), `r'x\\y'`, `'''doc'''`, `f"items/{id}"`, `f"{{plain}}"`, `'a\\nb'`, `'\\x41'`].map(literalValue)).toEqual([
      's3',
      'a',
      'x\\y',
      'doc',
      undefined,
      '{plain}',
      'a\nb',
      undefined,
    ]);
  });
});

describe('the Python grammar loads only for a run that reads Python', () => {
  const readsPython = async (stack: string, codeRoot: string, services: Record<string, string> = {}): Promise<boolean> => {
    const { graph } = await readInputs([stack], { cwd: REPO });
    const config = { ...EMPTY_CONFIG, services };
    return prepareCodeAnalysis(graph, createFsSourceHost(codeRoot, { cwd: REPO }), config, builtins().catalog).readsPython;
  };

  it('Python handlers, or a service folder holding one Python file, need it; TypeScript handlers do not', async () => {
    expect(await readsPython(PROJECT, PROJECT)).toBe(true);
    const platform = join(FIXTURES, 'ai-platform');
    const services = { 'aws_ecs_service.registry': 'services/model-registry' };
    expect(await readsPython(join(platform, 'stack', 'main.tf.json'), platform, services)).toBe(false);
    const mixed = mkdtempSync(join(tmpdir(), 'hg-mixed-'));
    try {
      cpSync(platform, mixed, { recursive: true });
      writeFileSync(join(mixed, 'services', 'model-registry', 'src', 'retrain.py'), 'import boto3\nboto3.client("sagemaker").create_training_job()\n');
      expect(await readsPython(join(mixed, 'stack', 'main.tf.json'), mixed, services)).toBe(true);
    } finally {
      rmSync(mixed, { recursive: true, force: true });
    }
  });
});

describe('handlers found from Terraform, without a tag', () => {
  it('finds each function from handler + runtime and the code its archive or zip is built from; the tag overrides', () => {
    expect(code.handlers.map((h) => [h.resourceAddress, h.entry, h.roleAddress, h.source.kind])).toEqual([
      ['aws_lambda_function.dynamic', 'functions/dynamic/router.py', 'aws_iam_role.dynamic', 'tag'],
      ['aws_lambda_function.infer', 'functions/infer/handler.py', 'aws_iam_role.infer', 'terraform'],
      ['aws_lambda_function.ingest', 'functions/ingest/app.py', 'aws_iam_role.ingest', 'terraform'],
      ['aws_lambda_function.notify', 'functions/notify/index.js', 'aws_iam_role.notify', 'terraform'],
      ['aws_lambda_function.publish', 'functions/publish/publish.py', 'aws_iam_role.publish', 'terraform'],
      ['aws_lambda_function.train', 'functions/train/jobs/start.py', 'aws_iam_role.train', 'terraform'],
    ]);
    expect(handler('aws_lambda_function.ingest').source.detail).toBe(
      'handler = app.lambda_handler in data.archive_file.ingest source_dir = ./functions/ingest',
    ); // path.module evaluated, as Terraform does
    expect(handler('aws_lambda_function.infer').source.detail).toContain('source_file = ./functions/infer/handler.py');
    expect(handler('aws_lambda_function.publish').source.detail).toBe('handler = publish.handler in the folder of filename = ./functions/publish/publish.zip');
    // `jobs.start.handler`: module jobs.start of the archive's folder.
    expect(handler('aws_lambda_function.train').source.detail).toContain('handler = jobs.start.handler');
  });
});

describe('a cdktf TerraformAsset of type DIRECTORY', () => {
  it('the function\'s filename is the copied folder in cdktf.out: its handler is read from there', async () => {
    const root = join(FIXTURES, 'python-cdktf-asset');
    const assetFacts = await factsFor(join(root, 'cdktf.out', 'stacks', 'app', 'cdk.tf.json'), root);
    const fn = assetFacts.code()!.handler('aws_lambda_function.fn')!;
    expect([fn.entry, fn.source.detail]).toEqual([
      'cdktf.out/stacks/app/assets/fn/5E3C0A7B/handler.py',
      'handler = handler.main in filename = assets/fn/5E3C0A7B',
    ]);
    expect(fn.calls.map((c) => c.action)).toEqual([['events:PutEvents']]);
  });
});

describe('a cdktf TerraformAsset of type ARCHIVE', () => {
  it('the function\'s filename is the zip cdktf wrote: its handler and the modules it imports are read inside it, never extracted', async () => {
    const root = join(FIXTURES, 'python-cdktf-archive');
    const facts = await factsFor(join(root, 'cdktf.out', 'stacks', 'app', 'cdk.tf.json'), root);
    const fn = facts.code()!.handler('aws_lambda_function.fn')!;
    const zip = 'cdktf.out/stacks/app/assets/fn_code_6C0A61E4/9B1F2C3D4E5F60718293A4B5C6D7E8F9/archive.zip';
    expect([fn.entry, fn.source.detail]).toEqual([
      `${zip}/jobs/start.py`,
      `handler = jobs.start.main in filename = ${zip.slice('cdktf.out/stacks/app/'.length)}`,
    ]);
    expect(fn.calls.map((c) => `${c.file}:${c.line} ${c.action.join('+')}`)).toEqual([
      `${zip}/jobs/start.py:10 sagemaker:CreateTrainingJob`,
      `${zip}/jobs/queue.py:7 sqs:SendMessage`,
    ]);
    // The archive's hostile entries (a name climbing out of it, a symbolic link) are not files of it.
    expect(fn.files).toEqual([`${zip}/jobs/queue.py`, `${zip}/jobs/start.py`]);
    const host = createFsSourceHost(root);
    expect(host.listDirectory(zip)).toEqual(['jobs']);
    expect(host.listDirectory(`${zip}/jobs`)).toEqual(['__init__.py', 'queue.py', 'start.py']);
    expect(host.fileExists(`${zip}/jobs/link.py`)).toBe(false);
    expect(host.readFile(`${zip}/../../escape.py`)).toBeUndefined();
  });
});

describe('terraform-aws-modules/lambda: source_path', () => {
  it('the handler is read where source_path points (a folder, a list with prefix_in_zip, one file); the packager is never run', async () => {
    const root = join(FIXTURES, 'python-lambda-module');
    const found = (await factsFor(root, root)).code()!.handlers;
    expect(found.map((h) => [h.resourceAddress, h.entry, h.roleAddress, h.source.kind])).toEqual([
      ['module.ingest.aws_lambda_function.this', 'src/ingest/app.py', 'module.ingest.aws_iam_role.lambda', 'terraform'],
      ['module.nightly.aws_lambda_function.this', 'src/jobs/job.py', 'module.nightly.aws_iam_role.lambda', 'terraform'],
      ['module.report.aws_lambda_function.this', 'src/report/main.py', 'module.report.aws_iam_role.lambda', 'terraform'],
    ]);
    expect(found.find((h) => h.resourceAddress === 'module.report.aws_lambda_function.this')!.source.detail).toBe(
      'handler = report.main.handler in source_path ./src/report (prefix_in_zip report) of module.report.data.external.archive_prepare, the package its ' +
        'filename is built from',
    );
    expect(found.flatMap((h) => h.calls.map((c) => `${c.file}:${c.line} ${c.action.join('+')}`))).toEqual([
      'src/ingest/app.py:7 s3:GetObject',
      'src/jobs/job.py:5 sqs:SendMessage',
      'src/report/main.py:5 sns:Publish',
    ]);
    // src/jobs/unused.py is in no package: nothing reaches it.
    expect(found.some((h) => h.files.includes('src/jobs/unused.py'))).toBe(false);
  });
});

describe('boto3 calls', () => {
  it('module-global clients and resources, paginators, waiters, and helpers in local modules the client is passed to', () => {
    expect(calls('aws_lambda_function.ingest')).toEqual([
      'functions/ingest/app.py:18 s3:ListBucket',
      'functions/ingest/app.py:21 s3:GetObject',
      'functions/ingest/app.py:22 dynamodb:PutItem',
      'functions/ingest/app.py:25 s3:GetObject',
      'functions/ingest/lib/storage.py:4 s3:PutObject',
      'functions/ingest/lib/records.py:2 dynamodb:BatchWriteItem',
    ]);
    // get_paginator('list_objects_v2') is ListObjectsV2: s3:ListBucket on the bucket (the SDK v3 exception), BUCKET a module constant.
    expect(call('aws_lambda_function.ingest', 'paginator.paginate()')).toMatchObject({
      sdkCall: 'paginator.paginate() (boto3 s3 client paginator list_objects_v2)',
      resourceArns: ['arn:aws:s3:::raw-uploads'],
      why: 'listing objects is authorized by s3:ListBucket',
    });
    expect(call('aws_lambda_function.ingest', 's3.get_object()').resourceArns).toEqual(['arn:aws:s3:::raw-uploads/*']);
    // The object_exists waiter polls HeadObject, which S3 authorizes as s3:GetObject.
    expect(call('aws_lambda_function.ingest', 'waiter object_exists polls HeadObject').resourceArns).toEqual(['arn:aws:s3:::raw-uploads/incoming/done']);
    // boto3.resource('dynamodb').Table('documents'): the table's name scopes its actions.
    expect(call('aws_lambda_function.ingest', 'documents.put_item()').resourceArns).toEqual(['arn:aws:dynamodb:*:*:table/documents']);
    // The import chain is the evidence of a helper's call.
    expect(call('aws_lambda_function.ingest', 'client.put_object()').chain).toEqual(['functions/ingest/app.py', 'functions/ingest/lib/storage.py']);
  });

  it('class attributes and self attributes, aioboto3 `async with`, bedrock-runtime invoke_model and converse', () => {
    expect(calls('aws_lambda_function.infer')).toEqual([
      'functions/infer/handler.py:13 sagemaker:InvokeEndpoint',
      'functions/infer/handler.py:20 bedrock:InvokeModel',
      'functions/infer/handler.py:25 bedrock:InvokeModel',
    ]);
    expect(call('aws_lambda_function.infer', 'invoke_endpoint').resourceArns).toEqual(['arn:aws:sagemaker:*:*:endpoint/summarizer']);
    expect(call('aws_lambda_function.infer', 'client.converse()')).toMatchObject({
      sdkCall: 'client.converse() (aioboto3 bedrock-runtime client)',
      why: 'the Converse API is authorized by bedrock:InvokeModel',
    });
  });

  it('the SageMaker Python SDK: Model.register is CreateModelPackage, Estimator.fit(wait=False) a training job', () => {
    expect(calls('aws_lambda_function.publish')).toEqual([
      'functions/publish/publish.py:9 sagemaker:CreateModelPackage',
      'functions/publish/publish.py:11 s3:GetObject',
      'functions/publish/registry.py:9 sagemaker:CreateModelPackage',
    ]);
    expect(calls('aws_lambda_function.train')).toEqual(['functions/train/jobs/start.py:10 sagemaker:CreateTrainingJob+iam:PassRole']);
  });

  it('a computed service or operation is undecided with its expression, never silent', () => {
    const dynamic = handler('aws_lambda_function.dynamic').calls;
    expect(dynamic.map((c) => c.computed)).toEqual([
      { what: 'service', expression: 'boto3.client(SERVICE)' },
      { what: 'operation', expression: 'getattr(s3, event["operation"])' },
    ]);
  });

  it('Python imports are imports: the SageMaker SDK is found through a dotted submodule', () => {
    const imports = handler('aws_lambda_function.publish').imports.map((i) => [i.specifier, i.resolved ?? null, i.language]);
    expect(imports).toEqual([
      ['boto3', null, 'python'],
      ['sagemaker.model', null, 'python'],
      ['registry', 'functions/publish/registry.py', 'python'],
      ['boto3', null, 'python'],
    ]);
  });
});

describe('code rules over Python', () => {
  const findings = () => {
    const policies = builtins().policies.filter((p) => p.id.startsWith('HG-CODE'));
    return runPolicies({ facts, policies, suppressions: [], today: '2026-11-28', version: 'test' }).results;
  };
  it('bans, missing grants and undecided calls, each with the call site as evidence', () => {
    const got = findings().map((r) => `${r.ruleId} ${r.location.address} ${r.subject ?? ''}${r.undecided ? ' (undecided)' : ''}`);
    expect(got.sort()).toEqual(
      [
        'HG-CODE-001 aws_lambda_function.publish sagemaker:CreateModelPackage',
        'HG-CODE-003 aws_lambda_function.publish sagemaker.model',
        'HG-CODE-004 aws_lambda_function.dynamic operation computed: getattr(s3, event["operation"]) (undecided)',
        'HG-CODE-004 aws_lambda_function.dynamic service computed: boto3.client(SERVICE) (undecided)',
        'HG-CODE-004 aws_lambda_function.notify sns:Publish',
        'HG-CODE-004 aws_lambda_function.train iam:PassRole',
        'HG-CODE-004 aws_lambda_function.train sagemaker:CreateTrainingJob',
      ].sort(),
    );
    const registry = findings().find((r) => r.ruleId === 'HG-CODE-001')!;
    expect(registry.location).toMatchObject({ file: expect.stringContaining('functions/publish/publish.py'), line: 9 });
    expect(registry.evidence.map((e) => e.message).join('\n')).toContain('registry.py:9');
  });
});

describe('infer over a Python handler', () => {
  it('prints the least-privilege policy, scoped to the names in the code', () => {
    const inferred = inferHandlerPolicy(createFsSourceHost(PROJECT), 'functions/ingest/app.py', builtins().catalog);
    expect(inferred.document.Statement).toEqual([
      { Sid: 'DynamodbWrite', Effect: 'Allow', Action: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem'], Resource: 'arn:aws:dynamodb:*:*:table/documents' },
      { Sid: 'S3Read', Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::raw-uploads/*', 'arn:aws:s3:::raw-uploads/incoming/done'] },
      { Sid: 'S3List', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::raw-uploads' },
      { Sid: 'S3Write', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::raw-uploads/*' },
    ]);
  });
});

describe('through the CLI', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [...HYBRIDGUARD, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('check --code over HCL finds the Python handlers with no tag; SARIF points at the Python call site', () => {
    const run = cli('check', 'fixtures/code/python-platform', '--code', 'fixtures/code/python-platform', '--format', 'sarif');
    expect(run.status, run.stderr).toBe(1);
    const sarif = JSON.parse(run.stdout) as {
      runs: { results: { ruleId: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[] }[];
    };
    const registry = sarif.runs[0]!.results.find((r) => r.ruleId === 'HG-CODE-001')!;
    expect(registry.locations[0]!.physicalLocation).toMatchObject({
      artifactLocation: { uri: 'fixtures/code/python-platform/functions/publish/publish.py' },
      region: { startLine: 9 },
    });
  });

  it("audit: the code section lists each Python handler's calls against its role", () => {
    const out = join(mkdtempSync(join(tmpdir(), 'hg-py-audit-')), 'report.html');
    const run = cli('audit', 'fixtures/code/python-platform', '--code', 'fixtures/code/python-platform', '--out', out);
    expect(run.status, run.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('model.register() (SageMaker Python SDK Model)');
    expect(html).toContain('paginator.paginate() (boto3 s3 client paginator list_objects_v2)');
  });

  it('infer HANDLER.py prints the policy document', () => {
    const run = cli('infer', 'fixtures/code/python-platform/functions/infer/handler.py', '--code', 'fixtures/code/python-platform/functions/infer');
    expect(run.status, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as { Statement: { Action: string | string[]; Resource: string | string[] }[] };
    expect(doc.Statement).toEqual([
      {
        Sid: 'BedrockRead',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: [
          'arn:aws:bedrock:*::foundation-model/amazon.titan-text-express-v1',
          'arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
        ],
      },
      { Sid: 'SagemakerRead', Effect: 'Allow', Action: 'sagemaker:InvokeEndpoint', Resource: 'arn:aws:sagemaker:*:*:endpoint/summarizer' },
    ]);
  });
});

describe('hostile Python', () => {
  let dir: string;
  beforeAll(async () => {
    await usePython(await loadPythonGrammar());
    dir = mkdtempSync(join(tmpdir(), 'hg-py-'));
    mkdirSync(join(dir, 'code'));
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'outside', 'secret.py'), 'import boto3\nboto3.client("iam").create_user(UserName="x")\n');
    symlinkSync(join(dir, 'outside', 'secret.py'), join(dir, 'code', 'secret.py'));
    writeFileSync(
      join(dir, 'code', 'app.py'),
      [
        'import os, boto3',
        '__proto__ = boto3.client("s3")',
        'constructor = __proto__',
        'def handler(event, context):',
        '    os.system("touch pwned")  # never run',
        '    constructor.get_object(Bucket="b", Key="k", __proto__="x", toString="y")',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'code', 'leaks.py'), 'import secret\ndef handler(event, context):\n    return 1\n');
    writeFileSync(join(dir, 'code', 'broken.py'), 'def handler(event:\n    return 1\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names like __proto__ are plain names; nothing runs', () => {
    const inferred = inferHandlerPolicy(createFsSourceHost(join(dir, 'code')), 'app.py', builtins().catalog);
    expect(inferred.calls.map((c) => c.action.join('+'))).toEqual(['s3:GetObject']);
    expect(inferred.files).toEqual(['app.py']);
    expect('constructor' in (inferred.calls[0]!.inputValues ?? {})).toBe(false);
    expect(existsSync(join(dir, 'code', 'pwned'))).toBe(false);
  });

  it('a module symlinked out of the code folder is refused with a located error, never read', () => {
    expect(() => inferHandlerPolicy(createFsSourceHost(join(dir, 'code')), 'leaks.py', builtins().catalog)).toThrow(
      /secret\.py is a symbolic link that leads outside the code folder/,
    );
  });

  it('a syntax error is a located input error', () => {
    let error: unknown;
    try {
      inferHandlerPolicy(createFsSourceHost(join(dir, 'code')), 'broken.py', builtins().catalog);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HybridguardError);
    expect((error as HybridguardError).location).toMatchObject({ file: expect.stringContaining('broken.py'), line: 1 });
  });
});
