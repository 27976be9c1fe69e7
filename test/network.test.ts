/**
 * Network exposure as paths: the must-hold cases of issue 4, asserted on what a user sees
 * (which resources are reachable, over which path and ports, and why the others are not), and
 * the same answers from synth JSON, HCL and plan JSON.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInputs } from '../src/inputs/index.js';
import { analyzeNetwork, exposureReport, undecidedExposures, type NetworkFacts } from '../src/analysis/network/index.js';
import { baseStack, naclRule, route, sgRule } from '../fixtures/network/stack.js';

const ROOT = join(import.meta.dirname, '..');
const ref = (address: string, attr = 'id'): string => `\${${address}.${attr}}`;

/** The base stack with an instance whose security group admits SSH from the VPC only. */
function bastion10(): ReturnType<typeof baseStack> {
  const s = baseStack();
  s.add('aws_security_group', 'bastion', {
    vpc_id: ref('aws_vpc.main'),
    ingress: [sgRule({ from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['10.0.0.0/16'] })],
  });
  s.add('aws_instance', 'bastion', {
    ami: 'ami-1',
    instance_type: 't3.micro',
    subnet_id: ref('aws_subnet.public_a'),
    associate_public_ip_address: true,
    vpc_security_group_ids: [ref('aws_security_group.bastion')],
  });
  return s;
}

async function analyse(path: string): Promise<NetworkFacts> {
  const { graph } = await readInputs([path], { cwd: ROOT });
  return analyzeNetwork(graph);
}

async function analyseStack(stack: ReturnType<typeof baseStack>): Promise<NetworkFacts> {
  const dir = mkdtempSync(join(tmpdir(), 'hg-net-'));
  const file = join(dir, 'main.tf.json');
  writeFileSync(file, stack.json());
  return analyse(file);
}

const rule = (name: string, c: string) => join(ROOT, 'fixtures', 'rules', name, c, 'main.tf.json');
const addresses = (facts: NetworkFacts) => exposureReport(facts).map((e) => e.address);

describe('exposure paths (must hold)', () => {
  it('a public ALB in front of a microservice: both reachable, over IGW -> route table -> public subnet -> SG -> ALB -> listener -> target group', async () => {
    const facts = await analyse(rule('only-gateway-public', 'fail-public-alb-in-front-of-microservice'));
    const lb = facts.exposure('aws_lb.web')!;
    expect(lb.viaGateway).toBe(false);
    expect(lb.ports).toEqual(['tcp/443']);
    expect(lb.path).toEqual([
      'aws_internet_gateway.igw',
      'aws_route_table.public',
      'aws_route_table_association.public_a',
      'aws_subnet.public_a',
      'aws_security_group.alb',
      'aws_lb.web',
    ]);
    const svc = facts.exposure('aws_ecs_service.serving')!;
    expect(svc.viaGateway).toBe(false);
    expect(svc.ports).toEqual(['tcp/8080']);
    expect(svc.path.slice(-4)).toEqual(['aws_lb.web', 'aws_lb_listener.https', 'aws_lb_target_group.serving', 'aws_ecs_service.serving']);
    // Every hop is evidence with a location in the input.
    expect(svc.evidence).toHaveLength(svc.path.length);
    for (const e of svc.evidence) expect(e.location?.file).toMatch(/main\.tf\.json$/);
    // The Lambda behind the gateway is reachable only through it.
    expect(facts.exposure('aws_lambda_function.ingest')!.viaGateway).toBe(true);
    expect(facts.exposure('aws_apigatewayv2_api.api')!.serviceType).toBe('gateway');
  });

  it('the same ALB internal = true, behind a VPC link: nothing but the gateway is directly reachable', async () => {
    const facts = await analyse(rule('only-gateway-public', 'pass-internal-alb-behind-gateway'));
    const direct = exposureReport(facts).filter((e) => !e.viaGateway).map((e) => e.address);
    expect(direct).toEqual(['aws_apigatewayv2_api.api']);
    const svc = facts.exposure('aws_ecs_service.serving')!;
    expect(svc.viaGateway).toBe(true);
    expect(svc.path).toContain('aws_apigatewayv2_vpc_link.serving');
  });

  it('ECS assign_public_ip: reachable in a public subnet, not in a private one (and says why)', async () => {
    const pub = await analyse(rule('only-gateway-public', 'fail-ecs-public-ip-in-public-subnet'));
    expect(pub.exposure('aws_ecs_service.serving')?.ports).toEqual(['tcp/8080']);
    const priv = await analyse(rule('only-gateway-public', 'pass-ecs-public-ip-in-private-subnet'));
    expect(priv.exposure('aws_ecs_service.serving')).toBeUndefined();
    expect(priv.notExposed.get('aws_ecs_service.serving')?.join()).toMatch(/aws_subnet\.private_a has no route to an internet gateway/);
  });

  it('a bastion with an elastic IP and port 22 open to the world', async () => {
    const facts = await analyse(rule('only-gateway-public', 'fail-bastion-public-ip-ssh'));
    const b = facts.exposure('aws_instance.bastion')!;
    expect(b.ports).toEqual(['tcp/22']);
    expect(b.worldPorts).toEqual(['tcp/22']);
    expect(b.path).toContain('aws_eip.bastion');
  });

  it('an instance in a public subnet whose security group admits only the VPC is not reachable', async () => {
    const facts = await analyse(rule('only-gateway-public', 'pass-instance-public-subnet-vpc-only-sg'));
    expect(facts.exposure('aws_instance.bastion')).toBeUndefined();
    expect(facts.notExposed.get('aws_instance.bastion')?.join()).toMatch(/no security group/);
  });

  it('routes given inline and as aws_route resources give the same reachability', async () => {
    const inline = await analyse(rule('only-gateway-public', 'fail-bastion-public-ip-ssh'));
    const separate = await analyse(rule('only-gateway-public', 'fail-route-as-separate-resource'));
    expect(separate.exposure('aws_instance.bastion')!.ports).toEqual(inline.exposure('aws_instance.bastion')!.ports);
    expect(separate.exposure('aws_instance.bastion')!.path).toContain('aws_route.public_internet');
  });

  it('a network ACL that denies what the security group allows closes the path', async () => {
    const facts = await analyse(rule('only-gateway-public', 'pass-nacl-denies-what-sg-allows'));
    expect(facts.exposure('aws_instance.bastion')).toBeUndefined();
    expect(facts.notExposed.get('aws_instance.bastion')?.join()).toMatch(/aws_network_acl\.public blocks .*rule 100 .* denies tcp\/22/);
  });

  it('Lambda URL NONE vs AWS_IAM; permission for * vs apigateway.amazonaws.com with source_arn', async () => {
    expect((await analyse(rule('only-gateway-public', 'fail-function-url-auth-none'))).exposure('aws_lambda_function.ingest')!.mechanisms).toEqual([
      'function-url',
    ]);
    const iam = await analyse(rule('only-gateway-public', 'pass-function-url-aws-iam'));
    expect(iam.exposure('aws_lambda_function.ingest')!.viaGateway).toBe(true);
    const star = await analyse(rule('only-gateway-public', 'fail-lambda-permission-any-principal'));
    expect(star.exposure('aws_lambda_function.ingest')!.path).toEqual(['aws_lambda_permission.anyone', 'aws_lambda_function.ingest']);
    const apigw = await analyse(rule('only-gateway-public', 'pass-lambda-permission-apigateway-source-arn'));
    expect(apigw.exposure('aws_lambda_function.ingest')!.viaGateway).toBe(true);
  });

  it('a bucket policy for Principal "*" is public without a public access block, not with one', async () => {
    expect(addresses(await analyse(rule('only-gateway-public', 'fail-bucket-policy-any-principal')))).toContain('aws_s3_bucket.artifacts');
    const blocked = await analyse(rule('only-gateway-public', 'pass-bucket-policy-public-access-block'));
    expect(addresses(blocked)).not.toContain('aws_s3_bucket.artifacts');
    expect(blocked.notExposed.get('aws_s3_bucket.artifacts')?.join()).toMatch(/public_access_block/);
  });

  it('a Lambda function in a VPC is never reachable through its subnets, and the analysis says why', async () => {
    const s = baseStack().set('aws_lambda_function', 'ingest', {
      vpc_config: { subnet_ids: [ref('aws_subnet.public_a')], security_group_ids: [ref('aws_security_group.alb')] },
    });
    const facts = await analyseStack(s);
    expect(facts.exposure('aws_lambda_function.ingest')!.viaGateway).toBe(true);
    expect(facts.notExposed.get('aws_lambda_function.ingest')).toBeUndefined(); // exposed via gateway, so no reason kept
    const alone = baseStack()
      .remove('aws_apigatewayv2_route', 'ingest')
      .set('aws_lambda_function', 'ingest', { vpc_config: { subnet_ids: [ref('aws_subnet.public_a')], security_group_ids: [ref('aws_security_group.alb')] } });
    const f2 = await analyseStack(alone);
    expect(f2.exposure('aws_lambda_function.ingest')).toBeUndefined();
    expect(f2.notExposed.get('aws_lambda_function.ingest')?.join()).toMatch(/accept no inbound connections/);
  });
});

