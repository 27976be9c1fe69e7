import { describe, expect, it } from 'vitest';
import { HybridguardError } from '../src/errors.js';
import { completeFinding } from '../src/engine/complete-finding.js';
import { applySuppressions } from '../src/engine/suppress.js';
import { EXPIRED_SUPPRESSION } from '../src/rules/meta/expired-suppression.js';
import { UNUSED_SUPPRESSION } from '../src/rules/meta/unused-suppression.js';
import type { Finding } from '../src/model/findings.js';
import { ResourceGraph } from '../src/model/graph.js';
import type { JsonValue } from '../src/model/json.js';
import type { Resource } from '../src/model/types.js';
import type { Policy, Suppression } from '../src/model/policy.js';

const policy: Policy = {
  id: 'HG-IAM-002',
  name: 'no-model-registry-in-functions',
  severity: 'error',
  description: 'd',
  rationale: 'r',
  remediation: 'm',
  serviceTypes: ['function'],
  check: 'denied-capabilities',
  params: {},
  declaredAt: { file: 'policies/iam.yaml', line: 10 },
};

const role = (name: string, annotations?: { [key: string]: JsonValue }): Resource => ({
  address: `aws_iam_role.${name}`,
  mode: 'managed',
  type: 'aws_iam_role',
  name,
  modulePath: '',
  values: {},
  references: [],
  tags: {},
  location: {
    file: 'cdk.tf.json',
    address: `aws_iam_role.${name}`,
    constructPath: `ai-platform/${name}/role`,
    line: 40,
    jsonPointer: `/resource/aws_iam_role/${name}`,
  },
  ...(annotations ? { annotations } : {}),
});

const finding = (name: string, subject: string): Finding =>
  completeFinding(policy, {
    message: `${name} may call ${subject}`,
    location: { file: 'cdk.tf.json', address: `aws_iam_role.${name}`, constructPath: `ai-platform/${name}/role`, line: 40 },
    evidence: [{ kind: 'statement', message: `statement 0 allows ${subject}` }],
    subject,
  });

const sup = (over: Partial<Suppression>): Suppression => ({
  rule: 'HG-IAM-002',
  reason: 'registry writes needed until ML-123 ships',
  declaredAt: { file: 'suppressions.yaml', line: 3 },
  ...over,
});

const TODAY = '2026-03-01';

