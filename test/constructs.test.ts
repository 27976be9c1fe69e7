import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Testing, TerraformStack } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import {
  HybridApp,
  HybridNetwork,
  HybridPlatform,
  MOTO_FEATURES,
  PermissionBoundaries,
  SynthCheckError,
  boundaryDocument,
  boundaryGaps,
  deniedCapabilities,
  loadPolicyPack,
  startTrainingJob,
  suppress,
  type PlatformConfig,
  type PolicyPack,
  type Statement,
} from '../src/constructs/index.js';
import { subnetCidrs } from '../src/constructs/cidr.js';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import type { Capability, Policy } from '../src/model/policy.js';
import { baseline } from '../hybridguard.app.config.js';

const ROOT = resolve(import.meta.dirname, '..');
const pack = loadPolicyPack({ cwd: ROOT });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const resources = (json: Json, type: string): [string, Json][] => Object.entries((json['resource']?.[type] ?? {}) as Record<string, Json>);
const one = (json: Json, type: string, pathIncludes: string): Json => {
  // Testing.synth writes no "//" metadata; a resource's key is its construct path joined by "_" plus a hash.
  // cdktf drops a child id equal to its parent's (role/role -> role) and the hash of top-level ids.
  const parts = pathIncludes.split('/').filter((p, i, all) => i === 0 || p !== all[i - 1]);
  const base = parts.join('_');
  const found = resources(json, type).filter(([key]) => key === base || (key.startsWith(`${base}_`) && /^[0-9A-F]{8}$/.test(key.slice(base.length + 1))));
  expect(found.map(([k]) => k), `${type} at ${pathIncludes}`).toHaveLength(1);
  return (found[0] as [string, Json])[1];
};
const statementsOf = (policyJson: string): Statement[] => (JSON.parse(policyJson) as { Statement: Statement[] }).Statement;