describe('the VPC\'s own ranges and office ranges', () => {
  it("a security group admitting only the VPC's own blocks (11.0.0.0/16 and an associated 11.1.0.0/16, public address space) gives no internet path, in " +
    "every form", async () => {
    const forms = join(ROOT, 'fixtures', 'network', 'forms', 'pass-instance-sg-admits-own-vpc-public-range');
    for (const input of [join(forms, 'synth', 'main.tf.json'), join(forms, 'hcl'), join(forms, 'plan', 'plan.json')]) {
      const facts = await analyse(input);
      expect(facts.exposure('aws_instance.bastion'), input).toBeUndefined();
      expect(facts.notExposed.get('aws_instance.bastion')?.join(), input).toMatch(
        /no security group of aws_instance.bastion admits (ipv4 traffic|any traffic) from the internet/,
      );
    }
  });

  it('a network ACL allowing only the VPC\'s own public-looking range lets nothing in from the internet', async () => {
    const s = baseStack().set('aws_vpc', 'main', { cidr_block: '11.0.0.0/16' });
    s.add('aws_network_acl', 'public', {
      vpc_id: ref('aws_vpc.main'),
      subnet_ids: [ref('aws_subnet.public_a'), ref('aws_subnet.public_b')],
      ingress: [naclRule({ rule_no: 100, action: 'allow', protocol: 'tcp', from_port: 443, to_port: 443, cidr_block: '11.0.0.0/16' })],
      egress: [naclRule({ rule_no: 100, action: 'allow', protocol: '-1', from_port: 0, to_port: 0, cidr_block: '0.0.0.0/0' })],
    });
    expect((await analyseStack(s)).exposure('aws_lb.web')).toBeUndefined();
  });

  it('an office range is reachable from that range only, and says so', async () => {
    const facts = await analyse(rule('only-gateway-public', 'fail-instance-ssh-from-office-range'));
    const b = facts.exposure('aws_instance.bastion')!;
    expect(b.ports).toEqual(['tcp/22']);
    expect(b.worldPorts).toEqual([]);
    expect(b.sources).toEqual(['198.51.100.0/24']);
    expect(exposureReport(facts).find((e) => e.address === 'aws_instance.bastion')?.sources).toEqual(['198.51.100.0/24']);
  });
});

describe('decided as soon as a known hop blocks every path', () => {
  const forms = join(ROOT, 'fixtures', 'network', 'forms');
  const both = (c: string) => [join(forms, c, 'synth', 'main.tf.json'), join(forms, c, 'hcl')];

  it('a public IP known only after apply: not public when the security group admits only the VPC, or the NACL denies the only open port', async () => {
    for (const input of both('pass-vpc-only-sg-public-ip-unknown')) {
      const facts = await analyse(input);
      expect(facts.exposure('aws_instance.bastion'), input).toBeUndefined();
      expect(facts.notExposed.get('aws_instance.bastion')?.join(), input).toMatch(
        /no security group of aws_instance.bastion admits any traffic from the internet/,
      );
    }
    for (const input of both('pass-nacl-denies-only-port-public-ip-unknown')) {
      const facts = await analyse(input);
      expect(facts.exposure('aws_instance.bastion'), input).toBeUndefined();
      expect(facts.notExposed.get('aws_instance.bastion')?.join(), input).toMatch(/aws_network_acl.public blocks .* denies tcp\/22/);
    }
  });

  it('undecided only when the unknown decides: SSH open to the world, public IP from a variable', async () => {
    for (const input of both('fail-world-ssh-public-ip-unknown')) {
      const b = (await analyse(input)).exposure('aws_instance.bastion')!;
      expect(b.undecided, input).toMatch(/associate_public_ip_address of aws_instance.bastion .*var\.bastion_public_ip/);
      expect(b.paths[0]!.worldPorts).toEqual(['tcp/22']);
    }
  });

  it('subnets from a variable: decided when the security groups admit nothing from the internet', async () => {
    const s = bastion10();
    s.set('aws_instance', 'bastion', { subnet_id: '${var.subnet}' });
    (s.doc as { variable?: unknown }).variable = { subnet: { type: 'string' } };
    const facts = await analyseStack(s);
    expect(facts.exposure('aws_instance.bastion')).toBeUndefined();
  });
});

