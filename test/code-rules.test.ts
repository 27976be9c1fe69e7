/**
 * The HG-CODE policies over their fixtures (fixtures/rules/<policy>/<case>/ with a code/ folder),
 * plus what a user sees on the findings: the call's file and line, the import chain, the role.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtins, REPO, runRuleCase } from './code-helpers.js';
import { checkProject } from '../src/api/project.js';

const RULES = join(REPO, 'fixtures', 'rules');
const CODE_POLICIES = builtins().policies.filter((p) => p.id.startsWith('HG-CODE-'));

describe('every HG-CODE policy over its fixtures', () => {
  for (const policy of CODE_POLICIES) {
    const cases = readdirSync(join(RULES, policy.name)).sort();
    it.each(cases)(`${policy.name} %s`, async (name) => {
      const dir = join(RULES, policy.name, name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { ruleId: string; address: string; subject?: string }[];
      const run = await runRuleCase(dir, [policy.name]);
      const key = (f: { ruleId: string; address?: string; subject?: string }) => `${f.ruleId} ${f.address ?? ''} ${f.subject ?? ''}`;
      expect(run.results.map((r) => key({ ruleId: r.ruleId, address: r.location.address, ...(r.subject ? { subject: r.subject } : {}) })).sort()).toEqual(
        expected.map(key).sort(),
      );
      if (name.startsWith('fail')) expect(expected.length).toBeGreaterThan(0);
      for (const result of run.results) expect(result.evidence.length).toBeGreaterThan(0);
    });
  }
});

describe('what the findings say', () => {
  it('a registry write in a helper shared by a function and a microservice: one finding, for the function, at the call', async () => {
    const dir = join(RULES, 'no-model-registry-calls-in-functions', 'fail-shared-helper-two-imports-away');
    const run = await runRuleCase(dir, ['no-model-registry-calls-in-functions']);
    expect(run.results).toHaveLength(1);
    const [finding] = run.results;
    expect(finding!.location).toEqual({
      file: 'fixtures/rules/no-model-registry-calls-in-functions/fail-shared-helper-two-imports-away/code/shared/models/registry.ts',
      line: 9,
      address: 'aws_lambda_function.publish',
    });
    expect(finding!.serviceType).toBe('function');
    const chain = finding!.evidence.find((e) => e.kind === 'import');
    expect(chain?.data).toEqual({
      chain: ['functions/publish/handler.ts', 'shared/models/index.ts', 'shared/models/registry.ts'].map(
        (f) => `fixtures/rules/no-model-registry-calls-in-functions/fail-shared-helper-two-imports-away/code/${f}`,
      ),
    });
    expect(finding!.evidence.find((e) => e.kind === 'call')?.location?.line).toBe(9);
  });

  it('a forbidden import names the importing line and, through helpers, the chain from the handler', async () => {
    const dir = 'fixtures/rules/no-sagemaker-control-plane-in-functions/fail-require-and-shared-helper';
    const run = await runRuleCase(join(REPO, dir), ['no-sagemaker-control-plane-in-functions']);
    expect(run.results.map((r) => r.message)).toEqual([
      `aws_lambda_function.legacy (function) imports aws-sdk/clients/sagemaker at ${dir}/code/functions/legacy/handler.js:1: a module the policy forbids`,
      `aws_lambda_function.publish (function) imports @aws-sdk/client-sagemaker at ${dir}/code/shared/models/registry.ts:1 (reached through ${[
        'functions/publish/handler.ts',
        'shared/models/index.ts',
        'shared/models/registry.ts',
      ]
        .map((f) => `${dir}/code/${f}`)
        .join(' -> ')}): a module the policy forbids`,
    ]);
  });

  it('a GPU training job from a function is decided by the instance type the code passes', async () => {
    const fail = await runRuleCase(join(RULES, 'no-gpu-calls-in-functions', 'fail-function-starts-gpu-training'), ['no-gpu-calls-in-functions']);
    expect(fail.results[0]).toMatchObject({
      location: { line: 8 },
      message: expect.stringContaining('calls sagemaker:CreateTrainingJob, part of gpu-compute'),
    });
    expect(fail.results[0]!.undecided).toBeUndefined();
  });

  it('a missing grant names the call, the ARN it needs and the role', async () => {
    const run = await runRuleCase(join(RULES, 'code-calls-are-granted', 'fail-list-objects-needs-list-bucket-on-its-bucket'), ['code-calls-are-granted']);
    expect(run.results[0]!.message).toBe(
      'aws_lambda_function.ingest calls s3:ListBucket on arn:aws:s3:::ai-platform-raw-uploads at ' +
        'fixtures/rules/code-calls-are-granted/fail-list-objects-needs-list-bucket-on-its-bucket/code/functions/ingest/handler.ts:15, but its role ' +
        'aws_iam_role.ingest does not allow it (the role allows it on other resources only)',
    );
    const bedrock = await runRuleCase(join(RULES, 'code-calls-are-granted', 'fail-dynamic-import-calls-bedrock-without-grant'), ['code-calls-are-granted']);
    expect(bedrock.results[0]!.location).toMatchObject({ line: 6, address: 'aws_lambda_function.preprocess' });
    expect(bedrock.results[0]!.location.file).toMatch(/code\/functions\/preprocess\/embed\.ts$/);
  });

  it('an unused grant points at the granting statement and says what the code does call', async () => {
    const run = await runRuleCase(join(RULES, 'no-unused-grants', 'fail-wildcard-for-one-read'), ['no-unused-grants']);
    const [finding] = run.results;
    expect(finding!.location).toMatchObject({ address: 'aws_iam_role.report', jsonPointer: '/resource/aws_iam_role_policy/report/policy' });
    expect(finding!.message).toMatch(
      /^aws_iam_role\.report \(role of aws_lambda_function\.report\) is allowed .* \(\d+ actions\) by statement 0 \(Documents\) of aws_iam_role_policy\.report, but no code path calls them$/,
    );
    expect(finding!.evidence.map((e) => e.kind)).toEqual(['statement', 'code']);
    expect(finding!.evidence[1]!.message).toBe('the code of aws_lambda_function.report calls dynamodb:GetItem');
    expect((finding!.evidence[0]!.data as { unused: string[] }).unused).not.toContain('dynamodb:GetItem');
  });

  it('ReadOnlyAccess under a data-only boundary: only what the boundary lets through is reported unused', async () => {
    const run = await runRuleCase(join(RULES, 'no-unused-grants', 'fail-read-only-access-under-boundary'), ['no-unused-grants']);
    const unused = run.results.map((r) => (r.evidence[0]!.data as { unused: string[] }).unused);
    expect(run.results.map((r) => r.subject)).toEqual(['ReadOnlyAccess#0', 'ReadOnlyAccess#1']);
    // Thousands of actions granted; the boundary allows dynamodb, s3, logs and three ec2 actions Lambda itself uses.
    expect([...new Set(unused.flat().map((a) => a.split(':')[0]))].sort()).toEqual(['dynamodb', 'logs', 's3']);
    expect(unused.flat()).toEqual(expect.arrayContaining(['dynamodb:Scan', 's3:GetObject', 'logs:GetLogEvents']));
    expect(unused.flat()).not.toContain('dynamodb:GetItem');
    // The evidence names the written patterns that grant those actions, not the statement's 1,510.
    const [first] = run.results;
    const data = first!.evidence[0]!.data as { grantedBy: string[]; actionPatterns: number };
    expect(data.grantedBy).toEqual([
      'dynamodb:BatchGet*',
      'dynamodb:Describe*',
      'dynamodb:Get*',
      'dynamodb:List*',
      'dynamodb:PartiQLSelect',
      'dynamodb:Query',
      'dynamodb:Scan',
    ]);
    expect(data.actionPatterns).toBeGreaterThan(1000);
    expect(first!.evidence[0]!.message).toMatch(/ allows dynamodb:BatchGet\*, .*, dynamodb:Scan \(7 of its \d+ action patterns\); no code path calls dynamodb:BatchGetItem, /);
    expect(first!.evidence[0]!.message.length).toBeLessThan(1000);
  });

  it('a NotAction grant: everything it allows but the code never calls, nothing it excepts (iam:PassRole is granted by the next statement)', async () => {
    const run = await runRuleCase(join(RULES, 'no-unused-grants', 'fail-notaction-allows-everything-else'), ['no-unused-grants']);
    const [finding] = run.results;
    expect(finding!.evidence[0]!.message).toMatch(/^statement 0 \(AllButIam\) of aws_iam_role_policy\.report allows everything except iam:\*, sts:\*; no code path calls /);
    const unused = (finding!.evidence[0]!.data as { unused: string[] }).unused;
    expect(unused).toEqual(expect.arrayContaining(['dynamodb:PutItem', 's3:GetObject', 'sagemaker:CreateModelPackage']));
    expect(unused).not.toContain('dynamodb:GetItem');
    expect(unused.filter((a) => /^(iam|sts):/.test(a))).toEqual([]);
  });
});

describe('missing grants and resource policies', () => {
  it('a call the role does not allow but a bucket policy document grants to the role is undecided, naming the document', async () => {
    const dir = join(import.meta.dirname, '..', 'fixtures', 'rules', 'code-calls-are-granted', 'fail-python-put-granted-only-by-a-bucket-policy');
    const run = await checkProject({ inputs: [dir], cwd: dir, code: join(dir, 'code'), today: '2026-11-28' });
    const found = run.results.results.filter((r) => r.ruleName === 'code-calls-are-granted');
    expect(found.map((r) => [r.location.address, r.subject, r.undecided ?? false])).toEqual([['aws_lambda_function.fn', 's3:PutObject', true]]);
    expect(found[0]!.message).toContain('data.aws_iam_policy_document.reports_bucket allows it to the role as a resource policy');
    expect(found[0]!.evidence.map((e) => e.message)).toContain(
      'statement 0 of data.aws_iam_policy_document.reports_bucket allows s3:PutObject to principal aws_iam_role.fn',
    );
  });
});
