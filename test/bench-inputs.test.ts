/**
 * The benchmark's inputs are only worth timing if hybridguard answers them correctly: the
 * generated stacks carry a fixed set of planted violations, and hybridguard must report exactly
 * those (no more at N=60 than at N=20), in every input form. Also checks the generator itself:
 * deterministic, realistic counts, and the same stack in synth JSON, HCL and plan JSON.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, type GenerateResult } from '../bench/generate.js';
import { buildStack } from '../bench/stack.js';
import { addressOf } from '../bench/model.js';
import { synthStack } from '../bench/writers.js';
import { checkProject } from '../src/api/project.js';
import type { Result } from '../src/model/findings.js';

const SIZES = [20, 60] as const;
const generated = new Map<number, GenerateResult>();
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hg-bench-inputs-'));
  for (const n of SIZES) generated.set(n, generate({ out: join(root, `n${n}`), services: n }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const gen = (n: number): GenerateResult => generated.get(n) as GenerateResult;

describe('generator', () => {
  it('builds about 11.5 resources and 3 handler files per service, plus a fixed shared and planted part', () => {
    const small = buildStack(20).counts;
    const large = buildStack(60).counts;
    expect(small).toMatchObject({ functions: 10, microservices: 10 });
    // Each added function brings 11 resources, each microservice 12.
    expect(large.resources - small.resources).toBe(20 * 11 + 20 * 12);
    expect(large.codeFiles - small.codeFiles).toBe(20 * 3);
    const n1000 = buildStack(1000).counts;
    expect(n1000.resources).toBeGreaterThan(11_400);
    expect(n1000.resources).toBeLessThan(11_700);
    expect(n1000.codeFiles).toBe(1500 + 7); // 3 per function + the planted functions' files
  });

  it('is deterministic: same N and seed give byte-identical output; another seed differs', () => {
    const a = synthStack(buildStack(20).resources, 'x');
    expect(synthStack(buildStack(20).resources, 'x')).toBe(a);
    expect(synthStack(buildStack(20, 7).resources, 'x')).not.toBe(a);
    expect(readFileSync(join(gen(20).synthDir as string, 'stacks', 'ai-platform', 'cdk.tf.json'), 'utf8')).toBe(
      synthStack(buildStack(20).resources, 'terraform.ai-platform.tfstate'),
    );
  });

  it.each(SIZES)('writes the same addresses as synth JSON, HCL and plan JSON, and every reference resolves (N=%i)', async (n) => {
    const g = gen(n);
    const expected = new Set(g.stack.resources.map(addressOf));
    const synth = JSON.parse(readFileSync(join(g.synthDir as string, 'stacks', 'ai-platform', 'cdk.tf.json'), 'utf8')) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    const synthAddresses = new Set<string>();
    for (const [section, prefix] of [['resource', ''], ['data', 'data.']] as const) {
      for (const [type, byName] of Object.entries(synth[section] ?? {})) for (const name of Object.keys(byName)) synthAddresses.add(`${prefix}${type}.${name}`);
    }
    expect(synthAddresses).toEqual(expected);
    // Every ${...} interpolation points at something in the stack.
    const text = JSON.stringify(synth.resource) + JSON.stringify(synth.data);
    for (const match of text.matchAll(/\$\{((?:data\.)?[a-z0-9_]+\.[a-z0-9_]+)\.[a-z_]+\}/g)) expect(expected.has(match[1] as string), match[1]).toBe(true);

    const hclAddresses = new Set<string>();
    for (const file of readdirSync(g.hclDir as string)) {
      const doc = (await parseHcl(file, readFileSync(join(g.hclDir as string, file), 'utf8'))) as Record<string, Record<string, Record<string, unknown>>>;
      for (const [section, prefix] of [['resource', ''], ['data', 'data.']] as const) {
        for (const [type, byName] of Object.entries(doc[section] ?? {})) for (const name of Object.keys(byName)) hclAddresses.add(`${prefix}${type}.${name}`);
      }
    }
    expect(hclAddresses).toEqual(expected);

    const plan = JSON.parse(readFileSync(g.planFile as string, 'utf8')) as {
      format_version: string;
      resource_changes: { address: string }[];
      prior_state: { values: { root_module: { resources: { address: string }[] } } };
      configuration: { root_module: { resources: { address: string }[] } };
    };
    expect(plan.format_version).toBe('1.2');
    const planAddresses = new Set([...plan.resource_changes, ...plan.prior_state.values.root_module.resources].map((r) => r.address));
    expect(planAddresses).toEqual(expected);
    expect(new Set(plan.configuration.root_module.resources.map((r) => r.address))).toEqual(expected);
  });

  it('plants the same violations, at the same addresses, at every N', () => {
    expect(gen(20).stack.planted).toEqual(gen(60).stack.planted);
    for (const n of SIZES) {
      const addresses = new Set(gen(n).stack.resources.map(addressOf));
      for (const p of gen(n).stack.planted) for (const a of p.addresses) expect(addresses.has(a), a).toBe(true);
    }
  });
});

/** What a correct analyzer reports on the generated stacks, at every N (infrastructure policies). */
const EXPECTED_INFRA = [
  // 1. function role granted sagemaker:CreateModelPackage, and no boundary
  'HG-IAM-002 aws_iam_role.model_publisher_role model-registry',
  'HG-IAM-007 aws_iam_role.model_publisher_role -',
  // 2. *:* without a boundary
  'HG-IAM-004 aws_iam_role.legacy_batch_task *:*',
  'HG-IAM-005 aws_iam_role.legacy_batch_task privilege-escalation',
  'HG-IAM-006 aws_iam_role.legacy_batch_task statement Everything',
  'HG-IAM-007 aws_iam_role.legacy_batch_task -',
  // 3. internet-facing ALB in public subnets in front of a microservice with public IPs
  'HG-NET-001 aws_lb.public_scoring tcp/443',
  'HG-NET-001 aws_ecs_service.public_scoring tcp/8080',
  'HG-NET-002 aws_ecs_service.public_scoring public',
];
/** With `--code`: the planted handlers' own findings, on the Lambda functions that run them. */
const EXPECTED_CODE = [
  // model-publisher calls CreateModelPackage directly (its role grants it: no missing grant)
  'HG-CODE-001 aws_lambda_function.model_publisher sagemaker:CreateModelPackage',
  'HG-CODE-003 aws_lambda_function.model_publisher @aws-sdk/client-sagemaker',
  // model-sync calls it through lib/catalog -> lib/registry, and its role does not grant it
  'HG-CODE-001 aws_lambda_function.model_sync sagemaker:CreateModelPackage',
  'HG-CODE-003 aws_lambda_function.model_sync @aws-sdk/client-sagemaker',
  'HG-CODE-004 aws_lambda_function.model_sync sagemaker:CreateModelPackage',
];

