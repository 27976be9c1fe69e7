/**
 * Issue 2: the same stack given as cdktf synth JSON, HCL and plan JSON yields the same findings.
 *
 * Every stack runs through the whole `check` pipeline (inputs -> model -> IAM/network facts ->
 * built-in policies) once per form, and the findings (ruleId, address, subject, decided or not)
 * must be equal. Synth JSON and HCL must match exactly: they carry the same configuration, and
 * `jsonencode(...)`, `merge(...)`, `var.x` and `local.x` are evaluated the same way in both.
 *
 * Plan JSON differs only where Terraform itself has no value before apply. What is equivalent:
 * - a value the configuration states, or that Terraform computes at plan time (a `jsonencode`
 *   policy built from literals, variables and locals, a bucket name), is in the plan's `after`
 *   and gives the same findings;
 * - a value that depends on an apply-time attribute (a policy embedding an ARN, a computed
 *   attribute the configuration leaves unset) is wholly unknown in `after`, and
 *   `configuration...expressions` holds only its `references` (Terraform writes `constant_value`
 *   for literals only, never for a `jsonencode(...)` call). Synth JSON and HCL still read such a
 *   policy (the ARN stays a `${...}` fragment); the plan cannot, so there the answer must be
 *   "undecided", never a pass.
 * Each such difference is listed below with its reason, and the reason is checked against the
 * graphs (the named value really is unknown in the plan and readable in the configuration).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProject } from '../src/api/project.js';
import { readInputs } from '../src/inputs/index.js';
import { valueAt } from '../src/model/graph.js';
import { Unknown, type Value } from '../src/model/types.js';

const ROOT = join(import.meta.dirname, '..');
const TODAY = '2026-11-28';

interface Forms {
  readonly synth: string;
  readonly hcl: string;
  readonly plan: string;
}

/** Why a plan finding differs from the configuration's, and the value that makes it so. */
interface Exception {
  /** `ruleId address subject`, as `key()` writes it. */
  readonly finding: string;
  /**
   * `undecided`: found in both, decided from the configuration, undecided in the plan.
   * `extra`: only in the plan, undecided (the configuration decides it does not hold).
   * `missing`: only in the configuration; the plan reports nothing (a gap, named as such).
   */
  readonly kind: 'undecided' | 'extra' | 'missing';
  readonly reason: string;
  /** The value behind the reason: unknown in the plan; in the configuration readable, or unset. */
  readonly value: { readonly address: string; readonly attribute: string; readonly configuration: 'fragment' | 'unset' };
}

const policyWithArn = (finding: string, kind: Exception['kind'], policy: string, arn: string): Exception => ({
  finding,
  kind,
  reason: `${kind === 'missing' ? 'no finding' : 'undecided'} in plan because ${policy}.policy embeds the apply-time ARN ${arn}`,
  value: { address: policy, attribute: 'policy', configuration: 'fragment' },
});

const computedWhenUnset = (finding: string, kind: Exception['kind'], address: string, attribute: string): Exception => ({
  finding,
  kind,
  reason: `undecided in plan because the provider computes ${address}.${attribute} when the configuration leaves it unset`,
  value: { address, attribute, configuration: 'unset' },
});

/**
 * HG-IAM-006 (no-data-actions-on-wildcard-resource) reports per statement: a policy it cannot
 * read has no statements, so it reports the policy itself, undecided (subject: the policy).
 */
const statementsUnread = (finding: string, policy: string, arn: string): Exception => ({
  ...policyWithArn(finding, 'missing', policy, arn),
  reason: `no finding in plan because ${policy}.policy embeds the apply-time ARN ${arn}, and HG-IAM-006 reports the unreadable policy instead (undecided, ` +
    `under its own subject)`,
});
const policyUnread = (role: string, policy: string, arn: string): Exception => policyWithArn(`HG-IAM-006 ${role} ${policy}`, 'extra', policy, arn);

