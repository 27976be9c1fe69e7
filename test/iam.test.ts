/**
 * The IAM analysis on the must-hold stack (fixtures/iam/must-hold: one realistic stack, one
 * function role per trap): exact decisions, conditions and evidence, as a user would query them.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Facts } from '../src/rules/types.js';
import type { IamFacts, Principal } from '../src/analysis/iam/index.js';
import { ActionIndex } from '../src/analysis/iam/actions.js';
import { normalizeContext } from '../src/analysis/iam/conditions.js';
import { documentFromJson } from '../src/analysis/iam/document.js';
import { decide } from '../src/analysis/iam/evaluate.js';
import { factsFor, ROOT, sharedCatalog } from './iam-helpers.js';
import { checkProject } from '../src/api/project.js';

let facts: Facts;
let iam: IamFacts;
/** `aws_iam_role.NAME` of an analysis (a test fails without it). */
const rolesOf =
  (analysis: IamFacts) =>
  (name: string): Principal => {
    const p = analysis.principal(`aws_iam_role.${name}`);
    if (!p) throw new Error(`no role ${name}`);
    return p;
  };
const role = (name: string): Principal => rolesOf(iam)(name);
const decision = (name: string, action: string, resource?: string, context?: Record<string, string>) =>
  iam.evaluate(role(name), action, resource, context).decision;

beforeAll(async () => {
  facts = await factsFor(join(ROOT, 'fixtures/iam/must-hold/main.tf.json'));
  iam = facts.iam();
});

describe('wildcards, case and NotAction', () => {
  it('matches wildcards in the middle of action names against the catalog', () => {
    expect(decision('mid_wildcard', 'sagemaker:CreateModelPackageGroup')).toBe('allow');
    expect(decision('mid_wildcard', 'sagemaker:DescribeModelPackage')).toBe('allow');
    expect(decision('mid_wildcard', 'sagemaker:CreateTrainingJob')).toBe('implicit-deny');
    expect(iam.capabilityGrants(role('mid_wildcard'), 'model-registry').actions).toEqual([
      'sagemaker:CreateModelPackage',
      'sagemaker:CreateModelPackageGroup',
      'sagemaker:DeleteModelPackage',
      'sagemaker:DeleteModelPackageGroup',
      'sagemaker:DeleteModelPackageGroupPolicy',
      'sagemaker:PutModelPackageGroupPolicy',
      'sagemaker:UpdateModelPackage',
    ]);
    expect(iam.capabilityGrants(role('mid_wildcard'), 'gpu-compute').actions).toEqual([]);
  });

  it('sagemaker:Create* grants creation, not description', () => {
    expect(decision('create_star', 'sagemaker:CreateTrainingJob')).toBe('allow');
    expect(decision('create_star', 'sagemaker:DescribeTrainingJob')).toBe('implicit-deny');
  });

  it('matches mixed-case action names case-insensitively', () => {
    expect(decision('mixed_case', 'sagemaker:CreateTrainingJob')).toBe('allow');
    expect(iam.capabilityGrants(role('mixed_case'), 'gpu-compute')).toMatchObject({ actions: ['sagemaker:CreateTrainingJob'], held: true });
  });

  it('NotAction ["s3:*"] grants the rest of AWS, and not s3', () => {
    expect(decision('not_action', 's3:GetObject')).toBe('implicit-deny');
    expect(decision('not_action', 'sagemaker:CreateTrainingJob')).toBe('allow');
    expect(decision('not_action', 'iam:CreateUser')).toBe('allow');
    expect(iam.capabilityGrants(role('not_action'), 'gpu-compute').held).toBe(true);
  });
});