const key = (r: Result): string => `${r.ruleId} ${r.location.address ?? r.location.file} ${r.subject ?? '-'}`;

async function findings(n: number, input: string, code = false): Promise<string[]> {
  const g = gen(n);
  const run = await checkProject({ inputs: [input], cwd: g.out, ...(code ? { code: g.codeRoot } : {}), today: '2026-01-01' });
  return run.results.results.filter((r) => !r.suppression).map(key).sort();
}

describe('hybridguard on the benchmark inputs', () => {
  const perN = new Map<number, string[]>();

  it.each(SIZES)('reports exactly the planted infrastructure findings from synth JSON (N=%i)', async (n) => {
    const found = await findings(n, 'cdktf.out');
    perN.set(n, found);
    expect(found).toEqual([...EXPECTED_INFRA].sort());
  });

  it('reports the same findings at N=20 and N=60', () => {
    expect(perN.get(60)).toEqual(perN.get(20));
  });

  it.each(SIZES)('reports the same findings from plan JSON as from synth JSON (N=%i)', async (n) => {
    expect(await findings(n, 'plan/plan.json')).toEqual(perN.get(n) ?? (await findings(n, 'cdktf.out')));
  });

  it('reports the same findings from HCL (policies written with jsonencode) as from synth JSON (N=20)', async () => {
    expect(await findings(20, 'hcl')).toEqual(perN.get(20) ?? (await findings(20, 'cdktf.out')));
  });

  it.each(SIZES)('with --code adds exactly the planted handler-code findings (N=%i)', async (n) => {
    const infra = perN.get(n) ?? (await findings(n, 'cdktf.out'));
    const withCode = await findings(n, 'cdktf.out', true);
    expect(infra.filter((k) => !withCode.includes(k))).toEqual([]);
    // Only Lambda functions run handlers: a log group carrying the same tags (as cdktf Aspects tag a whole scope) is not one.
    expect(withCode.filter((k) => !infra.includes(k))).toEqual([...EXPECTED_CODE].sort());
  });
});

describe('the second generator shape (--shape tiny)', () => {
  it('writes tiny handler files in import chains, one small policy per statement, and findings that grow with N', async () => {
    const stack = buildStack(20, 42, { shape: 'tiny' });
    const files = stack.code.filter((f) => f.path.startsWith('functions/fn-'));
    expect(files.length).toBe(10 * 4);
    for (const f of files) expect(f.text.trimEnd().split('\n').length).toBeLessThanOrEqual(12);
    const handler = files.find((f) => f.path === 'functions/fn-0001/handler.ts');
    expect(handler?.text).toContain("from './lib/run.js'");
    expect(files.find((f) => f.path === 'functions/fn-0001/lib/run.ts')?.text).toContain("from './store.js'");
    const policies = stack.resources.filter((r) => r.type === 'aws_iam_role_policy' && r.name.startsWith('fn_0001_'));
    expect(policies.length).toBeGreaterThanOrEqual(4);

    // Each regular function adds findings (data read on any resource, a grant its code never uses).
    const count = async (n: number): Promise<number> => {
      const g = generate({ out: join(root, `tiny${n}`), services: n, formats: ['synth'], shape: 'tiny' });
      const run = await checkProject({ inputs: [g.synthDir as string], cwd: g.out, code: g.codeRoot, today: '2026-01-01' });
      return run.results.results.filter((r) => !r.suppression).length;
    };
    const [small, large] = [await count(20), await count(40)];
    expect(large - small).toBeGreaterThanOrEqual(10 * 3);
  });
});
