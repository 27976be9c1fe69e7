/**
 * The expression evaluator behind HCL and synth JSON: what people write in real stacks
 * (`jsonencode` policies, `merge` tags, variables, locals, module arguments) reads as the value
 * Terraform would compute, apply-time parts stay `${...}` text exactly as synth JSON carries them,
 * and everything else stays Unknown with a reason, without running anything or hanging.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readInputs } from '../src/inputs/index.js';
import { checkProject } from '../src/api/project.js';
import { evaluateExpression, type EvalScope } from '../src/inputs/hcl-eval.js';
import { Opaque } from '../src/inputs/hcl-value.js';
import { Unknown, type Resource, type Value } from '../src/model/types.js';
import { documentFromText } from '../src/analysis/iam/document.js';

const ROOT = join(import.meta.dirname, '..');

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hg-eval-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function read(files: Record<string, string>, input = ''): Promise<(address: string) => Resource> {
  const dir = folder(files);
  const { graph } = await readInputs([join(dir, input)], { cwd: dir });
  return (address) => {
    const r = graph.get(address);
    if (!r) throw new Error(`no ${address} in ${graph.resources.map((x) => x.address).join(', ')}`);
    return r;
  };
}

const PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n';

describe('jsonencode policies in HCL', () => {
  // Written the way people write it: bare and quoted keys, `=` and `:`, newlines instead of commas,
  // comments, a trailing comma, a variable, a local, a literal attribute and an apply-time ARN.
  const HCL = `${PROVIDER}
variable "account_id" {
  type    = string
  default = "123456789012"
}
locals {
  registry_actions = ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"]
}
resource "aws_s3_bucket" "models" {
  bucket = "acme-models"
}
resource "aws_iam_role_policy" "register" {
  name = "register"
  role = aws_iam_role.fn.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # registry writes, scoped to one group
        Sid      = "Registry"
        Effect   = "Allow"
        Action   = local.registry_actions
        Resource = "arn:aws:sagemaker:us-east-1:\${var.account_id}:model-package/ranker/*"
      },
      { "Effect" : "Allow", Action : "s3:GetObject", Resource = "arn:aws:s3:::\${aws_s3_bucket.models.bucket}/*" }, // literal bucket name
      {
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = "\${aws_s3_bucket.models.arn}/out/*" /* known after apply */
      },
    ]
  })
}
resource "aws_iam_role" "fn" {
  name = "fn"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
`;

  it('reads the document Terraform would write, with the apply-time ARN as the ${...} text synth JSON carries', async () => {
    const get = await read({ 'main.tf': HCL });
    const policy = get('aws_iam_role_policy.register').values.policy;
    // Terraform's jsonencode sorts keys; the unknown ARN is written as cdktf writes an interpolation.
    expect(policy).toBe(
      JSON.stringify({
        Statement: [
          {
            Action: ['sagemaker:CreateModelPackage', 'sagemaker:UpdateModelPackage'],
            Effect: 'Allow',
            Resource: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/ranker/*',
            Sid: 'Registry',
          },
          { Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::acme-models/*' },
          { Action: ['s3:PutObject'], Effect: 'Allow', Resource: '${aws_s3_bucket.models.arn}/out/*' },
        ],
        Version: '2012-10-17',
      }),
    );
    const doc = documentFromText(policy as string);
    expect(doc.unknown).toBeUndefined();
    expect(doc.statements.map((s) => s.action)).toEqual([['sagemaker:CreateModelPackage', 'sagemaker:UpdateModelPackage'], ['s3:GetObject'], ['s3:PutObject']]);
    // The reference is still an edge of the graph.
    expect(get('aws_iam_role_policy.register').references).toContainEqual({ attribute: 'policy', target: 'aws_s3_bucket.models', targetAttribute: 'arn' });
    expect(JSON.parse(get('aws_iam_role.fn').values.assume_role_policy as string).Statement[0].Principal).toEqual({ Service: 'lambda.amazonaws.com' });
  });

  it('gives HCL and the equivalent synth JSON (a literal JSON string with an interpolation) the same IAM document', async () => {
    const hcl = await read({ 'main.tf': HCL });
    const synth = await read(
      {
        'main.tf.json': JSON.stringify({
          variable: { account_id: { type: 'string', default: '123456789012' } },
          resource: {
            aws_s3_bucket: { models: { bucket: 'acme-models' } },
            aws_iam_role: { fn: { name: 'fn', assume_role_policy: '{}' } },
            aws_iam_role_policy: {
              register: {
                name: 'register',
                role: '${aws_iam_role.fn.id}',
                policy: JSON.stringify({
                  Version: '2012-10-17',
                  Statement: [
                    {
                      Sid: 'Registry',
                      Effect: 'Allow',
                      Action: ['sagemaker:CreateModelPackage', 'sagemaker:UpdateModelPackage'],
                      Resource: 'arn:aws:sagemaker:us-east-1:${var.account_id}:model-package/ranker/*',
                    },
                    { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::${aws_s3_bucket.models.bucket}/*' },
                    { Effect: 'Allow', Action: ['s3:PutObject'], Resource: '${aws_s3_bucket.models.arn}/out/*' },
                  ],
                }),
              },
            },
          },
        }),
      },
      'main.tf.json',
    );
    const a = documentFromText(hcl('aws_iam_role_policy.register').values.policy as string);
    const b = documentFromText(synth('aws_iam_role_policy.register').values.policy as string);
    expect(a.statements.map(({ origin: _, ...s }) => s)).toEqual(b.statements.map(({ origin: _, ...s }) => s));
  });

  it('keeps a wholly unknown argument, a file() and a templatefile() Unknown with a reason, never a document', async () => {
    const get = await read({
      'main.tf': `${PROVIDER}
variable "extra" {}
resource "aws_iam_policy" "from_var" {
  policy = jsonencode(var.extra)
}
resource "aws_iam_policy" "from_file" {
  policy = file("\${path.module}/policy.json")
}
resource "aws_iam_policy" "from_template" {
  policy = templatefile("policy.tpl", { bucket = "b" })
}
resource "aws_iam_policy" "conditional" {
  policy = var.extra == null ? "{}" : jsonencode(var.extra)
}
`,
      'policy.json': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
    });
    const reason = (address: string) => {
      const value = get(address).values.policy;
      expect(value, address).toBeInstanceOf(Unknown);
      return (value as Unknown).reason;
    };
    expect(reason('aws_iam_policy.from_var')).toBe('${jsonencode(var.extra)}');
    // file() reads files inside the module's folder; a missing template is unknown with the reason.
    expect(get('aws_iam_policy.from_file').values.policy).toBe('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}');
    expect(reason('aws_iam_policy.from_template')).toMatch(/templatefile\(\): .*policy\.tpl does not exist/);
    expect(reason('aws_iam_policy.conditional')).toContain('the condition is known only after apply');
  });
});

describe('variables, locals, functions', () => {
  it('takes var.x from its default, overridden by terraform.tfvars and then *.auto.tfvars', async () => {
    const tf = `${PROVIDER}
variable "env" {
  default = "dev"
}
variable "team" {
  default = "ml"
}
variable "owner" {}
resource "aws_s3_bucket" "b" {
  bucket = "data-\${var.env}-\${var.team}"
  tags   = { owner = var.owner }
}
`;
    const plain = await read({ 'main.tf': tf });
    expect(plain('aws_s3_bucket.b').values.bucket).toBe('data-dev-ml');
    const owner = (plain('aws_s3_bucket.b').values.tags as Record<string, Value>).owner;
    expect(owner).toBeInstanceOf(Unknown);
    expect((owner as Unknown).reason).toBe('${var.owner} (variable owner has no default value)');
    const withVars = await read({ 'main.tf': tf, 'terraform.tfvars': 'env = "prod"\nowner = "alice"\n', 'z.auto.tfvars.json': '{"env": "staging"}' });
    expect(withVars('aws_s3_bucket.b').values.bucket).toBe('data-staging-ml');
    expect(withVars('aws_s3_bucket.b').tags).toEqual({ owner: 'alice' });
  });

  it('evaluates merge, concat, tolist, toset, tomap and format, and locals built from locals', async () => {
    const get = await read({
      'main.tf': `${PROVIDER}
locals {
  base = { team = "ml", env = "prod" }
  tags = merge(local.base, { env = "staging" }, null)
  cidrs = concat(["10.0.0.0/16"], tolist(["10.1.0.0/16"]))
  names = toset(["b", "a", "b"])
}
resource "aws_security_group" "sg" {
  name = format("%s-%s-%d%%", local.tags.team, "sg", 7)
  tags = merge(local.tags, tomap({ Name = "sg" }))
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = local.cidrs
  }
  description = join(",", local.names)
}
resource "aws_iam_role" "r" {
  name = format("%s/%s", "role", aws_security_group.sg.id)
}
`,
    });
    const sg = get('aws_security_group.sg');
    expect(sg.values.name).toBe('ml-sg-7%');
    expect(sg.tags).toEqual({ team: 'ml', env: 'staging', Name: 'sg' });
    expect((sg.values.ingress as Value[])[0]).toMatchObject({ cidr_blocks: ['10.0.0.0/16', '10.1.0.0/16'] });
    // join over a set: sorted, without duplicates.
    expect(sg.values.description).toBe('a,b');
    // format with an apply-time argument keeps it as ${...} text, as a template would.
    expect(get('aws_iam_role.r').values.name).toBe('role/${aws_security_group.sg.id}');
  });

  it('passes module arguments to the module, evaluated in the caller', async () => {
    const get = await read({
      'main.tf': `${PROVIDER}
