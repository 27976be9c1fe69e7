import { dirname, resolve } from 'node:path';
import type { Construct, IConstruct } from 'constructs';
import { App, Aspects, TerraformOutput, TerraformResource, TerraformStack, type AppConfig } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table/index.js';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository/index.js';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster/index.js';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js';
import {
  S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration,
} from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue/index.js';
import type { PolicyPack } from './boundary.js';
import { HybridFunction, type FunctionServiceType } from './function.js';
import { HybridGateway, type RouteAuthorization } from './gateway.js';
import { grantStatements, type Grant, type GrantTargets } from './grants.js';
import { checkSynthesized, loadPolicyPack, type SynthCheck, type SynthCheckOptions } from './linter.js';
import { HybridMicroservice } from './microservice.js';
import { HybridNetwork } from './network.js';
import { PermissionBoundaries, ServiceRole } from './roles.js';
import { suppress, type ConstructSuppression } from './suppressions.js';

/** The small typed config a platform team edits (see `hybridguard.app.config.ts`). */
export interface PlatformConfig {
  /** Prefix of every name (`hg-baseline`); keep it short (load balancer names hold 32 characters). */
  readonly name: string;
  readonly network: {
    readonly cidr: string;
    readonly azCount?: number;
    readonly nat?: 'none' | 'single' | 'per-az';
    readonly interfaceEndpoints?: readonly string[];
  };
  /** Data stores the platform creates; grants name them. */
  readonly data?: {
    readonly buckets?: readonly string[];
    readonly queues?: readonly string[];
    readonly topics?: readonly string[];
    readonly tables?: readonly { readonly name: string; readonly hashKey: string }[];
  };
  /** Roles SageMaker training jobs run as (orchestrators may pass exactly these). */
  readonly trainingRoles?: readonly { readonly name: string; readonly grants: readonly Grant[] }[];
  readonly functions: readonly FunctionConfig[];
  readonly microservices?: readonly MicroserviceConfig[];
  readonly gateway?: {
    readonly routes: readonly { readonly route: string; readonly to: string; readonly authorization?: RouteAuthorization }[];
  };
  readonly tags?: Readonly<Record<string, string>>;
}

export interface FunctionConfig {
  readonly name: string;
  readonly type: FunctionServiceType;
  /** Handler file relative to the project root (`app/functions/ingest/index.mjs`); its folder is the package. */
  readonly source: string;
  readonly handler?: string;
  readonly tier?: 'private' | 'isolated';
  readonly grants: readonly Grant[];
  readonly memorySize?: number;
  readonly timeout?: number;
  readonly environment?: Readonly<Record<string, string>>;
  readonly suppressions?: readonly ConstructSuppression[];
}

export interface MicroserviceConfig {
  readonly name: string;
  readonly port: number;
  readonly imageTag: string;
  readonly tier?: 'private' | 'isolated';
  readonly grants: readonly Grant[];
  readonly cpu?: number;
  readonly memory?: number;
  readonly desiredCount?: number;
  readonly environment?: Readonly<Record<string, string>>;
  readonly suppressions?: readonly ConstructSuppression[];
}

/**
 * Switches for parts some environments cannot run. All on by default; the deploy test against
 * moto documents which ones it turns off and why.
 */
export interface PlatformFeatures {
  readonly flowLogs?: boolean;
  readonly gatewayEndpoints?: boolean;
  /** Override the network's interface endpoints (`[]`: none). */
  readonly interfaceEndpoints?: readonly string[];
  /** Attributes Terraform should not diff, by resource type (for emulators that do not return them). */
  readonly ignoreChanges?: Readonly<Record<string, readonly string[]>>;
}

/**
 * What moto 5.2 cannot round-trip, so Terraform would plan a change forever: ECS DescribeServices
 * omits `availabilityZoneRebalancing`, and DescribeSecurityGroupRules omits rule descriptions.
 * Everything else of the baseline (flow logs, gateway and interface endpoints, NAT, ECS behind
 * an internal ALB, VPC links, HTTP API routes) deploys and reads back as declared.
 */
export const MOTO_FEATURES: PlatformFeatures = {
  ignoreChanges: {
    aws_ecs_service: ['availability_zone_rebalancing'],
    aws_vpc_security_group_ingress_rule: ['description'],
    aws_vpc_security_group_egress_rule: ['description'],
  },
};

