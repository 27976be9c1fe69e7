/**
 * Scale (integration suite): a 50 MB stack is read, not refused. How long it takes is measured by
 * `npm run bench`, not asserted here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInputs } from '../src/inputs/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'hg-inputs-scale-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const read = (paths: string[], cwd: string) => readInputs(paths, { cwd });

describe('large inputs', () => {
  it('reads a 50 MB stack instead of refusing it', async () => {
    const file = join(tmp, 'big.tf.json');
    const bucketPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '${aws_s3_bucket.b0.arn}/*', Principal: '*' }],
    });
    const resource: Record<string, Record<string, unknown>> = { aws_s3_bucket: {}, aws_s3_bucket_policy: {} };
    let i = 0;
    let size = 0;
    while (size < 50 * 1024 * 1024) {
      resource.aws_s3_bucket![`b${i}`] = { bucket: `bucket-${i}`, tags: { index: String(i), padding: 'x'.repeat(200) } };
      resource.aws_s3_bucket_policy![`p${i}`] = { bucket: `\${aws_s3_bucket.b${i}.id}`, policy: bucketPolicy };
      size += 520;
      i++;
    }
    const text = JSON.stringify({ resource }, null, 1);
    writeFileSync(file, text);
    expect(text.length).toBeGreaterThan(50 * 1024 * 1024);
    const { graph } = await read([file], tmp);
    expect(graph.resources).toHaveLength(2 * i);
    expect(graph.target(graph.get(`aws_s3_bucket_policy.p${i - 1}`)!, 'bucket')?.address).toBe(`aws_s3_bucket.b${i - 1}`);
    expect(graph.get(`aws_s3_bucket.b${i - 1}`)?.location.line).toBeGreaterThan(1);
  }, 300_000);
});