const STACKS: readonly { name: string; forms: Forms; exceptions: readonly Exception[] }[] = [
  {
    name: 'inference-platform',
    forms: formsOf('fixtures/stacks/inference-platform'),
    exceptions: [
      ...[
        'HG-IAM-001 aws_iam_role.invoke_role gpu-compute',
        'HG-IAM-002 aws_iam_role.invoke_role model-registry',
        'HG-IAM-005 aws_iam_role.invoke_role privilege-escalation',
      ].map((f) => policyWithArn(f, 'extra', 'aws_iam_policy.invoke_endpoint', 'aws_sagemaker_endpoint.ranker_endpoint.arn')),
      ...[
        'HG-IAM-001 aws_iam_role.preprocess_role gpu-compute',
        'HG-IAM-002 aws_iam_role.preprocess_role model-registry',
        'HG-IAM-005 aws_iam_role.preprocess_role privilege-escalation',
      ].map((f) => policyWithArn(f, 'extra', 'aws_iam_role_policy.preprocess_inline', 'aws_s3_bucket.artifacts.arn')),
      policyWithArn(
        'HG-IAM-005 aws_iam_role.serving_task_role privilege-escalation',
        'extra',
        'aws_iam_role_policy.serving_task_inline',
        'aws_s3_bucket.artifacts.arn',
      ),
      policyUnread('aws_iam_role.invoke_role', 'aws_iam_policy.invoke_endpoint', 'aws_sagemaker_endpoint.ranker_endpoint.arn'),
      policyUnread('aws_iam_role.preprocess_role', 'aws_iam_role_policy.preprocess_inline', 'aws_s3_bucket.artifacts.arn'),
      policyUnread('aws_iam_role.serving_task_role', 'aws_iam_role_policy.serving_task_inline', 'aws_s3_bucket.artifacts.arn'),
      statementsUnread(
        'HG-IAM-006 aws_iam_role.preprocess_role statement 1 of aws_iam_role_policy.preprocess_inline',
        'aws_iam_role_policy.preprocess_inline',
        'aws_s3_bucket.artifacts.arn',
      ),
      computedWhenUnset('HG-RES-002 aws_lambda_function.invoke', 'undecided', 'aws_lambda_function.invoke', 'tracing_config'),
      computedWhenUnset('HG-RES-002 aws_lambda_function.preprocess', 'undecided', 'aws_lambda_function.preprocess', 'tracing_config'),
    ],
  },
  {
    name: 'training-platform',
    forms: formsOf('fixtures/stacks/training-platform'),
    exceptions: [
      policyWithArn(
        'HG-IAM-003 aws_iam_role.training_job_role model-registry',
        'extra',
        'aws_iam_role_policy.training_job_data',
        'aws_s3_bucket.training_data.arn',
      ),
      policyWithArn(
        'HG-IAM-005 aws_iam_role.training_job_role privilege-escalation',
        'extra',
        'aws_iam_role_policy.training_job_data',
        'aws_s3_bucket.training_data.arn',
      ),
      policyWithArn(
        'HG-IAM-005 aws_iam_role.scorer_task_role privilege-escalation',
        'extra',
        'aws_iam_role_policy.scorer_registry',
        'aws_sagemaker_model_package_group.registry.arn',
      ),
      policyUnread('aws_iam_role.scorer_task_role', 'aws_iam_role_policy.scorer_registry', 'aws_sagemaker_model_package_group.registry.arn'),
      policyUnread('aws_iam_role.scorer_task_role', 'aws_iam_role_policy.scorer_registry_updates', 'aws_sagemaker_model_package_group.registry.arn'),
      policyUnread('aws_iam_role.training_job_role', 'aws_iam_role_policy.training_job_data', 'aws_s3_bucket.training_data.arn'),
      computedWhenUnset('HG-RES-002 aws_lambda_function.orchestrator', 'undecided', 'aws_lambda_function.orchestrator', 'tracing_config'),
    ],
  },
  {
    name: 'example (fixtures/example)',
    forms: { synth: 'fixtures/example/cdktf.out', hcl: 'fixtures/example/forms/hcl', plan: 'fixtures/example/forms/plan/plan.json' },
    exceptions: [
      policyWithArn('HG-IAM-001 aws_iam_role.ingest_role gpu-compute', 'undecided', 'aws_iam_role_policy.ingest_policy', 'aws_sqs_queue.ingest_queue.arn'),
      policyWithArn('HG-IAM-002 aws_iam_role.ingest_role model-registry', 'undecided', 'aws_iam_role_policy.ingest_policy', 'aws_sqs_queue.ingest_queue.arn'),
      // sagemaker:* includes sagemaker:CreatePresignedNotebookInstanceUrl (act as a notebook's role).
      policyWithArn(
        'HG-IAM-005 aws_iam_role.ingest_role privilege-escalation',
        'undecided',
        'aws_iam_role_policy.ingest_policy',
        'aws_sqs_queue.ingest_queue.arn',
      ),
      statementsUnread(
        'HG-IAM-006 aws_iam_role.ingest_role statement 2 of aws_iam_role_policy.ingest_policy',
        'aws_iam_role_policy.ingest_policy',
        'aws_sqs_queue.ingest_queue.arn',
      ),
      policyUnread('aws_iam_role.ingest_role', 'aws_iam_role_policy.ingest_policy', 'aws_sqs_queue.ingest_queue.arn'),
      policyUnread('aws_iam_role.preprocess_role', 'aws_iam_role_policy.preprocess_policy', 'aws_s3_bucket.datasets.arn'),
      policyUnread('aws_iam_role.register_role', 'aws_iam_role_policy.register_policy', 'aws_s3_bucket.datasets.arn'),
      policyUnread('aws_iam_role.serving_task_role', 'aws_iam_role_policy.serving_policy', 'aws_s3_bucket.datasets.arn'),
      ...[
        'HG-IAM-001 aws_iam_role.preprocess_role gpu-compute',
        'HG-IAM-002 aws_iam_role.preprocess_role model-registry',
        'HG-IAM-005 aws_iam_role.preprocess_role privilege-escalation',
      ].map((f) => policyWithArn(f, 'extra', 'aws_iam_role_policy.preprocess_policy', 'aws_s3_bucket.datasets.arn')),
      policyWithArn('HG-IAM-001 aws_iam_role.register_role gpu-compute', 'extra', 'aws_iam_role_policy.register_policy', 'aws_s3_bucket.datasets.arn'),
      policyWithArn('HG-IAM-002 aws_iam_role.register_role model-registry', 'undecided', 'aws_iam_role_policy.register_policy', 'aws_s3_bucket.datasets.arn'),
      policyWithArn('HG-IAM-005 aws_iam_role.register_role privilege-escalation', 'extra', 'aws_iam_role_policy.register_policy', 'aws_s3_bucket.datasets.arn'),
      policyWithArn(
        'HG-IAM-005 aws_iam_role.serving_task_role privilege-escalation',
        'extra',
        'aws_iam_role_policy.serving_policy',
        'aws_s3_bucket.datasets.arn',
      ),
      statementsUnread(
        'HG-IAM-006 aws_iam_role.serving_task_role statement 0 of aws_iam_role_policy.serving_policy',
        'aws_iam_role_policy.serving_policy',
        'aws_s3_bucket.datasets.arn',
      ),
      ...['ingest', 'predict', 'preprocess', 'register'].map((fn) =>
        computedWhenUnset(`HG-RES-002 aws_lambda_function.${fn}`, 'undecided', `aws_lambda_function.${fn}`, 'tracing_config'),
      ),
    ],
  },
];

