import type { Evidence, FindingDraft } from '../../model/findings.js';
import type { Facts } from '../types.js';
import type { Resource } from '../../model/types.js';
import type { Check } from '../types.js';
import { instanceTypesOf } from '../../analysis/network/instance-groups.js';
import { isAcceleratedInstanceType } from '../../model/accelerated-instances.js';
import { selects, serviceTypeOf, typeEvidence, typeFields } from './shared.js';

/** Resources that run a service's code in subnets. */
const SERVICE_TYPES_IN_VPC = [
  'aws_ecs_service',
  'aws_lambda_function',
  'aws_instance',
  'aws_sagemaker_notebook_instance',
  'aws_eks_node_group',
  'aws_batch_compute_environment',
  'aws_autoscaling_group',
];

/**
 * Services that hold sensitive capabilities (model registry, persistent storage), and the
 * listed service types in general (microservices), run in private or isolated subnets, never in
 * a subnet with a route to an internet gateway: one security group change away from the internet.
 */
export const sensitiveServicesPrivate: Check = {
  name: 'sensitive-services-private',
  description: 'Services with sensitive capabilities, and microservices in general, sit in private or isolated subnets.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      capabilities: {
        type: 'array',
        items: { type: 'string', description: 'A capability name (model-registry, persistent-storage, ...).' },
        description:
          'A service whose role holds any of these capabilities must sit in private or isolated subnets (gpu-compute: also a service running GPU/accelerator ' +
            'instance types). Default [model-registry, persistent-storage].',
      },
      serviceTypes: {
        type: 'array',
        items: { enum: ['function', 'orchestrator', 'microservice', 'gateway', 'pipeline', 'shared'], description: 'A service type.' },
        description: 'Service types that must sit in private or isolated subnets whatever they hold. Default [microservice].',
      },
    },
  },
  validate(params, context) {
    const names = Array.isArray(params.capabilities) ? params.capabilities : [];
    return names.flatMap((name, i) =>
      typeof name === 'string' && !context.capabilityNames.has(name) ? [{ field: `capabilities/${i}`, message: `capability ${name} is not defined` }] : [],
    );
  },
  run(facts, policy) {
    const capabilities = (policy.params.capabilities as readonly string[] | undefined) ?? ['model-registry', 'persistent-storage'];
    const alwaysTypes = (policy.params.serviceTypes as readonly string[] | undefined) ?? ['microservice'];
    const network = facts.network();
    const roles = rolesByUser(facts);
    const out: FindingDraft[] = [];
    for (const type of SERVICE_TYPES_IN_VPC) {
      for (const resource of facts.graph.ofType(type)) {
        const assignment = serviceTypeOf(facts, resource);
        if (!selects(policy, assignment?.type)) continue;
        const why: Evidence[] = [];
        let reason: string | undefined;
        if (assignment && alwaysTypes.includes(assignment.type)) {
          reason = `it is a ${assignment.type}`;
          why.push(...typeEvidence(resource.address, assignment));
        }
        const held = capabilities.length ? heldCapabilities(facts, roles, resource, capabilities) : [];
        if (held.length) {
          reason = reason ? `${reason} and holds ${held.map((h) => h.capability).join(', ')}` : `it holds ${held.map((h) => h.capability).join(', ')}`;
          why.push(...held.flatMap((h) => h.evidence));
        }
        if (!reason) continue;
        const placement = network.placement(resource);
        if (!placement.inVpc) continue; // not in any subnet (a Lambda function outside a VPC is not network-reachable)
        const publicSubnets = placement.subnets.filter((_, i) => placement.tiers[i] === 'public');
        const unknown = placement.subnets.filter((_, i) => placement.tiers[i] === 'unknown');
        const subnetEvidence = (subnets: readonly string[], what: string): Evidence[] =>
          subnets.map((s) => ({
            kind: 'path-hop',
            message: `${resource.address} runs in ${s}, ${what}`,
            location: facts.graph.get(s)?.location ?? resource.location,
            data: { subnet: s },
          }));
        if (publicSubnets.length) {
          out.push({
            ...typeFields(assignment),
            location: resource.location,
            subject: 'public',
            message: `${resource.address} runs in public subnet${publicSubnets.length > 1 ? 's' : ''} ${publicSubnets.join(
              ', ',
            )} (a route to an internet gateway), but ${reason}: it belongs in private or isolated subnets`,
            evidence: [...subnetEvidence(publicSubnets, 'a public subnet (its route table routes to an internet gateway)'), ...why],
          });
        } else if (unknown.length || placement.unresolved.length) {
          const what = [...unknown, ...placement.unresolved];
          out.push({
            ...typeFields(assignment),
            location: resource.location,
            subject: 'unknown',
            undecided: true,
            message: `${
              resource.address
            } must sit in private or isolated subnets because ${reason}, but the tier of its subnets cannot be decided before apply: ${what.join('; ')}`,
            evidence: [
              ...subnetEvidence(unknown, 'whose route table is not known'),
              ...placement.unresolved.map((u) => ({ kind: 'attribute', message: `subnet ${u}`, location: resource.location })),
              ...why,
            ],
          });
        }
      }
    }
    return out;
  },
};