function synthBaseline(config: PlatformConfig = baseline): Json {
  const app = Testing.app();
  const stack = new HybridPlatform(app, config.name, { config, region: 'us-east-1', projectRoot: ROOT, pack });
  // Full synthesis: the JSON exactly as written to cdk.tf.json, "//" metadata and overrides included.
  const outdir = Testing.fullSynth(stack);
  try {
    return JSON.parse(readFileSync(join(outdir, 'stacks', config.name, 'cdk.tf.json'), 'utf8')) as Json;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('subnet CIDRs', () => {
  it('splits the VPC into equal literal blocks, tier by tier', () => {
    expect(subnetCidrs('10.40.0.0/16', 2, 3)).toEqual(['10.40.0.0/19', '10.40.32.0/19', '10.40.64.0/19', '10.40.96.0/19', '10.40.128.0/19', '10.40.160.0/19']);
    expect(subnetCidrs('192.168.4.0/24', 3, 3)).toHaveLength(9);
  });
  it('refuses CIDRs it cannot split', () => {
    expect(() => subnetCidrs('10.40.0.1/16', 2, 3)).toThrow(/host bits are set \(did you mean 10\.40\.0\.0\/16\?\)/);
    expect(() => subnetCidrs('10.0.0.0/8', 2, 3)).toThrow(/from \/16 to \/24/);
    expect(() => subnetCidrs('10.0.0/16', 2, 3)).toThrow(/invalid VPC CIDR/);
  });
});

describe('permissions boundaries generated from the policy pack', () => {
  const capability = (name: string): Capability => {
    const c = pack.capabilities.get(name);
    if (!c) throw new Error(`the built-in pack has no capability ${name}`);
    return c;
  };

  it('denies a function every gpu-compute and model-registry grant, exactly as the capabilities define them', () => {
    const doc = boundaryDocument('function', pack);
    expect(doc.Statement[0]).toEqual({ Sid: 'AllowWithinBoundary', Effect: 'Allow', Action: '*', Resource: '*' });
    const denies = doc.Statement.filter((s) => s.Effect === 'Deny');
    for (const name of ['gpu-compute', 'model-registry']) {
      for (const grant of capability(name).grants) {
        const matching = denies.filter((s) => JSON.stringify(s.Action) === JSON.stringify(grant.actions));
        const keys = Object.keys(grant.requestContext ?? {});
        // One Deny per request-context key (any GPU instance type), or one unconditional Deny.
        expect(matching).toHaveLength(Math.max(1, keys.length));
        for (const [key, values] of Object.entries(grant.requestContext ?? {})) {
          expect(matching.some((s) => JSON.stringify(s.Condition) === JSON.stringify({ 'ForAnyValue:StringLike': { [key]: values } }))).toBe(true);
        }
        if (keys.length === 0) expect(matching[0]?.Condition).toBeUndefined();
      }
    }
  });

  it('lets orchestrators start GPU work but not write the model registry', () => {
    const denied = deniedCapabilities('orchestrator', pack).map((d) => d.capability.name);
    expect(denied).toContain('model-registry');
    expect(denied).not.toContain('gpu-compute');
    const actions = boundaryDocument('orchestrator', pack).Statement.flatMap((s) => (s.Effect === 'Deny' ? [s.Action].flat() : []));
    expect(actions).not.toContain('sagemaker:CreateTrainingJob');
    expect(actions).toContain('sagemaker:CreateModelPackage');
  });

  it('never denies iam:PassRole: "PassRole on every role" is a breadth the linter checks, a Deny would also block the scoped grant', () => {
    for (const type of ['function', 'orchestrator', 'microservice', 'pipeline', 'shared'] as const) {
      const actions = boundaryDocument(type, pack).Statement.flatMap((s) => [s.Action].flat());
      expect(actions, type).not.toContain('iam:PassRole');
      expect(boundaryGaps(type, pack).map((g) => g.actions).flat(), type).toContain('iam:PassRole');
    }
  });

  it('applies a policy without service types to every type, and splits request-context keys', () => {
    const cap: Capability = {
      name: 'big-iron',
      description: 'x',
      grants: [{ actions: ['ec2:RunInstances'], requestContext: { 'ec2:InstanceType': ['p5.*'], 'ec2:Tenancy': ['dedicated'] } }],
      declaredAt: { file: 't.yaml' },
    };
    const policy: Policy = {
      id: 'HG-T-001', name: 'no-big-iron', severity: 'warning', description: 'd', rationale: 'r', remediation: 'm',
      serviceTypes: [], check: 'denied-capabilities', params: { capabilities: ['big-iron'] }, declaredAt: { file: 't.yaml' },
    };
    const custom: PolicyPack = { policies: [policy], capabilities: new Map([['big-iron', cap]]) };
    const doc = boundaryDocument('microservice', custom);
    expect(doc.Statement.slice(1)).toEqual([
      {
        Sid: 'DenyBigIron0Ec2InstanceType',
        Effect: 'Deny',
        Action: ['ec2:RunInstances'],
        Resource: '*',
        Condition: { 'ForAnyValue:StringLike': { 'ec2:InstanceType': ['p5.*'] } },
      },
      {
        Sid: 'DenyBigIron0Ec2Tenancy',
        Effect: 'Deny',
        Action: ['ec2:RunInstances'],
        Resource: '*',
        Condition: { 'ForAnyValue:StringLike': { 'ec2:Tenancy': ['dedicated'] } },
      },
    ]);
  });

  it('refuses a boundary over the managed-policy size limit', () => {
    const cap: Capability = {
      name: 'huge',
      description: 'x',
      grants: [{ actions: Array.from({ length: 500 }, (_, i) => `s3:Action${i}`) }],
      declaredAt: { file: 't.yaml' },
    };
    const policy: Policy = {
      id: 'HG-T-002', name: 'no-huge', severity: 'error', description: 'd', rationale: 'r', remediation: 'm',
      serviceTypes: ['function'], check: 'denied-capabilities', params: { capabilities: ['huge'] }, declaredAt: { file: 't.yaml' },
    };
    expect(() => boundaryDocument('function', { policies: [policy], capabilities: new Map([['huge', cap]]) })).toThrow(/over the 6144-character limit/);
  });

  it('creates one boundary policy per type, on first use', () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const b = new PermissionBoundaries(scope, 'b', { name: 'p', pack });
        b.arnFor('function');
        b.arnFor('function');
        b.arnFor('microservice');
      }),
    ) as Json;
    expect(resources(json, 'aws_iam_policy').map(([, r]) => r['name']).sort()).toEqual(['p-function-boundary', 'p-microservice-boundary']);
    expect(
      Testing.toHaveResourceWithProperties(JSON.stringify(json), 'aws_iam_policy', {
        tags: { 'hybridguard:service-type': 'function', 'hybridguard:boundary': 'true' },
      }),
    ).toBe(true);
  });
});

