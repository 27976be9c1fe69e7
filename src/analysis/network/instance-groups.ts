import type { ResourceGraph } from '../../model/graph.js';
import { asBoolean, asList, asString, isUnknown, valueAt } from '../../model/graph.js';
import type { Resource, Value } from '../../model/types.js';
import { isAcceleratedInstanceType } from '../../model/accelerated-instances.js';
import { hop } from './collector.js';
import { linksAt, type Links } from './links.js';
import type { Hop } from './topology.js';

/**
 * Instances launched for someone else: Auto Scaling groups (launch template, mixed instances
 * policy, legacy launch configuration), EKS managed node groups and Batch compute environments
 * built on launch templates. What their instances get (public IP, security groups, instance
 * types) comes from the template; where they run comes from the group.
 */

/** How the instances of a group are launched. */
export interface LaunchSpec {
  /** The launch template or launch configuration, when in this configuration. */
  readonly template?: Resource;
  /** Why the template is not known (a literal id, a data source, a value known only after apply). */
  readonly templateUnknown?: string;
  /** Public IPv4: yes, no, the subnet decides, or unknown until apply. */
  readonly publicIpv4: boolean | 'subnet' | { readonly unknown: string };
  /** Security groups from the template (empty with no unresolved = none given there). */
  readonly groups: Links;
  /** Instance types named by the template or the group's overrides. */
  readonly instanceTypes: readonly string[];
  /** Hop for the template, placed just before the group on the path. */
  readonly hop?: Hop;
}

const SG_TYPES = ['aws_security_group', 'aws_default_security_group'];
const NO_LINKS: Links = { targets: [], unresolved: [] };

/** GPU and ML-accelerator instance types: an Auto Scaling group of these runs GPU compute, like an aws_instance of the same type. */
export const isGpuInstanceType = isAcceleratedInstanceType;

/** The launch spec of an Auto Scaling group: launch template, mixed instances policy, or launch configuration. */
export function autoscalingLaunchSpec(graph: ResourceGraph, asg: Resource): LaunchSpec {
  const overrides = asList(valueAt(asg.values, 'mixed_instances_policy.0.launch_template.0.override'))
    .map((o) => asString(valueAt(o, 'instance_type')))
    .filter((t): t is string => !!t);
  const paths: [string, string, string][] = [
    ['launch_template', 'aws_launch_template', 'launch_template'],
    ['mixed_instances_policy', 'aws_launch_template', 'mixed_instances_policy.launch_template.launch_template_specification'],
    ['launch_configuration', 'aws_launch_configuration', 'launch_configuration'],
  ];
  for (const [path, type, label] of paths) {
    const raw = valueAt(asg.values, path);
    if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) continue;
    const links = linksAt(graph, asg, path, [type]);
    const template = links.targets[0];
    if (template) return fromTemplate(graph, template, overrides, `${asg.address} launches its instances from ${template.address} (${label})`);
    return unknownTemplate(`the ${label} of ${asg.address} (${links.unresolved[0] ?? 'a value'}) is not in this configuration`, overrides);
  }
  return unknownTemplate(`${asg.address} names no launch template or launch configuration in this configuration`, overrides);
}

/** A node group's or compute environment's optional `launch_template` block. */
export function optionalLaunchTemplate(graph: ResourceGraph, owner: Resource, path: string, instanceTypes: readonly string[]): LaunchSpec | undefined {
  const raw = valueAt(owner.values, path);
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) return undefined;
  const links = linksAt(graph, owner, path, ['aws_launch_template']);
  const template = links.targets[0];
  if (template) return fromTemplate(graph, template, instanceTypes, `${owner.address} launches its instances from ${template.address} (${path})`);
  return unknownTemplate(`the ${path} of ${owner.address} (${links.unresolved[0] ?? 'a value'}) is not in this configuration`, instanceTypes);
}

function unknownTemplate(reason: string, instanceTypes: readonly string[]): LaunchSpec {
  return { templateUnknown: reason, publicIpv4: { unknown: reason }, groups: { targets: [], unresolved: [reason] }, instanceTypes };
}