describe('internet-facing load balancers in subnets not in this configuration', () => {
  it('internal = false with subnets from a module not downloaded: public by intent, with evidence that says so; synth JSON and HCL agree', async () => {
    const forms = join(ROOT, 'fixtures', 'network', 'forms', 'fail-internet-facing-alb-subnets-from-module');
    const synth = await analyse(join(forms, 'synth', 'main.tf.json'));
    const lb = synth.exposure('aws_lb.serving')!;
    expect(lb.undecided).toBeUndefined();
    expect(lb.ports).toEqual(['tcp/443']);
    expect(lb.path).toEqual(['(public subnets, by the internet-facing scheme)', 'aws_security_group.alb', 'aws_lb.serving']);
    expect(lb.evidence[0]!.message).toMatch(/internet-facing \(internal = false\).*not in this configuration, so the scheme is taken as the intent/);
    expect(exposureReport(await analyse(join(forms, 'hcl')))).toEqual(exposureReport(synth));
    const internal = await analyse(join(ROOT, 'fixtures', 'rules', 'only-gateway-public', 'pass-internal-alb-subnets-from-module'));
    expect(internal.exposure('aws_lb.serving')).toBeUndefined();
  });
});

describe('Auto Scaling groups, launch templates and what is built on them', () => {
  const fleet = (extra: (s: ReturnType<typeof baseStack>) => void) => {
    const s = baseStack();
    s.add('aws_security_group', 'gpu', {
      vpc_id: ref('aws_vpc.main'),
      ingress: [sgRule({ from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] })],
    });
    s.add('aws_launch_template', 'gpu', {
      image_id: 'ami-1',
      instance_type: 'p4d.24xlarge',
      network_interfaces: [{ associate_public_ip_address: true, security_groups: [ref('aws_security_group.gpu')] }],
    });
    extra(s);
    return analyseStack(s);
  };

  it('a GPU Auto Scaling group gives the same exposure as the equivalent aws_instance; evidence names ASG, launch template, subnet and security ' +
    'group', async () => {
    const asg = (await analyse(rule('world-open-admin-port', 'fail-gpu-asg-public-ip-ssh-world'))).exposure('aws_autoscaling_group.gpu')!;
    const instance = (await analyse(rule('world-open-admin-port', 'fail-gpu-instance-public-ip-ssh-world'))).exposure('aws_instance.gpu')!;
    expect(asg.ports).toEqual(instance.ports);
    expect(asg.worldPorts).toEqual(['tcp/22']);
    expect(asg.path).toEqual([
      'aws_internet_gateway.igw',
      'aws_route_table.public',
      'aws_route_table_association.public_a',
      'aws_subnet.public_a',
      'aws_security_group.gpu',
      'aws_launch_template.gpu',
      'aws_autoscaling_group.gpu',
    ]);
    expect(asg.evidence.map((e) => e.message).join('\n')).toMatch(
      /aws_autoscaling_group.gpu launches its instances from aws_launch_template.gpu .*public IP .*instance type g5.xlarge \(GPU\/accelerator: g5.xlarge\)/,
    );
    const priv = await analyse(rule('world-open-admin-port', 'pass-gpu-asg-private-subnets'));
    expect(priv.exposure('aws_autoscaling_group.gpu')).toBeUndefined();
    expect(priv.notExposed.get('aws_autoscaling_group.gpu')?.join()).toMatch(/no route to an internet gateway/);
  });

  it('mixed_instances_policy and a legacy launch configuration are followed too', async () => {
    const mixed = await fleet((s) =>
      s.add('aws_autoscaling_group', 'mixed', {
        max_size: 2,
        min_size: 0,
        vpc_zone_identifier: [ref('aws_subnet.public_a')],
        mixed_instances_policy: {
          launch_template: {
            launch_template_specification: { launch_template_id: ref('aws_launch_template.gpu') },
            override: [{ instance_type: 'g6.xlarge' }, { instance_type: 'g5.2xlarge' }],
          },
        },
      }),
    );
    const m = mixed.exposure('aws_autoscaling_group.mixed')!;
    expect(m.worldPorts).toEqual(['tcp/22']);
    expect(m.evidence.map((e) => e.message).join()).toMatch(/instance types g6.xlarge, g5.2xlarge/);
    const legacy = await fleet((s) => {
      s.add('aws_launch_configuration', 'old', {
        image_id: 'ami-1',
        instance_type: 't3.micro',
        associate_public_ip_address: false,
        security_groups: [ref('aws_security_group.gpu')],
      });
      s.add('aws_autoscaling_group', 'old', {
        max_size: 1,
        min_size: 0,
        vpc_zone_identifier: [ref('aws_subnet.public_a')],
        launch_configuration: ref('aws_launch_configuration.old', 'name'),
      });
    });
    expect(legacy.exposure('aws_autoscaling_group.old')).toBeUndefined();
    expect(legacy.notExposed.get('aws_autoscaling_group.old')?.join()).toMatch(/gets no public IPv4 address/);
  });

  it('an EKS node group and a Batch compute environment on a launch template; an ECS service on a capacity provider of the group', async () => {
    const facts = await fleet((s) => {
      s.add('aws_eks_node_group', 'gpu', {
        cluster_name: 'training',
        node_role_arn: 'arn:aws:iam::123456789012:role/nodes',
        subnet_ids: [ref('aws_subnet.public_a')],
        scaling_config: { desired_size: 1, max_size: 1, min_size: 1 },
        launch_template: { id: ref('aws_launch_template.gpu'), version: '1' },
      });
      s.add('aws_batch_compute_environment', 'gpu', {
        compute_environment_name: 'gpu',
        type: 'MANAGED',
        compute_resources: {
          type: 'EC2',
          max_vcpus: 96,
          instance_type: ['p4d.24xlarge'],
          subnets: [ref('aws_subnet.public_a')],
          security_group_ids: [ref('aws_security_group.gpu')],
        },
      });
      s.add('aws_batch_compute_environment', 'fargate', {
        compute_environment_name: 'f',
        type: 'MANAGED',
        compute_resources: { type: 'FARGATE', max_vcpus: 4, subnets: [ref('aws_subnet.public_a')], security_group_ids: [ref('aws_security_group.gpu')] },
      });
      s.add('aws_autoscaling_group', 'ecs', {
        max_size: 2,
        min_size: 0,
        vpc_zone_identifier: [ref('aws_subnet.public_a')],
        launch_template: { id: ref('aws_launch_template.gpu') },
      });
      s.add('aws_ecs_capacity_provider', 'ecs', {
        name: 'ecs',
        auto_scaling_group_provider: { auto_scaling_group_arn: ref('aws_autoscaling_group.ecs', 'arn') },
      });
      s.add('aws_ecs_task_definition', 'ssh', {
        family: 'ssh',
        network_mode: 'host',
        container_definitions: JSON.stringify([{ name: 'sshd', image: 'x', portMappings: [{ containerPort: 22 }] }]),
      });
      s.add('aws_ecs_service', 'ssh', {
        name: 'ssh',
        task_definition: ref('aws_ecs_task_definition.ssh', 'arn'),
        capacity_provider_strategy: [{ capacity_provider: ref('aws_ecs_capacity_provider.ecs', 'name'), weight: 1 }],
      });
    });
    expect(facts.exposure('aws_eks_node_group.gpu')?.path.slice(-2)).toEqual(['aws_launch_template.gpu', 'aws_eks_node_group.gpu']);
    expect(facts.exposure('aws_batch_compute_environment.gpu')?.worldPorts).toEqual(['tcp/22']);
    expect(facts.exposure('aws_batch_compute_environment.fargate')).toBeUndefined();
    const svc = facts.exposure('aws_ecs_service.ssh')!;
    expect(svc.ports).toEqual(['tcp/22']);
    expect(svc.path.slice(-4)).toEqual(['aws_launch_template.gpu', 'aws_autoscaling_group.ecs', 'aws_ecs_capacity_provider.ecs', 'aws_ecs_service.ssh']);
  });
});

