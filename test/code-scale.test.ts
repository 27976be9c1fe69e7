/**
 * Scale: 1,500 handler files (500 functions x 3 files, plus shared helpers) analysed without the
 * type checker, each file parsed exactly once however many handlers share it. Timing lives in
 * bench/ (npm run bench), not in unit tests.
 */
import { describe, expect, it } from 'vitest';
import { ResourceGraph } from '../src/model/graph.js';
import type { Resource } from '../src/model/types.js';
import { analyzeCode } from '../src/analysis/code/index.js';
import { typescript } from '../src/analysis/code/typescript.js';
import { EMPTY_CONFIG } from '../src/model/policy.js';
import { builtins, memoryHost } from './code-helpers.js';

const FUNCTIONS = 500;

function project(): { files: Record<string, string>; resources: Resource[] } {
  const files: Record<string, string> = {
    'tsconfig.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@shared/*": ["shared/*"] } } }',
  };
  for (let s = 0; s < 10; s++) {
    files[`shared/store-${s}.ts`] = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
const docs = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const load = (id: string) => docs.send(new GetCommand({ TableName: 'table-${s}', Key: { id } }));
export const save = (item: Record<string, unknown>) => docs.send(new PutCommand({ TableName: 'table-${s}', Item: item }));
`;
  }
  const resources: Resource[] = [];
  for (let i = 0; i < FUNCTIONS; i++) {
    const dir = `functions/fn-${i}`;
    files[`${dir}/handler.ts`] = `import type { Context } from 'aws-lambda';
import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
import { load, save } from '@shared/store-${i % 10}';
import { transform } from './lib/transform.js';
import { publish } from './lib/publish.js';
const s3 = new S3Client({});
export async function handler(event: { key: string; id: string }, _context: Context) {
  const object = await s3.send(new GetObjectCommand({ Bucket: 'bucket-${i}', Key: event.key }));
  const previous = await load(event.id);
  const next = transform(await object.Body!.transformToString(), previous);
  await save(next);
  await publish(next);
}
`;
    files[`${dir}/lib/transform.ts`] = `export function transform(text: string, previous: unknown): Record<string, unknown> {
  const words = text.split(/\\s+/).filter(Boolean);
  return { id: String(words.length), words: words.slice(0, 100), previous, at: new Date().toISOString() };
}
`;
    files[`${dir}/lib/publish.ts`] = `import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
const sns = new SNSClient({});
export const publish = (item: unknown) =>
  sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:topic-${i}', Message: JSON.stringify(item) }));
`;
    resources.push({
      address: `aws_lambda_function.fn_${i}`,
      mode: 'managed',
      type: 'aws_lambda_function',
      name: `fn_${i}`,
      modulePath: '',
      values: { function_name: `fn-${i}` },
      references: [],
      tags: { 'hybridguard:source': `${dir}/handler.ts` },
      location: { file: 'main.tf.json', address: `aws_lambda_function.fn_${i}` },
    });
  }
  return { files, resources };
}

describe('scale', () => {
  it(`analyses ${FUNCTIONS * 3 + 10} handler files, parsing each once`, () => {
    const { files, resources } = project();
    const graph = new ResourceGraph(resources, []);
    const { catalog } = builtins();
    typescript(); // loading the compiler is a one-off cost, not per file
    const code = analyzeCode(graph, memoryHost(files), EMPTY_CONFIG, catalog);
    expect(code.parsedFiles).toBe(FUNCTIONS * 3 + 10);
    expect(code.handlers).toHaveLength(FUNCTIONS);
    expect(code.handlers[0]!.calls.map((c) => c.action.join('+')).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 's3:GetObject', 'sns:Publish']);
  });
});
