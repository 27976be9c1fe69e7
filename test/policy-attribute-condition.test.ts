import { describe, expect, it } from 'vitest';
import { createFacts } from '../src/engine/facts.js';
import { ResourceGraph } from '../src/model/graph.js';
import { Unknown, type Attributes, type Resource, type ServiceType } from '../src/model/types.js';
import type { JsonValue } from '../src/model/json.js';
import { EMPTY_CONFIG, type Policy } from '../src/model/policy.js';
import { attributeCondition, leaves } from '../src/rules/resource/attribute-condition.js';
import type { IamCatalog } from '../src/model/catalog.js';

const catalog: IamCatalog = { services: () => [], actionsOf: () => [], action: () => undefined, resourceArnFormat: () => undefined };

const resource = (type: string, name: string, values: Attributes, serviceType?: ServiceType): Resource => ({
  address: `${type}.${name}`,
  mode: 'managed',
  type,
  name,
  modulePath: '',
  values,
  references: [],
  tags: {},
  location: { file: 'main.tf.json', address: `${type}.${name}`, line: 10 },
  ...(serviceType ? { serviceType: { type: serviceType, source: 'tag' as const, reason: `tag on ${type}.${name}` } } : {}),
});

const run = (resources: Resource[], params: { [key: string]: JsonValue }, serviceTypes: ServiceType[] = []) => {
  const policy: Policy = {
    id: 'HG-RES-900',
    name: 'test',
    severity: 'warning',
    description: 'd',
    rationale: 'r',
    remediation: 'm',
    serviceTypes,
    check: 'attribute-condition',
    params,
    declaredAt: { file: 'p.yaml' },
  };
  const facts = createFacts({ graph: new ResourceGraph(resources, []), catalog, capabilities: new Map(), config: EMPTY_CONFIG });
  return attributeCondition.run(facts, policy);
};