describe('applySuppressions', () => {
  const graph = new ResourceGraph([role('ingest'), role('score')], []);
  const findings = [
    finding('ingest', 'sagemaker:CreateModelPackage'),
    finding('ingest', 'sagemaker:UpdateModelPackage'),
    finding('score', 'sagemaker:CreateModelPackage'),
  ];

  it('a granular suppression silences one action of one role, and keeps the finding', () => {
    const { results } = applySuppressions(
      findings,
      [sup({ address: 'aws_iam_role.ingest', subject: 'SageMaker:CreateModelPackage', owner: 'ml-platform' })],
      graph,
      TODAY,
    );
    expect(results).toHaveLength(3);
    expect(results.map((r) => [r.location.address, r.subject, r.suppression?.source])).toEqual([
      ['aws_iam_role.ingest', 'sagemaker:CreateModelPackage', 'suppressions.yaml:3'],
      ['aws_iam_role.ingest', 'sagemaker:UpdateModelPackage', undefined],
      ['aws_iam_role.score', 'sagemaker:CreateModelPackage', undefined],
    ]);
    expect(results[0]?.suppression).toEqual({ reason: 'registry writes needed until ML-123 ships', owner: 'ml-platform', source: 'suppressions.yaml:3' });
  });

  it('matches by rule name, address glob and construct path glob', () => {
    const byName = applySuppressions(findings, [sup({ rule: 'no-model-registry-in-functions', address: 'aws_iam_role.*' })], graph, TODAY).results;
    expect(byName.filter((r) => r.suppression)).toHaveLength(3);
    const byPath = applySuppressions(findings, [sup({ address: 'ai-platform/score/*' })], graph, TODAY).results;
    expect(byPath.filter((r) => r.suppression).map((r) => r.location.address)).toEqual(['aws_iam_role.score']);
    const otherRule = applySuppressions(findings, [sup({ rule: 'HG-IAM-001' })], graph, TODAY).results;
    expect(otherRule.filter((r) => r.suppression)).toHaveLength(0);
  });

  it('an expired suppression silences nothing and becomes an error finding at its declaration', () => {
    const { results, extraRules } = applySuppressions(findings, [sup({ address: 'aws_iam_role.score', expires: '2026-02-28' })], graph, TODAY);
    expect(results.filter((r) => r.suppression)).toHaveLength(0);
    const meta = results.filter((r) => r.ruleId.startsWith('HG-META'));
    expect(meta).toHaveLength(1);
    expect(meta[0]).toMatchObject({
      ruleId: 'HG-META-001',
      ruleName: 'expired-suppression',
      severity: 'error',
      message: 'suppression of HG-IAM-002 on aws_iam_role.score expired on 2026-02-28; the finding it silenced counts again',
      location: { file: 'suppressions.yaml', line: 3 },
    });
    expect(meta[0]?.evidence[0]?.location).toEqual({ file: 'suppressions.yaml', line: 3 });
    expect(extraRules).toEqual([EXPIRED_SUPPRESSION, UNUSED_SUPPRESSION]);
    // Still valid on its last day.
    const lastDay = applySuppressions(findings, [sup({ address: 'aws_iam_role.score', expires: TODAY })], graph, TODAY).results;
    expect(lastDay.filter((r) => r.suppression)).toHaveLength(1);
  });

  it('a suppression that matches nothing is an unused-suppression note', () => {
    const { results } = applySuppressions(
      findings,
      [sup({ address: 'aws_iam_role.gone' }), sup({ address: 'aws_iam_role.ingest', subject: 'sagemaker:DeleteModel' })],
      graph,
      TODAY,
    );
    const meta = results.filter((r) => r.ruleId === 'HG-META-002');
    expect(meta.map((r) => [r.severity, r.message])).toEqual([
      ['note', 'suppression of HG-IAM-002 on aws_iam_role.gone matches no finding'],
      ['note', 'suppression of HG-IAM-002 on aws_iam_role.ingest (subject sagemaker:DeleteModel) matches no finding'],
    ]);
    expect(new Set(meta.map((r) => r.fingerprint)).size).toBe(2);
  });

  it('construct annotations suppress findings on their own resource only', () => {
    const annotated = new ResourceGraph(
      [
        role('ingest', {
          metadata: { path: 'ai-platform/ingest/role' },
          hybridguard: {
            suppressions: [{ rule: 'HG-IAM-002', subject: 'sagemaker:UpdateModelPackage', reason: 'approved by security in SEC-42', expires: '2026-12-31' }],
          },
        }),
        role('score'),
      ],
      [],
    );
    const { results } = applySuppressions(findings, [], annotated, TODAY);
    expect(results.filter((r) => r.suppression).map((r) => [r.location.address, r.subject, r.suppression?.source])).toEqual([
      ['aws_iam_role.ingest', 'sagemaker:UpdateModelPackage', 'construct ai-platform/ingest/role'],
    ]);
    expect(results.filter((r) => r.ruleId.startsWith('HG-META'))).toHaveLength(0);

    const expired = new ResourceGraph(
      [role('score', { hybridguard: { suppressions: [{ rule: 'HG-IAM-002', reason: 'legacy role, replaced in Q1', expires: '2025-12-31' }] } })],
      [],
    );
    const meta = applySuppressions(findings, [], expired, TODAY).results.filter((r) => r.ruleId === 'HG-META-001');
    expect(meta).toHaveLength(1);
    expect(meta[0]?.location).toMatchObject({ file: 'cdk.tf.json', address: 'aws_iam_role.score', line: 40 });
  });

  it('a construct suppression without a real reason is a located error', () => {
    const bad = new ResourceGraph([role('ingest', { hybridguard: { suppressions: [{ rule: 'HG-IAM-002', reason: 'ok' }] } })], []);
    try {
      applySuppressions(findings, [], bad, TODAY);
      throw new Error('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(HybridguardError);
      expect((error as HybridguardError).location).toEqual({
        file: 'cdk.tf.json',
        line: 40,
        field: '/resource/aws_iam_role/ingest/~1~1/hybridguard/suppressions/0/reason',
      });
      expect((error as HybridguardError).message).toContain(
        'aws_iam_role.ingest: invalid construct suppression: reason must NOT have fewer than 10 characters',
      );
    }
  });
});