/** The traps every form must find, decided (the stacks were built to hold them). */
const TRAPS: Record<string, readonly string[]> = {
  'inference-platform': [
    'HG-IAM-002 aws_iam_role.register_role model-registry', // a function role with registry rights via jsonencode + var
    'HG-IAM-004 aws_iam_role.maintenance_role *:*', // jsonencode policy, merge() tags
    'HG-NET-001 aws_instance.bastion tcp/22', // SSH open to the world on a public instance
    'HG-NET-004 aws_instance.bastion tcp/22',
    'HG-NET-001 aws_lambda_function.invoke function-url', // a public Lambda URL
  ],
  'training-platform': ['HG-IAM-006 aws_iam_role.orchestrator_role statement Training', 'HG-RES-003 aws_ecr_repository.scorer_repo'],
  'example (fixtures/example)': [
    'HG-IAM-004 aws_iam_role.maintenance_role *:*',
    'HG-NET-001 aws_instance.bastion tcp/22',
    'HG-NET-001 aws_lambda_function.predict function-url',
  ],
};

/** The value is unknown, or (a computed block like `tracing_config`) holds an unknown. */
const holdsUnknown = (value: Value | undefined): boolean =>
  value instanceof Unknown || (value !== null && typeof value === 'object' && Object.values(value).some((v) => holdsUnknown(v)));