describe('Deny, boundaries, managed policies', () => {
  it('an explicit Deny cancels the Allow, with both statements as evidence', () => {
    const e = iam.evaluate(role('deny_cancels'), 'sagemaker:CreateTrainingJob');
    expect(e.decision).toBe('deny');
    expect(e.evidence.map((x) => x.message)).toEqual([
      'statement 1 (NoCreate) of inline policy "guarded" of aws_iam_role.deny_cancels denies sagemaker:CreateTrainingJob: sagemaker:Create* on *',
      'statement 0 (Train) of inline policy "guarded" of aws_iam_role.deny_cancels would allow sagemaker:CreateTrainingJob: sagemaker:CreateTrainingJob, ' +
        'sagemaker:DescribeTrainingJob on *',
    ]);
    expect(decision('deny_cancels', 'sagemaker:DescribeTrainingJob')).toBe('allow');
  });

  it('a permissions boundary caps an inline sagemaker:*', () => {
    const e = iam.evaluate(role('boundary_caps'), 'sagemaker:CreateTrainingJob');
    expect(e.decision).toBe('implicit-deny');
    expect(e.evidence.find((x) => x.kind === 'boundary')?.message).toBe(
      'permissions boundary aws_iam_policy.s3_only_boundary does not allow sagemaker:CreateTrainingJob',
    );
    expect(iam.capabilityGrants(role('boundary_caps'), 'gpu-compute').actions).toEqual([]);
    // The boundary alone grants nothing: s3:GetObject is in the boundary but not in the identity policy.
    expect(decision('boundary_caps', 's3:GetObject')).toBe('implicit-deny');
  });

  it('AmazonSageMakerFullAccess (from the bundled snapshot) gives a function GPU and registry rights', () => {
    const gpu = iam.capabilityGrants(role('managed_full'), 'gpu-compute');
    expect(gpu.held).toBe(true);
    expect(gpu.actions).toContain('sagemaker:CreateTrainingJob');
    expect(gpu.evidence.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^statement 0 \(AllowAllNonAdminSageMakerActions\) of AWS managed policy AmazonSageMakerFullAccess allows sagemaker:\*/),
    );
    expect(iam.capabilityGrants(role('managed_full'), 'model-registry').held).toBe(true);
    expect(decision('managed_full', 'logs:PutLogEvents')).toBe('allow');
  });
});

describe('conditions are kept', () => {
  it('ec2:RunInstances limited to t3.* is conditional without context, decided with one', () => {
    const open = iam.evaluate(role('ec2_small'), 'ec2:RunInstances');
    expect(open).toMatchObject({ decision: 'conditional', conditions: ['StringLike ec2:InstanceType = [t3.*]'] });
    expect(decision('ec2_small', 'ec2:RunInstances', undefined, { 'ec2:InstanceType': 'p4d.24xlarge' })).toBe('implicit-deny');
    expect(decision('ec2_small', 'ec2:RunInstances', undefined, { 'ec2:InstanceType': 't3.micro' })).toBe('allow');
    expect(decision('ec2_small', 'ec2:RunInstances', undefined, { 'EC2:INSTANCETYPE': 't3.micro' })).toBe('allow');
    // A GPU capability needs a GPU instance type: t3 only is not gpu-compute.
    expect(iam.capabilityGrants(role('ec2_small'), 'gpu-compute').actions).toEqual([]);
  });
});

describe('documents from data sources and JSON strings', () => {
  it('merges source and override documents by Sid, as aws_iam_policy_document does', () => {
    const merged = role('data_merged').identityPolicies[0];
    expect(merged?.document.statements.map((s) => [s.sid ?? '', s.effect, s.action ?? s.notAction])).toEqual([
      ['Train', 'Allow', ['sagemaker:DescribeTrainingJob']],
      ['Logs', 'Deny', ['logs:*']],
      ['', 'Allow', ['sagemaker:*', 'logs:*', 'iam:*', 'ec2:*']],
    ]);
    // The own "Train" statement replaced the source's: CreateTrainingJob is gone.
    expect(decision('data_merged', 'sagemaker:CreateTrainingJob')).toBe('implicit-deny');
    expect(decision('data_merged', 'sagemaker:DescribeTrainingJob')).toBe('allow');
    // The override's Deny replaced the source's Allow for logs.
    expect(decision('data_merged', 'logs:PutLogEvents')).toBe('deny');
    // NotAction on the bucket's objects: s3 allowed on some object, never on "*".
    expect(decision('data_merged', 's3:GetObject')).toBe('allow');
    expect(decision('data_merged', 's3:GetObject', '*')).toBe('implicit-deny');
  });

  it('parses JSON strings with interpolated ARNs, and says UNKNOWN for a specific ARN it cannot compare', () => {
    expect(decision('json_fragments', 's3:GetObject')).toBe('allow');
    expect(decision('json_fragments', 's3:DeleteObject')).toBe('implicit-deny');
    const specific = iam.evaluate(role('json_fragments'), 's3:GetObject', 'arn:aws:s3:::other-bucket/key');
    expect(specific.decision).toBe('unknown');
    expect(specific.conditions).toEqual(['resource ${aws_s3_bucket.datasets.arn}/* is known only after apply']);
  });

  it('a policy that is an expression is unknown, never a silent pass', () => {
    const e = iam.evaluate(role('unknown_doc'), 'sagemaker:CreateTrainingJob');
    expect(e.decision).toBe('unknown');
    expect(e.evidence).toEqual([
      expect.objectContaining({
        kind: 'unknown-policy',
        message:
          'aws_iam_role_policy.unknown_doc cannot be read before apply: policy of aws_iam_role_policy.unknown_doc is ${jsonencode(var.extra_policy)}, known ' +
            'only after apply',
      }),
    ]);
    const grants = iam.capabilityGrants(role('unknown_doc'), 'gpu-compute');
    expect(grants).toMatchObject({ held: false, conditional: true, undecided: true });
  });
});

