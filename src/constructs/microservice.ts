import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster/index.js';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service/index.js';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition/index.js';
import { Lb } from '@cdktf/provider-aws/lib/lb/index.js';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener/index.js';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group/index.js';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule/index.js';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js';
import type { HybridNetwork } from './network.js';
import type { PermissionBoundaries } from './roles.js';
import { ServiceRole } from './roles.js';
import { grantStatements, type Grant, type GrantTargets, type Statement } from './grants.js';
import { SERVICE_TAG, SERVICE_TYPE_TAG } from './tags.js';

export interface HybridMicroserviceProps {
  readonly service: string;
  readonly prefix: string;
  readonly network: HybridNetwork;
  readonly cluster: EcsCluster;
  /** `private` (default) or `isolated` (sensitive services: endpoints only). */
  readonly tier?: 'private' | 'isolated';
  /** Image URI, and the ECR repository ARN it is pulled from (the execution role may pull only that one). */
  readonly image: { readonly uri: string; readonly repositoryArn: string };
  readonly containerPort: number;
  readonly cpu?: number;
  readonly memory?: number;
  readonly desiredCount?: number;
  readonly healthCheckPath?: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly grants: readonly Grant[];
  readonly targets: GrantTargets;
  readonly boundaries: PermissionBoundaries;
  readonly logRetentionDays?: number;
  readonly tags?: Readonly<Record<string, string>>;
}

/** A Fargate service in private subnets behind an internal ALB, with a task role and an execution role. */
export class HybridMicroservice extends Construct {
  readonly service: string;
  readonly loadBalancer: Lb;
  readonly listener: LbListener;
  readonly loadBalancerSecurityGroup: SecurityGroup;
  readonly serviceSecurityGroup: SecurityGroup;
  readonly taskRole: ServiceRole;
  readonly executionRole: ServiceRole;
  readonly ecsService: EcsService;
  readonly taskDefinition: EcsTaskDefinition;
  readonly listenerPort = 80;
  private readonly tags: Record<string, string>;

