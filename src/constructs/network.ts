import { Construct } from 'constructs';
import { Fn, Token } from 'cdktf';
import { Vpc } from '@cdktf/provider-aws/lib/vpc/index.js';
import { Subnet } from '@cdktf/provider-aws/lib/subnet/index.js';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway/index.js';
import { Eip } from '@cdktf/provider-aws/lib/eip/index.js';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway/index.js';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table/index.js';
import { Route } from '@cdktf/provider-aws/lib/route/index.js';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association/index.js';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint/index.js';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group/index.js';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log/index.js';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones/index.js';
import { SERVICE_TYPE_TAG } from './tags.js';
import { subnetCidrs } from './cidr.js';

/** Subnet tiers: public faces the internet (NAT, allowed load balancers), private reaches out only via NAT/endpoints, isolated has no route out. */
export type SubnetTier = 'public' | 'private' | 'isolated';
export const SUBNET_TIERS: readonly SubnetTier[] = ['public', 'private', 'isolated'];
export const TIER_TAG = 'hybridguard:subnet-tier';

export interface NetworkProps {
  /** Prefix for names and the Name tag. */
  readonly name: string;
  /** IPv4 CIDR of the VPC, /16 to /24. Default `10.0.0.0/16`. */
  readonly cidr?: string;
  /** Availability zones to spread over (at least 2). Default 2. */
  readonly azCount?: number;
  /** `none`: no NAT (private tiers reach AWS only through endpoints); `single`: one NAT gateway; `per-az`: one per AZ. Default `none`. */
  readonly nat?: 'none' | 'single' | 'per-az';
  /** Public subnets for load balancers as well as NAT. Only where a policy allows public load balancers. Default false. */
  readonly publicLoadBalancers?: boolean;
  /** Gateway endpoints (free) for S3 and DynamoDB on the private and isolated route tables. Default true. */
  readonly gatewayEndpoints?: boolean;
  /**
   * Interface endpoint service suffixes (`logs`, `sts`, `ecr.api`, `ecr.dkr`, `sagemaker.runtime`, ...).
   * Default: the ones functions and Fargate tasks need without internet. `[]` turns them off.
   */
  readonly interfaceEndpoints?: readonly string[];
  /** VPC flow logs to CloudWatch Logs. Default true. */
  readonly flowLogs?: boolean | { readonly retentionDays?: number };
  /** Boundary policy ARN for the flow-logs role (every role has one). */
  readonly flowLogsBoundaryArn: string;
  readonly region: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export const DEFAULT_INTERFACE_ENDPOINTS: readonly string[] = ['ecr.api', 'ecr.dkr', 'logs', 'sagemaker.runtime', 'sqs', 'sns', 'sts'];

export interface TierSubnets {
  readonly subnets: readonly Subnet[];
  readonly routeTables: readonly RouteTable[];
}

/**
 * A VPC across at least two AZs with three subnet tiers and one route table per tier (per AZ
 * for private when NAT is per AZ), endpoints so private tiers need no internet, flow logs, and
 * the default security group closed.
 */
export class HybridNetwork extends Construct {
  readonly vpc: Vpc;
  readonly tiers: Readonly<Record<SubnetTier, TierSubnets>>;
  readonly internetGateway?: InternetGateway;
  readonly natGateways: readonly NatGateway[];
  readonly endpointSecurityGroup?: SecurityGroup;
  readonly endpoints: readonly VpcEndpoint[];
  readonly cidr: string;
  readonly azCount: number;
  readonly region: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    this.region = props.region;
    const cidr = (this.cidr = props.cidr ?? '10.0.0.0/16');
    const azCount = (this.azCount = props.azCount ?? 2);
    if (azCount < 2) throw new Error(`HybridNetwork ${props.name}: azCount must be at least 2 (got ${azCount})`);
    const nat = props.nat ?? 'none';
    const needsPublic = nat !== 'none' || props.publicLoadBalancers === true;
    const tags = (name: string, extra: Record<string, string> = {}): Record<string, string> => ({
      ...props.tags,
      Name: `${props.name}-${name}`,
      ...extra,
    });

