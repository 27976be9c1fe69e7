import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HybridguardError } from '../src/errors.js';
import { readInputs } from '../src/inputs/index.js';
import { assignServiceTypes, roleConsumers } from '../src/model/service-types.js';
import { EMPTY_CONFIG } from '../src/model/policy.js';

const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'hg-types-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function typed(path: string, config = EMPTY_CONFIG) {
  const { graph } = await readInputs([path], { cwd: root });
  assignServiceTypes(graph, config);
  return graph;
}

describe('assignServiceTypes', () => {
  it.each(['synth', 'hcl', 'plan/plan.json'])('infers functions, their roles, ECS, SageMaker serving and the gateway (%s)', async (form) => {
    const graph = await typed(join(root, 'fixtures/stacks/inference-platform', form));
    const type = (address: string) => graph.get(address)?.serviceType;
    expect(type('aws_lambda_function.preprocess')).toEqual({
      type: 'function',
      source: 'inferred',
      reason: 'aws_lambda_function aws_lambda_function.preprocess is a Lambda function',
    });
    expect(type('aws_iam_role.preprocess_role')).toEqual({
      type: 'function',
      source: 'inferred',
      reason: 'role assumed by lambda.amazonaws.com, used by aws_lambda_function.preprocess',
    });
    expect(type('aws_ecs_service.serving')?.type).toBe('microservice');
    expect(type('aws_ecs_task_definition.serving_task')?.reason).toBe('task definition run by aws_ecs_service.serving');
    expect(type('aws_iam_role.serving_task_role')?.reason).toBe('role assumed by ecs-tasks.amazonaws.com, task role of aws_ecs_task_definition.serving_task');
    expect(type('aws_iam_role.serving_execution_role')?.type).toBe('microservice');
    expect(type('aws_iam_role.sagemaker_exec')?.reason).toBe('role assumed by sagemaker.amazonaws.com, execution role of aws_sagemaker_model.ranker');
    expect(type('aws_sagemaker_endpoint.ranker_endpoint')?.type).toBe('microservice');
    expect(type('aws_apigatewayv2_route.invoke_route')).toEqual({
      type: 'gateway',
      source: 'inferred',
      reason: 'aws_apigatewayv2_route is part of API Gateway',
    });
    expect(type('aws_lambda_permission.apigw_invoke')?.reason).toBe('permission of aws_lambda_function.invoke');
    // Plain infrastructure is no service.
    expect(type('aws_vpc.vpc')).toBeUndefined();
    expect(type('aws_s3_bucket.artifacts')).toBeUndefined();
  });

  it('lets a tag win over inference, for the function and the role it carries to', async () => {
    const graph = await typed(join(root, 'fixtures/stacks/training-platform/synth'));
    expect(graph.get('aws_iam_role.orchestrator_role')?.serviceType).toEqual({
      type: 'orchestrator',
      source: 'tag',
      reason: 'tag hybridguard:service-type=orchestrator on aws_iam_role.orchestrator_role',
    });
    expect(graph.get('aws_lambda_function.orchestrator')?.serviceType?.source).toBe('tag');
    // The EventBridge permission inherits from the tagged function and says so.
    expect(graph.get('aws_lambda_permission.events_invoke')?.serviceType).toEqual({
      type: 'orchestrator',
      source: 'inferred',
      reason: 'permission of aws_lambda_function.orchestrator (tag hybridguard:service-type=orchestrator on aws_lambda_function.orchestrator)',
    });
    expect(graph.get('aws_iam_role.scorer_task_role')?.serviceType?.type).toBe('microservice');
  });

  it('classifies a role by what uses it before its trust policy: a Lambda capacity provider\'s operator role is no function role', async () => {
    const used = await typed(join(root, 'fixtures/rules/no-gpu-in-functions/pass-capacity-provider-operator-role'));
    const operator = used.get('aws_iam_role.operator')!;
    expect(operator.serviceType).toBeUndefined();
    expect(roleConsumers(used, operator)).toEqual([
      { address: 'aws_lambda_capacity_provider.gpu', attribute: 'permissions_config.0.capacity_provider_operator_role_arn' },
    ]);
    const unused = await typed(join(root, 'fixtures/rules/no-gpu-in-functions/fail-lambda-trusted-role-unused'));
    expect(unused.get('aws_iam_role.operator')?.serviceType?.reason).toBe(
      'role assumed by lambda.amazonaws.com (trust policy); no function in the input uses it',
    );
  });

  it('types a role nobody uses from its trust policy, and a function URL from its function', async () => {
    const graph = await typed(join(root, 'fixtures/example/cdktf.out'));
    expect(graph.get('aws_iam_role.maintenance_role')?.serviceType).toEqual({
      type: 'function',
      source: 'inferred',
      reason: 'role assumed by lambda.amazonaws.com (trust policy); no function in the input uses it',
    });
    expect(graph.get('aws_lambda_function_url.predict_url')?.serviceType?.reason).toBe('function url of aws_lambda_function.predict');
    // The role's trust policy comes from a data source here: the reference is followed.
    expect(graph.get('aws_iam_role.ingest_role')?.serviceType?.type).toBe('function');
  });

  it('uses config globs after tags and before inference', async () => {
    const graph = await typed(join(root, 'fixtures/stacks/inference-platform/synth'), {
      ...EMPTY_CONFIG,
      serviceTypes: { 'aws_lambda_function.pre*': 'pipeline', 'aws_iam_role.preprocess_role': 'pipeline' },
    });
    expect(graph.get('aws_lambda_function.preprocess')?.serviceType).toEqual({
      type: 'pipeline',
      source: 'config',
      reason: 'config serviceTypes["aws_lambda_function.pre*"]=pipeline',
    });
    expect(graph.get('aws_lambda_function.invoke')?.serviceType?.source).toBe('inferred');
  });

  it('rejects an invalid tag value, naming the resource, file and line', async () => {
    const file = join(tmp, 'main.tf.json');
    writeFileSync(
      file,
      JSON.stringify(
        { resource: { aws_iam_role: { trainer: { name: 'trainer', assume_role_policy: '{}', tags: { 'hybridguard:service-type': 'lambda' } } } } },
        null,
        2,
      ),
    );
    const { graph } = await readInputs([file], { cwd: tmp });
    let error: unknown;
    try {
      assignServiceTypes(graph, EMPTY_CONFIG);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HybridguardError);
    expect((error as HybridguardError).format()).toBe(
      'main.tf.json:4: input error: aws_iam_role.trainer has tag hybridguard:service-type="lambda", which is not a service type (at ' +
        '/resource/aws_iam_role/trainer); expected one of function, orchestrator, microservice, gateway, pipeline, shared',
    );
  });
});
