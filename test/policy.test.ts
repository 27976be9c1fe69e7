import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HybridguardError } from '../src/errors.js';
import { loadIamCatalog } from '../src/inputs/iam-catalog.js';
import { readPolicySources } from '../src/inputs/policy-files.js';
import { SERVICE_TYPES } from '../src/model/types.js';
import { ACCELERATED_INSTANCE_TYPES, ACCELERATED_ML_INSTANCE_TYPES, isAcceleratedInstanceType } from '../src/model/accelerated-instances.js';
import { checkSuppressionRules, loadConfig, loadPolicies, loadSuppressions, PolicyLoadError } from '../src/policy/load.js';
import {
  CAPABILITY_NAME_FORMAT,
  configFileSchema,
  createAjv,
  IAM_ACTION_PATTERN_FORMAT,
  policyFileSchema,
  renderSchemas,
  suppressionsFileSchema,
} from '../src/policy/schema.js';
import { CHECKS } from '../src/rules/index.js';
import { locatedFromTable, parseLocated, positionTable, type PathSegment } from '../src/policy/parse.js';
import type { PositionTable } from '../src/model/json.js';
import { readShippedPolicyCache } from '../src/inputs/shipped-policies.js';
import { attributeCondition } from '../src/rules/resource/attribute-condition.js';
import type { Check } from '../src/rules/types.js';

const catalog = loadIamCatalog();

/** A check like the IAM ones, declaring its params as capability names and action patterns. */
const deniedForTest: Check = {
  name: 'denied-capabilities',
  description: 'Principals of the selected service types hold none of these capabilities.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['capabilities'],
    properties: {
      capabilities: { type: 'array', description: 'Capabilities.', items: { type: 'string', format: CAPABILITY_NAME_FORMAT, description: 'A capability.' } },
      actions: {
        type: 'array',
        description: 'Extra actions.',
        items: { type: 'string', format: IAM_ACTION_PATTERN_FORMAT, description: 'An action pattern.' },
      },
    },
  },
  validate: (params) => ((params['capabilities'] as unknown[]).length > 3 ? [{ field: 'capabilities', message: 'at most 3 capabilities' }] : []),
  run: () => [],
};
const checks: readonly Check[] = [attributeCondition, deniedForTest];

const CAPS = `capabilities:
  gpu-compute:
    description: Start GPU training or processing.
    grants:
      - actions: [sagemaker:CreateTrainingJob, ec2:RunInstances]
        requestContext: { "ec2:InstanceType": [p4d.24xlarge, g5.xlarge] }
  model-registry:
    description: Write to the model registry.
    grants:
      - actions: [sagemaker:CreateModelPackage*, "sagemaker:*ModelPackageGroup"]
`;

const policy = (over: Record<string, string> = {}): string => {
  const fields = {
    id: 'HG-IAM-001',
    name: 'no-gpu-in-functions',
    severity: 'error',
    serviceTypes: '[function, pipeline]',
    description: 'Functions hold no GPU rights.',
    rationale: 'GPU rights in a function let a compromised handler start expensive jobs.',
    remediation: 'Move GPU work to an orchestrator.',
    ...over,
  };
  const assert = over['assert'] ?? '      denied-capabilities: { capabilities: [gpu-compute, model-registry] }';
  const lines = Object.entries(fields)
    .filter(([k]) => k !== 'assert')
    .map(([k, v], i) => `${i === 0 ? '  - ' : '    '}${k}: ${v}`);
  return `policies:\n${lines.join('\n')}\n    assert:\n${assert}\n`;
};

function loadError(sources: { path: string; text: string }[]): HybridguardError {
  try {
    loadPolicies(sources, catalog, checks);
  } catch (error) {
    expect(error).toBeInstanceOf(HybridguardError);
    return error as HybridguardError;
  }
  throw new Error('expected a policy error');
}

const all = (error: HybridguardError): HybridguardError[] => (error instanceof PolicyLoadError ? [...error.errors] : [error]);