describe('resources with no network placement', () => {
  it('a publicly accessible RDS instance with no subnet group lands in the default VPC: kept off the internet only by the default group, with that ' +
    'evidence', async () => {
    const facts = await analyse(rule('publicly-accessible-data-store', 'fail-rds-public-no-subnet-group'));
    expect(facts.exposure('aws_db_instance.features')).toBeUndefined();
    const guarded = facts.guardedOnlyByGroups.find((g) => g.address === 'aws_db_instance.features')!;
    expect(guarded.where).toMatch(/default VPC/);
    expect(guarded.evidence.map((e) => e.message).join('\n')).toMatch(
      /publicly_accessible = true[\s\S]*lands in the default VPC[\s\S]*default security group of its VPC, which admits only its own members/,
    );
    // With a world-open group attached, the groups decide: reachable.
    const open = await analyse(rule('only-gateway-public', 'fail-rds-no-subnet-group-world-open-group'));
    expect(open.exposure('aws_db_instance.features')?.ports).toEqual(['tcp/5432']);
    expect(open.guardedOnlyByGroups).toEqual([]);
  });
});

describe('ports through load balancers', () => {
  it("a Lambda target group has no port: the function is reachable on the listener's port 80 only, evidence listener -> target group -> function", async () => {
    const facts = await analyse(rule('only-gateway-public', 'fail-lambda-behind-public-alb-port-80'));
    const fn = facts.exposure('aws_lambda_function.ingest')!;
    expect(fn.ports).toEqual(['tcp/80']);
    expect(fn.worldPorts).toEqual(['tcp/80']);
    expect(fn.path.slice(-5)).toEqual([
      'aws_lb.fn',
      'aws_lb_listener.http',
      'aws_lb_target_group.fn',
      'aws_lb_target_group_attachment.fn',
      'aws_lambda_function.ingest',
    ]);
    expect(fn.evidence.map((e) => e.message).join('\n')).toMatch(
      /target_type lambda, no port of its own\) invokes aws_lambda_function.ingest for requests on tcp\/80/,
    );
  });

  it('an instance behind an NLB gets the target group\'s port (22), not the listener\'s (2222)', async () => {
    const facts = await analyse(rule('world-open-admin-port', 'fail-nlb-forwards-ssh-to-private-instance'));
    expect(facts.exposure('aws_lb.ops')!.ports).toEqual(['tcp/2222']);
    const ops = facts.exposure('aws_instance.ops')!;
    expect(ops.ports).toEqual(['tcp/22']);
    expect(ops.worldPorts).toEqual(['tcp/22']);
    expect(ops.path.slice(-4)).toEqual(['aws_lb_listener.ops', 'aws_lb_target_group.ops', 'aws_lb_target_group_attachment.ops', 'aws_instance.ops']);
  });
});

