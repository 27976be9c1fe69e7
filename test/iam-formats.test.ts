/**
 * The same stack as cdktf synth JSON, HCL and plan JSON gives the same IAM answers where the plan
 * knows the policy text; where the plan only knows it after apply, the answer is `unknown`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { factsFor, ROOT } from './iam-helpers.js';

const ACTIONS = ['sagemaker:CreateTrainingJob', 'sagemaker:CreateModelPackage', 's3:GetObject', 'sagemaker:InvokeEndpoint', 'logs:PutLogEvents'];

async function answers(input: string) {
  const iam = (await factsFor(input)).iam();
  const out: Record<string, string[]> = {};
  for (const action of ACTIONS) out[action] = iam.whoCan(action).map((w) => `${w.address}${w.conditional ? ' (conditional)' : ''}`);
  const capabilities: Record<string, string> = {};
  for (const p of iam.principals) {
    for (const c of ['gpu-compute', 'model-registry']) {
      const g = iam.capabilityGrants(p, c);
      if (g.actions.length > 0) capabilities[`${p.address} ${c}`] = g.held ? 'held' : g.undecided ? 'undecided' : 'conditional';
    }
  }
  return { whoCan: out, capabilities };
}

describe.each(['training-platform', 'inference-platform'])('%s', (stack) => {
  const dir = join(ROOT, 'fixtures/stacks', stack);
  it('synth JSON and HCL agree exactly', async () => {
    const synth = await answers(join(dir, 'synth/cdk.tf.json'));
    const hcl = await answers(join(dir, 'hcl'));
    expect(hcl).toEqual(synth);
  });
  it('plan JSON agrees wherever it knows the policy, and is unknown (never a pass) elsewhere', async () => {
    const synth = await answers(join(dir, 'synth/cdk.tf.json'));
    const plan = await answers(join(dir, 'plan/plan.json'));
    for (const action of ACTIONS) {
      for (const entry of synth.whoCan[action] ?? []) {
        const address = entry.replace(' (conditional)', '');
        expect(plan.whoCan[action]?.some((p) => p.startsWith(address)), `${action}: ${address}`).toBe(true);
      }
    }
    for (const [key, value] of Object.entries(synth.capabilities)) {
      expect([value, 'undecided']).toContain(plan.capabilities[key]);
    }
  });
});

describe('training-platform answers', () => {
  it('the orchestrator (data-source policy) may start training; the scorer writes the registry', async () => {
    const synth = await answers(join(ROOT, 'fixtures/stacks/training-platform/synth/cdk.tf.json'));
    expect(synth.whoCan['sagemaker:CreateTrainingJob']).toEqual(['aws_iam_role.orchestrator_role']);
    expect(synth.capabilities).toEqual({
      'aws_iam_role.orchestrator_role gpu-compute': 'held',
      'aws_iam_role.scorer_task_role model-registry': 'held',
    });
    const plan = await answers(join(ROOT, 'fixtures/stacks/training-platform/plan/plan.json'));
    expect(plan.capabilities['aws_iam_role.orchestrator_role gpu-compute']).toBe('held');
  });
});