describe('policy schema', () => {
  it('compiles under ajv strict mode, for the real checks and the test checks', () => {
    for (const schema of [policyFileSchema(CHECKS), policyFileSchema(checks), configFileSchema(), suppressionsFileSchema()]) {
      expect(() => createAjv().compile(schema)).not.toThrow();
    }
  });

  it('has a description on every field and additionalProperties: false on every object', () => {
    const problems: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (!node || typeof node !== 'object' || Array.isArray(node)) return;
      const schema = node as Record<string, unknown>;
      if (schema['properties'] && schema['additionalProperties'] !== false) problems.push(`${path}: additionalProperties is not false`);
      for (const [key, sub] of Object.entries((schema['properties'] ?? {}) as Record<string, unknown>)) {
        if (typeof (sub as Record<string, unknown>)['description'] !== 'string') problems.push(`${path}/${key}: no description`);
        walk(sub, `${path}/${key}`);
      }
      for (const key of ['items', 'additionalProperties']) {
        const sub = schema[key];
        if (sub && typeof sub === 'object') {
          if (typeof (sub as Record<string, unknown>)['description'] !== 'string') problems.push(`${path}/${key}: no description`);
          walk(sub, `${path}/${key}`);
        }
      }
    };
    for (const schema of [policyFileSchema(CHECKS), policyFileSchema(checks), configFileSchema(), suppressionsFileSchema()]) walk(schema, '');
    expect(problems).toEqual([]);
  });

  it('enumerates severities and service types, and takes assert keys from the checks', () => {
    const schema = policyFileSchema(checks) as {
      properties: { policies: { items: { properties: Record<string, { enum?: string[]; items?: { enum: string[] }; properties?: object }> } } };
    };
    const fields = schema.properties.policies.items.properties;
    expect(fields['severity']?.enum).toEqual(['error', 'warning', 'note']);
    expect(fields['serviceTypes']?.items?.enum).toEqual([...SERVICE_TYPES]);
    expect(Object.keys(fields['assert']?.properties ?? {})).toEqual(['attribute-condition', 'denied-capabilities']);
  });

  it('the shipped schema files are up to date (npm run gen:schema)', () => {
    for (const [name, text] of Object.entries(renderSchemas(CHECKS))) {
      expect(readFileSync(join(import.meta.dirname, '..', 'schema', name), 'utf8'), `schema/${name} is stale: run npm run gen:schema`).toBe(text);
    }
  });
});