locals {
  prefix = "acme"
}
resource "aws_s3_bucket" "data" {
  bucket = "\${local.prefix}-data"
}
module "fn" {
  source      = "./modules/fn"
  name        = "\${local.prefix}-ingest"
  bucket_arn  = aws_s3_bucket.data.arn
}
`,
      'modules/fn/main.tf': `
variable "name" {}
variable "bucket_arn" {}
variable "runtime" {
  default = "nodejs20.x"
}
resource "aws_iam_role_policy" "p" {
  role   = "r"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "\${var.bucket_arn}/*" }] })
}
resource "aws_lambda_function" "f" {
  function_name = var.name
  runtime       = var.runtime
  role          = "arn:aws:iam::123456789012:role/x"
}
`,
    });
    const fn = get('module.fn.aws_lambda_function.f');
    expect(fn.values.function_name).toBe('acme-ingest');
    expect(fn.values.runtime).toBe('nodejs20.x');
    expect(JSON.parse(get('module.fn.aws_iam_role_policy.p').values.policy as string).Statement[0].Resource).toBe('${aws_s3_bucket.data.arn}/*');
  });

  it('rejects locals that refer to each other, naming both and their lines, as Terraform does', async () => {
    await expect(
      read({
        'main.tf': `${PROVIDER}