describe('attribute-condition', () => {
  it('equals with a default for unset values, loose booleans, and service type selection', () => {
    const found = run(
      [
        resource('aws_lambda_function', 'active', { tracing_config: [{ mode: 'Active' }] }, 'function'),
        resource('aws_lambda_function', 'object_block', { tracing_config: { mode: 'Active' } }, 'function'),
        resource('aws_lambda_function', 'unset', { tracing_config: null }, 'function'),
        resource('aws_lambda_function', 'passthrough', { tracing_config: [{ mode: 'PassThrough' }] }, 'function'),
        resource('aws_lambda_function', 'shared', {}, 'shared'),
        resource('aws_lambda_function', 'untyped', {}),
      ],
      { resourceTypes: ['aws_lambda_function'], attribute: 'tracing_config.0.mode', equals: 'Active', default: 'PassThrough' },
      ['function'],
    );
    expect(found.map((f) => [f.location.address, f.message, f.undecided ?? false])).toEqual([
      ['aws_lambda_function.unset', 'aws_lambda_function.unset: tracing_config.0.mode is not set (default "PassThrough"); expected "Active"', false],
      ['aws_lambda_function.passthrough', 'aws_lambda_function.passthrough: tracing_config.0.mode is "PassThrough"; expected "Active"', false],
    ]);
    expect(found[0]?.serviceType).toBe('function');
    expect(found[0]?.evidence[0]).toMatchObject({
      kind: 'attribute',
      location: { file: 'main.tf.json', line: 10 },
      data: { attribute: 'tracing_config.0.mode', value: null },
    });
    const strings = run([resource('aws_ecr_repository', 'r', { image_scanning_configuration: [{ scan_on_push: 'true' }] })], {
      resourceTypes: ['aws_ecr_repository'],
      attribute: 'image_scanning_configuration.scan_on_push',
      equals: true,
    });
    expect(strings).toEqual([]);
  });

  it('a value unknown until apply is undecided, never a pass; for present it counts as set', () => {
    const unknown = new Unknown('${var.mode}', []);
    const found = run([resource('aws_lambda_function', 'fn', { tracing_config: [{ mode: unknown }] })], {
      resourceTypes: ['aws_lambda_function'],
      attribute: 'tracing_config.0.mode',
      equals: 'Active',
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      undecided: true,
      message: 'aws_lambda_function.fn: cannot decide whether tracing_config.0.mode equals "Active": the value is known only after apply',
    });
    const whole = run([resource('aws_lambda_function', 'fn', { tracing_config: new Unknown('known after apply') })], {
      resourceTypes: ['aws_lambda_function'],
      attribute: 'tracing_config.0.mode',
      in: ['Active'],
    });
    expect(whole[0]?.undecided).toBe(true);
    const arn = new Unknown('${aws_kms_key.k.arn}', ['aws_kms_key.k.arn']);
    expect(
      run([resource('aws_sagemaker_endpoint_configuration', 'c', { kms_key_arn: arn })], {
        resourceTypes: ['aws_sagemaker_endpoint_configuration'],
        attribute: 'kms_key_arn',
        present: true,
      }),
    ).toEqual([]);
    expect(
      run([resource('aws_sagemaker_endpoint_configuration', 'c', { kms_key_arn: arn })], {
        resourceTypes: ['aws_sagemaker_endpoint_configuration'],
        attribute: 'kms_key_arn',
        present: false,
      }),
    ).toHaveLength(1);
  });

  it('notEquals, in, pattern, present and every item of a block list', () => {
    const groups = [
      resource('aws_cloudwatch_log_group', 'forever', {}),
      resource('aws_cloudwatch_log_group', 'zero', { retention_in_days: 0 }),
      resource('aws_cloudwatch_log_group', 'month', { retention_in_days: 30 }),
    ];
    expect(
      run(groups, { resourceTypes: ['aws_cloudwatch_log_group'], attribute: 'retention_in_days', notEquals: 0, default: 0 }).map((f) => f.location.address),
    ).toEqual(['aws_cloudwatch_log_group.forever', 'aws_cloudwatch_log_group.zero']);
    expect(run(groups, { resourceTypes: ['aws_cloudwatch_log_group'], attribute: 'retention_in_days', in: [30, 90] }).map((f) => f.location.address)).toEqual([
      'aws_cloudwatch_log_group.forever',
      'aws_cloudwatch_log_group.zero',
    ]);
    const images = [resource('aws_ecs_task_definition', 't', { family: 'serving-gpu' }), resource('aws_ecs_task_definition', 'u', { family: 'batch' })];
    expect(
      run(images, {
        resourceTypes: ['aws_ecs_task_definition'],
        attribute: 'family',
        pattern: 'serving-*',
        message: '{address} family {value} is not a serving family',
      }).map((f) => f.message),
    ).toEqual(['aws_ecs_task_definition.u family "batch" is not a serving family']);
    const buckets = [
      resource('aws_s3_bucket_server_side_encryption_configuration', 'ok', {
        rule: [
          { apply_server_side_encryption_by_default: [{ sse_algorithm: 'aws:kms' }] },
          { apply_server_side_encryption_by_default: [{ sse_algorithm: 'aws:kms' }] },
        ],
      }),
      resource('aws_s3_bucket_server_side_encryption_configuration', 'mixed', {
        rule: [
          { apply_server_side_encryption_by_default: [{ sse_algorithm: 'aws:kms' }] },
          { apply_server_side_encryption_by_default: [{ sse_algorithm: 'AES256' }] },
        ],
      }),
    ];
    const found = run(buckets, {
      resourceTypes: ['aws_s3_bucket_server_side_encryption_configuration'],
      attribute: 'rule.*.apply_server_side_encryption_by_default.sse_algorithm',
      equals: 'aws:kms',
    });
    expect(found.map((f) => [f.location.address, f.evidence.map((e) => e.message)])).toEqual([
      [
        'aws_s3_bucket_server_side_encryption_configuration.mixed',
        [
          'aws_s3_bucket_server_side_encryption_configuration.mixed.rule.1.apply_server_side_encryption_by_default.sse_algorithm is "AES256"; expected ' +
            '"aws:kms"',
        ],
      ],
    ]);
  });

  it('walks paths through lists, single objects and missing parts', () => {
    expect(leaves({ a: [{ b: 1 }, { b: 2 }] }, 'a.b')).toEqual([
      { path: 'a.0.b', value: 1 },
      { path: 'a.1.b', value: 2 },
    ]);
    expect(leaves({ a: { b: 1 } }, 'a.0.b')).toEqual([{ path: 'a.0.b', value: 1 }]);
    expect(leaves({ a: [] }, 'a.b')).toEqual([{ path: 'a.b', value: undefined }]);
    expect(leaves({ a: 'x' }, 'a.b')).toEqual([{ path: 'a.b', value: undefined }]);
  });

  it('validation asks for at least one condition and refuses contradictions', () => {
    const validate = attributeCondition.validate!;
    const context = { capabilityNames: new Set<string>(), matchesAnyAction: () => true };
    expect(validate({ resourceTypes: ['aws_s3_bucket'], attribute: 'bucket' }, context)).toHaveLength(1);
    expect(validate({ resourceTypes: ['aws_s3_bucket'], attribute: 'bucket', present: false, equals: 'x' }, context)).toEqual([
      { field: 'present', message: 'present: false (the attribute must be unset) cannot be combined with other conditions' },
    ]);
    expect(validate({ resourceTypes: ['aws_s3_bucket'], attribute: 'bucket', present: true }, context)).toEqual([]);
  });
});