    const zones = new DataAwsAvailabilityZones(this, 'zones', { state: 'available' });
    this.vpc = new Vpc(this, 'vpc', { cidrBlock: cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags('vpc') });

    // Nothing may use the default security group: no rules at all (denies in and out).
    new DefaultSecurityGroup(this, 'default-sg', { vpcId: this.vpc.id, tags: tags('default-closed') });

    const cidrs = subnetCidrs(cidr, azCount, SUBNET_TIERS.length);
    const makeSubnets = (tier: SubnetTier, t: number): Subnet[] =>
      Array.from({ length: azCount }, (_, a) => {
        return new Subnet(this, `${tier}-${a}`, {
          vpcId: this.vpc.id,
          cidrBlock: cidrs[t * azCount + a],
          availabilityZone: Token.asString(Fn.element(zones.names, a)),
          mapPublicIpOnLaunch: false,
          tags: tags(`${tier}-${a}`, { [TIER_TAG]: tier }),
        });
      });

    const publicSubnets = needsPublic ? makeSubnets('public', 0) : [];
    const privateSubnets = makeSubnets('private', 1);
    const isolatedSubnets = makeSubnets('isolated', 2);

    let publicTables: RouteTable[] = [];
    const natGateways: NatGateway[] = [];
    if (needsPublic) {
      this.internetGateway = new InternetGateway(this, 'igw', { vpcId: this.vpc.id, tags: tags('igw') });
      const table = new RouteTable(this, 'public-rt', { vpcId: this.vpc.id, tags: tags('public', { [TIER_TAG]: 'public' }) });
      new Route(this, 'public-default', { routeTableId: table.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: this.internetGateway.id });
      publicSubnets.forEach((s, a) => new RouteTableAssociation(this, `public-${a}-rta`, { subnetId: s.id, routeTableId: table.id }));
      publicTables = [table];
      const natCount = nat === 'per-az' ? azCount : nat === 'single' ? 1 : 0;
      for (let a = 0; a < natCount; a++) {
        const eip = new Eip(this, `nat-${a}-eip`, { domain: 'vpc', tags: tags(`nat-${a}`) });
        natGateways.push(
          new NatGateway(this, `nat-${a}`, {
            allocationId: eip.id,
            subnetId: (publicSubnets[a] as Subnet).id,
            tags: tags(`nat-${a}`),
            dependsOn: [this.internetGateway],
          }),
        );
      }
    }
    this.natGateways = natGateways;

    // Private: one table per AZ when each AZ has its own NAT (an AZ outage stays in its AZ), else one.
    const privateTableCount = nat === 'per-az' ? azCount : 1;
    const privateTables = Array.from({ length: privateTableCount }, (_, i) => {
      const table = new RouteTable(this, privateTableCount === 1 ? 'private-rt' : `private-${i}-rt`, {
        vpcId: this.vpc.id,
        tags: tags(privateTableCount === 1 ? 'private' : `private-${i}`, { [TIER_TAG]: 'private' }),
      });
      const natGateway = natGateways[nat === 'per-az' ? i : 0];
      if (natGateway) new Route(this, `${table.node.id}-nat`, { routeTableId: table.id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: natGateway.id });
      return table;
    });
    privateSubnets.forEach(
      (s, a) =>
        new RouteTableAssociation(this, `private-${a}-rta`, {
          subnetId: s.id,
          routeTableId: (privateTables[privateTableCount === 1 ? 0 : a] as RouteTable).id,
        }),
    );

    // Isolated: the local route only.
    const isolatedTable = new RouteTable(this, 'isolated-rt', { vpcId: this.vpc.id, tags: tags('isolated', { [TIER_TAG]: 'isolated' }) });
    isolatedSubnets.forEach((s, a) => new RouteTableAssociation(this, `isolated-${a}-rta`, { subnetId: s.id, routeTableId: isolatedTable.id }));

