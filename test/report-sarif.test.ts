/**
 * SARIF output validated against the SARIF 2.1.0 JSON schema as shipped on npm by Microsoft's
 * `@microsoft/jest-sarif` (lib/schemas/sarif-2.1.0-rtm.5.json, the 2.1.0 schema that GitHub
 * code scanning also validates against), plus the architecture's contract asserted field by field.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { render } from '../src/report/index.js';
import { loadResults, withoutBaseline } from './report-helpers.js';

const require = createRequire(import.meta.url);
const schemaPath = join(dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');

function sarifValidator() {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  // The schema is draft-04 (`id`); ajv 8 reads it once the id keyword is the modern one.
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, unicodeRegExp: false });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
  addFormats(ajv);
  return ajv.compile({ $id: id as string, ...rest });
}

const validate = sarifValidator();
const results = loadResults('run-results');

type SarifLocation = {
  physicalLocation: { artifactLocation: { uri: string; index?: number }; region: { startLine: number } };
  logicalLocations: Record<string, unknown>[];
};
type SarifResult = {
  ruleId: string;
  ruleIndex: number;
  level: string;
  kind: string;
  message: { text: string };
  partialFingerprints: Record<string, string>;
  locations: SarifLocation[];
  relatedLocations: { message: { text: string } }[];
  properties: { evidence: unknown[] };
  baselineState?: string;
  suppressions?: Record<string, unknown>[];
};

type Sarif = {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri: string; rules: Record<string, unknown>[] } };
    artifacts: { location: { uri: string } }[];
    results: SarifResult[];
  }[];
};

describe('SARIF 2.1.0', () => {
  it('the schema validator rejects a broken log (it really validates)', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [{ level: 'fatal' }] }] })).toBe(false);
  });

  it.each([
    ['with baseline', results],
    ['without baseline', withoutBaseline(results)],
    ['hostile strings', loadResults('hostile-results')],
  ])('validates against the official schema (%s)', (_name, input) => {
    const log = JSON.parse(render('sarif', input, { color: false }));
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  const log = JSON.parse(render('sarif', results, { color: false, ruleDocsBaseUrl: 'https://docs.example.org/rules' })) as Sarif;
  const run = log.runs[0]!;
  const byFingerprint = (fp: string) => run.results.find((r) => r.partialFingerprints['hybridguard/v2'] === fp)!;

  it('describes every rule in tool.driver', () => {
    expect(log.version).toBe('2.1.0');
    expect(run.tool.driver).toMatchObject({ name: 'hybridguard', version: '0.1.0' });
    expect(run.tool.driver.informationUri).toMatch(/^https:\/\//);
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(results.rules.map((r) => r.id));
    expect(run.tool.driver.rules[1]).toMatchObject({
      id: 'HG-IAM-001',
      name: 'no-gpu-in-functions',
      shortDescription: { text: 'Functions and pipelines may not hold the gpu-compute capability.' },
      defaultConfiguration: { level: 'error' },
      helpUri: 'https://docs.example.org/rules/no-gpu-in-functions.md',
      properties: { serviceTypes: ['function', 'pipeline'], 'security-severity': '8.0' },
    });
    const help = run.tool.driver.rules[1]!.help as { text: string; markdown: string };
    expect(help.text).toContain('Remediation: Remove the sagemaker/ec2 GPU actions');
    expect(help.markdown).toContain('**How to fix:**');
    expect(run.tool.driver.rules[1]!.fullDescription).toBeDefined();
  });

  it('infrastructure results carry the Terraform address as a logical location and the file and line', () => {
    const gpu = byFingerprint('HG-IAM-001|aws_iam_role.ingest_role|sagemaker:CreateTrainingJob');
    expect(gpu.ruleId).toBe('HG-IAM-001');
    expect(run.tool.driver.rules[gpu.ruleIndex]!.id).toBe('HG-IAM-001');
    expect(gpu.level).toBe('error');
    expect(gpu.kind).toBe('fail');
    expect(gpu.message.text).toBe('aws_iam_role.ingest_role (function) can call sagemaker:CreateTrainingJob, which grants gpu-compute');
    expect(gpu.locations[0]!.logicalLocations).toEqual([
      { fullyQualifiedName: 'aws_iam_role.ingest_role', kind: 'resource', properties: { constructPath: 'ai-platform/ingest/role' } },
    ]);
    expect(gpu.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'cdktf.out/stacks/ai-platform/cdk.tf.json', index: 0 },
      region: { startLine: 112 },
    });
    expect(run.artifacts[0]!.location.uri).toBe('cdktf.out/stacks/ai-platform/cdk.tf.json');
    // Evidence with locations become related locations.
    expect(gpu.relatedLocations.map((l) => l.message.text)).toEqual([
      'aws_lambda_function.ingest uses aws_iam_role.ingest_role; tag hybridguard:service-type=function',
      'statement 0 (Sid TrainModels) of aws_iam_role_policy.ingest_inline allows sagemaker:Create* on *',
    ]);
    expect(gpu.properties.evidence).toHaveLength(3);
    expect(gpu.baselineState).toBe('new');
  });

  it('code results point at the source file and line', () => {
    const code = byFingerprint('HG-CODE-001|aws_lambda_function.ingest|');
    expect(code.locations[0]!.physicalLocation.artifactLocation.uri).toBe('src/handlers/ingest.ts');
    expect(code.locations[0]!.physicalLocation.region).toEqual({ startLine: 3 });
    expect(run.artifacts.map((a) => a.location.uri)).toContain('src/handlers/ingest.ts');
    expect(code.baselineState).toBe('unchanged');
  });

  it('keeps suppressed findings with their justification, owner and expiry', () => {
    const file = byFingerprint('HG-IAM-002|aws_iam_role.preprocess_role|sagemaker:CreateModelPackage');
    expect(file.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'Model promotion job registers packages until the registry service ships (PLAT-812)',
        properties: { owner: 'ml-platform@example.com', expires: '2027-03-31', source: 'hybridguard.config.yaml:14' },
      },
    ]);
    const construct = byFingerprint('HG-IAM-010|aws_iam_role.training_orchestrator|iam:PassRole');
    expect(construct.suppressions?.[0]).toMatchObject({
      kind: 'inSource',
      properties: { owner: 'team-training', source: 'construct ai-platform/training/role' },
    });
    expect(byFingerprint('HG-IAM-001|aws_iam_role.ingest_role|sagemaker:CreateTrainingJob').suppressions).toBeUndefined();
  });

  it('marks undecided findings as review with level none', () => {
    const undecided = byFingerprint('HG-NET-003|aws_security_group_rule.serving_ingress|');
    expect(undecided.kind).toBe('review');
    expect(undecided.level).toBe('none');
    expect(undecided.message.text).toContain('could not decide: value unknown until apply');
  });

  it('has no baselineState without a baseline, and no timestamps or invocations ever', () => {
    const plain = JSON.parse(render('sarif', withoutBaseline(results), { color: false })) as Sarif;
    expect(plain.runs[0]!.results.every((r) => r.baselineState === undefined)).toBe(true);
    const text = render('sarif', results, { color: false });
    expect(text).not.toMatch(/"(invocations|startTimeUtc|endTimeUtc|timeUtc)"/);
  });

  it('writes relative posix URIs, percent-encoded', () => {
    const odd = {
      ...results,
      inputs: ['stacks\\my stack#1\\cdk.tf.json'],
      results: [{ ...results.results[0]!, location: { file: '/work/repo/stacks/a b.tf.json', address: 'aws_iam_role.x', line: 2 } }],
    };
    const doc = JSON.parse(render('sarif', odd, { color: false, cwd: '/work/repo' })) as Sarif;
    const uris = doc.runs[0]!.artifacts.map((a) => a.location.uri);
    expect(uris).toContain('stacks/a%20b.tf.json');
    expect(uris).toContain('stacks/my%20stack%231/cdk.tf.json');
    expect(uris.every((u) => !u.includes('\\') && !u.startsWith('/') && !u.startsWith('file:'))).toBe(true);
    expect(doc.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('stacks/a%20b.tf.json');
    expect(validate(doc)).toBe(true);
  });
});
