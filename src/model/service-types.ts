import { HybridguardError } from '../errors.js';
import type { ProjectConfig } from './policy.js';
import { globMatch } from './glob.js';
import type { ResourceGraph } from './graph.js';
import { asList, asObject, asString, valueAt } from './graph.js';
import type { Resource, ServiceType } from './types.js';
import { SERVICE_TYPES } from './types.js';

const SERVICE_TYPE_TAG = 'hybridguard:service-type';

/**
 * Sets `serviceType` on every service resource, in the architecture's order of precedence:
 * 1. the tag `hybridguard:service-type` on the resource itself;
 * 2. the project config's `serviceTypes` (address glob -> type; first matching entry wins);
 * 3. inference: Lambda functions (and their roles, URLs, aliases, permissions), ECS services,
 *    task definitions and their task/execution roles, SageMaker model serving and its execution
 *    role, Batch job definitions, API Gateway v1/v2 resources; and last, a role nobody uses is
 *    typed by the service in its trust policy (lambda -> function, ecs-tasks -> microservice).
 * A resource typed by a rule never gets overwritten by a later, weaker one.
 */
export function assignServiceTypes(graph: ResourceGraph, config: ProjectConfig): void {
  for (const resource of graph.resources) {
    const tag = resource.tags[SERVICE_TYPE_TAG];
    if (tag === undefined) continue;
    if (!isServiceType(tag)) {
      throw new HybridguardError(
        'input',
        `${resource.address} has tag ${SERVICE_TYPE_TAG}=${JSON.stringify(tag)}, which is not a service type`,
        { file: resource.location.file, line: resource.location.line, field: resource.location.jsonPointer },
        `one of ${SERVICE_TYPES.join(', ')}`,
      );
    }
    resource.serviceType = { type: tag, source: 'tag', reason: `tag ${SERVICE_TYPE_TAG}=${tag} on ${resource.address}` };
  }

  const patterns = Object.entries(config.serviceTypes);
  if (patterns.length) {
    for (const resource of graph.resources) {
      if (resource.serviceType) continue;
      const match = patterns.find(([pattern]) => matchesAddress(pattern, resource));
      if (match) {
        const [pattern, type] = match;
        resource.serviceType = { type, source: 'config', reason: `config serviceTypes["${pattern}"]=${type}` };
      }
    }
  }

  const infer = (resource: Resource | undefined, type: ServiceType, reason: string) => {
    if (resource && !resource.serviceType) resource.serviceType = { type, source: 'inferred', reason };
  };
  /** A resource derived from a typed one keeps that type, saying which rule decided it. */
  const inherit = (resource: Resource | undefined, from: Resource, relation: string) => {
    const owner = from.serviceType;
    if (!resource || resource.serviceType || !owner) return;
    const why = owner.source === 'inferred' ? '' : ` (${owner.reason})`;
    resource.serviceType = { type: owner.type, source: 'inferred', reason: `${relation} ${from.address}${why}` };
  };

  // Lambda functions and what belongs to them.
  for (const fn of graph.ofType('aws_lambda_function')) {
    infer(fn, 'function', `aws_lambda_function ${fn.address} is a Lambda function`);
    inherit(graph.target(fn, 'role', 'aws_iam_role'), fn, 'role assumed by lambda.amazonaws.com, used by');
  }
  for (const type of [
    'aws_lambda_function_url',
    'aws_lambda_alias',
    'aws_lambda_permission',
    'aws_lambda_event_source_mapping',
    'aws_lambda_provisioned_concurrency_config',
  ]) {
    for (const resource of graph.ofType(type)) {
      const fn = graph.targets(resource, 'function_name', 'aws_lambda_function')[0];
      if (fn) inherit(resource, fn, `${type.replace('aws_lambda_', '').replace(/_/g, ' ')} of`);
    }
  }

  // ECS: a service types its task definition, which types its roles.
  for (const service of graph.ofType('aws_ecs_service')) {
    infer(service, 'microservice', `aws_ecs_service ${service.address} is a container service`);
    inherit(graph.target(service, 'task_definition', 'aws_ecs_task_definition'), service, 'task definition run by');
  }
  for (const task of graph.ofType('aws_ecs_task_definition')) {
    infer(task, 'microservice', `aws_ecs_task_definition ${task.address} is a container task`);
    inherit(graph.target(task, 'task_role_arn', 'aws_iam_role'), task, 'role assumed by ecs-tasks.amazonaws.com, task role of');
    inherit(graph.target(task, 'execution_role_arn', 'aws_iam_role'), task, 'role assumed by ecs-tasks.amazonaws.com, execution role of');
  }

  // SageMaker model serving runs containers: the model, its endpoint and its execution role.
  for (const model of graph.ofType('aws_sagemaker_model')) {
    infer(model, 'microservice', `aws_sagemaker_model ${model.address} serves a model from a container`);
    inherit(graph.target(model, 'execution_role_arn', 'aws_iam_role'), model, 'role assumed by sagemaker.amazonaws.com, execution role of');
  }
  for (const endpointConfig of graph.ofType('aws_sagemaker_endpoint_configuration')) {
    const model = graph.targets(endpointConfig, 'production_variants', 'aws_sagemaker_model')[0];
    if (model) inherit(endpointConfig, model, 'endpoint configuration serving');
  }
  for (const endpoint of graph.ofType('aws_sagemaker_endpoint')) {
    const endpointConfig = graph.target(endpoint, 'endpoint_config_name', 'aws_sagemaker_endpoint_configuration');
    if (endpointConfig) inherit(endpoint, endpointConfig, 'endpoint of');
  }

  // Batch job definitions are serverless containers for batch work.
  for (const job of graph.ofType('aws_batch_job_definition')) {
    infer(job, 'pipeline', `aws_batch_job_definition ${job.address} is a batch container job`);
    for (const role of graph.targets(job, 'container_properties', 'aws_iam_role')) inherit(role, job, 'role of batch job');
  }

  // API Gateway: every REST/HTTP/WebSocket resource is the gateway.
  for (const resource of graph.resources) {
    if (resource.mode !== 'managed' || resource.serviceType) continue;
    if (resource.type.startsWith('aws_api_gateway_') || resource.type.startsWith('aws_apigatewayv2_')) {
      infer(resource, 'gateway', `${resource.type} is part of API Gateway`);
    }
  }

  // Roles nobody above typed: what uses them decides first, their trust policy last. A role that
  // something else runs as (a Lambda capacity provider's operator role, a log destination's role)
  // is no function's or task's role, whatever service its trust policy names.
  for (const role of graph.ofType('aws_iam_role')) {
    if (role.serviceType) continue;
    if (roleConsumers(graph, role).length > 0) continue;
    const services = trustedServices(graph, role);
    if (services.includes('lambda.amazonaws.com'))
      infer(role, 'function', 'role assumed by lambda.amazonaws.com (trust policy); no function in the input uses it');
    else if (services.includes('ecs-tasks.amazonaws.com'))
      infer(role, 'microservice', 'role assumed by ecs-tasks.amazonaws.com (trust policy); no task definition in the input uses it');
  }
}