describe('the network construct', () => {
  const synthNetwork = (nat: 'none' | 'single' | 'per-az', azCount = 2): Json =>
    JSON.parse(
      Testing.synthScope((scope) => {
        new AwsProvider(scope, 'aws', { region: 'eu-west-1' });
        new HybridNetwork(scope, 'net', {
          name: 'n',
          region: 'eu-west-1',
          cidr: '10.1.0.0/16',
          azCount,
          nat,
          flowLogsBoundaryArn: 'arn:aws:iam::111122223333:policy/b',
        });
      }),
    ) as Json;

  it('lays out public, private and isolated subnets per AZ, with private tiers routed only through NAT', () => {
    const json = synthNetwork('single', 3);
    const subnets = resources(json, 'aws_subnet').map(([, s]) => s);
    const byTier = (tier: string) => subnets.filter((s) => s['tags']['hybridguard:subnet-tier'] === tier);
    expect(byTier('public')).toHaveLength(3);
    expect(byTier('private')).toHaveLength(3);
    expect(byTier('isolated')).toHaveLength(3);
    expect(subnets.every((s) => s['map_public_ip_on_launch'] === false)).toBe(true);
    const routes = resources(json, 'aws_route').map(([, r]) => r);
    // The only internet-gateway route is the public table's; private goes to the NAT; isolated has none.
    const tableOf = (tier: string): string[] =>
      resources(json, 'aws_route_table').filter(([, t]) => t['tags']['hybridguard:subnet-tier'] === tier).map(([k]) => `\${aws_route_table.${k}.id}`);
    expect(routes.filter((r) => r['gateway_id']).map((r) => r['route_table_id'])).toEqual(tableOf('public'));
    expect(routes.filter((r) => r['nat_gateway_id']).map((r) => r['route_table_id'])).toEqual(tableOf('private'));
    expect(routes.filter((r) => tableOf('isolated').includes(r['route_table_id']))).toEqual([]);
    expect(tableOf('isolated')).toHaveLength(1);
    expect(resources(json, 'aws_nat_gateway')).toHaveLength(1);
  });

  it('without NAT has no public subnets and no internet gateway at all', () => {
    const json = synthNetwork('none');
    expect(resources(json, 'aws_internet_gateway')).toHaveLength(0);
    expect(resources(json, 'aws_route')).toHaveLength(0);
    expect(resources(json, 'aws_subnet').filter(([, s]) => s['tags']['hybridguard:subnet-tier'] === 'public')).toHaveLength(0);
  });

  it('puts a NAT gateway and a private route table in each AZ with per-az NAT', () => {
    const json = synthNetwork('per-az', 2);
    expect(resources(json, 'aws_nat_gateway')).toHaveLength(2);
    expect(resources(json, 'aws_route_table').filter(([, t]) => t['tags']['hybridguard:subnet-tier'] === 'private')).toHaveLength(2);
  });

  it('closes the default security group, logs flows with its own role, and adds endpoints', () => {
    const json = synthNetwork('none');
    const sg = one(json, 'aws_default_security_group', 'net/default-sg');
    expect(sg['ingress']).toBeUndefined();
    expect(sg['egress']).toBeUndefined();
    const flow = one(json, 'aws_flow_log', 'net/flow-log');
    expect(flow).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
    const role = one(json, 'aws_iam_role', 'net/flow-logs-role');
    expect(JSON.parse(role['assume_role_policy'])).toMatchObject({ Statement: [{ Principal: { Service: 'vpc-flow-logs.amazonaws.com' } }] });
    expect(role['permissions_boundary']).toBe('arn:aws:iam::111122223333:policy/b');
    const endpoints = resources(json, 'aws_vpc_endpoint').map(([, e]) => [e['service_name'], e['vpc_endpoint_type']]);
    expect(endpoints).toEqual(
      expect.arrayContaining([
        ['com.amazonaws.eu-west-1.s3', 'Gateway'],
        ['com.amazonaws.eu-west-1.dynamodb', 'Gateway'],
        ['com.amazonaws.eu-west-1.ecr.api', 'Interface'],
        ['com.amazonaws.eu-west-1.ecr.dkr', 'Interface'],
        ['com.amazonaws.eu-west-1.logs', 'Interface'],
        ['com.amazonaws.eu-west-1.sts', 'Interface'],
        ['com.amazonaws.eu-west-1.sagemaker.runtime', 'Interface'],
      ]),
    );
  });

  it('refuses a single-AZ network', () => {
    expect(() =>
      Testing.synthScope((scope) => new HybridNetwork(scope, 'n', { name: 'n', region: 'us-east-1', azCount: 1, flowLogsBoundaryArn: 'x' })),
    ).toThrow(/at least 2/);
  });
});

