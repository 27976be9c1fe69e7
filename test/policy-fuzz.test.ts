/**
 * Property: whatever a user (or a fuzzer) writes in a policy, config or suppressions file, loading
 * ends in a clean result or a HybridguardError that names the file and a line, never another
 * exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz } from './support/fuzz.js';
import { HybridguardError } from '../src/errors.js';
import { loadIamCatalog } from '../src/inputs/iam-catalog.js';
import { loadConfig, loadPolicies, loadSuppressions, PolicyLoadError } from '../src/policy/load.js';
import { parseBaseline } from '../src/engine/baseline.js';
import { CHECKS } from '../src/rules/index.js';

const catalog = loadIamCatalog();

const POLICY_YAML = `# yaml-language-server: $schema=../schema/hybridguard-policy.schema.json
capabilities:
  gpu-compute:
    description: Start GPU training.
    grants:
      - actions: [sagemaker:CreateTrainingJob, "ec2:RunInstances"]
        requestContext: { "ec2:InstanceType": [p4d.24xlarge] }
policies:
  - id: HG-RES-001
    name: lambda-xray-tracing
    severity: note
    serviceTypes: [function, orchestrator]
    description: Lambda functions send traces to X-Ray.
    rationale: Without traces, a slow model call is invisible.
    remediation: Set tracing_config.mode to Active.
    assert:
      attribute-condition:
        resourceTypes: [aws_lambda_function]
        attribute: tracing_config.0.mode
        equals: Active
        default: PassThrough
  - id: HG-RES-002
    name: ecr-scan-on-push
    severity: warning
    description: ECR repositories scan images on push.
    rationale: Model-serving images carry many dependencies.
    remediation: Enable scan_on_push.
    assert:
      attribute-condition: { resourceTypes: [aws_ecr_repository], attribute: image_scanning_configuration.0.scan_on_push, equals: true }
`;

const POLICY_JSON = JSON.stringify(
  {
    policies: [
      {
        id: 'ACME-001',
        name: 'sagemaker-endpoint-kms',
        severity: 'warning',
        description: 'd',
        rationale: 'r',
        remediation: 'm',
        assert: { 'attribute-condition': { resourceTypes: ['aws_sagemaker_endpoint_configuration'], attribute: 'kms_key_arn', present: true } },
      },
    ],
  },
  null,
  2,
);

const CONFIG = `serviceTypes:\n  "aws_lambda_function.train_*": orchestrator\nsources:\n  aws_lambda_function.ingest: src/ingest.ts\nfailOn: warning\n` +
  `suppressions:\n  - rule: HG-IAM-001\n    reason: migrating to the new role by Q3\n    expires: 2026-12-31\n`;
const SUPPRESSIONS = `suppressions:\n  - rule: HG-IAM-001\n    address: aws_iam_role.ingest\n    subject: sagemaker:CreateModelPackage\n` +
  `    reason: registry write needed until ML-123\n    owner: ml-platform\n    expires: 2026-06-30\n`;
const BASELINE = `{\n  "version": 1,\n  "tool": "hybridguard",\n  "findings": [\n` +
  `    { "fingerprint": "HG-NET-001|aws_lb.public|", "ruleId": "HG-NET-001", "address": "aws_lb.public", "message": "m" }\n  ]\n}\n`;

/** Tokens that mean something to YAML, JSON or our schema. */
const TOKENS = [
  ':', ': ', '-', '- ', '[', ']', '{', '}', ',', '"', "'", '#', '\t', '\n', '  ', '&a ', '*a', '&a [*a]', '<<: *a', '? ', '|', '>', '!!binary ', '!!set ',
  '!custom ', '~', 'null', '.nan', '.inf', '1e999', '0x1F', '99999999999999999999999', '__proto__', 'constructor', 'severity: fatal', 'assert: {}',
  'policies', 'capabilities', 'grants', 'actions', 'sagemaker:*', 'sagemkr:Create*', '*:*', 'a*a*a*a*a*a*a*a*b', 'equals', 'present: maybe',
  'attribute-condition', 'denied-capabilities', 'function', 'lambda', 'true', '2026-02-30', 'expires', 'reason', '\u00e9', '\u0000', '\ufeff', '\r\n',
];

const mutation = (text: string) =>
  fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(text.length), token: fc.constantFrom(...TOKENS) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(text.length), length: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ kind: fc.constant('char' as const), at: fc.nat(text.length), token: fc.string({ minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('dupline' as const), at: fc.nat(text.length) }),
  );

type Mutation = { kind: 'insert' | 'char'; at: number; token: string } | { kind: 'delete'; at: number; length: number } | { kind: 'dupline'; at: number };

function apply(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = Math.min(m.at, out.length);
    if (m.kind === 'insert' || m.kind === 'char') out = out.slice(0, at) + m.token + out.slice(at);
    else if (m.kind === 'delete') out = out.slice(0, at) + out.slice(at + m.length);
    else {
      const start = out.lastIndexOf('\n', at - 1) + 1;
      const end = out.indexOf('\n', at);
      const line = out.slice(start, end < 0 ? out.length : end + 1);
      out = out.slice(0, start) + line + out.slice(start);
    }
  }
  return out;
}

function assertLocated(error: unknown, file: string): void {
  if (!(error instanceof HybridguardError)) throw new Error(`not a HybridguardError: ${String((error as Error | null | undefined)?.stack ?? error)}`);
  const errors = error instanceof PolicyLoadError ? error.errors : [error];
  for (const e of errors) {
    expect(e.location.file).toBe(file);
    expect(e.location.line, e.format()).toBeGreaterThanOrEqual(1);
    expect(e.message.length).toBeGreaterThan(0);
  }
}

const property = (name: string, file: string, text: string, load: (source: { path: string; text: string }) => unknown, runs: number) =>
  it(`${name}: random mutations end in a clean load or a located error`, () => {
    expect(() => load({ path: file, text })).not.toThrow();
    fc.assert(
      fc.property(fc.array(mutation(text), { minLength: 1, maxLength: 4 }), (mutations) => {
        const mutated = apply(text, mutations);
        try {
          load({ path: file, text: mutated });
        } catch (error) {
          assertLocated(error, file);
        }
      }),
      fuzz(Math.ceil(runs / 10), runs, 20260301),
    );
  });

describe('fuzzing the policy language', () => {
  property('policy YAML', 'policies/resource.yaml', POLICY_YAML, (s) => loadPolicies([s], catalog, CHECKS), 2000);
  property('policy JSON', 'policies/custom.json', POLICY_JSON, (s) => loadPolicies([s], catalog, CHECKS), 1000);
  property('config', 'hybridguard.config.yaml', CONFIG, loadConfig, 1000);
  property('suppressions', 'suppressions.yaml', SUPPRESSIONS, loadSuppressions, 1000);
  property('baseline', '.hybridguard-baseline.json', BASELINE, parseBaseline, 1000);
});