describe('who-can', () => {
  it('lists every principal allowed the action, after Deny, boundaries and NotAction', () => {
    expect(iam.whoCan('sagemaker:CreateTrainingJob').map((w) => [w.address, w.serviceType, w.conditional])).toEqual([
      ['aws_iam_role.attached_twice', 'function', false],
      ['aws_iam_role.create_star', 'function', false],
      ['aws_iam_role.managed_full', 'function', false],
      ['aws_iam_role.mixed_case', 'function', false],
      ['aws_iam_role.not_action', 'function', false],
      ['aws_iam_role.trainer_role', 'orchestrator', false],
      ['aws_iam_role.unknown_doc', 'function', false],
    ]);
    // Waiting for a document known only after apply is undecided, not "depends on the request".
    expect(iam.whoCan('sagemaker:CreateTrainingJob').find((w) => w.address === 'aws_iam_role.unknown_doc')?.undecided).toMatch(/cannot be read before apply/);
  });

  it('includes users through their groups, and narrows to one resource ARN', () => {
    const who = iam.whoCan('sagemaker:CreateModelPackage', 'arn:aws:sagemaker:us-east-1:123456789012:model-package/recommender/3');
    expect(who.map((w) => w.address)).toEqual([
      'aws_iam_role.create_star',
      'aws_iam_role.managed_full',
      'aws_iam_role.mid_wildcard',
      'aws_iam_role.not_action',
      'aws_iam_role.serving_role',
      'aws_iam_role.unknown_doc',
      'aws_iam_user.analyst',
    ]);
    const analyst = who.find((w) => w.address === 'aws_iam_user.analyst');
    expect(analyst?.evidence[0]?.message).toBe(
      'statement 0 of aws_iam_role_policy.ml via group aws_iam_group.ml allows sagemaker:CreateModelPackage on *'.replace(
        'aws_iam_role_policy',
        'aws_iam_group_policy',
      ),
    );
  });

  it('refuses an action that does not exist', () => {
    expect(() => iam.whoCan('sagemaker:CreateTrainingJobs')).toThrow(/not a known IAM action/);
  });
});

describe('allowed actions and linking', () => {
  it('expands the grants of a role into real actions', () => {
    expect(iam.allowedActions(role('ingest_role')).map((a) => a.action)).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 's3:GetObject', 's3:PutObject']);
  });
  it('links roles to what uses them, and a policy attached by literal role name', () => {
    expect(role('trainer_role').usedBy.map((u) => u.address)).toEqual(['aws_lambda_function.trainer']);
    expect(role('serving_role').usedBy.map((u) => u.address)).toEqual(['aws_ecs_task_definition.serving']);
    expect(role('trainer_role').identityPolicies.map((p) => p.name)).toEqual(['start-training', 'train']);
  });
});

describe('several cdktf stacks', () => {
  it('writes an apply-time reference as its own stack does, so it stays one unknown ARN (not a policy variable)', async () => {
    const multi = (await factsFor(join(ROOT, 'fixtures/iam/multi-stack/cdktf.out'))).iam();
    const fn = multi.principal('ingest:aws_iam_role.fn');
    if (!fn) throw new Error('no ingest:aws_iam_role.fn');
    expect(fn.identityPolicies[0]?.document.statements[0]?.resource).toEqual(['${aws_s3_bucket.data.arn}/*']);
    const other = multi.evaluate(fn, 's3:GetObject', 'arn:aws:s3:::hg-training-features/x');
    expect(other.decision).toBe('unknown');
    expect(other.conditions).toEqual(['resource ${aws_s3_bucket.data.arn}/* is known only after apply']);
  });
});

describe('attachments', () => {
  it('an aws_iam_policy_attachment without policy_arn attaches nothing; one whose ARN is known only after apply stays unknown', async () => {
    const attached = (await factsFor(join(ROOT, 'fixtures/iam/attachments/main.tf.json'))).iam();
    const of = rolesOf(attached);
    expect(of('report_reader').identityPolicies.map((p) => p.name)).toEqual(['read-reports']);
    expect(of('forgotten_arn').identityPolicies).toEqual([]);
    expect(attached.decisionOf(of('forgotten_arn'), 's3:GetObject')).toBe('implicit-deny');
    expect(of('later_arn').identityPolicies.map((p) => p.kind)).toEqual(['unresolved']);
    expect(attached.decisionOf(of('later_arn'), 's3:GetObject')).toBe('unknown');
  });
});