describe('subnet tiers and placement', () => {
  it('public = IGW route, private = NAT only, isolated = no route out', async () => {
    const facts = await analyse(rule('only-gateway-public', 'fail-public-alb-in-front-of-microservice'));
    expect(facts.subnetTier('aws_subnet.public_a')).toBe('public');
    expect(facts.subnetTier('aws_subnet.private_a')).toBe('private');
    expect(facts.subnetTier('aws_subnet.isolated_a')).toBe('isolated');
    expect(facts.subnetTier('aws_subnet.nope')).toBe('unknown');
  });

  it('placement of services', async () => {
    const s = baseStack();
    const { graph } = await readInputs([(() => {
      const dir = mkdtempSync(join(tmpdir(), 'hg-net-'));
      writeFileSync(join(dir, 'main.tf.json'), s.json());
      return join(dir, 'main.tf.json');
    })()], { cwd: ROOT });
    const facts = analyzeNetwork(graph);
    expect(facts.placement(graph.get('aws_ecs_service.serving')!)).toEqual({
      subnets: ['aws_subnet.private_a', 'aws_subnet.private_b'],
      tiers: ['private', 'private'],
      unresolved: [],
      inVpc: true,
    });
    expect(facts.placement(graph.get('aws_lambda_function.ingest')!).inVpc).toBe(false);
  });

  it('a subnet without an association uses the main route table: aws_default_route_table, aws_main_route_table_association', async () => {
    const s = baseStack().remove('aws_route_table_association', 'public_a');
    s.add('aws_default_route_table', 'main', {
      default_route_table_id: ref('aws_vpc.main', 'default_route_table_id'),
      route: [route({ cidr_block: '0.0.0.0/0', gateway_id: ref('aws_internet_gateway.igw') })],
    });
    let facts = await analyseStack(s);
    expect(facts.subnetTier('aws_subnet.public_a')).toBe('public');
    const m = baseStack().remove('aws_route_table_association', 'public_a');
    m.add('aws_main_route_table_association', 'main', { vpc_id: ref('aws_vpc.main'), route_table_id: ref('aws_route_table.isolated') });
    facts = await analyseStack(m);
    expect(facts.subnetTier('aws_subnet.public_a')).toBe('isolated');
    const bare = baseStack().remove('aws_route_table_association', 'public_a');
    facts = await analyseStack(bare);
    expect(facts.subnetTier('aws_subnet.public_a')).toBe('isolated'); // implicit main table: local route only
  });
});

describe('undecided, IPv6, databases and managed endpoints', () => {
  it('a CIDR from a variable makes the exposure undecided, never a silent pass', async () => {
    const s = baseStack();
    s.set('aws_security_group', 'alb', { ingress: [sgRule({ from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: '${var.allowed_cidrs}' })] });
    (s.doc as { variable?: unknown }).variable = { allowed_cidrs: { type: 'list(string)' } };
    const facts = await analyseStack(s);
    expect(addresses(facts)).not.toContain('aws_lb.web');
    expect(undecidedExposures(facts).map((u) => u.address)).toContain('aws_lb.web');
  });

  it('::/0 reaches an instance with an IPv6 address in a subnet routing ::/0 to the IGW', async () => {
    const s = baseStack();
    s.set('aws_route_table', 'public', {
      route: [
        route({ cidr_block: '0.0.0.0/0', gateway_id: ref('aws_internet_gateway.igw') }),
        route({ ipv6_cidr_block: '::/0', gateway_id: ref('aws_internet_gateway.igw') }),
      ],
    });
    s.add('aws_security_group', 'v6', {
      vpc_id: ref('aws_vpc.main'),
      ingress: [sgRule({ from_port: 443, to_port: 443, protocol: 'tcp', ipv6_cidr_blocks: ['::/0'] })],
    });
    s.add('aws_instance', 'web6', {
      ami: 'ami-1',
      instance_type: 't3.micro',
      subnet_id: ref('aws_subnet.public_a'),
      associate_public_ip_address: false,
      ipv6_address_count: 1,
      vpc_security_group_ids: [ref('aws_security_group.v6')],
    });
    const facts = await analyseStack(s);
    expect(facts.exposure('aws_instance.web6')?.ports).toEqual(['tcp/443']);
  });

  it('an egress-only gateway gives no inbound path; a NACL without return traffic closes TCP', async () => {
    const s = baseStack();
    s.add('aws_egress_only_internet_gateway', 'eigw', { vpc_id: ref('aws_vpc.main') });
    s.set('aws_route_table', 'private', { route: [route({ ipv6_cidr_block: '::/0', egress_only_gateway_id: ref('aws_egress_only_internet_gateway.eigw') })] });
    s.add('aws_security_group', 'v6', {
      vpc_id: ref('aws_vpc.main'),
      ingress: [sgRule({ from_port: 443, to_port: 443, protocol: 'tcp', ipv6_cidr_blocks: ['::/0'] })],
    });
    s.add('aws_instance', 'web6', {
      ami: 'ami-1',
      instance_type: 't3.micro',
      subnet_id: ref('aws_subnet.private_a'),
      ipv6_address_count: 1,
      vpc_security_group_ids: [ref('aws_security_group.v6')],
    });
    s.add('aws_network_acl', 'public', {
      vpc_id: ref('aws_vpc.main'),
      subnet_ids: [ref('aws_subnet.public_a'), ref('aws_subnet.public_b')],
      ingress: [naclRule({ rule_no: 100, action: 'allow', protocol: 'tcp', from_port: 443, to_port: 443, cidr_block: '0.0.0.0/0' })],
      egress: [naclRule({ rule_no: 100, action: 'allow', protocol: 'tcp', from_port: 443, to_port: 443, cidr_block: '0.0.0.0/0' })],
    });
    const facts = await analyseStack(s);
    expect(facts.exposure('aws_instance.web6')).toBeUndefined();
    expect(facts.exposure('aws_lb.web')).toBeUndefined();
    expect(facts.notExposed.get('aws_lb.web')?.join()).toMatch(/stateless/);
  });

  it('RDS publicly_accessible in public subnets with 5432 open; EKS public endpoint; SageMaker direct internet access', async () => {
    const s = baseStack();
    s.add('aws_db_subnet_group', 'pub', { subnet_ids: [ref('aws_subnet.public_a'), ref('aws_subnet.public_b')] });
    s.add('aws_security_group', 'db', {
      vpc_id: ref('aws_vpc.main'),
      ingress: [sgRule({ from_port: 0, to_port: 65535, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] })],
    });
    s.add('aws_db_instance', 'features', {
      engine: 'postgres',
      instance_class: 'db.t3.micro',
      publicly_accessible: true,
      db_subnet_group_name: ref('aws_db_subnet_group.pub', 'name'),
      vpc_security_group_ids: [ref('aws_security_group.db')],
    });
    s.add('aws_db_instance', 'private_db', {
      engine: 'postgres',
      instance_class: 'db.t3.micro',
      db_subnet_group_name: ref('aws_db_subnet_group.pub', 'name'),
      vpc_security_group_ids: [ref('aws_security_group.db')],
    });
    s.add('aws_eks_cluster', 'k8s', {
      name: 'k8s',
      role_arn: ref('aws_iam_role.serving_task', 'arn'),
      vpc_config: { subnet_ids: [ref('aws_subnet.private_a')] },
    });
    s.add('aws_eks_cluster', 'k8s_private', {
      name: 'k8s2',
      role_arn: ref('aws_iam_role.serving_task', 'arn'),
      vpc_config: { subnet_ids: [ref('aws_subnet.private_a')], endpoint_public_access: false, endpoint_private_access: true },
    });
    s.add('aws_sagemaker_notebook_instance', 'nb', { name: 'nb', role_arn: ref('aws_iam_role.serving_task', 'arn'), instance_type: 'ml.t3.medium' });
    const facts = await analyseStack(s);
    expect(facts.exposure('aws_db_instance.features')?.ports).toEqual(['tcp/5432']);
    expect(facts.exposure('aws_db_instance.private_db')).toBeUndefined();
    expect(facts.exposure('aws_eks_cluster.k8s')?.worldPorts).toEqual(['tcp/443']);
    expect(facts.exposure('aws_eks_cluster.k8s_private')).toBeUndefined();
    expect(facts.exposure('aws_sagemaker_notebook_instance.nb')?.mechanisms).toEqual(['direct-internet-access']);
  });
});

