/**
 * The SDK -> IAM mapping: generated from the installed clients (and not stale), every reviewed
 * exception checked, and the call shapes the analysis recognizes, on small in-memory projects.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSdkActions, SDK_ACTIONS_PATH } from '../scripts/gen-sdk-actions.js';
import { SDK_EXCEPTIONS } from '../src/analysis/code/sdk-exceptions.js';
import { actionsForCommand, sdkClient } from '../src/analysis/code/sdk.js';
import { CodeProject } from '../src/analysis/code/index.js';
import { builtins, memoryHost } from './code-helpers.js';

const calls = (files: Record<string, string>, entry = 'handler.ts') => new CodeProject(memoryHost(files), builtins().catalog).reach([entry], entry).calls;
const actionsOf = (files: Record<string, string>, entry?: string) => calls(files, entry).map((c) => c.action.join('+'));

describe('generated mapping', () => {
  it('is not stale: regenerating from the installed SDK and IAM data gives the committed file', () => {
    expect(buildSdkActions()).toBe(readFileSync(SDK_ACTIONS_PATH, 'utf8'));
  });

  it('takes the IAM prefix from the SigV4 signing name, not the package name', () => {
    expect(sdkClient('@aws-sdk/client-sagemaker-runtime')?.data.signingName).toBe('sagemaker');
    expect(sdkClient('@aws-sdk/client-cloudwatch-logs')?.data.signingName).toBe('logs');
    expect(sdkClient('@aws-sdk/client-bedrock-runtime')?.data.signingName).toBe('bedrock');
    expect(sdkClient('@aws-sdk/client-secrets-manager')?.data.signingName).toBe('secretsmanager');
    const { catalog } = builtins();
    expect(actionsForCommand('@aws-sdk/client-cloudwatch-logs', 'PutLogEvents', catalog).actions).toEqual(['logs:PutLogEvents']);
    expect(actionsForCommand('@aws-sdk/client-sagemaker-runtime', 'InvokeEndpoint', catalog).actions).toEqual(['sagemaker:InvokeEndpoint']);
    expect(actionsForCommand('@aws-sdk/client-s3', 'GetBucketCors', catalog).actions).toEqual(['s3:GetBucketCORS']);
  });

  it('maps API Gateway v2 operations to the HTTP verb actions IAM uses for them', () => {
    const { catalog } = builtins();
    expect(actionsForCommand('@aws-sdk/client-apigatewayv2', 'GetApis', catalog).actions).toEqual(['apigateway:GET']);
    expect(actionsForCommand('@aws-sdk/client-apigatewayv2', 'DeleteRoute', catalog).actions).toEqual(['apigateway:DELETE']);
  });

  it('reports a command with no IAM action and no reviewed mapping as unresolved, never guesses', () => {
    const { catalog } = builtins();
    const mapping = actionsForCommand('@aws-sdk/client-s3', 'RenameObject', catalog);
    expect(mapping.resolved).toBe(false);
    expect(mapping.actions).toEqual([]);
    expect(actionsForCommand('@aws-sdk/client-s3', 'NoSuchThing', catalog).resolved).toBe(false);
  });

  it('for a client that is not installed, accepts prefix:Command only when the IAM catalog knows it', () => {
    const { catalog } = builtins();
    expect(actionsForCommand('@aws-sdk/client-rds', 'DescribeDBInstances', catalog).actions).toEqual(['rds:DescribeDBInstances']);
    expect(actionsForCommand('@aws-sdk/client-rds', 'MadeUp', catalog).resolved).toBe(false);
  });
});

describe('reviewed exceptions', () => {
  it.each(SDK_EXCEPTIONS.map((e) => [`${e.package} ${e.command}`, e] as const))('%s', (_name, entry) => {
    const { catalog } = builtins();
    // The operation exists in the installed package.
    if (entry.package === '@aws-sdk/lib-storage') expect(entry.command).toBe('Upload');
    else expect(sdkClient(entry.package)?.commands.get(entry.command.toLowerCase()), `${entry.package} has no ${entry.command}Command`).toBe(entry.command);
    // Every action it maps to is a real IAM action, spelled as IAM spells it.
    for (const action of entry.actions) expect(catalog.action(action)?.action, `${action} is not an IAM action`).toBe(action);
    // And the mapping uses the exception.
    expect(actionsForCommand(entry.package, entry.command, catalog)).toMatchObject({ actions: entry.actions, resolved: true });
  });
});

describe('call shapes', () => {
  it('aggregated v3 clients, aliases and namespace imports', () => {
    expect(
      actionsOf({
        'handler.ts': `import { S3 } from '@aws-sdk/client-s3';
import * as ddb from '@aws-sdk/client-dynamodb';
import { SendMessageCommand as Send, SQSClient } from '@aws-sdk/client-sqs';
const s3 = new S3({});
export const handler = async () => {
  await s3.headObject({ Bucket: 'b', Key: 'k' });
  await new ddb.DynamoDBClient({}).send(new ddb.QueryCommand({ TableName: 't', IndexName: 'by-date' }));
  await new SQSClient({}).send(new Send({ QueueUrl: process.env.Q, MessageBody: 'x' }));
};`,
      }),
    ).toEqual(['s3:GetObject', 'dynamodb:Query', 'sqs:SendMessage']);
  });

  it('calls inside typed code are read; types themselves hold no call or import', () => {
    const found = calls({
      'handler.ts': `import { S3Client, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
type Lazy = typeof import('@aws-sdk/client-sagemaker');
class Store<T extends { key: string } = { key: string }> {
  constructor(private readonly s3: S3Client = new S3Client({})) {}
  get(item: T): Promise<unknown> { return this.s3.send(new GetObjectCommand({ Bucket: 'b', Key: item.key }) as GetObjectCommand); }
}
export const handler = async (event: { key: string; queue?: SQSClient }, lazy?: Lazy) =>
  Promise.all([new Store<{ key: string }>().get(event), new S3Client({}).send(new PutObjectCommand({ Bucket: 'b', Key: 'k' }) satisfies PutObjectCommand)]);`,
    });
    expect(found.map((c) => c.action.join('+'))).toEqual(['s3:GetObject', 's3:PutObject']);
    const typeOnly = memoryHost({ 'handler.ts': `type M = import('@aws-sdk/client-sagemaker').SageMaker;\nexport const f = (m?: M) => m;` });
    const imports = new CodeProject(typeOnly, builtins().catalog).reach(['handler.ts'], 'handler.ts').imports.map((i) => i.specifier);
    expect(imports).toEqual([]);
  });

  it('scopes a Query with an index to the index ARN', () => {
    const [query] = calls({
      'handler.ts': `import { QueryCommand } from '@aws-sdk/client-dynamodb';\nnew QueryCommand({ TableName: 'orders', IndexName: 'by-date' });`,
    });
    expect(query?.resourceArns).toEqual(['arn:aws:dynamodb:*:*:table/orders/index/by-date']);
  });

  it('require destructuring, CommonJS exports and aws-sdk/clients/* default imports', () => {
    expect(
      actionsOf(
        {
          'clients.js': `const { SNSClient, PublishBatchCommand } = require('@aws-sdk/client-sns');
const Lambda = require('aws-sdk/clients/lambda');
exports.publish = (entries) =>
  new SNSClient({}).send(new PublishBatchCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts', PublishBatchRequestEntries: entries }));
module.exports.lambda = new Lambda();`,
          'handler.js': `const { publish, lambda } = require('./clients');
exports.handler = async () => { await publish([]); await lambda.invoke({ FunctionName: 'scorer' }).promise(); };`,
        },
        'handler.js',
      ),
    ).toEqual(['lambda:InvokeFunction', 'sns:Publish']);
  });

  it('SDK symbols re-exported through project files (named and export *)', () => {
    expect(
      actionsOf({
        'aws/index.ts': `export * from './kms.js';\nexport { GetSecretValueCommand as ReadSecret } from '@aws-sdk/client-secrets-manager';`,
        'aws/kms.ts': `export * from '@aws-sdk/client-kms';`,
        'handler.ts': `import { ReEncryptCommand, ReadSecret } from './aws/index.js';
new ReEncryptCommand({ CiphertextBlob: new Uint8Array(), DestinationKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
new ReadSecret({ SecretId: 'prod/db' });`,
      }),
    ).toEqual(['kms:ReEncryptFrom+kms:ReEncryptTo', 'secretsmanager:GetSecretValue']);
  });

  it('narrows PartiQL and transactions to the verbs and item kinds the request shows', () => {
    expect(
      actionsOf({
        'handler.ts': `import { DynamoDBDocumentClient, ExecuteStatementCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
const STATEMENT = 'SELECT * FROM "orders" WHERE id = ?';
new ExecuteStatementCommand({ Statement: STATEMENT, Parameters: ['1'] });
new TransactWriteCommand({ TransactItems: [{ Put: { TableName: 'a', Item: {} } }, { ConditionCheck: { TableName: 'b', Key: {}, ConditionExpression: 'x' } }] });
new TransactWriteCommand(buildItems());`,
      }),
    ).toEqual([
      'dynamodb:PartiQLSelect',
      'dynamodb:PutItem+dynamodb:ConditionCheckItem',
      'dynamodb:PutItem+dynamodb:UpdateItem+dynamodb:DeleteItem+dynamodb:ConditionCheckItem',
    ]);
  });

  it('v2 DocumentClient from aws-sdk/clients/dynamodb, S3 upload and getSignedUrl', () => {
    expect(
      actionsOf(
        {
          'handler.js': `import DynamoDB from 'aws-sdk/clients/dynamodb';
import AWS from 'aws-sdk';
const docs = new DynamoDB.DocumentClient();
const s3 = new AWS.S3();
export async function handler() {
  await docs.query({ TableName: 'orders' }).promise();
  await s3.upload({ Bucket: 'exports', Key: 'a.csv', Body: 'x' }).promise();
  return s3.getSignedUrl('getObject', { Bucket: 'exports', Key: 'a.csv' });
}`,
        },
        'handler.js',
      ),
    ).toEqual(['dynamodb:Query', 's3:PutObject+s3:AbortMultipartUpload', 's3:GetObject']);
  });

  it('ignores methods that are not operations, non-SDK classes with SDK-like names, and type-only imports', () => {
    expect(
      actionsOf({
        'handler.ts': `import type { S3Client } from '@aws-sdk/client-s3';
import { type GetObjectCommand } from '@aws-sdk/client-s3';
import { S3 } from '@aws-sdk/client-s3';
class PutObjectCommand { constructor(readonly input: unknown) {} }
const s3 = new S3({});
s3.destroy();
new PutObjectCommand({ Bucket: 'x' });
export type Deps = { client: S3Client; command: GetObjectCommand };`,
      }),
    ).toEqual([]);
  });

  it('a call the mapping cannot resolve is kept, marked unresolved with the reason', () => {
    const [rename] = calls({
      'handler.ts': `import { RenameObjectCommand } from '@aws-sdk/client-s3';\nnew RenameObjectCommand({ Bucket: 'b', Key: 'k', RenameSource: 'b/old' });`,
    });
    expect(rename).toMatchObject({ action: [], unresolved: expect.stringContaining('no IAM action s3:RenameObject') });
  });
});