/**
 * Resources that run as `role` or hand it to a service (attributes such as `role`, `role_arn`,
 * `permissions_config.capacity_provider_operator_role_arn`), IAM's own resources and data
 * sources aside: a role with such a user is typed by that use, never by its trust policy.
 */
export function roleConsumers(graph: ResourceGraph, role: Resource): { address: string; attribute: string }[] {
  const out: { address: string; attribute: string }[] = [];
  for (const user of graph.referrers(role)) {
    if (user.mode !== 'managed' || user.type.startsWith('aws_iam_')) continue;
    for (const reference of user.references) {
      if (reference.target !== role.address && !reference.target.startsWith(`${role.address}.`)) continue;
      const last = reference.attribute.split('.').filter((p) => !/^\d+$/.test(p)).pop() ?? '';
      if (/(^|_)role(_arn|_name)?$/.test(last)) out.push({ address: user.address, attribute: reference.attribute });
    }
  }
  return out;
}

function isServiceType(value: string): value is ServiceType {
  return (SERVICE_TYPES as readonly string[]).includes(value);
}

/** A config key matches the address (with or without the `stack:` prefix) or the construct path. */
function matchesAddress(pattern: string, resource: Resource): boolean {
  if (globMatch(pattern, resource.address)) return true;
  const colon = resource.address.indexOf(':');
  if (colon > 0 && !resource.address.startsWith('module.') && globMatch(pattern, resource.address.slice(colon + 1))) return true;
  const path = resource.location.constructPath;
  return path !== undefined && globMatch(pattern, path);
}

/** Service principals allowed to assume `role`, from a literal trust policy or the policy document it references. */
function trustedServices(graph: ResourceGraph, role: Resource): string[] {
  const services: string[] = [];
  const policy = valueAt(role.values, 'assume_role_policy');
  const text = asString(policy);
  if (text !== undefined) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      doc = undefined; // unresolved `${...}` inside: fall through to the referenced document
    }
    if (doc !== undefined) {
      for (const statement of toArray((doc as { Statement?: unknown }).Statement)) {
        if (!statement || typeof statement !== 'object') continue;
        const { Effect, Principal } = statement as { Effect?: unknown; Principal?: unknown };
        if (Effect !== undefined && Effect !== 'Allow') continue;
        if (Principal && typeof Principal === 'object') {
          for (const service of toArray((Principal as { Service?: unknown }).Service)) if (typeof service === 'string') services.push(service);
        }
      }
      return services;
    }
  }
  for (const document of graph.targets(role, 'assume_role_policy', 'aws_iam_policy_document')) {
    for (const statement of asList(document.values.statement)) {
      const effect = asString(valueAt(statement, 'effect'));
      if (effect !== undefined && effect !== 'Allow') continue;
      for (const principal of asList(valueAt(statement, 'principals'))) {
        const object = asObject(principal);
        if (!object || asString(object.type) !== 'Service') continue;
        for (const id of asList(object.identifiers)) if (typeof id === 'string') services.push(id);
      }
    }
  }
  return services;
}

function toArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