describe('loadPolicies', () => {
  it('normalizes capabilities and policies with where they were declared', () => {
    const { policies, capabilities } = loadPolicies(
      [
        { path: 'policies/capabilities.yaml', text: CAPS },
        { path: 'policies/iam.yaml', text: `# yaml-language-server: $schema=../schema/hybridguard-policy.schema.json\n${policy()}` },
      ],
      catalog,
      checks,
    );
    expect([...capabilities.keys()]).toEqual(['gpu-compute', 'model-registry']);
    expect(capabilities.get('gpu-compute')).toMatchObject({
      grants: [{ actions: ['sagemaker:CreateTrainingJob', 'ec2:RunInstances'], requestContext: { 'ec2:InstanceType': ['p4d.24xlarge', 'g5.xlarge'] } }],
      declaredAt: { file: 'policies/capabilities.yaml', line: 2 },
    });
    expect(policies).toEqual([
      {
        id: 'HG-IAM-001',
        name: 'no-gpu-in-functions',
        severity: 'error',
        description: 'Functions hold no GPU rights.',
        rationale: 'GPU rights in a function let a compromised handler start expensive jobs.',
        remediation: 'Move GPU work to an orchestrator.',
        serviceTypes: ['function', 'pipeline'],
        check: 'denied-capabilities',
        params: { capabilities: ['gpu-compute', 'model-registry'] },
        declaredAt: { file: 'policies/iam.yaml', line: 3 },
      },
    ]);
  });

  it('reads JSON policy files too', () => {
    const json = JSON.stringify(
      {
        policies: [
          {
            id: 'ACME-001',
            name: 'x-ray',
            severity: 'note',
            description: 'd',
            rationale: 'r',
            remediation: 'm',
            assert: { 'attribute-condition': { resourceTypes: ['aws_lambda_function'], attribute: 'tracing_config.0.mode', equals: 'Active' } },
          },
        ],
      },
      null,
      2,
    );
    expect(loadPolicies([{ path: 'p.json', text: json }], catalog, checks).policies[0]?.params).toEqual({
      resourceTypes: ['aws_lambda_function'],
      attribute: 'tracing_config.0.mode',
      equals: 'Active',
    });
  });

  it('unknown field: names it, suggests the right one, and points at its line and column', () => {
    const text = policy({ severty: 'error' }).replace('    severity: error\n', '');
    const error = loadError([{ path: 'caps.yaml', text: CAPS }, { path: 'p.yaml', text }]);
    const messages = all(error).map((e) => e.format());
    expect(messages).toEqual([
      'p.yaml:8:5: policy error: unknown field "severty" — did you mean "severity"? (at /policies/0/severty); expected one of the fields id, name, severity, ' +
        'serviceTypes, description, rationale, remediation, helpUri, assert',
    ]);
  });

  it('wrong severity: lists the allowed values at the value', () => {
    const error = loadError([{ path: 'p.yaml', text: policy({ severity: 'critical' }) }]);
    expect(error.message).toContain('severity must be one of error, warning, note (got "critical")');
    expect(error.location).toEqual({ file: 'p.yaml', line: 4, column: 15, field: '/policies/0/severity' });
    expect(error.expected).toBe('one of error, warning, note');
  });

  it('unknown service type', () => {
    const error = loadError([{ path: 'caps.yaml', text: CAPS }, { path: 'p.yaml', text: policy({ serviceTypes: '[function, lambda]' }) }]);
    expect(error.message).toBe('serviceTypes[1] must be one of function, orchestrator, microservice, gateway, pipeline, shared (got "lambda")');
    expect(error.location).toMatchObject({ line: 5, column: 30, field: '/policies/0/serviceTypes/1' });
  });

  it('unknown capability, with a suggestion', () => {
    const error = loadError([
      { path: 'caps.yaml', text: CAPS },
      { path: 'p.yaml', text: policy({ assert: '      denied-capabilities: { capabilities: [gpu-compute, model-registy] }' }) },
    ]);
    expect(error.format()).toBe(
      'p.yaml:10:58: policy error: unknown capability "model-registy" — did you mean "model-registry"? (at ' +
        '/policies/0/assert/denied-capabilities/capabilities/1); expected a capability declared in a policy file (gpu-compute, model-registry)',
    );
  });

  it('unknown check, with a suggestion', () => {
    const error = loadError([
      { path: 'caps.yaml', text: CAPS },
      { path: 'p.yaml', text: policy({ assert: '      denied-capabilitys: { capabilities: [gpu-compute] }' }) },
    ]);
    expect(error.message).toBe('unknown check "denied-capabilitys" — did you mean "denied-capabilities"?');
    expect(error.location).toMatchObject({ file: 'p.yaml', line: 10, column: 7 });
    expect(error.expected).toBe('one of the checks attribute-condition, denied-capabilities');
  });

  it('assert with two checks', () => {
    const error = loadError([
      {
        path: 'p.yaml',
        text: policy({
          assert:
            '      denied-capabilities: { capabilities: [] }\n      attribute-condition: { resourceTypes: [aws_s3_bucket], attribute: bucket, present: true }',
        }),
      },
    ]);
    expect(all(error).map((e) => e.message)).toContain('assert must name exactly one check (found 2: denied-capabilities, attribute-condition)');
  });

  it('IAM action patterns must match real actions, in capabilities and in check params', () => {
    const caps = CAPS.replace('sagemaker:CreateTrainingJob', 'sagemaker:CreateTrainingJobs')
      .replace('ec2:RunInstances', 'ec2:Run*')
      .replace('sagemaker:*ModelPackageGroup', 'sagemkr:*');
    const error = loadError([
      { path: 'caps.yaml', text: caps },
      { path: 'p.yaml', text: policy({ assert: '      denied-capabilities: { capabilities: [gpu-compute], actions: ["s3:Get*", "iam:Pass*Roles"] }' }) },
    ]);
    expect(all(error).map((e) => `${e.location.file}:${e.location.line}:${e.location.column} ${e.message}`)).toEqual([
      'caps.yaml:5:19 "sagemaker:CreateTrainingJobs" matches no IAM action of sagemaker — did you mean "sagemaker:CreateTrainingJob"?',
      'caps.yaml:10:50 IAM service "sagemkr" does not exist — did you mean "sagemaker"?',
      'p.yaml:10:80 "iam:Pass*Roles" matches no IAM action of iam',
    ]);
  });

  it('matches action patterns case-insensitively and with ? wildcards', () => {
    const caps = CAPS.replace('sagemaker:CreateTrainingJob', 'SageMaker:createtrainingjob').replace('ec2:RunInstances', 'ec2:RunInstance?');
    expect(() => loadPolicies([{ path: 'caps.yaml', text: caps }], catalog, checks)).not.toThrow();
  });

  it('bad YAML syntax: gives the line', () => {
    const text = policy().replace('serviceTypes: [function, pipeline]', 'serviceTypes: [function, pipeline');
    const error = loadError([{ path: 'p.yaml', text }]);
    expect(error.message).toMatch(/^invalid YAML: /);
    expect(error.location.file).toBe('p.yaml');
    expect(error.location.line).toBeGreaterThanOrEqual(5);
    expect(error.expected).toBe('valid YAML');
  });

  it('bad JSON syntax: gives the line', () => {
    const error = loadError([{ path: 'p.json', text: '{\n  "policies": [\n    { "id": "A-001", }\n  ]\n' }]);
    expect(error.message).toMatch(/^invalid JSON: /);
    expect(error.location.line).toBe(3);
  });

  it('duplicate ids and names across files point at the second one and name the first', () => {
    const error = loadError([
      { path: 'a.yaml', text: CAPS + policy() },
      { path: 'b.yaml', text: policy({ name: 'other-name' }) },
      { path: 'c.yaml', text: policy({ id: 'HG-IAM-002' }) },
    ]);
    expect(all(error).map((e) => e.format())).toEqual([
      'b.yaml:2:9: policy error: policy id HG-IAM-001 is already used at a.yaml:12 (at /policies/0/id); expected a unique policy id',
      'c.yaml:3:11: policy error: policy name no-gpu-in-functions is already used at a.yaml:12 (at /policies/0/name); expected a unique policy name',
    ]);
  });

  it('reports every error of every file in one go, and the check\'s own validation', () => {
    const error = loadError([
      { path: 'caps.yaml', text: CAPS },
      { path: 'a.yaml', text: policy({ severity: 'fatal' }) },
      {
        path: 'b.yaml',
        text: policy({
          id: 'HG-IAM-009',
          name: 'too-many',
          assert: '      denied-capabilities: { capabilities: [gpu-compute, gpu-compute, model-registry, model-registry] }',
        }),
      },
      { path: 'c.yaml', text: policy({ id: 'bad id', name: 'ok-name' }) },
    ]);
    expect(error).toBeInstanceOf(PolicyLoadError);
    expect(all(error).map((e) => `${e.location.file}:${e.location.line} ${e.message}`)).toEqual([
      'a.yaml:4 severity must be one of error, warning, note (got "fatal")',
      'c.yaml:2 id "bad id" is not an upper-case id of dash-separated parts, like HG-IAM-001 or ACME-7',
      'b.yaml:10 at most 3 capabilities',
    ]);
    expect(error.format().split('\n')).toHaveLength(3);
  });

  it('refuses an empty file, a non-mapping and YAML that is not plain data', () => {
    expect(loadError([{ path: 'e.yaml', text: '# nothing\n' }]).message).toBe('policy file is empty');
    expect(loadError([{ path: 'l.yaml', text: '- a\n- b\n' }]).message).toBe('the file must be a mapping (key: value) (got a list)');
    expect(loadError([{ path: 'r.yaml', text: 'policies: &a [*a]\n' }]).message).toBe('alias *a refers to itself');
    expect(loadError([{ path: 'n.yaml', text: 'policies:\n  - id: .nan\n' }]).location.line).toBe(2);
  });

  it('attribute-condition needs a condition', () => {
    const error = loadError([{ path: 'p.yaml', text: policy({ assert: '      attribute-condition: { resourceTypes: [aws_s3_bucket], attribute: bucket }' }) }]);
    expect(error.message).toBe('attribute-condition needs at least one condition (equals, notEquals, in, present, pattern)');
    expect(error.location.line).toBe(10);
  });
});

