import { Construct } from 'constructs';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function/index.js';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule/index.js';
import type { HybridNetwork } from './network.js';
import type { PermissionBoundaries } from './roles.js';
import { ServiceRole } from './roles.js';
import { grantStatements, type Grant, type GrantTargets, type Statement } from './grants.js';
import { SERVICE_TAG, SERVICE_TYPE_TAG, SOURCE_TAG } from './tags.js';
import { suppress } from './suppressions.js';

/** ENI actions that could take resource ARNs but that Lambda requires on "*" (suppressed with that reason). */
const ENI_SCOPED_ACTIONS = ['ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:UnassignPrivateIpAddresses'];

export type FunctionServiceType = 'function' | 'orchestrator' | 'pipeline';

export interface HybridFunctionProps {
  /** Service name; the function is `<prefix>-<service>`. */
  readonly service: string;
  readonly prefix: string;
  readonly serviceType: FunctionServiceType;
  readonly network: HybridNetwork;
  /** `private` (default) or `isolated` for sensitive functions (no route out; endpoints only). */
  readonly tier?: 'private' | 'isolated';
  /** Absolute path of the folder zipped as the deployment package. */
  readonly codeDir: string;
  /** Handler source file relative to the project root (the `hybridguard:source` tag). */
  readonly source: string;
  /** `index.handler` */
  readonly handler: string;
  readonly runtime?: string;
  readonly memorySize?: number;
  readonly timeout?: number;
  readonly environment?: Readonly<Record<string, string>>;
  readonly grants: readonly Grant[];
  readonly targets: GrantTargets;
  readonly boundaries: PermissionBoundaries;
  readonly logRetentionDays?: number;
  readonly tags?: Readonly<Record<string, string>>;
}

/** A Lambda function in private subnets with its own role, security group and log group. */
export class HybridFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: ServiceRole;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;
  readonly service: string;
  readonly serviceType: FunctionServiceType;

  constructor(scope: Construct, id: string, props: HybridFunctionProps) {
    super(scope, id);
    this.service = props.service;
    this.serviceType = props.serviceType;
    const functionName = `${props.prefix}-${props.service}`;
    const tags = { ...props.tags, [SERVICE_TAG]: props.service, [SERVICE_TYPE_TAG]: props.serviceType };

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: props.logRetentionDays ?? 30,
      tags,
    });

    this.securityGroup = new SecurityGroup(this, 'sg', {
      name: `${functionName}-fn`,
      description: `${props.service}: no inbound; HTTPS out to AWS endpoints`,
      vpcId: props.network.vpc.id,
      tags: { ...tags, Name: `${functionName}-fn` },
    });
    // Outbound HTTPS only: to interface endpoints (and through NAT where the network has one).
    new VpcSecurityGroupEgressRule(this, 'https-out', {
      securityGroupId: this.securityGroup.id,
      cidrIpv4: '0.0.0.0/0',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: 'HTTPS to AWS APIs',
    });

    const statements: Statement[] = [
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `${this.logGroup.arn}:*`,
      },
      {
        // Lambda creates the function's ENIs in the VPC with the role's rights; these EC2 actions
        // take no resource-level scoping for Describe, so the statement is limited to them.
        Sid: 'ManageVpcEnis',
        Effect: 'Allow',
        Action: ['ec2:DescribeNetworkInterfaces', ...ENI_SCOPED_ACTIONS],
        Resource: '*',
      },
      {
        // X-Ray actions have no resource types: "*" is the only possible scope.
        Sid: 'WriteTraces',
        Effect: 'Allow',
        Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        Resource: '*',
      },
      ...grantStatements(props.grants, props.targets),
    ];
    this.role = new ServiceRole(this, 'role', {
      roleName: `${functionName}-fn`,
      service: props.service,
      serviceType: props.serviceType,
      boundaryArn: props.boundaries.arnFor(props.serviceType),
      statements,
      tags: props.tags ?? {},
    });
    suppress(this.role.role, {
      rule: 'no-data-actions-on-wildcard-resource',
      subject: 'statement ManageVpcEnis',
      reason:
        'Lambda checks the execution role for VPC ENI rights on Resource "*" when it creates a function in a VPC (AWS managed policy ' +
          'AWSLambdaVPCAccessExecutionRole does the same)',
      owner: 'hybridguard constructs',
    });

    const asset = new TerraformAsset(this, 'code', { path: props.codeDir, type: AssetType.ARCHIVE });
    this.function = new LambdaFunction(this, 'function', {
      functionName,
      role: this.role.arn,
      handler: props.handler,
      runtime: props.runtime ?? 'nodejs20.x',
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? 30,
      filename: asset.path,
      sourceCodeHash: Fn.filebase64sha256(asset.path),
      vpcConfig: {
        subnetIds: props.network.subnetIds(props.tier ?? 'private'),
        securityGroupIds: [this.securityGroup.id],
      },
      ...(props.environment && Object.keys(props.environment).length > 0 ? { environment: { variables: { ...props.environment } } } : {}),
      tracingConfig: { mode: 'Active' },
      tags: { ...tags, [SOURCE_TAG]: props.source },
      // The log group must exist first or Lambda creates an unmanaged one without retention.
      dependsOn: [this.logGroup, ...(this.role.policy ? [this.role.policy] : [])],
    });
  }

  get functionName(): string {
    return this.function.functionName;
  }
}
