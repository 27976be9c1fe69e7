import type { ResourceGraph } from '../../model/graph.js';
import { asString, valueAt } from '../../model/graph.js';
import type { Resource } from '../../model/types.js';
import { cidrContains, classifyCidr, type CidrScope } from './cidr.js';
import { linksAt } from './links.js';

export type Family = 'ipv4' | 'ipv6';

/** Stands for the default VPC (and its default subnets) when resources are launched without a subnet. */
export const DEFAULT_VPC = '(default VPC)';

/** The VPCs of the configuration: which VPC a resource belongs to, and the VPCs' own address ranges. */
export class Vpcs {
  private readonly byAddress = new Map<string, Resource>();
  /** The managed `aws_default_vpc`, when the configuration declares it. */
  readonly defaultVpc: Resource | undefined;
  /** VPC address -> its IPv4 ranges (primary and aws_vpc_ipv4_cidr_block_association), where literal. */
  private readonly ranges = new Map<string, string[]>();

  constructor(private readonly graph: ResourceGraph) {
    for (const vpc of [...graph.ofType('aws_vpc'), ...graph.ofType('aws_default_vpc')]) {
      this.byAddress.set(vpc.address, vpc);
      const cidr = asString(valueAt(vpc.values, 'cidr_block')) ?? (vpc.type === 'aws_default_vpc' ? '172.31.0.0/16' : undefined);
      if (cidr && !cidr.includes('${')) this.ranges.set(vpc.address, [cidr]);
    }
    for (const assoc of graph.ofType('aws_vpc_ipv4_cidr_block_association')) {
      const vpc = this.vpcOf(assoc);
      const cidr = asString(valueAt(assoc.values, 'cidr_block'));
      if (!vpc || !cidr || cidr.includes('${')) continue;
      const list = this.ranges.get(vpc);
      if (list) list.push(cidr);
      else this.ranges.set(vpc, [cidr]);
    }
    this.defaultVpc = graph.ofType('aws_default_vpc')[0];
  }

  get(address: string): Resource | undefined {
    return this.byAddress.get(address);
  }

  /** The VPC a `vpc_id`-style attribute of the resource names. */
  vpcOf(resource: Resource, attribute = 'vpc_id'): string | undefined {
    const link = linksAt(this.graph, resource, attribute, ['aws_vpc', 'aws_default_vpc']).targets[0];
    return link?.address;
  }

  /** The VPC's own IPv4 ranges (primary and associated blocks) where literal. */
  rangesOf(vpc: string | undefined): readonly string[] {
    return (vpc && this.ranges.get(vpc)) || [];
  }

  /**
   * Who a CIDR lets in from the internet, for traffic arriving in `vpc` through its internet
   * gateway: addresses inside the VPC's own ranges cannot arrive that way, so a public-looking
   * CIDR wholly inside them is `private` there.
   */
  internetScope(cidr: string, vpc: string | undefined): CidrScope {
    const scope = classifyCidr(cidr);
    if (scope !== 'public') return scope;
    return this.rangesOf(vpc).some((range) => cidrContains(range, cidr)) ? 'private' : 'public';
  }

  /** Stands for the default VPC when the configuration does not declare it (resources launched without a subnet). */
  pseudoDefaultVpc(): Resource {
    return {
      address: DEFAULT_VPC,
      mode: 'managed',
      type: 'aws_default_vpc',
      name: 'default',
      modulePath: '',
      values: {},
      references: [],
      tags: {},
      location: { file: this.graph.files[0]?.path ?? '' },
    };
  }
}
