/**
 * HCL evaluated as Terraform evaluates it, through the installed command where a user would
 * notice: count and for_each instances with Terraform's addresses, zero instances making nothing,
 * an unknown count making findings undecided on existence, module outputs and module count /
 * for_each, dynamic blocks, variables from tfvars, --var-file, --var and TF_VAR_, the function
 * library, AWS managed policies read by name, and a tree of several root modules.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInputs } from '../src/inputs/index.js';
import { evaluateExpression, type EvalScope } from '../src/inputs/hcl-eval.js';
import { Opaque, type EvalValue } from '../src/inputs/hcl-value.js';
import { Unknown, type Value } from '../src/model/types.js';
import { HYBRIDGUARD } from './support/cli.js';

const ROOT = join(import.meta.dirname, '..');

interface JsonResult {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly message: string;
  readonly undecided?: boolean;
  readonly subject?: string;
  readonly location: { readonly address?: string; readonly file: string };
  readonly evidence: readonly { readonly kind: string; readonly message: string }[];
}

function check(args: readonly string[], env: Record<string, string> = {}): { status: number | null; results: JsonResult[]; stderr: string } {
  const run = spawnSync(process.execPath, [...HYBRIDGUARD, 'check', ...args, '--format', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
  });
  const results = run.stdout ? (JSON.parse(run.stdout) as { results: JsonResult[] }).results : [];
  return { status: run.status, results, stderr: run.stderr };
}

/** `rule address subject` of each result, undecided ones marked `?`. */
const summary = (results: readonly JsonResult[]): string[] =>
  results.map((r) => `${r.undecided ? '?' : ''}${r.ruleName} ${r.location.address ?? r.location.file}${r.subject ? ` ${r.subject}` : ''}`).sort();

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hg-tf-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('count and for_each (fixtures/terraform/count-for-each)', () => {
  const input = 'fixtures/terraform/count-for-each';

  it('checks each for_each instance under its own address; zero instances and count = 0 modules make nothing; an unknown count is undecided, naming it', () => {
    const { status, results } = check([input]);
    expect(status).toBe(1);
    expect(summary(results)).toEqual([
      '?only-gateway-public aws_lambda_function.worker["embed"] function-url',
      'no-gpu-in-functions aws_iam_role.worker["embed"] gpu-compute',
      'require-permissions-boundary aws_iam_role.worker["embed"]',
      'require-permissions-boundary aws_iam_role.worker["rank"]',
    ]);
    const maybe = results.find((r) => r.ruleName === 'only-gateway-public')!;
    expect(maybe.message).toContain('count = var.public_url_for == "" ? 0 : 1');
    expect(maybe.evidence.some((e) => e.kind === 'existence' && e.message.includes('aws_lambda_function_url.maybe'))).toBe(true);
  });

  it('takes --var, TF_VAR_ and --var-file as terraform does (later sources win)', () => {
    const vars = folder({ 'prod.tfvars': 'public_url_for = ""\n' });
    const withUrl = check([input, '--var', 'create_url=true', '--var-file', join(vars, 'prod.tfvars')]);
    expect(summary(withUrl.results).filter((s) => s.includes('only-gateway-public'))).toEqual([
      'only-gateway-public aws_lambda_function.worker["rank"] function-url',
    ]);
    // The environment gives a value; --var overrides it.
    const fromEnv = check([input], { TF_VAR_public_url_for: 'embed' });
    expect(summary(fromEnv.results).filter((s) => s.includes('only-gateway-public'))).toEqual([
      'only-gateway-public aws_lambda_function.worker["embed"] function-url',
    ]);
    const overridden = check([input, '--var', 'public_url_for='], { TF_VAR_public_url_for: 'embed' });
    expect(summary(overridden.results).filter((s) => s.includes('only-gateway-public'))).toEqual([]);
  });

  it('names a missing --var-file as an input error', () => {
    const run = check([input, '--var-file', 'no-such.tfvars']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no-such.tfvars');
  });
});

describe('modules, outputs and dynamic blocks (fixtures/terraform/modules-dynamic)', () => {
  const input = 'fixtures/terraform/modules-dynamic';

  it('follows module outputs to the subnets, expands dynamic ingress from a variable, and reads for_each module instances', () => {
    const { results } = check([input]);
    expect(summary(results)).toEqual([
      'only-gateway-public aws_instance.bastion tcp/22,tcp/443',
      'only-gateway-public module.svc["api"].aws_lb.this tcp/443',
      'world-open-admin-port aws_instance.bastion tcp/22',
    ]);
  });

  it('reads a module called with count only when the count says so', () => {
    const { results } = check([input, '--var', 'create_batch=true']);
    expect(summary(results)).toContain('only-gateway-public module.batch_extra[0].aws_lb.this tcp/443');
  });

  it('gives instances Terraform addresses and values', async () => {
    const { graph } = await readInputs([input], { cwd: ROOT });
    const subnets = graph.resources.filter((r) => r.address.startsWith('module.net.aws_subnet.public'));
    expect(subnets.map((s) => [s.address, s.values.cidr_block])).toEqual([
      ['module.net.aws_subnet.public[0]', '10.20.0.0/24'],
      ['module.net.aws_subnet.public[1]', '10.20.1.0/24'],
    ]);
    // aws_availability_zones names are known only after apply: an unknown, never a guess.
    expect(subnets[0]!.values.availability_zone).toBeInstanceOf(Unknown);
    expect(graph.get('module.svc["batch"].aws_lb.this')?.values.internal).toBe(true);
    expect(graph.get('module.svc["api"].aws_lb.this')?.values.internal).toBe(false);
    expect(graph.resources.some((r) => r.address.startsWith('module.batch_extra'))).toBe(false);
    // The load balancer's subnets reach the module's subnets through the output.
    const lb = graph.get('module.svc["api"].aws_lb.this')!;
    expect(graph.targets(lb, 'subnets').map((t) => t.address).sort()).toEqual(['module.net.aws_subnet.public[0]', 'module.net.aws_subnet.public[1]']);
    const ingress = graph.get('aws_security_group.bastion')!.values.ingress as Value[];
    expect(ingress.map((i) => (i as Record<string, Value>).from_port)).toEqual([22, 443]);
  });

  it('makes a dynamic block with an unknown for_each unknown, never an empty list', async () => {
    const dir = folder({
      'main.tf': `variable "rules" {}
resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
`,
    });
    const { graph } = await readInputs([dir], { cwd: dir });
    const ingress = graph.get('aws_security_group.sg')!.values.ingress;
    expect(ingress).toBeInstanceOf(Unknown);
    expect((ingress as Unknown).reason).toContain('for_each = ${var.rules}');
  });
});

describe('instances of one block', () => {
  it('each instance links only to what its own values name: a function built over a map of roles uses its own role', async () => {
    const dir = folder({
      'main.tf': `resource "aws_iam_role" "worker" {
  for_each = toset(["embed", "rank"])
  name     = "\${each.key}-worker"
}
resource "aws_lambda_function" "worker" {
  for_each      = aws_iam_role.worker
  function_name = each.value.name
  role          = each.value.arn
}
`,
    });
    const { graph } = await readInputs([dir], { cwd: dir });
    for (const key of ['embed', 'rank']) {
      const fn = graph.get(`aws_lambda_function.worker["${key}"]`)!;
      expect(fn.values.function_name).toBe(`${key}-worker`);
      expect(fn.references.map((r) => `${r.attribute} -> ${r.target}`)).toEqual([`role -> aws_iam_role.worker["${key}"]`]);
    }
  });
});

describe('variable types', () => {
  it('converts module arguments to the declared type: absent optional attributes get their default or null', async () => {
    const dir = folder({
      'main.tf': `module "svc" {
  source   = "./svc"
  for_each = { api = { port = "8080" }, batch = { port = 9000, public = true } }
  port     = each.value.port
  public   = try(each.value.public, null)
  settings = each.value
}
`,
      'svc/main.tf': `variable "port" {
  type = number
}
variable "public" {
  type     = bool
  default  = false
  nullable = false
}
variable "settings" {
  type = object({ port = string, public = optional(bool, false), name = optional(string) })
}
resource "aws_lb" "this" {
  internal = !var.public
  name     = coalesce(var.settings.name, "svc-\${var.port}")
  tags     = { public = tostring(var.settings.public), port = var.settings.port }
}
`,
    });
    const { graph } = await readInputs([dir], { cwd: dir });
    const api = graph.get('module.svc["api"].aws_lb.this')!;
    expect(api.values).toMatchObject({ internal: true, name: 'svc-8080', tags: { public: 'false', port: '8080' } });
    const batch = graph.get('module.svc["batch"].aws_lb.this')!;
    expect(batch.values).toMatchObject({ internal: false, name: 'svc-9000', tags: { public: 'true', port: '9000' } });
  });
});

describe('data sources with known values', () => {
  it('reads an AWS managed policy by name and the partition, so an attachment through them is decided', () => {
    const dir = folder({
      'main.tf': `data "aws_partition" "current" {}
data "aws_iam_policy" "admin" {
  name = "AdministratorAccess"
}
resource "aws_iam_role" "ops" {
  name = "ops"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17",
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.ops.name
  policy_arn = data.aws_iam_policy.admin.arn
}
resource "aws_iam_role_policy_attachment" "ro" {
  role       = aws_iam_role.ops.name
  policy_arn = "arn:\${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"
}
`,
    });
    const { results } = check([dir]);
    const admin = results.find((r) => r.ruleName === 'no-full-admin');
    expect(admin?.undecided).toBeFalsy();
    expect(admin?.message).toContain('AdministratorAccess');
  });
});

describe('monorepos', () => {
  it('checks every root module of a tree once, in one report; folders used as modules are not roots', () => {
    const { results } = check(['fixtures/terraform']);
    const roots = new Set(results.map((r) => (r.location.address ?? '').split(':')[0]));
    expect([...roots].sort()).toEqual(['fixtures/terraform/count-for-each', 'fixtures/terraform/modules-dynamic', 'fixtures/terraform/well-known-data']);
    expect(summary(results)).toContain('world-open-admin-port fixtures/terraform/modules-dynamic:aws_instance.bastion tcp/22');
    expect(summary(results)).toContain('no-gpu-in-functions fixtures/terraform/count-for-each:aws_iam_role.worker["embed"] gpu-compute');
  });
});

describe('the function library and expressions', () => {
  const scope: EvalScope = {
    prefix: '',
    variable: (name) =>
      (({ n: 3, names: ['b', 'a', '', null], m: { a: 1, b: 2 }, env: 'prod', unknown: new Opaque('${var.unknown}', [], false) } as Record<string, EvalValue>)[
        name
      ]),
    local: () => undefined,
    resource: (base) => (base === 'aws_subnet.a' ? [{ cidr_block: '10.0.0.0/24' }, { cidr_block: '10.0.1.0/24' }] : undefined),
  };
  it.each([
    ['compact(var.names)', ['b', 'a']],
    ['flatten([["a"], [["b"]], "c"])', ['a', 'b', 'c']],
    ['try(var.m.c, "fallback")', 'fallback'],
    ['can(var.m.c)', false],
    ['can(var.m.a)', true],
    ['element(["a", "b", "c"], 4)', 'b'],
    ['coalesce("", null, "x")', 'x'],
    ['coalescelist([], ["a"])', ['a']],
    ['lookup(var.m, "z", 9)', 9],
    ['length(var.m)', 2],
    ['keys({ b = 1, a = 2 })', ['a', 'b']],
    ['values({ b = 1, a = 2 })', [2, 1]],
    ['distinct(["a", "b", "a"])', ['a', 'b']],
    ['contains(["a", "b"], "b")', true],
    ['join("-", ["a", 1, true])', 'a-1-true'],
    ['split(",", "a,b")', ['a', 'b']],
    ['replace("a-b-c", "-", "_")', 'a_b_c'],
    ['replace("ab12", "/[0-9]+/", "#")', 'ab#'],
    ['lower("AbC")', 'abc'],
    ['upper("abc")', 'ABC'],
    ['trimspace("  x \\n")', 'x'],
    ['cidrsubnet("10.0.0.0/16", 8, 2)', '10.0.2.0/24'],
    ['cidrsubnet("fd00::/56", 8, 1)', 'fd00:0:0:1::/64'],
    ['cidrhost("10.0.1.0/24", 5)', '10.0.1.5'],
    ['zipmap(["a", "b"], [1, 2])', { a: 1, b: 2 }],
    ['range(3)', [0, 1, 2]],
    ['range(1, 7, 2)', [1, 3, 5]],
    ['slice(["a", "b", "c"], 1, 3)', ['b', 'c']],
    ['one([])', null],
    ['one(["x"])', 'x'],
    ['concat(["a"], ["b"])', ['a', 'b']],
    ['merge({ a = 1 }, { a = 2, b = 3 })', { a: 2, b: 3 }],
    ['format("%s-%03d", "x", 7)', 'x-007'],
    ['formatlist("%s.example", ["a", "b"])', ['a.example', 'b.example']],
    ['jsondecode("{\\"a\\": [1]}")', { a: [1] }],
    ['tostring(5)', '5'],
    ['tonumber("5")', 5],
    ['tobool("true")', true],
    ['toset(["b", "a", "b"])', ['a', 'b']],
    ['startswith("arn:aws", "arn:")', true],
    ['endswith("x.json", ".json")', true],
    ['substr("hello", 1, 3)', 'ell'],
    // Terraform counts grapheme clusters: e + U+0301 (combining acute) is one character.
    ['length("cafe\u0301")', 4],
    ['strrev("cafe\u0301")', 'e\u0301fac'],
    ['substr("cafe\u0301s", 3, 1)', 'e\u0301'],
    ['abs(-2)', 2],
    ['max(1, 5, 3)', 5],
    ['min(1, 5, 3)', 1],
    ['setunion(["a"], ["b", "a"])', ['a', 'b']],
    ['setintersection(["a", "b"], ["b", "c"])', ['b']],
    ['var.env == "prod" ? 1 : 0', 1],
    ['var.n * 2 + 1 > 6 && !false', true],
    ['[for k, v in var.m : "${k}=${v}" if v > 1]', ['b=2']],
    ['{ for s in ["a", "bb", "cc"] : length(s) => s... }', { '1': ['a'], '2': ['bb', 'cc'] }],
    ['aws_subnet.a[*].cidr_block', ['10.0.0.0/24', '10.0.1.0/24']],
    ['aws_subnet.a[1].cidr_block', '10.0.1.0/24'],
    ['"%{for s in ["a", "b"]}${s};%{endfor}"', 'a;b;'],
    ['"%{ if var.n > 5 }big%{ else }small%{ endif }"', 'small'],
  ])('%s', (text, expected) => {
    expect(evaluateExpression(text, scope)).toEqual(expected);
  });

  it.each([
    ['element([], 0)', 'cannot use element function with an empty list'],
    ['lookup(var.m, "z")', 'no key "z"'],
    ['cidrsubnet("10.0.0.0/30", 8, 1)', 'insufficient address space'],
    ['one(["a", "b"])', 'at most one element'],
    ['jsondecode("{")', 'not valid JSON'],
  ])('%s is an error: unknown with the reason, never a crash', (text, reason) => {
    const value = evaluateExpression(text, scope);
    expect(value).toBeInstanceOf(Opaque);
    expect((value as Opaque).note).toContain(reason);
    expect((value as Opaque).error).toBe(true);
  });

  it.each(['compact([var.unknown, "a"])', 'length(var.unknown)', 'var.unknown ? 1 : 0', '[for x in var.unknown : x]'])(
    '%s depends on an apply-time value: unknown',
    (text) => {
      const value = evaluateExpression(text, scope);
      expect(value).toBeInstanceOf(Opaque);
      expect((value as Opaque).error).toBe(false);
    },
  );

  it('keeps for_each keys named __proto__ as keys', () => {
    const value = evaluateExpression('{ for k in ["__proto__", "a"] : k => k }', scope) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).a).toBeUndefined();
  });
});