function formsOf(dir: string): Forms {
  return { synth: `${dir}/synth`, hcl: `${dir}/hcl`, plan: `${dir}/plan/plan.json` };
}

const key = (f: { ruleId: string; location: { address?: string }; subject?: string }): string =>
  `${f.ruleId} ${f.location.address ?? ''} ${f.subject ?? ''}`.trim();

/** finding key -> undecided? */
async function findings(input: string): Promise<Map<string, boolean>> {
  const run = await checkProject({ inputs: [input], cwd: ROOT, today: TODAY });
  const out = new Map<string, boolean>();
  for (const result of run.results.results) {
    const k = key(result);
    expect(out.has(k), `${input}: ${k} reported twice`).toBe(false);
    out.set(k, result.undecided === true);
  }
  return out;
}

/** Differences of `other` from `base`, in the exceptions' terms. */
function differences(base: Map<string, boolean>, other: Map<string, boolean>): { finding: string; kind: Exception['kind'] | 'decided-only-in-plan' }[] {
  const out: { finding: string; kind: Exception['kind'] | 'decided-only-in-plan' }[] = [];
  for (const [finding, undecided] of base) {
    const there = other.get(finding);
    if (there === undefined) out.push({ finding, kind: 'missing' });
    else if (there !== undecided) out.push({ finding, kind: there ? 'undecided' : 'decided-only-in-plan' });
  }
  for (const [finding, undecided] of other) if (!base.has(finding)) out.push({ finding, kind: undecided ? 'extra' : 'decided-only-in-plan' });
  return out.sort((a, b) => (a.finding < b.finding ? -1 : 1));
}

describe.each(STACKS)('$name: the same findings from synth JSON, HCL and plan JSON', ({ name, forms, exceptions }) => {
  const results = Promise.all([findings(forms.synth), findings(forms.hcl), findings(forms.plan)]);

  it('finds the planted traps in every form, decided', async () => {
    const [synth, hcl, plan] = await results;
    for (const trap of TRAPS[name] ?? []) {
      expect(synth.get(trap), `synth: ${trap}`).toBe(false);
      expect(hcl.get(trap), `hcl: ${trap}`).toBe(false);
      expect(plan.get(trap), `plan: ${trap}`).toBe(false);
    }
  }, 120_000);

  it('HCL gives exactly the findings of synth JSON', async () => {
    const [synth, hcl] = await results;
    expect(synth.size).toBeGreaterThan(5);
    expect([...hcl].sort()).toEqual([...synth].sort());
  }, 120_000);

  it('plan JSON gives the same findings except the listed, justified ones', async () => {
    const [synth, , plan] = await results;
    const expected = exceptions.map((e) => ({ finding: e.finding, kind: e.kind })).sort((a, b) => (a.finding < b.finding ? -1 : 1));
    expect(differences(synth, plan)).toEqual(expected);
  }, 120_000);

  it('each exception names a value the plan really lacks and the configuration really holds', async () => {
    const [synthGraph, planGraph] = await Promise.all([readInputs([forms.synth], { cwd: ROOT }), readInputs([forms.plan], { cwd: ROOT })]);
    for (const { value, reason } of exceptions) {
      const planned = planGraph.graph.get(value.address);
      expect(planned, reason).toBeDefined();
      expect(holdsUnknown(valueAt(planned!.values, value.attribute)), reason).toBe(true);
      const configured = synthGraph.graph.get(value.address);
      expect(configured, reason).toBeDefined();
      const text = valueAt(configured!.values, value.attribute);
      if (value.configuration === 'fragment') {
        // A readable JSON document whose apply-time part is a `${...}` fragment naming the ARN.
        expect(typeof text, reason).toBe('string');
        const arn = /apply-time ARN ([^\s,]+)/.exec(reason)?.[1] ?? '';
        expect(text as string, reason).toContain(`\${${arn}}`);
        expect(() => JSON.parse(text as string), reason).not.toThrow();
      } else {
        expect(text === undefined || text === null, reason).toBe(true);
      }
    }
  }, 120_000);
});
