/**
 * Wide grants: the bench stack (the services shape) with AWS managed policies attached to its
 * function roles, as teams attach them: half get ReadOnlyAccess (thousands of actions, most of
 * them outside the function boundary), half AmazonS3FullAccess and AmazonDynamoDBFullAccess
 * (hundreds, inside it). The unused-grants rule then decides every action each role is granted:
 * the shape where the IAM decisions, not the reading, set the time.
 *
 *   node --import tsx bench/wide-grants.ts [--services 1000] [--runs 5] [--overlapping]
 *
 * `--overlapping`: instead, 200 function roles get an inline policy of 60 statements that overlap
 * (`s3:*` in one, `s3:Get*` in another; wildcards over 12 services on Resource "*", every third
 * with a condition, every tenth a Deny), the shape where no-data-actions-on-wildcard-resource asks
 * the most; `check` is timed (no code rule reads those policies).
 *
 * Writes `.bench/n<N>-wide` (or `-overlapping`) and prints the median wall time, the peak RSS and
 * the findings of the command on it (the build in dist/).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.js';
import { median, option, run } from './measure.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');
const CLI = join(ROOT, 'bin', 'hybridguard.js');

const services = option('--services', 1000);
const runs = option('--runs', 5);
const overlapping = process.argv.includes('--overlapping');
const gen = generate({ out: join(ROOT, '.bench', `n${services}-${overlapping ? 'overlapping' : 'wide'}`), services, formats: ['synth'] });
const synthDir = gen.synthDir as string;
const stackFile = join(synthDir, 'stacks', readdirSync(join(synthDir, 'stacks'))[0] as string, 'cdk.tf.json');
const stack = JSON.parse(readFileSync(stackFile, 'utf8')) as { resource: Partial<Record<string, Record<string, Record<string, unknown>>>> };
const roles = Object.keys(stack.resource.aws_iam_role ?? {}).filter((name) => name.startsWith('fn_'));
if (overlapping) {
  const SERVICES = ['s3', 'dynamodb', 'sqs', 'sns', 'logs', 'events', 'secretsmanager', 'kms', 'lambda', 'sagemaker', 'bedrock', 'ec2'];
  const VERBS = ['Get*', 'List*', 'Describe*', 'Put*', 'Delete*', '*'];
  const inline = (stack.resource.aws_iam_role_policy ??= {});
  roles.slice(0, 200).forEach((role, r) => {
    const statements = Array.from({ length: 60 }, (_, i) => ({
      Effect: i % 10 === 9 ? 'Deny' : 'Allow',
      Action: [`${SERVICES[(i + r) % SERVICES.length]}:${VERBS[i % VERBS.length]}`],
      Resource: '*',
      ...(i % 3 === 0 || i % 5 === 0
        ? {
            Condition: {
              ...(i % 3 === 0 ? { StringEquals: { 'aws:ResourceTag/team': `team-${i % 7}` } } : {}),
              ...(i % 5 === 0 ? { StringLike: { 'aws:PrincipalTag/env': `prod-${i % 4}*` } } : {}),
            },
          }
        : {}),
    }));
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    inline[`${role}_wide`] = { role: `\${aws_iam_role.${role}.id}`, name: `${role}-wide`, policy };
  });
} else {
  const attachments = (stack.resource.aws_iam_role_policy_attachment ??= {});
  roles.forEach((role, i) => {
    const attach = (suffix: string, policy: string): void => {
      attachments[`${role}_${suffix}`] = { role: `\${aws_iam_role.${role}.name}`, policy_arn: `arn:aws:iam::aws:policy/${policy}` };
    };
    if (i % 2 === 0) attach('read_only', 'ReadOnlyAccess');
    else {
      attach('s3_full', 'AmazonS3FullAccess');
      attach('dynamodb_full', 'AmazonDynamoDBFullAccess');
    }
  });
}
writeFileSync(stackFile, JSON.stringify(stack, null, 2));

const args = [CLI, 'check', synthDir, ...(overlapping ? [] : ['--code', gen.codeRoot]), '--format', 'json'];
const first = await run(process.execPath, args, { captureStdout: true });
if (first.exitCode !== 1) throw new Error(`check exited ${first.exitCode}: ${first.stderr.slice(0, 500)}`);
const findings = (JSON.parse(first.stdout) as { results: unknown[] }).results.length;
const measured = [];
for (let i = 0; i < runs; i++) measured.push(await run(process.execPath, args));
const seconds = measured.map((m) => m.seconds);
const rss = Math.max(...measured.map((m) => m.maxRssMiB ?? 0));
const shape = overlapping
  ? `overlapping statements, N = ${services} (${Math.min(roles.length, 200)} function roles with 60 overlapping statements): check`
  : `wide grants, N = ${services} (${roles.length} function roles with AWS managed policies): check --code`;
console.log(
  `${shape} ${median(seconds).toFixed(2)} s ` +
    `(median of ${runs}, min ${Math.min(...seconds).toFixed(2)} s), peak ${rss > 0 ? `${Math.round(rss)} MiB` : 'RSS not measured'}, ${findings} findings`,
);