locals {
  a = "\${local.b}-x"
  b = local.a
}
resource "aws_s3_bucket" "loop" {
  bucket = local.a
}
`,
      }),
    ).rejects.toThrow('locals refer to each other in a cycle: local.a (main.tf:6) -> local.b (main.tf:7) -> local.a');
  });

  it('stops on values that double at every step', async () => {
    const doubling = Array.from({ length: 40 }, (_, i) => `  l${i + 1} = [local.l${i}, local.l${i}]`).join('\n');
    const get = await read({
      'main.tf': `${PROVIDER}
locals {
  l0 = "x"
${doubling}
}
resource "aws_iam_policy" "big" {
  policy = jsonencode(local.l40)
}
`,
    });
    // Terraform would write 2^40 strings; past the size limit a part becomes an unknown fragment.
    const big = get('aws_iam_policy.big').values.policy as string;
    expect(big.length).toBeLessThan(1_000_000);
    expect(big).toMatch(/\$\{local\.l\d+\}/);
  });
});

describe('the evaluator on its own', () => {
  const scope: EvalScope = {
    prefix: '',
    variable: (name) => (name === 'n' ? 3 : undefined),
    local: () => undefined,
    resource: (base) => (base === 'aws_s3_bucket.b' ? { bucket: 'bkt' } : undefined),
  };
  it.each([
    ['"a${var.n}b"', 'a3b'],
    ['{ "k" = [1, 2.5, true, null], k2: "v" }', { k: [1, 2.5, true, null], k2: 'v' }],
    ['jsonencode({ b = "<&>", a = [var.n] })', '{"a":[3],"b":"\\u003c\\u0026\\u003e"}'],
    ['aws_s3_bucket.b.bucket', 'bkt'],
    ['var.n + 1', 4],
    ['"%{if var.n > 2}big%{else}small%{endif}"', 'big'],
    ['[for s in ["a", "b"] : upper(s) if s != "b"]', ['A']],
    ['"$${aws:username}"', '${aws:username}'],
    ['<<EOT\n  hi ${var.n}\nEOT', '  hi 3\n'],
    ['<<-EOT\n    {"a": ${var.n}}\n    EOT', '{"a": 3}\n'],
    ['{ a = 1 }["a"]', 1],
    ['[10, 20][1]', 20],
    ['-4', -4],
  ])('%s', (text, expected) => {
    expect(evaluateExpression(text, scope)).toEqual(expected);
  });

  it.each([
    ['aws_s3_bucket.b.arn', '${aws_s3_bucket.b.arn}', ['aws_s3_bucket.b.arn']],
    ['aws_subnet.a[*].id', '${aws_subnet.a[*].id}', ['aws_subnet.a.id']],
    ['[for s in var.l : upper(s)]', '${[for s in var.l : upper(s)]}', []],
    ['"%{if var.x}y%{endif}"', '${var.x}', []],
    ['lookup(var.m, "k")', '${lookup(var.m, "k")}', []],
    ['provider::aws::arn_parse("x")', '${provider::aws::arn_parse("x")}', []],
    ['{ a = 1', '${{ a = 1}', []],
  ])('%s stays opaque', (text, shown, refs) => {
    const value = evaluateExpression(text, scope);
    expect(value).toBeInstanceOf(Opaque);
    expect((value as Opaque).text).toBe(shown);
    expect((value as Opaque).refs).toEqual(refs);
  });

  it('keeps an object key named __proto__ as a key', () => {
    const value = evaluateExpression('merge({ "__proto__" = { polluted = true } }, { a = 1 })', scope) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('synth JSON and HCL of the fixture stacks', () => {
  /** Values compared as JSON (an Unknown as its reason); a null attribute equals an absent one. */
  const plain = (v: Value | undefined): unknown => JSON.parse(JSON.stringify(v ?? null));

  it.each(['inference-platform', 'training-platform'])('%s: every resource and data source has the same values', async (stack) => {
    const [synth, hcl] = await Promise.all(['synth', 'hcl'].map((form) => readInputs([join(ROOT, 'fixtures/stacks', stack, form)], { cwd: ROOT })));
    const policyDocuments = synth!.graph.ofType('data.aws_iam_policy_document');
    expect(policyDocuments.length).toBeGreaterThan(0);
    // Statement and condition blocks read the same from JSON objects and HCL blocks.
    expect(
      policyDocuments.some((d) =>
        (d.values.statement as Value[]).some(
          (s) => Array.isArray((s as Record<string, Value>).condition) || Array.isArray((s as Record<string, Value>).principals),
        ),
      ),
    ).toBe(true);
    for (const resource of synth!.graph.resources) {
      const other = hcl!.graph.get(resource.address);
      expect(other, resource.address).toBeDefined();
      for (const key of new Set([...Object.keys(resource.values), ...Object.keys(other!.values)])) {
        expect(isDeepStrictEqual(plain(other!.values[key]), plain(resource.values[key])), `${resource.address}.${key}`).toBe(true);
      }
      expect(other!.tags, resource.address).toEqual(resource.tags);
    }
  });
});

describe('several stacks', () => {
  it('prefixes the references inside Unknown values with their stack, so they resolve in their own stack', async () => {
    const stack = (bucket: string) =>
      JSON.stringify({
        '//': { metadata: { stackName: bucket, version: '0.21.0', backend: 'local' } },
        resource: {
          aws_s3_bucket: { data: { bucket } },
          aws_iam_role: { fn: { name: `${bucket}-fn`, assume_role_policy: '{}' } },
          aws_lambda_function: {
            fn: {
              function_name: `${bucket}-fn`,
              role: '${aws_iam_role.fn.arn}',
              environment: { variables: { BUCKET: '${aws_s3_bucket.data.arn}', NAME: '${aws_s3_bucket.data.bucket}' } },
            },
          },
        },
      });
    const dir = folder({
      'cdktf.out/manifest.json': JSON.stringify({
        version: '0.21.0',
        stacks: { alpha: { synthesizedStackPath: 'stacks/alpha/cdk.tf.json' }, beta: { synthesizedStackPath: 'stacks/beta/cdk.tf.json' } },
      }),
      'cdktf.out/stacks/alpha/cdk.tf.json': stack('alpha'),
      'cdktf.out/stacks/beta/cdk.tf.json': stack('beta'),
    });
    const { graph } = await readInputs([join(dir, 'cdktf.out')], { cwd: dir });
    for (const name of ['alpha', 'beta']) {
      const fn = graph.get(`${name}:aws_lambda_function.fn`)!;
      const role = fn.values.role as Unknown;
      expect(role.references).toEqual([`${name}:aws_iam_role.fn.arn`]);
      const variables = (fn.values.environment as Record<string, Record<string, Value>>[])[0]!.variables!;
      expect((variables.BUCKET as Unknown).references).toEqual([`${name}:aws_s3_bucket.data.arn`]);
      // A literal attribute resolves within its own stack.
      expect(variables.NAME).toBe(name);
      const target = graph.get((variables.BUCKET as Unknown).references[0]!.replace(/\.arn$/, ''));
      expect(target?.stack).toBe(name);
      expect(graph.target(fn, 'role')?.address).toBe(`${name}:aws_iam_role.fn`);
    }
  });
});

describe('well-known data sources: partition and region from the provider, the account unknown until apply', () => {
  const DATA = 'data "aws_partition" "p" {}\ndata "aws_region" "r" {}\ndata "aws_caller_identity" "me" {}\n';
  const values = (get: (a: string) => Resource, address: string) => {
    const v = get(address).values;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x instanceof Unknown ? 'unknown' : x]));
  };

  it('a China region gives partition aws-cn; the region is the provider\'s; ARNs built from them keep their shape with the account unknown', async () => {
    const get = await read({
      'main.tf': `provider "aws" {\n  region = "cn-north-1"\n}\n${DATA}
