import type { Evidence, FindingDraft } from '../../model/findings.js';
import type { Facts } from '../types.js';
import type { Resource, ServiceType, ServiceTypeAssignment } from '../../model/types.js';
import type { Policy } from '../../model/policy.js';
import type { Exposure } from '../../analysis/network/index.js';

/**
 * The service type of a resource: its own, else that of what it runs (an ECS service's task
 * definition), so a service tagged on its task definition is still recognised.
 */
export function serviceTypeOf(facts: Facts, resource: Resource | undefined): ServiceTypeAssignment | undefined {
  if (!resource) return undefined;
  if (resource.serviceType) return resource.serviceType;
  if (resource.type === 'aws_ecs_service') {
    for (const td of facts.graph.targets(resource, 'task_definition', 'aws_ecs_task_definition')) if (td.serviceType) return td.serviceType;
  }
  return undefined;
}

/** True if the policy selects this service type (an empty list selects everything). */
export function selects(policy: Policy, type: ServiceType | undefined): boolean {
  return policy.serviceTypes.length === 0 || (type !== undefined && policy.serviceTypes.includes(type));
}

export function typeFields(assignment: ServiceTypeAssignment | undefined): Pick<FindingDraft, 'serviceType' | 'serviceTypeReason'> {
  return assignment ? { serviceType: assignment.type, serviceTypeReason: assignment.reason } : {};
}

export function typeEvidence(address: string, assignment: ServiceTypeAssignment | undefined): Evidence[] {
  if (!assignment) return [];
  return [
    {
      kind: 'service-type',
      message: `${address} is a ${assignment.type} (${assignment.source}: ${assignment.reason})`,
      data: { type: assignment.type, source: assignment.source },
    },
  ];
}

/** A resource's location, or the exposure's. */
export function locationOf(facts: Facts, exposure: Exposure): Resource['location'] {
  return facts.graph.get(exposure.address)?.location ?? exposure.location;
}

export const MECHANISM_TEXT: Readonly<Record<string, string>> = {
  network: 'through an internet gateway, a public subnet and its security groups',
  'load-balancer': 'through an internet-facing load balancer',
  'function-url': 'through a function URL that needs no authentication',
  'resource-policy': 'through a resource policy that lets any principal in',
  'trust-policy': 'through a trust policy that lets any AWS account assume it',
  'bucket-acl': 'through a public ACL',
  'public-endpoint': 'through an AWS-managed public endpoint',
  'direct-internet-access': 'through SageMaker direct internet access',
  'gateway-integration': 'through an API Gateway integration',
  gateway: 'as an API Gateway API',
};