describe('config and suppressions files', () => {
  it('loads a config', () => {
    const config = loadConfig({
      path: 'hybridguard.config.yaml',
      text: `serviceTypes:\n  "aws_lambda_function.train_*": orchestrator\nsources:\n  aws_lambda_function.ingest: src/ingest.ts\npolicies: [custom/]\n` +
        `failOn: warning\nsuppressions:\n  - rule: HG-IAM-001\n    address: aws_iam_role.legacy\n    reason: migrating to the new role by Q3\n` +
        `    expires: 2026-12-31\n`,
    });
    expect(config).toEqual({
      serviceTypes: { 'aws_lambda_function.train_*': 'orchestrator' },
      sources: { 'aws_lambda_function.ingest': 'src/ingest.ts' },
      services: {},
      policies: ['custom/'],
      failOn: 'warning',
      suppressions: [
        {
          rule: 'HG-IAM-001',
          address: 'aws_iam_role.legacy',
          reason: 'migrating to the new role by Q3',
          expires: '2026-12-31',
          declaredAt: { file: 'hybridguard.config.yaml', line: 8 },
        },
      ],
      declaredAt: { file: 'hybridguard.config.yaml' },
    });
  });

  it('config errors are located, kind config', () => {
    try {
      loadConfig({ path: 'c.json', text: '{\n  "serviceTypes": { "aws_lambda_function.x": "lambda" },\n  "failon": "error"\n}\n' });
      throw new Error('no error');
    } catch (error) {
      const errors = all(error as HybridguardError).map((e) => e.format());
      expect(errors).toEqual([
        'c.json:2:46: config error: aws_lambda_function.x must be one of function, orchestrator, microservice, gateway, pipeline, shared (got "lambda") (at ' +
          '/serviceTypes/aws_lambda_function.x); expected one of function, orchestrator, microservice, gateway, pipeline, shared',
        'c.json:3:3: config error: unknown field "failon" — did you mean "failOn"? (at /failon); expected one of the fields serviceTypes, sources, services, ' +
          'policies, suppressions, failOn',
      ]);
    }
  });

  it('suppressions need a reason of 10+ characters and a real ISO date', () => {
    const text = `suppressions:\n  - rule: HG-IAM-001\n    reason: legacy\n  - rule: HG-NET-001\n    reason: public demo endpoint, approved\n` +
      `    expires: 2026-02-30\n  - rule: HG-NET-002\n    subject: sagemaker:CreateModelPackage\n`;
    try {
      loadSuppressions({ path: 'suppressions.yaml', text });
      throw new Error('no error');
    } catch (error) {
      expect(all(error as HybridguardError).map((e) => `${e.location.line} ${e.message}`)).toEqual([
        '3 reason must be at least 10 characters (got 6)',
        '6 expires "2026-02-30" is not an ISO date YYYY-MM-DD',
        '7 missing required field "reason" in suppressions[2]',
      ]);
    }
  });

  it('loads suppressions with owner, subject and expiry; rules are checked against the policies', () => {
    const list = loadSuppressions({
      path: 's.yaml',
      text: 'suppressions:\n  - rule: no-gpu-in-functions\n    address: aws_iam_role.ingest\n    subject: sagemaker:CreateModelPackage\n' +
        '    reason: registry write needed until ML-123 lands\n    owner: ml-platform\n    expires: 2026-06-30\n',
    });
    expect(list).toEqual([
      {
        rule: 'no-gpu-in-functions',
        address: 'aws_iam_role.ingest',
        subject: 'sagemaker:CreateModelPackage',
        reason: 'registry write needed until ML-123 lands',
        owner: 'ml-platform',
        expires: '2026-06-30',
        declaredAt: { file: 's.yaml', line: 2 },
      },
    ]);
    expect(() => checkSuppressionRules(list, [{ id: 'HG-IAM-001', name: 'no-gpu-in-functions' }])).not.toThrow();
    expect(() => checkSuppressionRules([{ ...list[0]!, rule: 'HG-IAM-01' }], [{ id: 'HG-IAM-001', name: 'no-gpu-in-functions' }])).toThrow(
      'suppression names unknown rule "HG-IAM-01" — did you mean "HG-IAM-001"?',
    );
  });
});