    this.tiers = {
      public: { subnets: publicSubnets, routeTables: publicTables },
      private: { subnets: privateSubnets, routeTables: privateTables },
      isolated: { subnets: isolatedSubnets, routeTables: [isolatedTable] },
    };

    const endpoints: VpcEndpoint[] = [];
    if (props.gatewayEndpoints !== false) {
      // Gateway endpoints add prefix-list routes to AWS's own S3/DynamoDB, not a route out.
      for (const service of ['s3', 'dynamodb']) {
        endpoints.push(
          new VpcEndpoint(this, `${service}-endpoint`, {
            vpcId: this.vpc.id,
            serviceName: `com.amazonaws.${props.region}.${service}`,
            vpcEndpointType: 'Gateway',
            routeTableIds: [...privateTables, isolatedTable].map((t) => t.id),
            tags: tags(`${service}-endpoint`),
          }),
        );
      }
    }
    const interfaceServices = props.interfaceEndpoints ?? DEFAULT_INTERFACE_ENDPOINTS;
    if (interfaceServices.length > 0) {
      const sg = (this.endpointSecurityGroup = new SecurityGroup(this, 'endpoints-sg', {
        name: `${props.name}-endpoints`,
        description: 'HTTPS from inside the VPC to the interface endpoints',
        vpcId: this.vpc.id,
        tags: tags('endpoints'),
      }));
      new VpcSecurityGroupIngressRule(this, 'endpoints-https-in', {
        securityGroupId: sg.id,
        cidrIpv4: cidr,
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        description: 'HTTPS from the VPC',
      });
      for (const service of interfaceServices) {
        endpoints.push(
          new VpcEndpoint(this, `${service.replace(/\./g, '-')}-endpoint`, {
            vpcId: this.vpc.id,
            serviceName: `com.amazonaws.${props.region}.${service}`,
            vpcEndpointType: 'Interface',
            privateDnsEnabled: true,
            subnetIds: privateSubnets.map((s) => s.id),
            securityGroupIds: [sg.id],
            tags: tags(`${service}-endpoint`),
          }),
        );
      }
    }
    this.endpoints = endpoints;

    if (props.flowLogs !== false) {
      const retention = typeof props.flowLogs === 'object' ? (props.flowLogs.retentionDays ?? 90) : 90;
      const group = new CloudwatchLogGroup(this, 'flow-logs', {
        name: `/hybridguard/${props.name}/vpc-flow-logs`,
        retentionInDays: retention,
        tags: tags('flow-logs'),
      });
      // Its own role, trusted only by the flow-logs service, writing only to its log group.
      const role = new IamRole(this, 'flow-logs-role', {
        name: `${props.name}-vpc-flow-logs`,
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
        permissionsBoundary: props.flowLogsBoundaryArn,
        tags: tags('vpc-flow-logs', { [SERVICE_TYPE_TAG]: 'shared' }),
      });
      new IamRolePolicy(this, 'flow-logs-policy', {
        name: 'write-flow-logs',
        role: role.id,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
              Resource: [group.arn, `${group.arn}:*`],
            },
          ],
        }),
      });
      new FlowLog(this, 'flow-log', {
        vpcId: this.vpc.id,
        trafficType: 'ALL',
        logDestinationType: 'cloud-watch-logs',
        logDestination: group.arn,
        iamRoleArn: role.arn,
        tags: tags('flow-log'),
      });
    }
  }

  /** Subnet ids of a tier (throws if the tier has none, e.g. public without NAT or public LBs). */
  subnetIds(tier: SubnetTier): string[] {
    const subnets = this.tiers[tier].subnets;
    if (subnets.length === 0) throw new Error(`the network has no ${tier} subnets (public subnets exist only with NAT or publicLoadBalancers)`);
    return subnets.map((s) => s.id);
  }
}