export interface HybridPlatformProps {
  readonly config: PlatformConfig;
  readonly region: string;
  /** Project root: handler sources and the policy pack's config are resolved from it. */
  readonly projectRoot: string;
  /** Capabilities and policies for the boundaries; default: the linter's pack for `projectRoot`. */
  readonly pack?: PolicyPack;
  readonly features?: PlatformFeatures;
}

const partitionOf = (region: string): string => (region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');

/** The whole baseline from a `PlatformConfig`: network, boundaries, data stores, services, gateway. */
export class HybridPlatform extends TerraformStack {
  readonly network: HybridNetwork;
  readonly boundaries: PermissionBoundaries;
  readonly functions: ReadonlyMap<string, HybridFunction>;
  readonly microservices: ReadonlyMap<string, HybridMicroservice>;
  readonly trainingRoles: ReadonlyMap<string, ServiceRole>;
  readonly gateway?: HybridGateway;
  readonly targets: GrantTargets;

  constructor(scope: Construct, id: string, props: HybridPlatformProps) {
    super(scope, id);
    const { config, region } = props;
    const prefix = config.name;
    const tags = { ...config.tags, 'hybridguard:platform': prefix };
    const features = props.features ?? {};
    const pack = props.pack ?? loadPolicyPack({ cwd: props.projectRoot });
    checkNames(config);

    new AwsProvider(this, 'aws', { region });
    const identity = new DataAwsCallerIdentity(this, 'identity');
    const partition = partitionOf(region);
    const account = identity.accountId;

    this.boundaries = new PermissionBoundaries(this, 'boundaries', { name: prefix, pack, tags });
    this.network = new HybridNetwork(this, 'network', {
      name: prefix,
      region,
      cidr: config.network.cidr,
      azCount: config.network.azCount ?? 2,
      nat: config.network.nat ?? 'none',
      flowLogs: features.flowLogs ?? true,
      gatewayEndpoints: features.gatewayEndpoints ?? true,
      ...(features.interfaceEndpoints ?? config.network.interfaceEndpoints
        ? { interfaceEndpoints: features.interfaceEndpoints ?? config.network.interfaceEndpoints }
        : {}),
      flowLogsBoundaryArn: this.boundaries.arnFor('shared'),
      tags,
    });

    // Data stores: literal names, so grants resolve to exact ARNs the linter can read before apply.
    const buckets = new Map<string, S3Bucket>();
    for (const name of config.data?.buckets ?? []) {
      const bucket = new S3Bucket(this, `bucket-${name}`, { bucket: `${prefix}-${name}`, tags });
      new S3BucketPublicAccessBlock(this, `bucket-${name}-no-public`, {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      new S3BucketServerSideEncryptionConfiguration(this, `bucket-${name}-sse`, {
        bucket: bucket.id,
        rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' } }],
      });
      buckets.set(name, bucket);
    }
    const queues = new Map(
      (config.data?.queues ?? []).map((name) => [name, new SqsQueue(this, `queue-${name}`, { name: `${prefix}-${name}`, sqsManagedSseEnabled: true, tags })]),
    );
    const topics = new Map((config.data?.topics ?? []).map((name) => [name, new SnsTopic(this, `topic-${name}`, { name: `${prefix}-${name}`, tags })]));
    const tables = new Map(
      (config.data?.tables ?? []).map((t) => [
        t.name,
        new DynamodbTable(this, `table-${t.name}`, {
          name: `${prefix}-${t.name}`,
          billingMode: 'PAY_PER_REQUEST',
          hashKey: t.hashKey,
          attribute: [{ name: t.hashKey, type: 'S' }],
          serverSideEncryption: { enabled: true },
          pointInTimeRecovery: { enabled: true },
          tags,
        }),
      ]),
    );
    const trainingRoles = new Map<string, ServiceRole>();

    const regional = (service: string, resource: string): string => `arn:${partition}:${service}:${region}:${account}:${resource}`;
    // Names the stack creates resolve to its resources; anything else is taken as an existing
    // resource of this account and region, by name.
    const targets: GrantTargets = (this.targets = {
      partition,
      bucketArn: (name) => (buckets.has(name) ? `arn:${partition}:s3:::${prefix}-${name}` : `arn:${partition}:s3:::${name}`),
      topicArn: (name) => topics.get(name)?.arn ?? regional('sns', name),
      queueArn: (name) => queues.get(name)?.arn ?? regional('sqs', name),
      tableArn: (name) => tables.get(name)?.arn ?? regional('dynamodb', `table/${name}`),
      endpointArn: (name) => regional('sagemaker', `endpoint/${name.toLowerCase()}`),
      trainingJobArn: (jobPrefix) => regional('sagemaker', `training-job/${jobPrefix.toLowerCase()}*`),
      roleArn: (name) => trainingRoles.get(name)?.arn ?? `arn:${partition}:iam::${account}:role/${name}`,
    });

    for (const spec of config.trainingRoles ?? []) {
      trainingRoles.set(
        spec.name,
        new ServiceRole(this, `training-role-${spec.name}`, {
          roleName: `${prefix}-${spec.name}`,
          service: spec.name,
          // Training jobs are managed batch containers: the pipeline type's boundary caps them.
          serviceType: 'pipeline',
          trustedService: 'sagemaker.amazonaws.com',
          boundaryArn: this.boundaries.arnFor('pipeline'),
          statements: grantStatements(spec.grants, targets),
          tags,
        }),
      );
    }
    this.trainingRoles = trainingRoles;

    // Environment values may name platform resources: `{{bucket:datasets}}`, `{{queue-url:jobs}}`,
    // `{{topic-arn:predictions}}`, `{{table:features}}`, `{{role-arn:training}}`.
    const refs: Record<string, (name: string) => string | undefined> = {
      bucket: (n) => buckets.get(n)?.bucket,
      'queue-url': (n) => queues.get(n)?.url,
      'topic-arn': (n) => topics.get(n)?.arn,
      table: (n) => tables.get(n)?.name,
      'role-arn': (n) => trainingRoles.get(n)?.arn,
    };
    const resolveEnv = (service: string, env: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined => {
      if (!env) return undefined;
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(env)) {
        out[key] = value.replace(/\{\{([a-z-]+):([A-Za-z0-9_-]+)\}\}/g, (whole, kind: string, name: string) => {
          const resolved = refs[kind]?.(name);
          if (resolved === undefined) throw new Error(`${service}: environment ${key} refers to ${whole}, which the platform does not define`);
          return resolved;
        });
      }
      return out;
    };

    const functions = new Map<string, HybridFunction>();
    for (const fn of config.functions) {
      const sourcePath = resolve(props.projectRoot, fn.source);
      const created = new HybridFunction(this, `fn-${fn.name}`, {
        service: fn.name,
        prefix,
        serviceType: fn.type,
        network: this.network,
        ...(fn.tier ? { tier: fn.tier } : {}),
        codeDir: dirname(sourcePath),
        source: fn.source,
        handler: fn.handler ?? 'index.handler',
        ...(fn.memorySize ? { memorySize: fn.memorySize } : {}),
        ...(fn.timeout ? { timeout: fn.timeout } : {}),
        ...(fn.environment ? { environment: resolveEnv(fn.name, fn.environment) } : {}),
        grants: fn.grants,
        targets,
        boundaries: this.boundaries,
        tags,
      });
      for (const s of fn.suppressions ?? []) suppress(created, s);
      functions.set(fn.name, created);
    }
    this.functions = functions;

    const microservices = new Map<string, HybridMicroservice>();
    if ((config.microservices ?? []).length > 0) {
      const cluster = new EcsCluster(this, 'cluster', {
        name: prefix,
        setting: [{ name: 'containerInsights', value: 'enabled' }],
        tags,
      });
      for (const ms of config.microservices ?? []) {
        const repository = new EcrRepository(this, `repo-${ms.name}`, {
          name: `${prefix}/${ms.name}`,
          imageTagMutability: 'IMMUTABLE',
          imageScanningConfiguration: { scanOnPush: true },
          tags,
        });
        const created = new HybridMicroservice(this, `svc-${ms.name}`, {
          service: ms.name,
          prefix,
          network: this.network,
          cluster,
          ...(ms.tier ? { tier: ms.tier } : {}),
          image: { uri: `${repository.repositoryUrl}:${ms.imageTag}`, repositoryArn: repository.arn },
          containerPort: ms.port,
          ...(ms.cpu ? { cpu: ms.cpu } : {}),
          ...(ms.memory ? { memory: ms.memory } : {}),
          ...(ms.desiredCount !== undefined ? { desiredCount: ms.desiredCount } : {}),
          ...(ms.environment ? { environment: resolveEnv(ms.name, ms.environment) } : {}),
          grants: ms.grants,
          targets,
          boundaries: this.boundaries,
          tags,
        });
        for (const s of ms.suppressions ?? []) suppress(created, s);
        microservices.set(ms.name, created);
      }
    }
    this.microservices = microservices;

    if (config.gateway) {
      this.gateway = new HybridGateway(this, 'gateway', {
        name: prefix,
        network: this.network,
        routes: config.gateway.routes.map((r) => {
          const target = functions.get(r.to) ?? microservices.get(r.to);
          if (!target) throw new Error(`gateway route "${r.route}" targets "${r.to}", which is neither a function nor a microservice of ${prefix}`);
          return { routeKey: r.route, target, ...(r.authorization ? { authorization: r.authorization } : {}) };
        }),
        tags,
      });
      new TerraformOutput(this, 'api_endpoint', { value: this.gateway.api.apiEndpoint });
    }
    new TerraformOutput(this, 'vpc_id', { value: this.network.vpc.id });

    const ignore = features.ignoreChanges ?? {};
    if (Object.keys(ignore).length > 0) {
      Aspects.of(this).add({
        visit(node: IConstruct) {
          if (!TerraformResource.isTerraformResource(node)) return;
          const attributes = ignore[node.terraformResourceType];
          if (attributes && attributes.length > 0) node.addOverride('lifecycle.ignore_changes', [...attributes]);
        },
      });
    }
  }
}

function checkNames(config: PlatformConfig): void {
  const seen = new Set<string>();
  for (const name of [...config.functions.map((f) => f.name), ...(config.microservices ?? []).map((m) => m.name)]) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`service name "${name}" must be lowercase letters, digits and dashes`);
    if (seen.has(name)) throw new Error(`service name "${name}" is declared twice`);
    seen.add(name);
  }
}

/**
 * The synth-time check failed. `synthAndCheck` has already printed the report (once); the
 * message is one line, so whoever prints the error does not repeat it. `check.text` is the report.
 */
export class SynthCheckError extends Error {
  override readonly name = 'SynthCheckError';
  constructor(readonly check: SynthCheck) {
    super(`hybridguard: synthesis failed the policy check (${check.failing} failing finding${check.failing === 1 ? '' : 's'})`);
  }
}

export interface HybridAppProps extends AppConfig {
  /** Synth-time policy check; `false` turns it off (a documented escape hatch, not a default). */
  readonly check?: SynthCheckOptions | false;
}

/**
 * A cdktf App that runs hybridguard's policies over what it just synthesized, with the CLI's
 * own pipeline on the written `cdk.tf.json` (same file, same findings, same text). Call
 * `synthAndCheck()` instead of `synth()`: it prints one line when the gate passes
 * (`hybridguard: 0 errors, 3 warnings in cdktf.out`), prints the report once and rejects with
 * `SynthCheckError` when a finding fails it. (cdktf's `synth()` is synchronous and the check is
 * not, hence a second method.)
 */
export class HybridApp extends App {
  private readonly check: SynthCheckOptions | false;

  constructor(props: HybridAppProps = {}) {
    const { check, ...appProps } = props;
    super(appProps);
    this.check = check ?? {};
  }

  async synthAndCheck(): Promise<SynthCheck | undefined> {
    this.synth();
    if (this.check === false) return undefined;
    const stacks = this.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));
    if (stacks.length === 0) return undefined;
    // The whole output folder, as `hybridguard check cdktf.out` reads it.
    const result = await checkSynthesized([resolve(this.outdir)], this.check);
    const output = this.check.output === undefined ? process.stderr : this.check.output;
    if (result.failing > 0) {
      if (output) output.write(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
      throw new SynthCheckError(result);
    }
    if (output) output.write(`${result.summary}\n`);
    return result;
  }
}