describe('readPolicySources', () => {
  it('reads files and folders (recursively, sorted, once each), and refuses missing or empty ones', () => {
    const root = mkdtempSync(join(tmpdir(), 'hg-policies-'));
    mkdirSync(join(root, 'packs', 'team'), { recursive: true });
    mkdirSync(join(root, 'empty'));
    writeFileSync(join(root, 'packs', 'b.yaml'), 'policies: []\n');
    writeFileSync(join(root, 'packs', 'a.json'), '{}');
    writeFileSync(join(root, 'packs', 'notes.md'), '# not a policy');
    writeFileSync(join(root, 'packs', 'team', 'c.yml'), 'policies: []\n');
    symlinkSync(join(root, 'packs'), join(root, 'packs', 'team', 'loop'));
    const sources = readPolicySources(['packs', join(root, 'packs', 'b.yaml')], root);
    expect(sources.map((s) => s.path)).toEqual(['packs/a.json', 'packs/b.yaml', 'packs/team/c.yml']);
    expect(sources[1]?.text).toBe('policies: []\n');
    expect(() => readPolicySources(['missing.yaml'], root)).toThrow('path does not exist: missing.yaml');
    expect(() => readPolicySources(['empty'], root)).toThrow('no policy files (*.yaml, *.yml, *.json) in folder empty');
  });
});

