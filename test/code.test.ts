/**
 * Handler code analysis over a realistic AI-platform project (fixtures/code/ai-platform): what
 * each deployed resource's code calls, through which files, and with which IAM actions.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HybridguardError } from '../src/errors.js';
import { inferHandlerPolicy, type CodeCall, type CodeFacts, type HandlerFacts } from '../src/analysis/code/index.js';
import { createFsSourceHost } from '../src/inputs/source-host.js';
import { builtins, factsFor, FIXTURES, REPO } from './code-helpers.js';

const PROJECT = join(FIXTURES, 'ai-platform');
const SERVICES = { services: { 'aws_ecs_service.registry': 'services/model-registry' } };

let code: CodeFacts;
const handler = (address: string): HandlerFacts => {
  const found = code.handler(address);
  if (!found) throw new Error(`no handler ${address}`);
  return found;
};
const call = (h: HandlerFacts, sdkCall: string): CodeCall => {
  const found = h.calls.find((c) => c.sdkCall.includes(sdkCall));
  if (!found) throw new Error(`${h.resourceAddress}: no call ${sdkCall} in ${h.calls.map((c) => c.sdkCall).join(', ')}`);
  return found;
};

beforeAll(async () => {
  const facts = await factsFor(join(PROJECT, 'stack', 'main.tf.json'), PROJECT, SERVICES);
  code = facts.code()!;
});

describe('handlers', () => {
  it('finds every tagged Lambda function and the configured container service, with role and service type', () => {
    expect(code.handlers.map((h) => [h.resourceAddress, h.serviceType, h.roleAddress, h.entry])).toEqual([
      ['aws_ecs_service.registry', 'microservice', 'aws_iam_role.registry_task', 'services/model-registry'],
      ['aws_lambda_function.ingest', 'function', 'aws_iam_role.ingest', 'functions/ingest/handler.ts'],
      ['aws_lambda_function.legacy', 'function', 'aws_iam_role.legacy', 'functions/legacy/handler.js'],
      ['aws_lambda_function.preprocess', 'function', 'aws_iam_role.preprocess', 'functions/preprocess/handler.ts'],
      ['aws_lambda_function.publish', 'function', 'aws_iam_role.publish', 'functions/publish/handler.ts'],
      ['aws_lambda_function.report', 'function', 'aws_iam_role.report', 'functions/report/handler.ts'],
    ]);
    expect(handler('aws_lambda_function.ingest').source).toEqual({ kind: 'tag', detail: 'tag hybridguard:source = functions/ingest/handler.ts' });
    expect(handler('aws_ecs_service.registry').source.kind).toBe('config-services');
  });

  it('parses each file once, however many handlers share it', () => {
    const distinct = new Set(code.handlers.flatMap((h) => h.files));
    expect(code.parsedFiles).toBe(distinct.size);
    // shared/models/registry.ts is reached by a function and by the microservice.
    expect(code.handlers.filter((h) => h.files.includes('shared/models/registry.ts')).map((h) => h.resourceAddress)).toEqual([
      'aws_ecs_service.registry',
      'aws_lambda_function.publish',
    ]);
  });
});

describe('SDK calls', () => {
  it('direct v3 calls with an aliased command import, scoped to the literal bucket', () => {
    const get = call(handler('aws_lambda_function.ingest'), 'GetObjectCommand');
    expect(get).toMatchObject({
      action: ['s3:GetObject'],
      file: 'functions/ingest/handler.ts',
      line: 17,
      resourceArns: ['arn:aws:s3:::ai-platform-raw-uploads/*'],
    });
    expect(get.chain).toEqual(['functions/ingest/handler.ts']);
  });

  it('ListObjectsV2 needs s3:ListBucket on the bucket, not on its objects', () => {
    expect(call(handler('aws_lambda_function.ingest'), 'ListObjectsV2Command')).toMatchObject({
      action: ['s3:ListBucket'],
      line: 15,
      resourceArns: ['arn:aws:s3:::ai-platform-raw-uploads'],
    });
  });

  it('lib-dynamodb DocumentClient commands and lib-storage Upload', () => {
    const ingest = handler('aws_lambda_function.ingest');
    expect(call(ingest, 'PutCommand')).toMatchObject({ action: ['dynamodb:PutItem'], line: 19, resourceArns: ['arn:aws:dynamodb:*:*:table/documents'] });
    expect(call(ingest, 'Upload')).toMatchObject({
      action: ['s3:PutObject', 's3:AbortMultipartUpload'],
      line: 20,
      resourceArns: ['arn:aws:s3:::ai-platform-curated/*'],
    });
    expect(ingest.calls).toHaveLength(4);
  });

  it('a namespace import, and a batch call mapped to its single action on the queue of the literal URL', () => {
    expect(call(handler('aws_lambda_function.preprocess'), 'SendMessageBatchCommand')).toMatchObject({
      action: ['sqs:SendMessage'],
      resourceArns: ['arn:aws:sqs:us-east-1:123456789012:ai-platform-embeddings'],
    });
  });

  it('follows a dynamic import() to an aggregated client call (Converse needs bedrock:InvokeModel)', () => {
    const converse = call(handler('aws_lambda_function.preprocess'), 'bedrock.converse()');
    expect(converse).toMatchObject({ action: ['bedrock:InvokeModel'], file: 'functions/preprocess/embed.ts', line: 6 });
    expect(converse.chain).toEqual(['functions/preprocess/handler.ts', 'functions/preprocess/embed.ts']);
    expect(handler('aws_lambda_function.preprocess').imports.find((i) => i.kind === 'dynamic-import')).toMatchObject({
      specifier: './embed.js',
      resolved: 'functions/preprocess/embed.ts',
    });
  });

  it('a command built in a helper two imports away, through a tsconfig path alias and an index file', () => {
    const register = call(handler('aws_lambda_function.publish'), 'CreateModelPackageCommand');
    expect(register).toMatchObject({ action: ['sagemaker:CreateModelPackage'], file: 'shared/models/registry.ts', line: 9 });
    expect(register.chain).toEqual(['functions/publish/handler.ts', 'shared/models/index.ts', 'shared/models/registry.ts']);
  });

  it('a client exported by one helper and used by another resolves across files', () => {
    const publish = handler('aws_lambda_function.publish');
    expect(publish.files).toContain('shared/aws/index.ts');
    expect(publish.calls.map((c) => c.action.join('+')).sort()).toEqual(['sagemaker:CreateModelPackage', 'sagemaker:InvokeEndpoint']);
  });

  it('SDK v2: new AWS.S3().getObject and AWS.DynamoDB.DocumentClient().put', () => {
    const legacy = handler('aws_lambda_function.legacy');
    expect(legacy.calls.map((c) => [c.action, c.line, c.resourceArns])).toEqual([
      [['s3:GetObject'], 9, ['arn:aws:s3:::ai-platform-raw-uploads/*']],
      [['dynamodb:PutItem'], 11, ['arn:aws:dynamodb:*:*:table/documents']],
    ]);
  });

  it('type-only imports do not count as imports or calls', () => {
    const report = handler('aws_lambda_function.report');
    expect(report.imports.map((i) => i.specifier)).toEqual(['@aws-sdk/client-dynamodb']);
    expect(report.calls.map((c) => c.action)).toEqual([['dynamodb:GetItem']]);
  });

  it('the same helper call appears for both handlers that reach it, with each one chain', () => {
    const service = call(handler('aws_ecs_service.registry'), 'CreateModelPackageCommand');
    expect(service.chain).toEqual(['services/model-registry/src/server.ts', 'shared/models/index.ts', 'shared/models/registry.ts']);
  });
});

describe('located errors', () => {
  it('a syntax error in a helper is an input error at file:line:col, naming the handler that reaches it', async () => {
    const root = join(FIXTURES, 'broken-syntax');
    const facts = await factsFor(join(root, 'stack', 'main.tf.json'), root, SERVICES);
    let error: unknown;
    try {
      facts.code();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HybridguardError);
    const e = error as HybridguardError;
    expect(e.kind).toBe('input');
    expect(e.location).toMatchObject({ file: 'fixtures/code/broken-syntax/shared/models/registry.ts', line: 4 });
    expect(e.location.column).toBeGreaterThan(0);
    expect(e.format()).toMatch(
      /^fixtures\/code\/broken-syntax\/shared\/models\/registry\.ts:4:\d+: input error: syntax error in handler code of aws_ecs_service\.registry/,
    );
  });

  it('a tag that points at a missing handler file is an input error at the resource, naming the tag', async () => {
    const root = join(FIXTURES, 'missing-handler');
    const facts = await factsFor(join(root, 'stack', 'main.tf.json'), root, SERVICES);
    expect(() => facts.code()).toThrow(HybridguardError);
    try {
      facts.code();
    } catch (e) {
      const error = e as HybridguardError;
      expect(error.kind).toBe('input');
      expect(error.message).toContain('aws_lambda_function.report: tag hybridguard:source points at functions/reports/handler.ts');
      expect(error.location.file).toBe('fixtures/code/missing-handler/stack/main.tf.json');
      expect(error.location.line).toBeGreaterThan(1);
      expect(error.location.field).toBe('tags.hybridguard:source');
    }
  });
});

describe('infer', () => {
  it('prints the least-privilege policy of a handler, scoped to the ARNs its code names', () => {
    const host = createFsSourceHost(PROJECT, { cwd: REPO });
    const inferred = inferHandlerPolicy(host, 'functions/ingest/handler.ts', builtins().catalog);
    expect(inferred.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'DynamodbWrite', Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: 'arn:aws:dynamodb:*:*:table/documents' },
        { Sid: 'S3Write', Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Resource: 'arn:aws:s3:::ai-platform-curated/*' },
        { Sid: 'S3Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::ai-platform-raw-uploads/*' },
        { Sid: 'S3List', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::ai-platform-raw-uploads' },
      ],
    });
    expect(inferred.explanations[3]).toContain('s3:ListBucket: needed by fixtures/code/ai-platform/functions/ingest/handler.ts:15 new ListObjectsV2Command()');
  });

  it('uses Resource "*" where no name is visible, and says why and through which helper', () => {
    const host = createFsSourceHost(PROJECT, { cwd: REPO });
    const inferred = inferHandlerPolicy(host, 'functions/publish/handler.ts', builtins().catalog);
    const register = inferred.statements.find((s) => s.actions.includes('sagemaker:CreateModelPackage'))!;
    expect(register.resources).toEqual(['*']);
    expect(register.explanation).toContain('via fixtures/code/ai-platform/functions/publish/handler.ts -> fixtures/code/ai-platform/shared/models/index.ts');
    expect(register.explanation).toContain('no literal resource name is visible in the call at fixtures/code/ai-platform/shared/models/registry.ts:9');
    const invoke = inferred.statements.find((s) => s.actions.includes('sagemaker:InvokeEndpoint'))!;
    expect(invoke.resources).toEqual(['arn:aws:sagemaker:*:*:endpoint/fraud-detector-prod']);
  });

  it('a handler file that does not exist is a located input error', () => {
    const host = createFsSourceHost(PROJECT, { cwd: REPO });
    expect(() => inferHandlerPolicy(host, 'functions/nope/handler.ts', builtins().catalog)).toThrow(/handler file functions\/nope\/handler.ts does not exist/);
  });
});
