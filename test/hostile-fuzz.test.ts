import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzz } from './support/fuzz.js';
import { checkProject } from '../src/api/project.js';
import { failingFindings } from '../src/api/index.js';
import { HybridguardError } from '../src/errors.js';
import { FORMATS, render } from '../src/report/index.js';
import { HOSTILE_WORDS, adminFunctionStack, prototypeSnapshot } from './support/hostile.js';

/**
 * Stacks written by an attacker: every name a pull request controls (resource types and names,
 * attribute keys, tags, IAM condition operators and keys, principal types, policy variables)
 * drawn from the words that reach into a JavaScript object's prototype. After every case:
 * Object.prototype is untouched, nothing but a located input error escapes, and the one thing the
 * stack declares for certain, a function role allowed every action, still fails the gate in
 * every output format.
 */
const tmp = mkdtempSync(join(tmpdir(), 'hg-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const word = fc.constantFrom(...HOSTILE_WORDS);
const json = (v: unknown) => JSON.stringify(v);

/** One hostile addition to the stack: a resource whose names and contents come from `word`. */
const addition = fc.oneof(
  fc.record({ kind: fc.constant('resource-type' as const), type: word, name: word, key: word, value: word }),
  fc.record({ kind: fc.constant('condition' as const), operator: word, key: word, value: word, count0: fc.boolean() }),
  fc.record({ kind: fc.constant('principal' as const), principalType: word, value: word }),
  fc.record({ kind: fc.constant('tags' as const), key: word, value: word }),
  fc.record({ kind: fc.constant('policy-document' as const), test: word, variable: word, value: word }),
  fc.record({ kind: fc.constant('bucket-policy' as const), principalType: word, operator: word }),
  fc.record({ kind: fc.constant('security-group' as const), key: word }),
);
type Addition = typeof addition extends fc.Arbitrary<infer T> ? T : never;

function addTo(resource: Record<string, Record<string, unknown>>, data: Record<string, Record<string, unknown>>, a: Addition, i: number): void {
  const put = (into: Record<string, Record<string, unknown>>, type: string, name: string, body: unknown) => {
    // Object.defineProperty: the test itself must not trip over `__proto__` while writing the stack.
    const byName = Object.prototype.hasOwnProperty.call(into, type) ? into[type]! : Object.defineProperty(into, type, { value: {}, enumerable: true })[type]!;
    Object.defineProperty(byName, name, { value: body, enumerable: true });
  };
  switch (a.kind) {
    case 'resource-type':
      put(resource, a.type, a.name, JSON.parse(`{${json(a.key)}: ${json(a.value)}, "tags": {${json(a.key)}: ${json(a.value)}}}`));
      break;
    case 'condition':
      put(resource, 'aws_iam_role_policy', `hostile_${i}`, {
        ...(a.count0 ? { count: 0 } : {}),
        role: '${aws_iam_role.fn.id}',
        policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:RunInstances","Resource":"*","Condition":{${json(a.operator)}:{${json(
          a.key,
        )}:${json(a.value)}}}}]}`,
      });
      break;
    case 'principal':
      put(resource, 'aws_iam_role', `hostile_${i}`, {
        name: `hostile-${i}`,
        assume_role_policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{${json(a.principalType)}:${json(
          a.value,
        )}}}]}`,
      });
      break;
    case 'tags':
      put(
        resource,
        'aws_lambda_function',
        `hostile_${i}`,
        JSON.parse(
          `{"function_name": "h${i}", "role": "\${aws_iam_role.fn.arn}", "runtime": "nodejs20.x", "handler": "index.handler", "filename": "x.zip",
            "tags": {${json(a.key)}: ${json(a.value)}, "hybridguard:source": ${json(a.value)}}}`,
        ),
      );
      break;
    case 'policy-document':
      put(data, 'aws_iam_policy_document', `hostile_${i}`, {
        statement: [
          { effect: 'Deny', actions: ['ec2:RunInstances'], resources: ['*'], condition: [{ test: a.test, variable: a.variable, values: [a.value] }] },
        ],
      });
      put(resource, 'aws_iam_role_policy', `hostile_doc_${i}`, { role: '${aws_iam_role.fn.id}', policy: `\${data.aws_iam_policy_document.hostile_${i}.json}` });
      break;
    case 'bucket-policy':
      put(resource, 'aws_s3_bucket_policy', `hostile_${i}`, {
        bucket: 'b',
        policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":{${json(
          a.principalType,
        )}:"*"},"Condition":{${json(a.operator)}:{"aws:SourceIp":"1.2.3.4"}}}]}`,
      });
      break;
    case 'security-group':
      put(
        resource,
        'aws_security_group',
        `hostile_${i}`,
        JSON.parse(`{"name": "h", "ingress": [{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], ${json(a.key)}: null}]}`),
      );
      break;
  }
}

let counter = 0;
async function checkHostile(additions: Addition[]): Promise<void> {
  const before = prototypeSnapshot();
  const stack = adminFunctionStack();
  const resource = stack.resource as Record<string, Record<string, unknown>>;
  const data: Record<string, Record<string, unknown>> = {};
  additions.forEach((a, i) => addTo(resource, data, a, i));
  if (Object.keys(data).length) stack.data = data;
  const dir = join(tmp, `case-${counter++}`);
  rmSync(dir, { recursive: true, force: true });
  const file = join(tmp, `case-${counter}.tf.json`);
  writeFileSync(file, JSON.stringify(stack));
  try {
    const run = await checkProject({ inputs: [file], cwd: tmp, today: '2026-12-03' });
    const admin = run.results.results.filter((r) => r.ruleId === 'HG-IAM-004' && r.location.address === 'aws_iam_role.fn');
    expect(admin.map((r) => [r.suppression, r.undecided])).toEqual([[undefined, undefined]]);
    expect(failingFindings(run.results, { failOn: 'error' }).length).toBeGreaterThan(0);
    for (const format of FORMATS) expect(render(format, run.results, { color: format === 'text', failOn: 'error' }).length).toBeGreaterThan(0);
  } catch (error) {
    if (!(error instanceof HybridguardError)) throw error;
    expect(error.location.file).toBeTruthy();
  } finally {
    rmSync(file, { force: true });
    expect(prototypeSnapshot()).toEqual(before);
  }
}

describe('hostile names in every position a pull request controls', () => {
  it('never pollutes a prototype, never crashes, never turns the admin function role green', async () => {
    await fc.assert(fc.asyncProperty(fc.array(addition, { minLength: 1, maxLength: 4 }), checkHostile), {
      ...fuzz(20, 150, 20261203),
    });
  }, 300_000);

  it('each word in each position once', async () => {
    for (const w of HOSTILE_WORDS) {
      await checkHostile([
        { kind: 'resource-type', type: w, name: w, key: w, value: w },
        { kind: 'condition', operator: w, key: w, value: w, count0: true },
        { kind: 'principal', principalType: w, value: w },
        { kind: 'tags', key: w, value: w },
        { kind: 'policy-document', test: w, variable: w, value: w },
        { kind: 'bucket-policy', principalType: w, operator: w },
        { kind: 'security-group', key: w },
      ]);
    }
  }, 300_000);
});