describe('the built-in packs', () => {
  const sources = readPolicySources([join(import.meta.dirname, '..', 'policies')], join(import.meta.dirname, '..'));

  // Full schema and IAM-pattern validation here is what lets a run trust the shipped packs.
  it('load cleanly with the registered checks', () => {
    const { policies, capabilities } = loadPolicies(sources, catalog);
    expect(policies.length).toBeGreaterThanOrEqual(4);
    expect(policies.filter((p) => p.id.startsWith('HG-RES-')).map((p) => p.name)).toEqual([
      's3-block-public-policy',
      'lambda-xray-tracing',
      'ecr-scan-on-push',
      'sagemaker-endpoint-kms',
    ]);
    for (const p of policies) expect(CHECKS.some((c) => c.name === p.check)).toBe(true);
    expect(capabilities.size).toBeGreaterThan(0);
  });

  it('a typo in a real pack is reported through the check\'s own validation, at its line', () => {
    const edited = sources.map((s) =>
      s.path === 'policies/iam.yaml' ? { ...s, text: s.text.replace('capabilities: [gpu-compute]', 'capabilities: [gpu-compte]') } : s,
    );
    const line = (edited.find((s) => s.path === 'policies/iam.yaml')?.text.split('\n').findIndex((l) => l.includes('gpu-compte')) ?? -2) + 1;
    let error: HybridguardError | undefined;
    try {
      loadPolicies(edited, catalog);
    } catch (e) {
      error = e as HybridguardError;
    }
    expect(error).toBeInstanceOf(HybridguardError);
    expect(error?.location).toMatchObject({ file: 'policies/iam.yaml', line });
    expect(error?.location.field).toMatch(/^\/policies\/\d+\/assert\/denied-capabilities\/capabilities\/0$/);
  });
});

