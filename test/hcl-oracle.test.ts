/**
 * INTEGRATION (terraform + the AWS provider mirror + moto): Terraform is the oracle for the HCL
 * evaluator. For root folders that plan offline (local modules only, the AWS provider from the
 * mirror, moto on loopback answering data sources), `terraform plan` + `terraform show -json`
 * computes the instances; hybridguard reads the same folder as HCL and as that plan JSON, and both
 * must give the same resource instance addresses and the same decided findings. Every root that
 * cannot be planned is listed with the reason. Move this file to an integration suite as is.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProject } from '../src/api/project.js';
import { readInputs } from '../src/inputs/index.js';
import { findProviderMirror } from '../scripts/terraform-env.js';
import { startMoto, which, type Moto } from './support/moto.js';
import { run } from './support/run.js';

const ROOT = join(import.meta.dirname, '..');
const CORPUS = process.env.HYBRIDGUARD_REALWORLD ?? join(ROOT, '..', 'shared', 'corpus', 'realworld');

/** Roots compared: our fixtures and a handful of real-world ones, with the variable values given to both sides. */
const ROOTS: { readonly dir: string; readonly env?: Record<string, string> }[] = [
  { dir: join(ROOT, 'fixtures/terraform/count-for-each'), env: { TF_VAR_public_url_for: 'embed' } },
  { dir: join(ROOT, 'fixtures/terraform/modules-dynamic') },
  { dir: join(ROOT, 'fixtures/terraform/well-known-data') },
  ...[
    'apigw-rest-api-http-integration-terraform',
    'sfn-sns-tf',
    'sns-sqs-fanout-tf',
    's3-eventbridge-ecs',
    'rds-sns-event-notification-terraform',
    'alb-lambda-terraform',
  ].map((p) => ({
    dir: join(CORPUS, 'serverless-patterns', p),
  })),
];

const terraform = which('terraform');
const motoServer = which('moto_server');
let mirror: string | undefined;
try {
  mirror = findProviderMirror();
} catch {
  mirror = undefined;
}
const missing = [!terraform && 'terraform', !motoServer && 'moto_server', !mirror && 'the AWS provider mirror (HYBRIDGUARD_TF_MIRROR)'].filter(Boolean);
if (missing.length) {
  console.warn(`HCL ORACLE NOT RUN: ${missing.join(', ')} missing`);
  if (process.env.CI === 'true') throw new Error(`the HCL oracle needs ${missing.join(', ')} under CI`);
}

/** Why a root cannot be planned offline, read from its text; undefined when it can be tried. */
function cannotPlan(dir: string): string | undefined {
  if (!existsSync(dir)) return 'folder missing';
  const text = readdirSync(dir).filter((f) => f.endsWith('.tf')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const provider = /(?:resource|data)\s+"(archive|random|null|time|tls|local|docker|external|http)_/.exec(text);
  if (provider) return `needs the ${provider[1]} provider, which the offline mirror lacks`;
  const remote = /\bmodule\s+"[^"]+"\s*\{[^}]*?\bsource\s*=\s*"([^./][^"]*)"/.exec(text);
  if (remote) return `calls the registry module ${remote[1]}, which cannot be downloaded here`;
  return undefined;
}

type Finding = { ruleName: string; undecided?: boolean; subject?: string; location: { address?: string; file: string } };
const key = (r: Finding) => `${r.ruleName} ${r.location.address ?? r.location.file} ${r.subject ?? ''}`.trim();

describe.skipIf(missing.length > 0)('INTEGRATION: HCL evaluation against terraform plan', () => {
  let moto: Moto | undefined;
  const unplanned: string[] = [];
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
    if (unplanned.length) console.warn(`roots not planned:\n${unplanned.join('\n')}`);
  });

  const cases = ROOTS.map((r) => [r.dir.replace(`${ROOT}/`, '').replace(`${CORPUS}/`, 'realworld/'), r] as const);
  it.each(cases)('%s: same instances and decided findings as the plan', async (_name, root) => {
    const reason = cannotPlan(root.dir);
    if (reason) {
      unplanned.push(`${root.dir}: ${reason}`);
      return;
    }
    const out = join(mkdtempSync(join(tmpdir(), 'hg-oracle-')), 'plan.json');
    const planned = await run('bash', [join(ROOT, 'scripts', 'make-plan.sh'), root.dir, out], {
      env: {
        ...process.env,
        ...root.env,
        HYBRIDGUARD_TF_MIRROR: mirror,
        AWS_ENDPOINT_URL: moto!.endpoint,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
      },
      timeout: 240_000,
    });
    if (planned.status !== 0) {
      // eslint-disable-next-line no-control-regex -- strips terminal colour codes (ESC [ ... m)
      const stderr = planned.stderr.replace(/\u001b\[[0-9;]*m/g, '');
      const why = (stderr.match(/Error: [^\n]*/g) ?? [stderr.trim().split('\n').pop() ?? 'terraform plan failed']).slice(0, 2).join('; ');
      unplanned.push(`${root.dir}: terraform plan failed: ${why}`);
      // Our own fixtures must plan.
      expect(root.dir.startsWith(CORPUS), `${root.dir}: ${why}`).toBe(true);
      return;
    }
    const env = root.env ?? {};
    const [hcl, plan] = await Promise.all([readInputs([root.dir], { cwd: root.dir, env }), readInputs([out], { cwd: root.dir })]);
    const managed = (g: typeof hcl) => g.graph.resources.filter((r) => r.mode === 'managed').map((r) => r.address).sort();
    expect(managed(hcl)).toEqual(managed(plan));
    const [hclRun, planRun] = await Promise.all([
      checkProject({ inputs: [root.dir], cwd: root.dir, env, today: '2026-01-01' }),
      checkProject({ inputs: [out], cwd: root.dir, today: '2026-01-01' }),
    ]);
    const findings = (run: typeof hclRun, undecided: boolean) =>
      new Set(run.results.results.filter((r) => !!r.undecided === undecided && r.ruleName !== 'module-not-analyzed').map(key));
    const [hclDecided, planDecided, planUndecided] = [findings(hclRun, false), findings(planRun, false), findings(planRun, true)];
    // Whatever the plan decides, HCL decides alike.
    expect([...planDecided].filter((f) => !hclDecided.has(f))).toEqual([]);
    // HCL may decide more only where the plan holds the value as unknown (a policy with an
    // apply-time ARN in it is one unknown string in plan JSON): the plan then says undecided.
    // (An undecided finding names what it waits for instead of the action: compare rule and address.)
    const where = (f: string) => f.split(' ').slice(0, 2).join(' ');
    const planWaits = new Set([...planUndecided].map(where));
    expect([...hclDecided].filter((f) => !planDecided.has(f) && !planWaits.has(where(f)))).toEqual([]);
  }, 300_000);
});