describe('resource policies for Principal "*" (AWS\'s meaning of public)', () => {
  const policy = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
  const anyone = (extra: object = {}) => ({
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    Resource: '*',
    ...extra,
  });
  async function secretWith(doc: string, variables: Record<string, object> = {}): Promise<NetworkFacts> {
    const s = baseStack();
    s.add('aws_secretsmanager_secret', 'key', { name: 'key' });
    s.add('aws_secretsmanager_secret_policy', 'key', { secret_arn: ref('aws_secretsmanager_secret.key', 'arn'), policy: doc });
    (s.doc as { variable?: unknown }).variable = variables;
    return analyseStack(s);
  }

  it('a Deny for everyone wins only when it covers every action the Allow opens', async () => {
    const all = await secretWith(policy(anyone(), { Effect: 'Deny', Principal: '*', Action: 'secretsmanager:*', Resource: '*' }));
    expect(all.exposure('aws_secretsmanager_secret.key')).toBeUndefined();
    expect(all.notExposed.get('aws_secretsmanager_secret.key')?.join()).toMatch(/statement 1 denies it to everyone/);
    const part = await secretWith(policy(anyone(), { Effect: 'Deny', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' }));
    expect(part.exposure('aws_secretsmanager_secret.key')?.mechanisms).toEqual(['resource-policy']);
    // A Deny for outsiders only when they also use plain HTTP leaves HTTPS callers in.
    const narrow = await secretWith(
      policy(anyone(), {
        Effect: 'Deny',
        Principal: '*',
        Action: '*',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' }, Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(narrow.exposure('aws_secretsmanager_secret.key')?.paths.map((p) => p.undecided)).toEqual([undefined]);
    const deniedToOutsiders = await secretWith(
      policy(anyone(), { Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: '*', Resource: '*' }),
    );
    expect(deniedToOutsiders.exposure('aws_secretsmanager_secret.key')).toBeUndefined();
  });

  it('conditions: fixed restricting values pin callers; wildcards, ForAllValues and wide CIDRs do not', async () => {
    expect(
      (await secretWith(policy(anyone({ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d' } } })))).exposure('aws_secretsmanager_secret.key'),
    ).toBeUndefined();
    expect(
      (await secretWith(policy(anyone({ Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ci' } } }))))
        .exposure('aws_secretsmanager_secret.key')
        ?.paths.map((p) => p.undecided),
    ).toEqual([undefined]);
    expect(
      (await secretWith(policy(anyone({ Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/r-ab12/'] } } })))).exposure(
        'aws_secretsmanager_secret.key',
      ),
    ).toBeDefined();
    expect(
      (await secretWith(policy(anyone({ Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/1' } } })))).exposure('aws_secretsmanager_secret.key'),
    ).toBeDefined();
    expect(
      (await secretWith(policy(anyone({ Condition: { StringEquals: { 'aws:SecureTransport': 'true' } } })))).exposure('aws_secretsmanager_secret.key'),
    ).toBeDefined();
    // A wildcard that leaves the account (or organization) fixed still pins callers.
    expect(
      (await secretWith(policy(anyone({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/ci-*' } } })))).exposure(
        'aws_secretsmanager_secret.key',
      ),
    ).toBeUndefined();
    expect(
      (await secretWith(policy(anyone({ Condition: { StringLike: { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/*' } } })))).exposure(
        'aws_secretsmanager_secret.key',
      ),
    ).toBeUndefined();
  });

  it('a data.aws_iam_policy_document with principals type "*" is the JSON Principal "*"', async () => {
    const s = baseStack();
    s.data('aws_iam_policy_document', 'open', {
      statement: [{ effect: 'Allow', actions: ['kms:Decrypt'], resources: ['*'], principals: [{ type: '*', identifiers: ['*'] }] }],
    });
    s.add('aws_kms_key', 'k', { description: 'k', policy: '${data.aws_iam_policy_document.open.json}' });
    expect((await analyseStack(s)).exposure('aws_kms_key.k')?.mechanisms).toEqual(['resource-policy']);
  });

  it('values known only after apply: undecided when they could open it, decided when they cannot', async () => {
    const v = { cidr: { type: 'string' }, account: { type: 'string' }, principal: { type: 'string' } };
    const cidr = await secretWith(policy(anyone({ Condition: { IpAddress: { 'aws:SourceIp': '${var.cidr}' } } })), v);
    expect(cidr.exposure('aws_secretsmanager_secret.key')?.undecided).toMatch(/IpAddress aws:SourceIp/);
    expect(undecidedExposures(cidr).map((u) => u.address)).toEqual(['aws_secretsmanager_secret.key']);
    // StringEquals compares exactly: whatever the account is, only it gets in.
    expect(
      (await secretWith(policy(anyone({ Condition: { StringEquals: { 'aws:PrincipalAccount': '${var.account}' } } })), v)).exposure(
        'aws_secretsmanager_secret.key',
      ),
    ).toBeUndefined();
    expect((await secretWith(policy({ ...anyone(), Principal: { AWS: '${var.principal}' } }), v)).exposure('aws_secretsmanager_secret.key')?.undecided).toMatch(
      /Principal of statement 0/,
    );
    // A role's ARN is never "*".
    expect(
      (await secretWith(policy({ ...anyone(), Principal: { AWS: ref('aws_iam_role.ingest', 'arn') } }))).exposure('aws_secretsmanager_secret.key'),
    ).toBeUndefined();
  });

  it('a policy that is not JSON grants nothing (AWS refuses it), a template we cannot evaluate is undecided', async () => {
    const broken = await secretWith('{ "Statement": [ { "Effect": "Allow" "Principal": "*" } ] }');
    expect(broken.exposure('aws_secretsmanager_secret.key')).toBeUndefined();
    expect(broken.notExposed.get('aws_secretsmanager_secret.key')?.join()).toMatch(/not valid JSON/);
  });

  it('an OpenSearch domain: public on 443 and 80 without enforce_https; in a VPC, not reachable from the internet', async () => {
    const s = baseStack();
    const open = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'es:*', Resource: '*' }] });
    s.add('aws_elasticsearch_domain', 'logs', { domain_name: 'logs', access_policies: open });
    s.add('aws_opensearch_domain', 'vpc', { domain_name: 'vpc', access_policies: open, vpc_options: { subnet_ids: [ref('aws_subnet.public_a')] } });
    const facts = await analyseStack(s);
    expect(facts.exposure('aws_elasticsearch_domain.logs')?.ports).toEqual(['tcp/80', 'tcp/443']);
    expect(facts.exposure('aws_opensearch_domain.vpc')).toBeUndefined();
    expect(facts.notExposed.get('aws_opensearch_domain.vpc')?.join()).toMatch(/VPC domain .* not the internet/);
  });

  it('a trust policy matters only for sts:AssumeRole', async () => {
    const s = baseStack();
    s.add('aws_iam_role', 'tagger', { assume_role_policy: policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:TagSession' }) });
    s.add('aws_iam_role', 'anyone', { assume_role_policy: policy({ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 'sts:*' }) });
    const facts = await analyseStack(s);
    expect(facts.exposure('aws_iam_role.tagger')).toBeUndefined();
    expect(facts.exposure('aws_iam_role.anyone')?.evidence[0]?.message).toMatch(/any AWS account can assume aws_iam_role.anyone/);
    const denied = baseStack();
    denied.add('aws_iam_role', 'org', {
      assume_role_policy: policy(
        { Effect: 'Allow', Principal: { AWS: '*' }, Action: ['sts:*'] },
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } },
      ),
    });
    const f2 = await analyseStack(denied);
    expect(f2.exposure('aws_iam_role.org')).toBeUndefined();
    expect(f2.notExposed.get('aws_iam_role.org')?.join()).toMatch(/denies every caller outside StringNotEquals aws:PrincipalOrgID/);
  });

  it('a trust policy is no network path: the role is not in `query exposure`, with no port; undecided trust is not listed either', async () => {
    const s = baseStack();
    s.add('aws_iam_role', 'anyone', { assume_role_policy: policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }) });
    s.add('aws_iam_role', 'later', { assume_role_policy: '${var.trust}' });
    (s.doc as { variable?: unknown }).variable = { trust: { type: 'string' } };
    const facts = await analyseStack(s);
    expect(facts.exposure('aws_iam_role.anyone')?.mechanisms).toEqual(['trust-policy']);
    expect(facts.exposure('aws_iam_role.anyone')?.ports).toEqual([]);
    const listed = exposureReport(facts, { includeUndecided: true }).map((e) => e.address);
    expect(listed).not.toContain('aws_iam_role.anyone');
    expect(listed).not.toContain('aws_iam_role.later');
  });

  it('a trust policy from a data.aws_iam_policy_document inside a module is read (no undecided role)', async () => {
    const facts = await analyse(join(ROOT, 'fixtures', 'network', 'module-trust'));
    expect(facts.exposure('module.fn.aws_iam_role.this')).toBeUndefined();
    expect(facts.notExposed.get('module.fn.aws_iam_role.this')).toBeUndefined();
  });
});

describe('EKS node group SSH and MSK public access', () => {
  it('a node group with an SSH key and no source groups: tcp/22 from the world in public subnets, undecided when the subnets are unknown', async () => {
    const facts = await analyse(rule('world-open-admin-port', 'fail-eks-node-group-ssh-key-without-source-groups'));
    const nodes = facts.exposure('aws_eks_node_group.gpu')!;
    expect(nodes.worldPorts).toEqual(['tcp/22']);
    expect(nodes.path.slice(0, 4)).toEqual([
      'aws_internet_gateway.igw',
      'aws_route_table.public',
      'aws_route_table_association.public_a',
      'aws_subnet.public_a',
    ]);
    const s = baseStack();
    s.add('aws_eks_node_group', 'ng', {
      cluster_name: 'training',
      node_role_arn: 'arn:aws:iam::123456789012:role/nodes',
      subnet_ids: '${var.subnets}',
      scaling_config: { desired_size: 1, max_size: 1, min_size: 1 },
      remote_access: { ec2_ssh_key: 'ops' },
    });
    (s.doc as { variable?: unknown }).variable = { subnets: { type: 'list(string)' } };
    const unknown = (await analyseStack(s)).exposure('aws_eks_node_group.ng')!;
    expect(unknown.undecided).toMatch(/var\.subnets/);
    expect(unknown.paths[0]!.worldPorts).toEqual(['tcp/22']);
  });

  it('MSK public access: the public port of each client authentication, subject to the security groups', async () => {
    const facts = await analyse(rule('only-gateway-public', 'fail-msk-public-access'));
    expect(facts.exposure('aws_msk_cluster.events')!.ports).toEqual(['tcp/9198']);
    const s = baseStack();
    s.add('aws_security_group', 'kafka', {
      vpc_id: ref('aws_vpc.main'),
      ingress: [sgRule({ from_port: 9000, to_port: 9999, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] })],
    });
    s.add('aws_security_group', 'kafka_vpc', {
      vpc_id: ref('aws_vpc.main'),
      ingress: [sgRule({ from_port: 9000, to_port: 9999, protocol: 'tcp', cidr_blocks: ['10.0.0.0/16'] })],
    });
    const cluster = (groups: string, auth: Parameters<ReturnType<typeof baseStack>['add']>[2]) => ({
      cluster_name: groups,
      kafka_version: '3.6.0',
      number_of_broker_nodes: 2,
      broker_node_group_info: {
        instance_type: 'kafka.m5.large',
        client_subnets: [ref('aws_subnet.public_a')],
        security_groups: [ref(`aws_security_group.${groups}`)],
        connectivity_info: { public_access: { type: 'SERVICE_PROVIDED_EIPS' } },
      },
      client_authentication: auth,
    });
    s.add(
      'aws_msk_cluster',
      'scram_tls',
      cluster('kafka', { sasl: { scram: true }, tls: { certificate_authority_arns: ['arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/x'] } }),
    );
    s.add('aws_msk_cluster', 'closed', cluster('kafka_vpc', { sasl: { iam: true } }));
    const f = await analyseStack(s);
    expect(f.exposure('aws_msk_cluster.scram_tls')!.ports).toEqual(['tcp/9194', 'tcp/9196']);
    expect(f.exposure('aws_msk_cluster.closed')).toBeUndefined();
    expect(f.notExposed.get('aws_msk_cluster.closed')?.join()).toMatch(/no security group/);
  });
});

describe('exposureReport (CLI contract)', () => {
  it('exactly { address, serviceType, viaGateway, path, ports }, sorted by address', async () => {
    const facts = await analyse(rule('only-gateway-public', 'fail-public-alb-in-front-of-microservice'));
    const report = exposureReport(facts);
    for (const entry of report) expect(Object.keys(entry).sort()).toEqual(['address', 'path', 'ports', 'serviceType', 'viaGateway']);
    expect(report.map((e) => e.address)).toEqual(['aws_apigatewayv2_api.api', 'aws_ecs_service.serving', 'aws_lambda_function.ingest', 'aws_lb.web']);
  });
});

describe('same answers from synth JSON, HCL and plan JSON', () => {
  const forms = join(ROOT, 'fixtures', 'network', 'forms');
  const cases = [
    'fail-public-alb-in-front-of-microservice',
    'pass-internal-alb-behind-gateway',
    'fail-bastion-public-ip-ssh',
    'pass-nacl-denies-what-sg-allows',
    'fail-route-as-separate-resource',
    'fail-function-url-auth-none',
    'fail-bucket-policy-any-principal',
    'fail-lambda-behind-public-alb-port-80',
    'fail-nlb-forwards-ssh-to-private-instance',
    'fail-instance-ssh-from-office-range',
    'fail-gpu-asg-public-ip-ssh-world',
  ];
  it.each(cases)('%s', async (c) => {
    const synth = exposureReport(await analyse(join(forms, c, 'synth', 'main.tf.json')));
    const hcl = exposureReport(await analyse(join(forms, c, 'hcl')));
    const plan = exposureReport(await analyse(join(forms, c, 'plan', 'plan.json')));
    expect(synth.length).toBeGreaterThan(0);
    expect(hcl).toEqual(synth);
    expect(plan).toEqual(synth);
  });
});

describe('scale', () => {
  it('exposure of a 1,000-service stack: every service and function found once', async () => {
    const s = baseStack();
    for (let i = 0; i < 1000; i++) {
      const n = `svc${i}`;
      s.add('aws_security_group', n, {
        vpc_id: ref('aws_vpc.main'),
        ingress: [sgRule({ from_port: 8080, to_port: 8080, protocol: 'tcp', security_groups: [ref('aws_security_group.alb')] })],
      });
      s.add('aws_lb_target_group', n, { port: 8080, protocol: 'HTTP', target_type: 'ip', vpc_id: ref('aws_vpc.main') });
      s.add('aws_lb_listener_rule', n, {
        listener_arn: ref('aws_lb_listener.https', 'arn'),
        priority: i + 1,
        action: [{ type: 'forward', target_group_arn: ref(`aws_lb_target_group.${n}`, 'arn') }],
        condition: [{ path_pattern: { values: [`/${n}/*`] } }],
      });
      s.add('aws_ecs_task_definition', n, {
        family: n,
        network_mode: 'awsvpc',
        container_definitions: JSON.stringify([{ name: n, image: 'x', portMappings: [{ containerPort: 8080 }] }]),
      });
      s.add('aws_ecs_service', n, {
        name: n,
        task_definition: ref(`aws_ecs_task_definition.${n}`, 'arn'),
        network_configuration: {
          subnets: [ref('aws_subnet.private_a'), ref('aws_subnet.private_b')],
          security_groups: [ref(`aws_security_group.${n}`)],
          assign_public_ip: i % 10 === 0,
        },
        load_balancer: [{ target_group_arn: ref(`aws_lb_target_group.${n}`, 'arn'), container_name: n, container_port: 8080 }],
      });
      s.add('aws_iam_role', n, { assume_role_policy: '{}' });
      s.add('aws_lambda_function', n, {
        function_name: n,
        role: ref(`aws_iam_role.${n}`, 'arn'),
        vpc_config: { subnet_ids: [ref('aws_subnet.private_a')], security_group_ids: [ref(`aws_security_group.${n}`)] },
      });
      s.add('aws_apigatewayv2_integration', n, {
        api_id: ref('aws_apigatewayv2_api.api'),
        integration_type: 'AWS_PROXY',
        integration_uri: ref(`aws_lambda_function.${n}`, 'invoke_arn'),
      });
      s.add('aws_apigatewayv2_route', n, {
        api_id: ref('aws_apigatewayv2_api.api'),
        route_key: `POST /${n}`,
        target: `integrations/${ref(`aws_apigatewayv2_integration.${n}`)}`,
      });
    }
    const dir = mkdtempSync(join(tmpdir(), 'hg-net-'));
    writeFileSync(join(dir, 'main.tf.json'), s.json());
    const { graph } = await readInputs([join(dir, 'main.tf.json')], { cwd: ROOT });
    expect(graph.resources.length).toBeGreaterThan(9000);
    const report = exposureReport(analyzeNetwork(graph));
    // 1,001 services behind the public ALB, 1,001 functions behind the gateway, the ALB, the API.
    expect(report.length).toBe(2004);
  }, 60_000);
});