describe('the built-in packs parsed at build time (inputs/shipped-policies.ts)', () => {
  const sources = readPolicySources([join(import.meta.dirname, '..', 'policies')], join(import.meta.dirname, '..'));

  it('answer every position as a parse does, also for paths that leave the document', () => {
    for (const source of sources) {
      const parsed = parseLocated(source, 'policy');
      const cached = locatedFromTable(source.path, { data: parsed.data, positions: JSON.parse(JSON.stringify(positionTable(parsed))) as PositionTable });
      const paths: PathSegment[][] = [];
      const walk = (value: unknown, at: PathSegment[]): void => {
        paths.push(at, [...at, 'missing'], [...at, 7, 'deeper']);
        if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...at, i]));
        else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
      };
      walk(parsed.data, []);
      for (const at of paths) {
        expect(cached.locate(at), `${source.path} ${at.join('/')}`).toEqual(parsed.locate(at));
        expect(cached.locate(at, true), `${source.path} ${at.join('/')} (key)`).toEqual(parsed.locate(at, true));
      }
    }
  });

  it('are served for the exact text cached, as dicts, and an edited text is parsed instead', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hg-shipped-')), 'cache.json');
    const source = sources.find((s) => s.path === 'policies/network.yaml')!;
    const parsed = parseLocated(source, 'policy');
    writeFileSync(file, JSON.stringify([{ text: source.text, data: parsed.data, positions: positionTable(parsed) }]));
    const cache = readShippedPolicyCache(file);
    expect(cache.get(source.text)?.data).toEqual(parsed.data);
    expect(Object.getPrototypeOf(cache.get(source.text)?.data)).not.toBe(Object.prototype);
    expect(cache.get(`${source.text}\n# edited`)).toBeUndefined();
    expect(readShippedPolicyCache(join(tmpdir(), 'no-such-cache.json')).size).toBe(0);
  });
});

describe('the built-in gpu-compute capability', () => {
  it('asks about every accelerated computing instance type the network analysis knows, EC2 and SageMaker', () => {
    const text = readFileSync(join(import.meta.dirname, '..', 'policies', 'capabilities.yaml'), 'utf8');
    const { capabilities } = loadPolicies([{ path: 'policies/capabilities.yaml', text }], catalog, checks);
    const contexts = capabilities.get('gpu-compute')!.grants.flatMap((g) => Object.entries(g.requestContext ?? {}));
    const values = (key: string) => contexts.filter(([k]) => k === key).flatMap(([, v]) => v);
    expect(values('ec2:InstanceType')).toEqual([...ACCELERATED_INSTANCE_TYPES]);
    expect(values('sagemaker:InstanceTypes')).toEqual([...ACCELERATED_ML_INSTANCE_TYPES]);
    // Families, not only the flagship sizes: AMD, Inferentia 1, Gaudi, FPGA, and sizes AWS adds later.
    for (const type of ['g4ad.xlarge', 'inf1.6xlarge', 'dl1.24xlarge', 'f2.12xlarge', 'g6e.96xlarge', 'ml.trn2.48xlarge'])
      expect(isAcceleratedInstanceType(type), type).toBe(true);
    for (const type of ['t3.micro', 'm7g.large', 'ml.m5.xlarge', 'c6gn.16xlarge', 'gp3', '']) expect(isAcceleratedInstanceType(type), type).toBe(false);
  });
});