describe('the baseline platform', () => {
  const json = synthBaseline();

  it('gives every role a boundary of its own service type, trusted only by that type\'s principal', () => {
    const policies = new Map(resources(json, 'aws_iam_policy').map(([k, p]) => [`\${aws_iam_policy.${k}.arn}`, p]));
    const roles = resources(json, 'aws_iam_role');
    expect(roles.length).toBeGreaterThanOrEqual(8);
    for (const [address, role] of roles) {
      const type = role['tags']['hybridguard:service-type'];
      const boundary = policies.get(role['permissions_boundary']);
      expect(boundary, `${address} boundary`).toBeDefined();
      expect(boundary?.['tags']['hybridguard:service-type'], address).toBe(type);
      const principal = JSON.parse(role['assume_role_policy']).Statement[0].Principal.Service;
      const expected = address.startsWith('network_flow-logs') ? 'vpc-flow-logs.amazonaws.com'
        : address.startsWith('training-role') ? 'sagemaker.amazonaws.com'
        : type === 'microservice' ? 'ecs-tasks.amazonaws.com' : 'lambda.amazonaws.com';
      expect(principal, address).toBe(expected);
    }
  });

  it('turns grant intents into exact actions on exact ARNs', () => {
    const ingest = statementsOf(one(json, 'aws_iam_role_policy', 'fn-ingest/role/policy')['policy']);
    expect(ingest.find((s) => s.Sid === 'Write0')).toEqual({
      Sid: 'Write0',
      Effect: 'Allow',
      Action: ['s3:AbortMultipartUpload', 's3:PutObject'],
      Resource: 'arn:aws:s3:::hg-baseline-datasets/raw/*',
    });
    expect(ingest.find((s) => s.Sid === 'Send1')?.Resource).toBe('${aws_sqs_queue.queue-preprocess-jobs.arn}');
    const pre = statementsOf(one(json, 'aws_iam_role_policy', 'fn-preprocess/role/policy')['policy']);
    expect(pre.find((s) => s.Sid === 'Read1List')).toMatchObject({
      Action: ['s3:ListBucket'],
      Resource: 'arn:aws:s3:::hg-baseline-datasets',
      Condition: { StringLike: { 's3:prefix': ['raw/*'] } },
    });
    const orchestrator = statementsOf(one(json, 'aws_iam_role_policy', 'fn-train-orchestrator/role/policy')['policy']);
    expect(orchestrator.find((s) => s.Sid === 'StartTrainingJob0')).toMatchObject({
      Action: ['sagemaker:CreateTrainingJob'],
      Resource: 'arn:aws:sagemaker:us-east-1:${data.aws_caller_identity.identity.account_id}:training-job/hg-train-*',
      Condition: { 'ForAllValues:StringEquals': { 'sagemaker:InstanceTypes': ['ml.g5.xlarge'] } },
    });
    // PassRole: the training role only, and only to SageMaker.
    expect(orchestrator.find((s) => s.Sid === 'StartTrainingJob0PassRole')).toMatchObject({
      Action: ['iam:PassRole'],
      Resource: expect.stringMatching(/^\$\{aws_iam_role\.training-role-training_role_[0-9A-F]{8}\.arn\}$/),
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
  });

  it('tags functions with their service type and handler source, in private subnets', () => {
    const fn = one(json, 'aws_lambda_function', 'fn-ingest/function');
    expect(fn['tags']).toMatchObject({ 'hybridguard:service-type': 'function', 'hybridguard:source': 'app/functions/ingest/index.mjs' });
    expect(fn['vpc_config']['subnet_ids'].every((id: string) => id.includes('network_private-'))).toBe(true);
    expect(one(json, 'aws_lambda_function', 'fn-train-orchestrator/function')['tags']['hybridguard:service-type']).toBe('orchestrator');
  });

  it('runs the microservice on Fargate in private subnets behind an internal load balancer', () => {
    expect(one(json, 'aws_lb', 'svc-model-serving/alb')).toMatchObject({ internal: true, load_balancer_type: 'application' });
    const svc = one(json, 'aws_ecs_service', 'svc-model-serving/service');
    expect(svc).toMatchObject({ launch_type: 'FARGATE', network_configuration: { assign_public_ip: false } });
    expect(svc['network_configuration']['subnets'].every((id: string) => id.includes('network_private-'))).toBe(true);
    const task = one(json, 'aws_ecs_task_definition', 'svc-model-serving/task');
    expect(task['task_role_arn']).toMatch(/^\$\{aws_iam_role\.svc-model-serving_task-role_[0-9A-F]{8}\.arn\}$/);
    expect(task['execution_role_arn']).toMatch(/^\$\{aws_iam_role\.svc-model-serving_execution-role_[0-9A-F]{8}\.arn\}$/);
  });

  it('routes the gateway to functions (permission scoped to the route) and through a VPC link to the load balancer', () => {
    const routes = resources(json, 'aws_apigatewayv2_route').map(([, r]) => [r['route_key'], r['authorization_type']]);
    expect(routes.sort()).toEqual([['ANY /models/{proxy+}', 'AWS_IAM'], ['POST /infer', 'AWS_IAM'], ['POST /ingest', 'AWS_IAM']]);
    const permission = one(json, 'aws_lambda_permission', 'gateway/invoke-post-ingest');
    expect(permission).toMatchObject({ principal: 'apigateway.amazonaws.com', action: 'lambda:InvokeFunction' });
    expect(permission['source_arn']).toMatch(/^\$\{aws_apigatewayv2_api\.gateway_api_[0-9A-F]+\.execution_arn\}\/\*\/POST\/ingest$/);
    const link = one(json, 'aws_apigatewayv2_integration', 'gateway/model-serving-integration');
    expect(link).toMatchObject({ connection_type: 'VPC_LINK', integration_type: 'HTTP_PROXY' });
    expect(link['integration_uri']).toMatch(/aws_lb_listener\.svc-model-serving_listener/);
  });

  it('writes construct suppressions into the resource\'s "//" key', () => {
    const role = one(json, 'aws_iam_role', 'fn-ingest/role/role');
    const suppressions = role['//']['hybridguard']['suppressions'] as Json[];
    expect(suppressions.map((s) => s['subject'])).toEqual(['statement ManageVpcEnis']);
    expect(suppressions[0]).toMatchObject({ rule: 'no-data-actions-on-wildcard-resource', owner: 'hybridguard constructs' });
    expect(role['//']['metadata']['path']).toBe('hg-baseline/fn-ingest/role/role');
    expect(() => suppress(new TerraformStack(Testing.app(), 's'), { rule: 'x', reason: 'short' })).toThrow(/at least 10 characters/);
  });

  // What each resource is like is asserted above and by the real deploy (test/deploy.test.ts);
  // this pins how many of each type the baseline makes, so an unplanned resource shows up here.
  it('makes the baseline\'s resources, no more', () => {
    const inventory = Object.fromEntries(Object.entries(json['resource'] as Json).map(([type, byName]) => [type, Object.keys(byName as Json).length]));
    expect(inventory).toMatchInlineSnapshot(`
      {
        "aws_apigatewayv2_api": 1,
        "aws_apigatewayv2_integration": 3,
        "aws_apigatewayv2_route": 3,
        "aws_apigatewayv2_stage": 1,
        "aws_apigatewayv2_vpc_link": 1,
        "aws_cloudwatch_log_group": 6,
        "aws_default_security_group": 1,
        "aws_dynamodb_table": 1,
        "aws_ecr_repository": 1,
        "aws_ecs_cluster": 1,
        "aws_ecs_service": 1,
        "aws_ecs_task_definition": 1,
        "aws_eip": 1,
        "aws_flow_log": 1,
        "aws_iam_policy": 5,
        "aws_iam_role": 8,
        "aws_iam_role_policy": 8,
        "aws_internet_gateway": 1,
        "aws_lambda_function": 4,
        "aws_lambda_permission": 2,
        "aws_lb": 1,
        "aws_lb_listener": 1,
        "aws_lb_target_group": 1,
        "aws_nat_gateway": 1,
        "aws_route": 2,
        "aws_route_table": 3,
        "aws_route_table_association": 6,
        "aws_s3_bucket": 1,
        "aws_s3_bucket_public_access_block": 1,
        "aws_s3_bucket_server_side_encryption_configuration": 1,
        "aws_security_group": 8,
        "aws_sns_topic": 1,
        "aws_sqs_queue": 1,
        "aws_subnet": 6,
        "aws_vpc": 1,
        "aws_vpc_endpoint": 9,
        "aws_vpc_security_group_egress_rule": 7,
        "aws_vpc_security_group_ingress_rule": 3,
      }
    `);
  });

  it('turns off only what moto cannot round-trip, as lifecycle.ignore_changes', () => {
    const app = Testing.app();
    const stack = new HybridPlatform(app, baseline.name, { config: baseline, region: 'us-east-1', projectRoot: ROOT, pack, features: MOTO_FEATURES });
    const synthesized = JSON.parse(Testing.synth(stack)) as Json;
    expect(one(synthesized, 'aws_ecs_service', 'svc-model-serving/service')['lifecycle']).toEqual({ ignore_changes: ['availability_zone_rebalancing'] });
    for (const [, rule] of [
      ...resources(synthesized, 'aws_vpc_security_group_ingress_rule'),
      ...resources(synthesized, 'aws_vpc_security_group_egress_rule'),
    ]) {
      expect(rule['lifecycle']).toEqual({ ignore_changes: ['description'] });
    }
    expect(one(synthesized, 'aws_lb', 'svc-model-serving/alb')['lifecycle']).toBeUndefined();
    expect(one(json, 'aws_ecs_service', 'svc-model-serving/service')['lifecycle']).toBeUndefined();
  });

  it('refuses a route to an unknown service', () => {
    expect(() => synthBaseline({ ...baseline, gateway: { routes: [{ route: 'GET /x', to: 'nope' }] } })).toThrow(/targets "nope", which is neither/);
  });
});

describe('synth-time policy check', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hg-constructs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = async (args: string[]): Promise<{ code: number; out: string }> => {
    let out = '';
    const io: CliIo = { cwd: ROOT, env: {}, stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true } };
    return { code: await main(args, io), out };
  };

  it('passes the baseline; the CLI agrees (exit 0) and finds only the gateway exposed', async () => {
    let said = '';
    const app = new HybridApp({ outdir: join(dir, 'ok'), check: { cwd: ROOT, output: { write: (t: string) => (said += t) } } });
    new HybridPlatform(app, baseline.name, { config: baseline, region: 'us-east-1', projectRoot: ROOT, pack });
    const check = await app.synthAndCheck();
    expect(check?.failing).toBe(0);
    // One line says the gate ran and passed.
    expect(said).toMatch(/^hybridguard: 0 errors, \d+ warnings? in \S+\n$/);
    expect((await cli(['check', join(dir, 'ok'), '--code', '.'])).code).toBe(0);
    const exposure = await cli(['query', 'exposure', join(dir, 'ok'), '--format', 'json']);
    const exposed = JSON.parse(exposure.out) as { address: string; serviceType: string; viaGateway: boolean; path: string[] }[];
    // The gateway is the one thing the internet reaches directly; everything else only through it.
    const api = exposed.filter((e) => !e.viaGateway);
    expect(api.map((e) => [e.serviceType, e.address.split('.')[0]])).toEqual([['gateway', 'aws_apigatewayv2_api']]);
    const behind = exposed.filter((e) => e.viaGateway);
    expect(behind.length).toBeGreaterThan(0);
    for (const e of behind) expect(e.path[0], e.address).toBe(api[0]?.address);
  });

  it('a GPU grant on a platform function is denied by the function boundary, and the linter agrees', async () => {
    const config: PlatformConfig = {
      ...baseline,
      functions: baseline.functions.map((f) =>
        f.name === 'inference'
          ? { ...f, grants: [...f.grants, startTrainingJob({ trainingRole: 'training', jobPrefix: 'x-', instanceTypes: ['ml.p4d.24xlarge'] })] }
          : f,
      ),
    };
    const json = synthBaseline(config);
    const boundary = statementsOf(one(json, 'aws_iam_policy', 'boundaries/function')['policy']);
    expect(boundary.find((s) => s.Effect === 'Deny' && [s.Action].flat().includes('sagemaker:CreateTrainingJob'))?.Condition).toEqual({
      'ForAnyValue:StringLike': { 'sagemaker:InstanceTypes': expect.arrayContaining(['ml.p4d.24xlarge']) },
    });

    // The boundary stops it, so it is not held (HG-IAM-001); asking for it still fails synthesis (HG-IAM-009).
    const out = join(dir, 'gpu-grant');
    let said = '';
    const app = new HybridApp({ outdir: out, check: { cwd: ROOT, code: false, output: { write: (t: string) => (said += t) } } });
    new HybridPlatform(app, config.name, { config, region: 'us-east-1', projectRoot: ROOT, pack });
    const error = await app.synthAndCheck().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SynthCheckError);
    const failed = error as SynthCheckError;
    const written = JSON.parse(readFileSync(join(out, 'stacks', config.name, 'cdk.tf.json'), 'utf8')) as Json;
    const [roleKey] = resources(written, 'aws_iam_role').find(([key]) => /^fn-inference_role_[0-9A-F]{8}$/.test(key)) ?? [];
    const ids = failed.check.results.results.filter((r) => !r.suppression).map((r) => `${r.severity} ${r.ruleId} ${r.location.address}`);
    expect(ids).toContain(`error HG-IAM-009 aws_iam_role.${roleKey}`);
    expect(ids).not.toContain(`error HG-IAM-001 aws_iam_role.${roleKey}`);
    expect(failed.check.failing).toBe(1);
    const printed = await cli(['check', out]);
    expect(printed.code).toBe(1);
    expect(failed.check.text.trim()).toBe(printed.out.trim());
    // The report is printed once, by synthAndCheck; the error itself is one line.
    expect(said.trim()).toBe(printed.out.trim());
    expect(failed.message).toBe('hybridguard: synthesis failed the policy check (1 failing finding)');
  });

  it('fails synthesis with the IAM finding, as the CLI prints it, when a function role escapes the boundary', async () => {
    const app = new HybridApp({ outdir: join(dir, 'gpu'), check: { cwd: ROOT, code: false, output: false } });
    const stack = new HybridPlatform(app, baseline.name, { config: baseline, region: 'us-east-1', projectRoot: ROOT, pack });
    // A role added by hand next to the platform: no boundary, a GPU grant.
    const role = new IamRole(stack, 'rogue', {
      name: 'rogue-fn',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
      tags: { 'hybridguard:service-type': 'function' },
    });
    new IamRolePolicy(stack, 'rogue-policy', {
      role: role.id,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sagemaker:CreateTrainingJob', Resource: '*' }] }),
    });
    const error = await app.synthAndCheck().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SynthCheckError);
    const failed = error as SynthCheckError;
    const ids = failed.check.results.results.filter((r) => !r.suppression).map((r) => `${r.severity} ${r.ruleId} ${r.location.address}`);
    expect(ids).toContain('error HG-IAM-001 aws_iam_role.rogue');
    expect(ids).toContain('warning HG-IAM-007 aws_iam_role.rogue');
    expect(failed.check.failing).toBe(1);
    // Same findings, same text as `hybridguard check` on the written output.
    const printed = await cli(['check', join(dir, 'gpu')]);
    expect(printed.code).toBe(1);
    expect(failed.check.text.trim()).toBe(printed.out.trim());
    expect(failed.message).not.toContain('\n');
    expect(readFileSync(join(dir, 'gpu', 'stacks', baseline.name, 'cdk.tf.json'), 'utf8')).toContain('"rogue-fn"');
  });
});
