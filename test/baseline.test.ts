import { describe, expect, it } from 'vitest';
import { applyBaseline, parseBaseline, serializeBaseline } from '../src/engine/baseline.js';
import { findingFingerprint } from '../src/engine/fingerprint.js';
import type { Result } from '../src/model/findings.js';
import { HybridguardError } from '../src/errors.js';

const result = (over: Partial<Result> & { address?: string; line?: number }): Result => {
  const { address, line, ...rest } = over;
  const draft = {
    ruleId: 'HG-NET-001',
    ruleName: 'only-gateway-public',
    severity: 'error' as const,
    message: `${address ?? 'handler'} is reachable from the internet`,
    rationale: 'r',
    remediation: 'm',
    location: { file: 'cdk.tf.json', ...(address ? { address } : {}), ...(line ? { line } : {}) },
    evidence: [{ kind: 'path-hop', message: 'igw -> subnet' }],
    ...rest,
  };
  return { ...draft, fingerprint: findingFingerprint(draft) };
};

describe('baseline', () => {
  const results: Result[] = [
    result({ address: 'aws_lb.public', line: 120 }),
    result({ ruleId: 'HG-IAM-001', address: 'aws_iam_role.ingest', subject: 'sagemaker:CreateTrainingJob', line: 40 }),
    result({ ruleId: 'HG-CODE-001', location: { file: 'src/ingest.ts', line: 12 }, subject: '@aws-sdk/client-sagemaker' }),
    result({ address: 'aws_lb.demo', suppression: { reason: 'demo endpoint', source: 's.yaml:2' } }),
    result({ ruleId: 'HG-META-002', ruleName: 'unused-suppression', severity: 'note', location: { file: 's.yaml', line: 9 } }),
  ];

  it('serializes sorted, stable, versioned and readable; leaves out suppressed and meta findings', () => {
    const text = serializeBaseline(results);
    expect(serializeBaseline([...results].reverse())).toBe(text);
    expect(JSON.parse(text)).toEqual({
      version: 1,
      tool: 'hybridguard',
      findings: [
        {
          fingerprint: 'HG-CODE-001|src/ingest.ts|@aws-sdk/client-sagemaker',
          ruleId: 'HG-CODE-001',
          file: 'src/ingest.ts',
          subject: '@aws-sdk/client-sagemaker',
          message: 'handler is reachable from the internet',
        },
        {
          fingerprint: 'HG-IAM-001|aws_iam_role.ingest|sagemaker:CreateTrainingJob',
          ruleId: 'HG-IAM-001',
          address: 'aws_iam_role.ingest',
          subject: 'sagemaker:CreateTrainingJob',
          message: 'aws_iam_role.ingest is reachable from the internet',
        },
        { fingerprint: 'HG-NET-001|aws_lb.public|', ruleId: 'HG-NET-001', address: 'aws_lb.public', message: 'aws_lb.public is reachable from the internet' },
      ],
    });
  });

  it('round trip: every baselined finding is old, even after moving lines; new ones are new', () => {
    const baseline = parseBaseline({ path: '.hybridguard-baseline.json', text: serializeBaseline(results) });
    const later = [
      result({ address: 'aws_lb.public', line: 300 }),
      result({ ruleId: 'HG-CODE-001', location: { file: 'src/ingest.ts', line: 80 }, subject: '@aws-sdk/client-sagemaker' }),
      result({ address: 'aws_lb.new_one', line: 10 }),
    ];
    const { results: marked, fixed } = applyBaseline(later, baseline);
    expect(marked.map((r) => [r.location.address ?? r.location.file, r.isNew])).toEqual([
      ['aws_lb.public', false],
      ['src/ingest.ts', false],
      ['aws_lb.new_one', true],
    ]);
    expect(fixed).toBe(1); // the IAM finding is gone
  });

  it('counts identical fingerprints: a second copy of a baselined finding is new', () => {
    const twice = [
      result({ ruleId: 'HG-CODE-001', location: { file: 'src/a.ts', line: 3 } }),
      result({ ruleId: 'HG-CODE-001', location: { file: 'src/a.ts', line: 9 } }),
    ];
    const baseline = parseBaseline({ path: 'b.json', text: serializeBaseline(twice.slice(0, 1)) });
    expect(applyBaseline(twice, baseline).results.map((r) => r.isNew).sort()).toEqual([false, true]);
    expect(twice[0]!.fingerprint).toBe(twice[1]!.fingerprint);
  });

  it('a malformed baseline is a located input error', () => {
    const cases: [string, string, number][] = [
      ['{\n  "version": 1,\n  "findings": [\n    { "fingerprnt": "x" }\n  ]\n}\n', 'unknown field "fingerprnt" — did you mean "fingerprint"?', 4],
      ['{\n  "version": 2,\n  "findings": []\n}\n', 'unsupported baseline version 2', 2],
      ['{\n  "version": 1,\n  "findings": [\n', 'invalid JSON: ', 4],
    ];
    for (const [text, message, line] of cases) {
      try {
        parseBaseline({ path: 'base.json', text });
        throw new Error('no error');
      } catch (error) {
        expect(error).toBeInstanceOf(HybridguardError);
        expect((error as HybridguardError).kind).toBe('input');
        expect((error as HybridguardError).message).toContain(message);
        expect((error as HybridguardError).location).toMatchObject({ file: 'base.json', line });
      }
    }
  });
});
