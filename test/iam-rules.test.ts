/**
 * The IAM policies over their fixtures (fixtures/rules/<iam policy>/<case>), read with the real
 * readers: the exact findings of each policy, and evidence that points at the granting statement.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinPacks, ROOT, runIamPolicies } from './iam-helpers.js';

const IAM_POLICIES = builtinPacks().policies.filter((p) => p.id.startsWith('HG-IAM'));

describe.each(IAM_POLICIES.map((p) => [p.name, p.id] as const))('%s (%s)', (name) => {
  const dir = join(ROOT, 'fixtures', 'rules', name);
  const cases = existsSync(dir) ? readdirSync(dir).filter((c) => /^(fail|pass)-/.test(c)).sort() : [];
  it('has failing and passing fixtures', () => {
    expect(cases.some((c) => c.startsWith('fail-'))).toBe(true);
    expect(cases.some((c) => c.startsWith('pass-'))).toBe(true);
  });
  it.each(cases)('%s', async (caseName) => {
    const caseDir = join(dir, caseName);
    const expected = JSON.parse(readFileSync(join(caseDir, 'expected.json'), 'utf8')) as { ruleId: string; address: string; subject?: string }[];
    // Terraform JSON, or a folder of HCL (with its terraform.tfvars).
    const { results } = await runIamPolicies(existsSync(join(caseDir, 'main.tf.json')) ? join(caseDir, 'main.tf.json') : caseDir, name);
    const actual = results.results.map((r) => `${r.ruleId} ${r.location.address ?? ''} ${r.subject ?? ''}`.trim()).sort();
    expect(actual).toEqual(expected.map((e) => `${e.ruleId} ${e.address} ${e.subject ?? ''}`.trim()).sort());
    for (const r of results.results) {
      expect(r.evidence.length).toBeGreaterThan(0);
      expect(r.location.file).toMatch(/main\.tf(\.json)?$/);
    }
  });
});

describe('finding content', () => {
  it('names the role, its service type and why, the capability, the actions and the granting statement', async () => {
    const { results } = await runIamPolicies(
      join(ROOT, 'fixtures/rules/no-gpu-in-functions/fail-run-instances-unconditioned/main.tf.json'),
      'no-gpu-in-functions',
    );
    const [finding] = results.results;
    expect(finding?.message).toBe(
      'role aws_iam_role.ingest_role (function, used by aws_lambda_function.ingest) holds gpu-compute: it is allowed ec2:RunInstances',
    );
    expect(finding?.serviceType).toBe('function');
    expect(finding?.serviceTypeReason).toBe('tag hybridguard:service-type=function on aws_iam_role.ingest_role');
    const statement = finding?.evidence.find((e) => e.kind === 'statement');
    expect(statement?.message).toBe(
      'statement 0 (Launch) of aws_iam_role_policy.ingest_ec2 (written in data.aws_iam_policy_document.ingest_ec2) allows ec2:RunInstances on *',
    );
    expect(statement?.location).toMatchObject({ address: 'data.aws_iam_policy_document.ingest_ec2', constructPath: 'ai-platform/ingest/ec2-document' });
    expect(statement?.location?.line).toBeGreaterThan(0);
    expect(statement?.data).toMatchObject({ statementIndex: 0, sid: 'Launch' });
  });

  it('points at the AWS managed policy and the attachment that brings it', async () => {
    const { results } = await runIamPolicies(join(ROOT, 'fixtures/rules/no-gpu-in-functions/fail-managed-full-access/main.tf.json'), 'no-gpu-in-functions');
    const statements = results.results[0]?.evidence.filter((e) => e.kind === 'statement') ?? [];
    expect(statements.length).toBeGreaterThan(0);
    for (const e of statements) {
      expect(e.message).toContain('AWS managed policy AmazonSageMakerFullAccess attached by aws_iam_role_policy_attachment.inference_sagemaker');
      expect(e.data).toMatchObject({ arn: 'arn:aws:iam::aws:policy/AmazonSageMakerFullAccess', policyKind: 'aws-managed' });
    }
  });

  it('an undecided grant names the document it waits for (never an empty "()")', async () => {
    const { results } = await runIamPolicies(join(ROOT, 'fixtures/iam/must-hold/main.tf.json'), 'no-gpu-in-functions');
    const finding = results.results.find((r) => r.location.address === 'aws_iam_role.unknown_doc');
    expect(finding?.undecided).toBe(true);
    expect(finding?.message).toMatch(
      /holds gpu-compute: it may be allowed .*, depending on aws_iam_role_policy\.unknown_doc cannot be read before apply: policy of aws_iam_role_policy\.unknown_doc is \$\{jsonencode\(var\.extra_policy\)\}, known only after apply$/,
    );
  });

  it('a grant stopped only by the boundary cites the granting statement and the boundary Deny', async () => {
    const { results } = await runIamPolicies(
      join(ROOT, 'fixtures/rules/no-forbidden-grants-behind-boundary/fail-gpu-and-registry-denied-by-boundary/main.tf.json'),
      'no-forbidden-grants-behind-boundary',
    );
    const finding = results.results.find((r) => r.subject === 'gpu-compute');
    expect(finding?.message).toBe(
      'role aws_iam_role.inference_role (function, used by aws_lambda_function.inference) asks for gpu-compute: its identity policies allow ' +
        'sagemaker:CreateTrainingJob, stopped only by its permissions boundary',
    );
    expect(finding?.evidence.map((e) => e.message)).toEqual([
      'statement 2 (Train) of inline policy "invoke-model" of aws_iam_role.inference_role allows sagemaker:CreateTrainingJob on ' +
        'arn:aws:sagemaker:us-east-1:123456789012:training-job/inference-*',
      'statement 1 (DenyGpuCompute0SagemakerInstanceTypes) of aws_iam_policy.function_boundary denies sagemaker:CreateTrainingJob, ' +
        'sagemaker:CreateProcessingJob, sagemaker:CreateTransformJob on *',
      'aws_iam_role.inference_role is a function (tag: tag hybridguard:service-type=function on aws_iam_role.inference_role)',
    ]);
  });
});