interface Held {
  readonly capability: string;
  readonly evidence: readonly Evidence[];
}

/** Roles by the address of what uses them (task definitions, functions, instance profiles); execution roles excluded. */
function rolesByUser(facts: Facts): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const principal of facts.iam().principals) {
    for (const user of principal.usedBy) {
      if (user.attribute === 'execution_role_arn') continue; // pulls images and writes logs, not the service's own rights
      const list = map.get(user.address);
      if (list) list.push(principal.address);
      else map.set(user.address, [principal.address]);
    }
  }
  return map;
}

/** The capability that instances of GPU/accelerator types are: they run GPU compute whatever their role holds. */
const GPU_COMPUTE = 'gpu-compute';

/**
 * Capabilities the service holds: its own role's (outright or conditionally), via the IAM analysis;
 * and gpu-compute when it runs accelerated instance types (an instance, Auto Scaling group, node
 * group or compute environment of p*, g*, inf*, trn*, dl* ... instances).
 */
function heldCapabilities(facts: Facts, roles: Map<string, string[]>, resource: Resource, capabilities: readonly string[]): Held[] {
  const held = roleCapabilities(facts, roles, resource, capabilities);
  if (capabilities.includes(GPU_COMPUTE) && !held.some((h) => h.capability === GPU_COMPUTE)) {
    const { types, from } = instanceTypesOf(facts.graph, resource);
    const gpu = types.filter(isAcceleratedInstanceType);
    if (gpu.length)
      held.push({
        capability: GPU_COMPUTE,
        evidence: [
          {
            kind: 'attribute',
            message: `${resource.address} runs GPU/accelerator instances (${gpu.join(', ')}, from ${from}): it is ${GPU_COMPUTE}`,
            location: resource.location,
          },
        ],
      });
  }
  return held;
}

/** Capabilities the service's own role holds (outright or conditionally), via the IAM analysis. */
function roleCapabilities(facts: Facts, roles: Map<string, string[]>, resource: Resource, capabilities: readonly string[]): Held[] {
  const users = [resource.address];
  if (resource.type === 'aws_ecs_service') users.push(...facts.graph.targets(resource, 'task_definition', 'aws_ecs_task_definition').map((t) => t.address));
  if (resource.type === 'aws_instance') users.push(...facts.graph.targets(resource, 'iam_instance_profile', 'aws_iam_instance_profile').map((t) => t.address));
  const iam = facts.iam();
  const held: Held[] = [];
  for (const capability of capabilities) {
    for (const roleAddress of new Set(users.flatMap((u) => roles.get(u) ?? []))) {
      const principal = iam.principal(roleAddress);
      if (!principal) continue;
      const grants = iam.capabilityGrants(principal, capability);
      if (grants.actions.length === 0) continue;
      held.push({
        capability,
        evidence: [
          {
            kind: 'capability',
            message: `${roleAddress} holds ${capability} (${grants.actions.slice(0, 5).join(', ')}${grants.actions.length > 5 ? ', ...' : ''})`,
            location: principal.resource.location,
          },
          ...grants.evidence.slice(0, 3),
        ],
      });
      break;
    }
  }
  return held;
}