function fromTemplate(graph: ResourceGraph, template: Resource, overrides: readonly string[], how: string): LaunchSpec {
  const isConfig = template.type === 'aws_launch_configuration';
  const own = asString(valueAt(template.values, 'instance_type'));
  const instanceTypes = overrides.length ? [...overrides] : own ? [own] : [];
  // A template's first network interface carries the public-IP choice and, when given, the groups.
  const ni = isConfig ? undefined : 'network_interfaces.0';
  const ipPath = isConfig ? 'associate_public_ip_address' : `${ni}.associate_public_ip_address`;
  const publicIpv4 = publicIp(template, ipPath);
  let groups = NO_LINKS;
  const groupPaths = isConfig ? ['security_groups'] : [`${ni}.security_groups`, 'vpc_security_group_ids', 'security_group_names'];
  for (const path of groupPaths) {
    const links = linksAt(graph, template, path, SG_TYPES);
    if (links.targets.length || links.unresolved.length) {
      groups = links;
      break;
    }
  }
  const gpu = instanceTypes.filter(isGpuInstanceType);
  const parts = [
    publicIpv4 === true
      ? `gives each instance a public IP (${ipPath} = true)`
      : publicIpv4 === false
      ? `gives no public IP (${ipPath} = false)`
      : publicIpv4 === 'subnet'
      ? 'leaves the public IP to the subnet (map_public_ip_on_launch)'
      : publicIpv4.unknown,
    groups.targets.length
      ? `security groups ${groups.targets.map((g) => g.address).join(', ')}`
      : groups.unresolved.length
      ? `security groups not in this configuration (${groups.unresolved.join('; ')})`
      : "no security group (the VPC's default group)",
    ...(instanceTypes.length
      ? [`instance type${instanceTypes.length > 1 ? 's' : ''} ${instanceTypes.join(', ')}${gpu.length ? ` (GPU/accelerator: ${gpu.join(', ')})` : ''}`]
      : []),
  ];
  return { template, publicIpv4, groups, instanceTypes, hop: hop(template, `${how}; ${template.address} ${parts.join('; ')}`) };
}

function publicIp(template: Resource, path: string): LaunchSpec['publicIpv4'] {
  const raw: Value | undefined = valueAt(template.values, path);
  if (raw === undefined || raw === null || raw === '' || (isUnknown(raw) && raw.unset)) return 'subnet';
  // Launch templates take the string "true"/"false" as well as booleans.
  const b = typeof raw === 'string' ? (raw === 'true' ? true : raw === 'false' ? false : undefined) : asBoolean(raw);
  if (b !== undefined) return b;
  return { unknown: `${path} of ${template.address} is ${isUnknown(raw) ? raw.reason : JSON.stringify(raw)}, known only after apply` };
}

/**
 * The instance types a resource runs (an instance, or the instances an Auto Scaling group, EKS node
 * group or Batch compute environment launches), with the attribute or template that names them.
 */
export function instanceTypesOf(graph: ResourceGraph, resource: Resource): { readonly types: readonly string[]; readonly from: string } {
  const strings = (path: string) => asList(valueAt(resource.values, path)).filter((t): t is string => typeof t === 'string');
  switch (resource.type) {
    case 'aws_instance': {
      const type = asString(valueAt(resource.values, 'instance_type'));
      return { types: type ? [type] : [], from: `${resource.address} instance_type` };
    }
    case 'aws_autoscaling_group': {
      const spec = autoscalingLaunchSpec(graph, resource);
      return {
        types: spec.instanceTypes,
        from: spec.template ? `the instances ${resource.address} launches from ${spec.template.address}` : `${resource.address} overrides`,
      };
    }
    case 'aws_eks_node_group': {
      const spec = optionalLaunchTemplate(graph, resource, 'launch_template', strings('instance_types'));
      return {
        types: spec?.instanceTypes ?? strings('instance_types'),
        from: spec?.template ? `${resource.address} instance_types / ${spec.template.address}` : `${resource.address} instance_types`,
      };
    }
    case 'aws_batch_compute_environment': {
      const spec = optionalLaunchTemplate(graph, resource, 'compute_resources.0.launch_template', strings('compute_resources.0.instance_type'));
      return { types: spec?.instanceTypes ?? strings('compute_resources.0.instance_type'), from: `${resource.address} compute_resources.instance_type` };
    }
    default:
      return { types: [], from: resource.address };
  }
}