describe('plan JSON with a policy template in configuration', () => {
  it('reads the document from constant_value: only the interpolated ARN is unknown, so the grant is decided', async () => {
    const facts = (await factsFor(join(ROOT, 'fixtures/iam/plan-template/plan.json'))).iam();
    const role = facts.principal('aws_iam_role.ingest');
    if (!role) throw new Error('no role');
    expect(role.identityPolicies[0]?.document.unknown).toBeUndefined();
    const registry = facts.whoCan('sagemaker:CreateModelPackage');
    expect(registry.map((w) => [w.address, w.conditional, w.undecided])).toEqual([['aws_iam_role.ingest', false, undefined]]);
    // The bucket's objects: some object of that bucket, whatever its ARN turns out to be.
    expect(facts.whoCan('s3:GetObject').map((w) => [w.address, w.conditional, w.undecided])).toEqual([['aws_iam_role.ingest', false, undefined]]);
    // One named object: it depends on the bucket ARN, known only after apply.
    expect(facts.evaluate(role, 's3:GetObject', 'arn:aws:s3:::other/x').decision).toBe('unknown');
  });
});

describe('evidence of a long statement', () => {
  it('tells a managed statement of hundreds of Action patterns by those that name the action asked about', async () => {
    const iam = (await factsFor(join(ROOT, 'fixtures/rules/no-unused-grants/fail-read-only-access-under-boundary/main.tf.json'))).iam();
    const [row] = iam.whoCan('s3:GetObject');
    const statements = row!.evidence.filter((e) => e.kind === 'statement');
    const readOnly = statements.find((e) => (e.data as { policy: string }).policy === 'ReadOnlyAccess')!;
    const data = readOnly.data as { statement: { Action: string[] }; actionPatterns: number };
    expect(data.statement.Action).toEqual(['s3:Get*']);
    expect(data.actionPatterns).toBeGreaterThan(1000);
    expect(readOnly.message).toMatch(/ allows s3:Get\* \(1 of its \d+ action patterns\) on \*$/);
    // The boundary's statement writes a few patterns: told whole, as written.
    const boundary = statements.find((e) => e !== readOnly)!;
    expect((boundary.data as { actionPatterns?: number }).actionPatterns).toBeUndefined();
    expect(boundary.message).toMatch(/lets through \(permissions boundary\) dynamodb:\*, s3:\*, logs:\*, ec2:CreateNetworkInterface, .* on \*$/);
  });

  it('names, in the evidence of a wildcard-resource finding, only the patterns the finding is about', async () => {
    const evidenceOf = async (fixture: string, ruleId: string) => {
      const dir = join(ROOT, 'fixtures/rules', fixture);
      const run = await checkProject({ inputs: [dir], cwd: dir });
      const finding = run.results.results.find((r) => r.ruleId === ruleId);
      return finding!.evidence.find((e) => e.kind === 'statement')!;
    };
    const data = await evidenceOf('no-data-actions-on-wildcard-resource/fail-long-describe-statement', 'HG-IAM-006');
    expect(data.message).toMatch(
      / allows ec2:GetSecurityGroupsForVpc, acm:DescribeCertificate, secretsmanager:GetSecretValue \(3 of its 14 action patterns\) on \*$/,
    );
    expect((data.data as { statement: { Action: string[] } }).statement.Action).toEqual([
      'ec2:GetSecurityGroupsForVpc',
      'acm:DescribeCertificate',
      'secretsmanager:GetSecretValue',
    ]);
    const admin = await evidenceOf('no-full-admin/fail-star-appended-to-a-long-list', 'HG-IAM-004');
    expect(admin.message).toMatch(/ allows \* \(1 of its 11 action patterns\) on \*$/);
  });
});