resource "aws_iam_role_policy" "p" {
  role   = "r"
  policy = jsonencode({
    Version   = "2012-10-17",
    Statement = [{
      Effect   = "Allow",
      Action   = "iam:PassRole",
      Resource = "arn:\${data.aws_partition.p.partition}:iam::\${data.aws_caller_identity.me.account_id}:role/x"
    }]
  })
}`,
    });
    expect(values(get, 'data.aws_partition.p')).toEqual({
      partition: 'aws-cn',
      dns_suffix: 'amazonaws.com.cn',
      reverse_dns_prefix: 'cn.com.amazonaws',
      id: 'aws-cn',
    });
    expect(values(get, 'data.aws_region.r')).toEqual({
      name: 'cn-north-1',
      region: 'cn-north-1',
      id: 'cn-north-1',
      endpoint: 'ec2.cn-north-1.amazonaws.com.cn',
    });
    expect(values(get, 'data.aws_caller_identity.me')).toEqual({});
    const statement = (JSON.parse(get('aws_iam_role_policy.p').values.policy as string) as { Statement: { Resource: string }[] }).Statement[0]!;
    expect(statement.Resource).toBe('arn:aws-cn:iam::${data.aws_caller_identity.me.account_id}:role/x');
  });

  it('a region from a variable with a default, an alias chosen by the provider meta-argument, a region argument of the data source', async () => {
    const get = await read({
      'main.tf':
        `variable "region" {\n  default = "us-gov-west-1"\n}\nprovider "aws" {\n  region = var.region\n}\n` +
        `provider "aws" {\n  alias  = "east"\n  region = "us-east-1"\n}\n${DATA}\n` +
        `data "aws_region" "east" {\n  provider = aws.east\n}\ndata "aws_partition" "east" {\n  provider = aws.east\n}\n` +
        `data "aws_region" "named" {\n  region = "eu-west-3"\n}\n`,
    });
    expect(values(get, 'data.aws_partition.p').partition).toBe('aws-us-gov');
    expect(values(get, 'data.aws_region.r').name).toBe('us-gov-west-1');
    expect(values(get, 'data.aws_region.east').name).toBe('us-east-1');
    expect(values(get, 'data.aws_partition.east').partition).toBe('aws');
    expect(values(get, 'data.aws_region.named').name).toBe('eu-west-3');
  });

  it('no region in the configuration (it comes from the environment): the region stays unknown, the partition is aws', async () => {
    const get = await read({ 'main.tf': `provider "aws" {}\n${DATA}` });
    expect(values(get, 'data.aws_region.r')).toEqual({});
    expect(values(get, 'data.aws_partition.p').partition).toBe('aws');
  });

  it('a region guard on the provider\'s region is decided: the function holds gpu-compute in that region, not "undecided"', async () => {
    const dir = join(ROOT, 'fixtures', 'terraform', 'well-known-data');
    const run = await checkProject({ inputs: [dir], cwd: dir, today: '2026-01-01' });
    const found = run.results.results.filter((r) => r.ruleName === 'no-gpu-in-functions' || r.ruleName === 'no-privilege-escalation');
    expect(found.map((r) => [r.ruleName, r.location.address, r.undecided ?? false])).toEqual([['no-gpu-in-functions', 'aws_iam_role.tune', false]]);
    expect(found[0]!.message).toContain('StringNotEquals aws:RequestedRegion = [eu-central-1]');
  });
});
