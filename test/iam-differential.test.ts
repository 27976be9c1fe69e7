/**
 * Differential test: generated policies and requests, where hybridguard's
 * allow / explicit deny / implicit deny must match an independent IAM evaluator,
 * @cloud-copilot/iam-simulate (AGPL: a devDependency used here only, never from src/).
 */
import fc from 'fast-check';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import { fuzz } from './support/fuzz.js';
import { ActionIndex } from '../src/analysis/iam/actions.js';
import { normalizeContext } from '../src/analysis/iam/conditions.js';
import { documentFromJson, type PolicyDocument } from '../src/analysis/iam/document.js';
import { decide, newDecideCache } from '../src/analysis/iam/evaluate.js';
import { sharedCatalog } from './iam-helpers.js';

const ACCOUNT = '123456789012';
/** Requests: a real action, a resource of a type it accepts, and the condition keys that apply to it. */
const REQUESTS = [
  { action: 's3:GetObject', resources: ['arn:aws:s3:::datasets/raw/a.csv', 'arn:aws:s3:::models/m.tar.gz'], keys: [] as string[] },
  { action: 's3:PutObject', resources: ['arn:aws:s3:::datasets/raw/b.csv'], keys: [] },
  { action: 'sagemaker:CreateTrainingJob', resources: [`arn:aws:sagemaker:us-east-1:${ACCOUNT}:training-job/nightly`], keys: ['sagemaker:InstanceTypes'] },
  { action: 'sagemaker:CreateModelPackage', resources: [`arn:aws:sagemaker:us-east-1:${ACCOUNT}:model-package/ranker/1`], keys: [] },
  { action: 'ec2:RunInstances', resources: [`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`], keys: ['ec2:InstanceType'] },
  { action: 'dynamodb:GetItem', resources: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/jobs`], keys: [] },
];
const ACTION_PATTERNS = [
  's3:GetObject', 's3:*', 's3:Get*', 'S3:getobject', 's3:PutObject', 'sagemaker:*', 'sagemaker:Create*', 'sagemaker:*ModelPackage*',
  'SageMaker:CreateTrainingJob', 'ec2:RunInstances', 'ec2:Run*', 'dynamodb:?etItem', 'dynamodb:*', '*', 'iam:PassRole', 'sagemaker:Describe*',
];
const RESOURCE_PATTERNS = [
  '*', 'arn:aws:s3:::datasets/*', 'arn:aws:s3:::models/*', 'arn:aws:s3:::*', `arn:aws:sagemaker:us-east-1:${ACCOUNT}:training-job/*`,
  `arn:aws:sagemaker:*:${ACCOUNT}:model-package/*`, `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`, `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/jobs`,
  'arn:aws:s3:::datasets/raw/?.csv', `arn:aws:dynamodb:*:*:table/*`,
];
const CONDITION_KEYS: Record<string, readonly string[]> = {
  'aws:RequestedRegion': ['us-east-1', 'eu-west-1', 'us-*'],
  'aws:PrincipalTag/team': ['ml', 'data', 'm?'],
  'ec2:InstanceType': ['t3.micro', 'p4d.24xlarge', 't3.*', 'g5.*'],
  'sagemaker:InstanceTypes': ['ml.m5.xlarge', 'ml.p4d.24xlarge', 'ml.m5.*', 'ml.g*'],
};
const STRING_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringLike',
  'StringNotLike',
  'StringEqualsIfExists',
  'StringNotLikeIfExists',
  'StringEqualsIgnoreCase',
];

type ConditionBlock = Record<string, Record<string, string | string[]>>;
const conditionArb: fc.Arbitrary<ConditionBlock> = fc
  .tuple(fc.constantFrom(...Object.keys(CONDITION_KEYS)), fc.constantFrom(...STRING_OPERATORS, 'ForAnyValue:StringLike', 'ForAllValues:StringLike'))
  .chain(([key, operator]) =>
    fc.subarray([...(CONDITION_KEYS[key] ?? [])], { minLength: 1, maxLength: 2 }).map((values): ConditionBlock => ({ [operator]: { [key]: values } })),
  );
const nullConditionArb: fc.Arbitrary<ConditionBlock> = fc
  .tuple(fc.constantFrom(...Object.keys(CONDITION_KEYS)), fc.boolean())
  .map(([key, v]): ConditionBlock => ({ Null: { [key]: String(v) } }));
const rarely = fc.integer({ min: 0, max: 9 }).map((n) => n < 3);

const statementArb = fc.record({
  Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
  actions: fc.subarray(ACTION_PATTERNS, { minLength: 1, maxLength: 3 }),
  notAction: rarely,
  resources: fc.subarray(RESOURCE_PATTERNS, { minLength: 1, maxLength: 2 }),
  notResource: rarely,
  condition: fc.option(fc.oneof(conditionArb, nullConditionArb), { nil: undefined, freq: 2 }),
});
type GenStatement = { Effect: string; actions: string[]; notAction: boolean; resources: string[]; notResource: boolean; condition: ConditionBlock | undefined };
const toPolicy = (statements: GenStatement[]) => ({
  Version: '2012-10-17',
  Statement: statements.map((s) => ({
    Effect: s.Effect,
    [s.notAction ? 'NotAction' : 'Action']: s.actions,
    [s.notResource ? 'NotResource' : 'Resource']: s.resources,
    ...(s.condition ? { Condition: s.condition } : {}),
  })),
});

const caseArb = fc.record({
  identity: fc.array(fc.array(statementArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 2 }),
  boundary: fc.option(fc.array(statementArb, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  request: fc.constantFrom(...REQUESTS).chain((r) =>
    fc.record({
      action: fc.constant(r.action),
      resource: fc.constantFrom(...r.resources),
      context: fc.record(
        {
          'aws:RequestedRegion': fc.constantFrom('us-east-1', 'eu-west-1'),
          'aws:PrincipalTag/team': fc.constantFrom('ml', 'data', 'mx'),
          ...(r.keys.includes('ec2:InstanceType') ? { 'ec2:InstanceType': fc.constantFrom('t3.micro', 'p4d.24xlarge', 'g5.xlarge') } : {}),
          ...(r.keys.includes('sagemaker:InstanceTypes')
            ? { 'sagemaker:InstanceTypes': fc.subarray(['ml.m5.xlarge', 'ml.p4d.24xlarge', 'ml.g5.xlarge'], { minLength: 1, maxLength: 2 }) }
            : {}),
        },
        { requiredKeys: [] },
      ),
    }),
  ),
});

type Verdict = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

async function reference(
  identity: object[],
  boundary: object | undefined,
  request: { action: string; resource: string; context: Record<string, string | string[]> },
): Promise<Verdict | 'error'> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/service`,
        action: request.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: request.context,
      },
      identityPolicies: identity.map((policy, i) => ({ name: `p${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: boundary }] } : {}),
    },
    {},
  );
  return result.resultType === 'single' ? result.overallResult : 'error';
}

describe('hybridguard agrees with an independent IAM evaluator', () => {
  it('on generated policies and requests (300 in npm test, 2,500 in the integration suite)', async () => {
    const catalog = sharedCatalog();
    const index = new ActionIndex(catalog);
    const intersections = newDecideCache();
    const samples = fc.sample(caseArb, fuzz(300, 2500, 20261128));
    let compared = 0;
    const mismatches: string[] = [];
    for (const sample of samples) {
      const identity = sample.identity.map(toPolicy);
      const boundary = sample.boundary ? toPolicy(sample.boundary) : undefined;
      const expected = await reference(identity, boundary, sample.request);
      if (expected === 'error') continue;
      const wrap = (json: object): { document: PolicyDocument } => ({ document: documentFromJson(json) });
      const action = catalog.action(sample.request.action);
      if (!action) throw new Error(sample.request.action);
      const decided = decide(
        identity.map(wrap),
        boundary ? wrap(boundary) : undefined,
        { action, resource: sample.request.resource, context: normalizeContext(sample.request.context), complete: true },
        index,
        intersections,
      );
      const ours: Verdict = decided.decision === 'allow' ? 'Allowed' : decided.decision === 'deny' ? 'ExplicitlyDenied' : 'ImplicitlyDenied';
      expect(['allow', 'deny', 'implicit-deny']).toContain(decided.decision);
      compared++;
      if (ours !== expected && mismatches.length < 5) {
        mismatches.push(JSON.stringify({ ours, expected, request: sample.request, identity, boundary }));
      }
    }
    expect(mismatches).toEqual([]);
    // Most samples are comparable (the rest are cases the other evaluator cannot answer).
    expect(compared).toBeGreaterThan(samples.length * 0.8);
  }, 300_000);
});