describe('one policy attached to several roles', () => {
  it('each role gets its own answer, with evidence naming its own attachment', async () => {
    const shared = (await factsFor(join(ROOT, 'fixtures/iam/shared-policy/main.tf.json'))).iam();
    const of = rolesOf(shared);
    const invoke = ['scorer', 'ranker', 'auditor'].map((name) => shared.evaluate(of(name), 'sagemaker:InvokeEndpoint'));
    expect(invoke.map((e) => e.decision)).toEqual(['allow', 'allow', 'allow']);
    // The same statement grants all three, each through the attachment that links it to that role.
    expect(invoke.map((e) => e.evidence.find((x) => x.kind === 'statement')?.data)).toEqual(
      ['scorer', 'ranker', 'auditor'].map((name) => expect.objectContaining({ attachedBy: `aws_iam_role_policy_attachment.${name}_inference` })),
    );
    // A Deny naming another service leaves the shared grant alone; one naming the action removes it for that role only.
    expect(['scorer', 'ranker', 'auditor'].map((name) => shared.decisionOf(of(name), 'sagemaker:CreateModelPackage'))).toEqual(['allow', 'allow', 'deny']);
    expect(shared.whoCan('sagemaker:CreateModelPackage').map((w) => w.address)).toEqual(['aws_iam_role.ranker', 'aws_iam_role.scorer']);
    expect(shared.allowedActions(of('auditor')).some((g) => g.action === 'sagemaker:CreateModelPackage')).toBe(false);
    expect(shared.allowedActions(of('ranker')).some((g) => g.action === 'sagemaker:CreateModelPackage')).toBe(true);
  });
});

describe('a permissions boundary that names no statement for the action', () => {
  it('caps it without a decision, answering exactly as the full decision does', async () => {
    const facts = (await factsFor(join(ROOT, 'fixtures/iam/boundary-caps/main.tf.json'))).iam();
    const of = rolesOf(facts);
    const registry = (name: string) => facts.decisionOf(of(name), 'sagemaker:CreateModelPackage');
    expect(['capped', 'capped_and_denied', 'later_capped', 'unbounded'].map(registry)).toEqual(['implicit-deny', 'deny', 'unknown', 'allow']);
    // The capped answer keeps its evidence where one is asked for: the boundary that caps the grant.
    expect(facts.evaluate(of('capped'), 'sagemaker:CreateModelPackage').evidence.map((e) => e.kind)).toContain('boundary');
    // decisionOf (which may skip deciding) and evaluate (which always decides) agree on every action the roles are granted.
    const actions = ['s3:Get*', 's3:List*', 'sagemaker:Describe*', 'sagemaker:CreateModelPackage', 'ec2:Describe*', 'dynamodb:*'].flatMap((p) =>
      Array.from(facts.actionsMatching(p), (a) => a.action),
    );
    expect(actions.length).toBeGreaterThan(400);
    for (const name of ['capped', 'capped_and_denied', 'later_capped', 'unbounded']) {
      const role = of(name);
      const differ = actions.filter((a) => facts.decisionOf(role, a) !== facts.evaluate(role, a).decision);
      expect(differ, name).toEqual([]);
      // A service closed to the role has no allowed action.
      const closedButAllowed = actions.filter((a) => !facts.mayAllowService(role, a.split(':')[0]!) && facts.decisionOf(role, a) === 'allow');
      expect(closedButAllowed, name).toEqual([]);
    }
    const open = (name: string, services: readonly string[]) => services.map((s) => facts.mayAllowService(of(name), s));
    expect(open('capped', ['sagemaker', 'SageMaker', 'ec2', 's3', 'dynamodb', 'sqs'])).toEqual([false, false, false, true, true, false]);
    // A boundary known only after apply closes nothing; without a boundary, the identity policies alone decide.
    expect(open('later_capped', ['sagemaker', 'sqs'])).toEqual([true, false]);
    expect(open('unbounded', ['sagemaker', 'sqs'])).toEqual([true, false]);
  });
});

describe('statements matched by the service an action belongs to', () => {
  it('still match patterns whose wildcard is in, or spans, the service part', () => {
    const catalog = sharedCatalog();
    const index = new ActionIndex(catalog);
    const allowOnly = (action: string) => ({
      document: documentFromJson({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' },
          { Effect: 'Allow', Action: action, Resource: '*' },
        ],
      }),
    });
    const asked = (pattern: string, action: string) => {
      const catalogAction = catalog.action(action);
      if (!catalogAction) throw new Error(action);
      return decide([allowOnly(pattern)], undefined, { action: catalogAction, context: normalizeContext(undefined), complete: false }, index).decision;
    };
    expect(['*Object', 's3*', 's?:GetObject', '*:GetObject', 'S3:GETOBJECT', '${var.service}:GetObject'].map((p) => asked(p, 's3:GetObject'))).toEqual([
      'allow',
      'allow',
      'allow',
      'allow',
      'allow',
      'unknown',
    ]);
    expect(['sqs:GetObject', 'sagemaker:*', 's3:Put*'].map((p) => asked(p, 's3:GetObject'))).toEqual(['implicit-deny', 'implicit-deny', 'implicit-deny']);
  });
});
