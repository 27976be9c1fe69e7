/**
 * Real deploy of the baseline app against moto: synth, terraform init from the provider mirror,
 * `cdktf deploy`, verification through the AWS SDK, a no-change plan, destroy, and nothing left
 * behind. (How Terraform itself recovers from a killed apply is Terraform's to test, not ours.)
 *
 * Needs terraform, moto_server and a provider mirror. Under CI=true a missing one fails the
 * test; elsewhere the suite is skipped with a loud warning.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IAMClient, GetRoleCommand, ListRolesCommand, ListPoliciesCommand } from '@aws-sdk/client-iam';
import {
  EC2Client,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeVpcEndpointsCommand,
  DescribeSecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { ApiGatewayV2Client, GetApisCommand, GetRoutesCommand } from '@aws-sdk/client-apigatewayv2';
import { ElasticLoadBalancingV2Client, DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { findProviderMirror, terraformEnv, writeCliConfig } from '../scripts/terraform-env.js';
import { startMoto, which, type Moto } from './support/moto.js';

const ROOT = resolve(import.meta.dirname, '..');
const STACK = 'hg-baseline';
const CI = process.env['CI'] === 'true';

const missing = [
  ...(which('terraform') ? [] : ['terraform']),
  ...(which('moto_server') ? [] : ['moto_server']),
  ...(safeMirror() ? [] : ['a provider mirror (HYBRIDGUARD_TF_MIRROR)']),
];
function safeMirror(): string | undefined {
  try {
    return findProviderMirror();
  } catch {
    return undefined;
  }
}
if (missing.length > 0 && !CI) {
  console.warn(`\n*** SKIPPING the real deploy test: ${missing.join(', ')} not found. Under CI=true this is a failure. ***\n`);
}

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
}

/**
 * Terraform's errors, each as one line: an error is boxed (`╷`, then `│ ` lines, then `╵`) and its
 * cause (`InvalidPermission.NotFound: ...`) is on the lines after `Error: `.
 */
function terraformErrors(out: string): string[] {
  const lines = out.split('\n');
  const errors: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i]!.indexOf('Error: ');
    if (at < 0) continue;
    let text = lines[i]!.slice(at);
    const boxed = /│\s*$/.test(lines[i]!.slice(0, at));
    while (boxed && i + 1 < lines.length && /^\S*\s*│/.test(lines[i + 1]!) && !lines[i + 1]!.includes('Error: ')) {
      const part = lines[++i]!.replace(/^.*?│/, '').trim();
      if (part) text += ` ${part}`;
    }
    errors.push(text.trim());
  }
  return errors;
}

function run(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, out });
    });
  });
}

interface StateFile {
  readonly resources: { mode: string; type: string; instances: { attributes: Record<string, unknown> }[] }[];
}

const suite = missing.length > 0 && !CI ? describe.skip : describe;