  constructor(scope: Construct, id: string, props: HybridMicroserviceProps) {
    super(scope, id);
    this.service = props.service;
    const name = `${props.prefix}-${props.service}`;
    if (name.length > 32) throw new Error(`microservice name "${name}" is longer than the 32 characters a load balancer name allows`);
    const tags = (this.tags = { ...props.tags, [SERVICE_TAG]: props.service, [SERVICE_TYPE_TAG]: 'microservice' });
    const subnets = props.network.subnetIds(props.tier ?? 'private');

    const logGroup = new CloudwatchLogGroup(this, 'logs', { name: `/ecs/${name}`, retentionInDays: props.logRetentionDays ?? 30, tags });

    this.loadBalancerSecurityGroup = new SecurityGroup(this, 'alb-sg', {
      name: `${name}-alb`,
      description: `${props.service}: internal load balancer; inbound only from declared callers`,
      vpcId: props.network.vpc.id,
      tags: { ...tags, Name: `${name}-alb` },
    });
    this.serviceSecurityGroup = new SecurityGroup(this, 'task-sg', {
      name: `${name}-task`,
      description: `${props.service}: tasks; inbound only from its load balancer`,
      vpcId: props.network.vpc.id,
      tags: { ...tags, Name: `${name}-task` },
    });
    new VpcSecurityGroupEgressRule(this, 'alb-to-task', {
      securityGroupId: this.loadBalancerSecurityGroup.id,
      referencedSecurityGroupId: this.serviceSecurityGroup.id,
      ipProtocol: 'tcp',
      fromPort: props.containerPort,
      toPort: props.containerPort,
      description: 'to the tasks',
    });
    new VpcSecurityGroupIngressRule(this, 'task-from-alb', {
      securityGroupId: this.serviceSecurityGroup.id,
      referencedSecurityGroupId: this.loadBalancerSecurityGroup.id,
      ipProtocol: 'tcp',
      fromPort: props.containerPort,
      toPort: props.containerPort,
      description: 'from the load balancer',
    });
    new VpcSecurityGroupEgressRule(this, 'task-https-out', {
      securityGroupId: this.serviceSecurityGroup.id,
      cidrIpv4: '0.0.0.0/0',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: 'HTTPS to AWS APIs (ECR, logs, model artifacts)',
    });

    this.loadBalancer = new Lb(this, 'alb', {
      name,
      internal: true,
      loadBalancerType: 'application',
      subnets,
      securityGroups: [this.loadBalancerSecurityGroup.id],
      dropInvalidHeaderFields: true,
      tags,
    });
    const targetGroup = new LbTargetGroup(this, 'tg', {
      name,
      port: props.containerPort,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: props.network.vpc.id,
      healthCheck: { path: props.healthCheckPath ?? '/health', matcher: '200' },
      tags,
    });
    this.listener = new LbListener(this, 'listener', {
      loadBalancerArn: this.loadBalancer.arn,
      port: this.listenerPort,
      protocol: 'HTTP',
      defaultAction: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
      tags,
    });

    const taskStatements: Statement[] = grantStatements(props.grants, props.targets);
    this.taskRole = new ServiceRole(this, 'task-role', {
      roleName: `${name}-task`,
      service: props.service,
      serviceType: 'microservice',
      boundaryArn: props.boundaries.arnFor('microservice'),
      statements: taskStatements,
      tags: props.tags ?? {},
    });
    // The execution role is ECS's: pull this service's image, write this service's logs.
    this.executionRole = new ServiceRole(this, 'execution-role', {
      roleName: `${name}-exec`,
      service: props.service,
      serviceType: 'microservice',
      boundaryArn: props.boundaries.arnFor('microservice'),
      statements: [
        // GetAuthorizationToken is account-wide: it has no resource type to scope to.
        { Sid: 'EcrLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
        {
          Sid: 'PullOwnImage',
          Effect: 'Allow',
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          Resource: props.image.repositoryArn,
        },
        { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${logGroup.arn}:*` },
      ],
      tags: props.tags ?? {},
    });

    this.taskDefinition = new EcsTaskDefinition(this, 'task', {
      family: name,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(props.cpu ?? 512),
      memory: String(props.memory ?? 1024),
      taskRoleArn: this.taskRole.arn,
      executionRoleArn: this.executionRole.arn,
      containerDefinitions: JSON.stringify([
        {
          name: props.service,
          image: props.image.uri,
          essential: true,
          readonlyRootFilesystem: true,
          portMappings: [{ containerPort: props.containerPort, protocol: 'tcp' }],
          environment: Object.entries(props.environment ?? {})
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, v]) => ({ name: k, value: v })),
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': logGroup.name, 'awslogs-region': props.network.region, 'awslogs-stream-prefix': props.service },
          },
        },
      ]),
      tags,
    });

    this.ecsService = new EcsService(this, 'service', {
      name,
      cluster: props.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.desiredCount ?? 2,
      launchType: 'FARGATE',
      networkConfiguration: { subnets, securityGroups: [this.serviceSecurityGroup.id], assignPublicIp: false },
      loadBalancer: [{ targetGroupArn: targetGroup.arn, containerName: props.service, containerPort: props.containerPort }],
      propagateTags: 'SERVICE',
      tags,
      dependsOn: [this.listener],
    });
  }

  /** Let `source` (a security group) reach the load balancer's listener. */
  allowFrom(source: SecurityGroup, id: string): void {
    new VpcSecurityGroupIngressRule(this, `alb-from-${id}`, {
      securityGroupId: this.loadBalancerSecurityGroup.id,
      referencedSecurityGroupId: source.id,
      ipProtocol: 'tcp',
      fromPort: this.listenerPort,
      toPort: this.listenerPort,
      description: `from ${id}`,
      tags: this.tags,
    });
  }
}