suite('real deploy of the baseline against moto', () => {
  let moto: Moto | undefined;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let stackDir: string;
  const created = { vpcId: '' };

  const tf = (args: string[], timeoutMs?: number) =>
    run('terraform', ['-chdir=' + stackDir, ...args], { cwd: project, env, ...(timeoutMs ? { timeoutMs } : {}) });
  const stateResources = (type: string) => {
    const state = JSON.parse(readFileSync(join(project, `terraform.${STACK}.tfstate`), 'utf8')) as StateFile;
    return state.resources.filter((r) => r.mode === 'managed' && r.type === type).flatMap((r) => r.instances.map((i) => i.attributes));
  };
  const clientConfig = () => ({ endpoint: moto!.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`CI=true and the deploy test cannot run: ${missing.join(', ')} not found`);
    moto = await startMoto();
    // A throwaway copy of the app, so state and cdktf.out stay out of the repo. The handler code is
    // copied (the synth-time check reads it, and never follows a link out of the project); the
    // library and its dependencies are linked.
    project = mkdtempSync(join(tmpdir(), 'hg-deploy-'));
    for (const f of ['main.ts', 'hybridguard.app.config.ts', 'cdktf.json', 'package.json', 'tsconfig.json']) copyFileSync(join(ROOT, f), join(project, f));
    cpSync(join(ROOT, 'app'), join(project, 'app'), { recursive: true });
    for (const d of ['src', 'policies', 'data', 'node_modules']) if (existsSync(join(ROOT, d))) symlinkSync(join(ROOT, d), join(project, d));
    const cliConfig = writeCliConfig(join(project, '.terraform-cli'), findProviderMirror() as string);
    env = terraformEnv({ cliConfig, endpoint: moto.endpoint, region: 'us-east-1' });
    env['HYBRIDGUARD_EMULATOR'] = 'moto';
    stackDir = join(project, 'cdktf.out', 'stacks', STACK);
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('synthesizes (with the policy check) and runs terraform init from the mirror', async () => {
    const synth = await run('npx', ['tsx', 'main.ts'], { cwd: project, env });
    expect(synth.code, synth.out).toBe(0);
    const json = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as { terraform: { backend: { local: { path: string } } } };
    // Local backend, state in the project folder (what a platform team starts with).
    expect(json.terraform.backend.local.path).toBe(join(project, `terraform.${STACK}.tfstate`));
    const init = await tf(['init', '-input=false', '-no-color']);
    expect(init.code, init.out).toBe(0);
    expect(init.out).toMatch(/Installing hashicorp\/aws v5\.100\.0/);
  });

  /**
   * Security group rules moto holds that no rule in the state names: what a repeated create left.
   * Under load a create's response can be lost and the SDK sends it again; moto created the rule the
   * first time and answers the repeat with InvalidPermission.Duplicate, so the state never hears of
   * it. Revoking such a rule lets the next deploy create it again, with its id in the state.
   */
  const revokeRulesUnknownToState = async (): Promise<string[]> => {
    const stateRules = [...stateResources('aws_vpc_security_group_ingress_rule'), ...stateResources('aws_vpc_security_group_egress_rule')];
    const known = new Set(stateRules.map((a) => a['security_group_rule_id']));
    const groups = stateResources('aws_security_group').map((a) => a['id'] as string);
    if (groups.length === 0) return [];
    const ec2 = new EC2Client(clientConfig());
    const rules = (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: groups }] }))).SecurityGroupRules ?? [];
    const unknown = rules.filter((r) => !known.has(r.SecurityGroupRuleId));
    for (const r of unknown) {
      const revoke = { GroupId: r.GroupId as string, SecurityGroupRuleIds: [r.SecurityGroupRuleId as string] };
      if (r.IsEgress) await ec2.send(new RevokeSecurityGroupEgressCommand(revoke));
      else await ec2.send(new RevokeSecurityGroupIngressCommand(revoke));
    }
    return unknown.map((r) => `${r.GroupId} ${r.IsEgress ? 'egress' : 'ingress'} ${r.IpProtocol} ${r.FromPort}-${r.ToPort}`);
  };

  /** `cdktf deploy`, once more after revoking what a repeated rule create left (see above); any other error fails. */
  const deploy = async (): Promise<Run> => {
    const deployOnce = () => run('npx', ['cdktf', 'deploy', '--auto-approve', STACK], { cwd: project, env, timeoutMs: 400_000 });
    const first = await deployOnce();
    // eslint-disable-next-line no-control-regex -- strips terminal colour codes (ESC [ ... m)
    const plain = first.out.replace(/\u001b\[[0-9;]*m/g, '');
    const errors = plain.match(/Error: .*/g) ?? [];
    const duplicates = plain.match(/InvalidPermission\.Duplicate/g) ?? [];
    const onlyRepeatedRules = errors.length > 0 && duplicates.length >= errors.length && errors.every((e) => /^Error: creating VPC Security Group Rule/.test(e));
    if (first.code === 0 || !onlyRepeatedRules) return first;
    const revoked = await revokeRulesUnknownToState();
    console.warn(`deploy: moto answered a repeated rule create with InvalidPermission.Duplicate; revoked ${revoked.join(', ')} and deploying again.`);
    return deployOnce();
  };

  it('deploys with a plain cdktf deploy', async () => {
    const deployed = await deploy();
    expect(deployed.code, deployed.out.slice(-4000)).toBe(0);
    expect(deployed.out).toMatch(/Apply complete!/);
  }, 600_000);

  it('created what the baseline declares: boundaries per type, subnet tiers, no internet route from private tiers, gateway routes', async () => {
    const ec2 = new EC2Client(clientConfig());
    const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: [`${STACK}-vpc`] }] }));
    expect(vpcs.Vpcs).toHaveLength(1);
    created.vpcId = vpcs.Vpcs?.[0]?.VpcId as string;
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [created.vpcId] }] }))).Subnets ?? [];
    const tierOf = (tags: { Key?: string; Value?: string }[] | undefined) => tags?.find((t) => t.Key === 'hybridguard:subnet-tier')?.Value;
    const byTier = (tier: string) => subnets.filter((s) => tierOf(s.Tags) === tier);
    for (const tier of ['public', 'private', 'isolated']) {
      expect(byTier(tier), tier).toHaveLength(2);
      expect(new Set(byTier(tier).map((s) => s.AvailabilityZone)).size, `${tier} AZs`).toBe(2);
    }
    const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [created.vpcId] }] }))).RouteTables ?? [];
    const igw = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [created.vpcId] }] })))
      .InternetGateways?.[0]?.InternetGatewayId;
    expect(igw).toMatch(/^igw-/);
    const tableOf = (subnetId: string | undefined) => tables.find((t) => t.Associations?.some((a) => a.SubnetId === subnetId));
    for (const s of [...byTier('private'), ...byTier('isolated')]) {
      const table = tableOf(s.SubnetId);
      expect(table, `route table of ${s.SubnetId}`).toBeDefined();
      expect(table?.Routes?.some((r) => r.GatewayId === igw), `${tierOf(s.Tags)} subnet ${s.SubnetId} routes to the internet gateway`).toBe(false);
    }
    for (const s of byTier('private'))
      expect(tableOf(s.SubnetId)?.Routes?.some((r) => r.DestinationCidrBlock === '0.0.0.0/0' && r.NatGatewayId?.startsWith('nat-'))).toBe(true);
    for (const s of byTier('isolated'))
      expect(tableOf(s.SubnetId)?.Routes?.every((r) => r.GatewayId === 'local' || r.GatewayId?.startsWith('vpce-') || r.DestinationPrefixListId)).toBe(true);
    for (const s of byTier('public')) expect(tableOf(s.SubnetId)?.Routes?.some((r) => r.GatewayId === igw)).toBe(true);
    // The endpoints Terraform created are the ones declared, and each exists in the VPC.
    const declared = stateResources('aws_vpc_endpoint').map((a) => ({ id: a['id'] as string, service: a['service_name'] as string }));
    expect(declared.map((e) => e.service).sort()).toEqual(
      ['dynamodb', 'ecr.api', 'ecr.dkr', 'logs', 's3', 'sagemaker.runtime', 'sns', 'sqs', 'sts'].map((s) => `com.amazonaws.us-east-1.${s}`),
    );
    const endpoints = (await ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [created.vpcId] }] }))).VpcEndpoints ?? [];
    for (const e of declared) expect(endpoints.find((found) => found.VpcEndpointId === e.id)?.ServiceName, e.id).toBe(e.service);
    // Under load a create's response can be lost and the SDK sends it again: AWS answers the repeat
    // from its ClientToken, moto creates a second endpoint. Such a repeat is tolerated, nothing else.
    const repeats = endpoints.filter((e) => !declared.some((d) => d.id === e.VpcEndpointId));
    for (const r of repeats) expect(declared.map((d) => d.service), `endpoint ${r.VpcEndpointId} not in the state`).toContain(r.ServiceName);
    if (repeats.length > 0)
      console.warn(`moto created ${repeats.length} endpoint(s) twice (a repeated create): ${repeats.map((r) => r.ServiceName).join(', ')}`);

    const iam = new IAMClient(clientConfig());
    const boundaries = new Map(
      ((await iam.send(new ListPoliciesCommand({ Scope: 'Local', MaxItems: 1000 }))).Policies ?? [])
        .filter((p) => p.PolicyName?.startsWith(`${STACK}-`) && p.PolicyName.endsWith('-boundary'))
        .map((p) => [p.PolicyName?.slice(STACK.length + 1, -'-boundary'.length), p.Arn]),
    );
    expect([...boundaries.keys()].sort()).toEqual(['function', 'microservice', 'orchestrator', 'pipeline', 'shared']);
    const roles = ((await iam.send(new ListRolesCommand({ MaxItems: 1000 }))).Roles ?? []).filter((r) => r.RoleName?.startsWith(`${STACK}-`));
    const byType = new Map<string, string[]>();
    for (const listed of roles) {
      const role = (await iam.send(new GetRoleCommand({ RoleName: listed.RoleName }))).Role;
      const type = role?.Tags?.find((t) => t.Key === 'hybridguard:service-type')?.Value as string;
      expect(role?.PermissionsBoundary?.PermissionsBoundaryArn, `${listed.RoleName} boundary`).toBe(boundaries.get(type));
      byType.set(type, [...(byType.get(type) ?? []), listed.RoleName as string].sort());
    }
    expect(Object.fromEntries([...byType].sort())).toEqual({
      function: [`${STACK}-inference-fn`, `${STACK}-ingest-fn`, `${STACK}-preprocess-fn`],
      microservice: [`${STACK}-model-serving-exec`, `${STACK}-model-serving-task`],
      orchestrator: [`${STACK}-train-orchestrator-fn`],
      pipeline: [`${STACK}-training`],
      shared: [`${STACK}-vpc-flow-logs`],
    });

    const apigw = new ApiGatewayV2Client(clientConfig());
    const api = ((await apigw.send(new GetApisCommand({}))).Items ?? []).find((a) => a.Name === STACK);
    expect(api?.ProtocolType).toBe('HTTP');
    const routes = (await apigw.send(new GetRoutesCommand({ ApiId: api?.ApiId }))).Items ?? [];
    expect(routes.map((r) => `${r.RouteKey} ${r.AuthorizationType}`).sort()).toEqual([
      'ANY /models/{proxy+} AWS_IAM',
      'POST /infer AWS_IAM',
      'POST /ingest AWS_IAM',
    ]);
  }, 120_000);

  it('plans zero changes on a re-deploy', async () => {
    const plan = await tf(['plan', '-detailed-exitcode', '-input=false', '-no-color', '-lock-timeout=10s']);
    expect(plan.code, plan.out.slice(-4000)).toBe(0);
    expect(plan.out).toMatch(/No changes\./);
  }, 180_000);

  it('destroys everything it created', async () => {
    const destroyOnce = () => run('npx', ['cdktf', 'destroy', '--auto-approve', STACK], { cwd: project, env, timeoutMs: 400_000 });
    let destroy = await destroyOnce();
    // Under load a delete's response can be lost and the SDK sends it again; AWS answers most
    // repeats with a code the provider treats as "already deleted", moto with one it does not
    // (InvalidPermission.NotFound for a revoked rule, ListenerNotFound for a listener). Only
    // errors saying the thing being deleted no longer exists earn a second destroy; the checks
    // below still prove nothing is left.
    const errors = terraformErrors(destroy.out);
    const onlyAlreadyGone = errors.length > 0 && errors.every((e) => /deleting .*(NotFound|does not exist)/.test(e));
    if (destroy.code !== 0 && onlyAlreadyGone) {
      console.warn(`destroy: moto reported an already-deleted resource as an error; destroying again.\n${errors.join('\n')}`);
      destroy = await destroyOnce();
    }
    expect(destroy.code, destroy.out.slice(-4000)).toBe(0);
    const state = JSON.parse(readFileSync(join(project, `terraform.${STACK}.tfstate`), 'utf8')) as StateFile;
    expect(state.resources.filter((r) => r.mode === 'managed')).toEqual([]);
    // moto keeps its default VPC: look for what this deploy named and tagged, not for "nothing".
    const ec2 = new EC2Client(clientConfig());
    const vpcs = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs ?? [];
    expect(vpcs.filter((v) => v.VpcId === created.vpcId || v.Tags?.some((t) => t.Key === 'hybridguard:platform'))).toEqual([]);
    expect(vpcs.some((v) => v.IsDefault)).toBe(true);
    const nats = (await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways ?? [];
    expect(nats.filter((n) => n.State !== 'deleted' && n.Tags?.some((t) => t.Key === 'hybridguard:platform'))).toEqual([]);
    const iam = new IAMClient(clientConfig());
    expect(((await iam.send(new ListRolesCommand({ MaxItems: 1000 }))).Roles ?? []).filter((r) => r.RoleName?.startsWith(`${STACK}-`))).toEqual([]);
    expect(
      ((await iam.send(new ListPoliciesCommand({ Scope: 'Local', MaxItems: 1000 }))).Policies ?? []).filter((p) => p.PolicyName?.startsWith(`${STACK}-`)),
    ).toEqual([]);
    const lambda = new LambdaClient(clientConfig());
    expect(((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).filter((f) => f.FunctionName?.startsWith(`${STACK}-`))).toEqual([]);
    const elb = new ElasticLoadBalancingV2Client(clientConfig());
    expect(((await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? []).filter((l) => l.LoadBalancerName?.startsWith(STACK))).toEqual([]);
    const apigw = new ApiGatewayV2Client(clientConfig());
    expect(((await apigw.send(new GetApisCommand({}))).Items ?? []).filter((a) => a.Name === STACK)).toEqual([]);
  }, 600_000);
});
