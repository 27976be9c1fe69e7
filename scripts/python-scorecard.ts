/**
 * The Python-handler scorecard over the real-world corpus: for every root module of
 * `../shared/corpus/realworld/` that holds Python files, runs `check --code <root module>` as a user
 * would (no tags, no config: handlers are found from the Terraform) and records which Python files
 * became handlers, the AWS calls found in them with their IAM actions, the code findings, and the
 * Python files no handler reached. The reviewer's judgement of each case is kept in REVIEW below
 * and printed beside the machine's answer; a case without a judgement is marked unreviewed.
 *
 *   node --import tsx scripts/python-scorecard.ts [CORPUS_DIR] [--out docs/python-handlers.md]
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkProject } from '../src/api/project.js';
import { HybridguardError } from '../src/errors.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');

/**
 * The reviewer's judgement per root module (read the Terraform and the handler, as a reviewer
 * would): what is right, what is wrong and why. Keyed by the root module's path in the corpus.
 */
const REVIEW: Readonly<Record<string, string>> = {
  'serverless-patterns/apigw-data-validation-tf':
    'Right: handler found (archive_file source_dir); the handler only returns a response, no AWS call, none missed.',
  'serverless-patterns/apigw-http-api-lambda-terraform': 'Right: handler found; it makes no AWS call.',
  'serverless-patterns/apigw-http-api-waf-cloudfront-terraform':
    "Right: the four functions are found from archive_file source_file; GetSecretValue / DescribeSecret / GetRandomPassword / PutSecretValue / " +
      "UpdateSecretVersionStage are the rotation protocol's calls. The HG-CODE-005 lambda:InvokeFunction warnings are true over-privilege (no function " +
      "invokes another).",
  'serverless-patterns/apigw-http-eventbridge-terraform':
    'Right: handler found; it returns the event (the API route writes to EventBridge directly), no AWS call.',
  'serverless-patterns/apigw-lambda-bedrock-nova-terraform':
    'Right: found through the folder of filename (the zip is built outside Terraform); invoke_model on bedrock-runtime is bedrock:InvokeModel. The model id ' +
      'comes from an environment variable, so the call is unscoped. The kms:Decrypt/GenerateDataKey warning is true for the code (Lambda itself uses the key ' +
      'only when the function has kms_key_arn, which it has not).',
  'serverless-patterns/apigw-lambda-dynamodb-terraform':
    'Right: handler found through aws_s3_object -> archive_file source_dir; put_item is dynamodb:PutItem; GetItem/UpdateItem granted but never called (true ' +
      'over-privilege).',
  'serverless-patterns/eventbridge-scheduled-lambda-terraform': 'Right: handler found; it only logs, no AWS call.',
  'serverless-patterns/eventbridge-scheduler-ai-agent-trigger':
    "Right: both functions found through the folder of filename; Table.put_item/scan and bedrock-agent-runtime invoke_agent (bedrock:InvokeAgent) mapped. " +
      "The action group's unused GetItem/Query/UpdateItem are true over-privilege.",
  'serverless-patterns/fifo-sns-sqs-lambda-firehose-s3':
    "Right: found in a local module, source_file given by the caller and read from the root module's folder as Terraform does. put_record is " +
      "firehose:PutRecord; the unused firehose:PutRecordBatch is true over-privilege. (The SQS grants the event source mapping polls with are no longer " +
      "reported as unused.)",
  'serverless-patterns/firehose-transformation-terraform':
    'Right: found through the folder of filename in the local module (path.module evaluated to modules/lambda); the transformation returns records, no AWS ' +
      'call, so its lambda:GetFunctionConfiguration/InvokeFunction grants are true over-privilege (they belong to the Firehose role that invokes it).',
  'serverless-patterns/lambda-layer-terraform': 'Right: both functions (with and without the layer) share the handler file; no AWS call.',
  'serverless-patterns/s3-eventbridge-ecs':
    "Missed, by design: src/docker/task.py runs in an ECS task (a container image), not a Lambda function; container code is read only with config " +
      "`services` (the image's source is not in the Terraform).",
  'serverless-patterns/s3-lambda-agentcore':
    "Right: found through archive_file source_file; bedrock-agentcore invoke_agent_runtime and s3 put_object mapped. agent/main.py is the AgentCore " +
      "runtime's code (deployed from a container by the agent runtime), not a Lambda handler: correctly not a handler. The unused s3:GetObject is true for " +
      "the function's code.",
  'serverless-patterns/s3-lambda-ses-terraform':
    "Right: ses send_raw_email, s3 generate_presigned_url(get_object) and download_file (the transfer manager's GetObject) mapped. The role's s3:* is " +
      "reported as unused apart from GetObject (true).",
  'serverless-patterns/s3-trigger-lambda-glue-workflow-terraform':
    "Missed, correctly: the function's handler names first_glue_job_trigger_glue_workflow.py, but the archive (source_dir src) holds only app.py: the " +
      "pattern as published cannot import its handler. hybridguard finds no handler file and reads nothing rather than guessing app.py.",
  'serverless-patterns/terraform-lambda-aurora-serverless':
    'Right: session.client(secretsmanager) through boto3.session.Session() mapped. The rds-data grants are reported unused: the code reaches the database ' +
      'with a driver over the network, not the Data API (true over-privilege for this code).',
  'serverless-patterns/terraform-lambda-layer':
    'Missed: the function is built by the registry module terraform-aws-modules/lambda/aws (source_path), which is not downloaded here (HG-META-003 says ' +
      'so); once `terraform init` has downloaded it, its handler is found from source_path as in terraform-aws-lambda/examples.',
  'serverless-patterns/terraform-lambda-sfn': 'Missed, same reason as terraform-lambda-layer: terraform-aws-modules/lambda/aws source_path, not downloaded.',
  'terraform-aws-lambda/examples':
    "Right: every function the module builds is found from source_path (the query of the module's data \"external\" package.py build, read as data; the " +
      "program is never run): python-app1 for 13 functions (a folder or its index.py), python-app2 for lambda_s3_write. The four unreached files " +
      "(python-app-poetry, python-app-src-poetry, python-app-uv, python-app-uv-no-lock) are packaged by build-package modules with create_function = false: " +
      "packages, no function, correctly no handler. HG-CODE-005 warnings are true over-privilege for app1's code (it only returns the event): " +
      "events:PutEvents and lambda:InvokeFunction of the async policy (the destinations are an SNS topic and an SQS queue, which Lambda itself sends to and " +
      "which are not reported), sns:Publish of the dead-letter policy (the DLQ is a queue), X-Ray read and sampling actions, dynamodb:BatchWriteItem. The " +
      "grants Lambda uses to poll the alias example's SQS mapping and the event-source-mapping example's SQS, DynamoDB, Kinesis and MQ sources and " +
      "on-failure queue are not reported. HG-CODE-004 on lambda_s3_write's s3:PutObject is undecided, truly: the role's own policies do not allow it, but " +
      "data.aws_iam_policy_document.bucket grants it to the role as the bucket policy (enough within one account), attached by the registry s3-bucket " +
      "module, which is not downloaded.",
};

interface Case {
  readonly id: string;
  readonly python: readonly string[];
  readonly handlers: readonly { address: string; entry: string; how: string; calls: readonly string[] }[];
  readonly findings: readonly string[];
  readonly missed: readonly string[];
  readonly error?: string;
}

function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!name.startsWith('.') && name !== 'tests') out.push(...pythonFiles(path));
    } else if (name.endsWith('.py')) out.push(path);
  }
  return out;
}

/** Root modules that hold Python: each serverless pattern, and the module repositories' examples folder as one case. */
function rootModules(corpus: string): { id: string; dirs: string[]; python: string[] }[] {
  const cases: { id: string; dirs: string[]; python: string[] }[] = [];
  for (const repo of readdirSync(corpus).sort()) {
    const repoDir = join(corpus, repo);
    if (!statSync(repoDir).isDirectory()) continue;
    if (repo === 'serverless-patterns') {
      for (const pattern of readdirSync(repoDir).sort()) {
        const dir = join(repoDir, pattern);
        if (!statSync(dir).isDirectory()) continue;
        const python = pythonFiles(dir);
        if (python.length > 0) cases.push({ id: `${repo}/${pattern}`, dirs: [dir], python });
      }
    } else if (existsSync(join(repoDir, 'examples'))) {
      const python = pythonFiles(join(repoDir, 'examples'));
      if (python.length === 0) continue;
      const dirs = readdirSync(join(repoDir, 'examples'))
        .map((e) => join(repoDir, 'examples', e))
        .filter((d) => statSync(d).isDirectory() && readdirSync(d).some((f) => f.endsWith('.tf')));
      cases.push({ id: `${repo}/examples`, dirs, python });
    }
  }
  return cases;
}

export async function score(corpus: string): Promise<Case[]> {
  const out: Case[] = [];
  for (const { id, dirs, python } of rootModules(corpus)) {
    const handlers: Case['handlers'][number][] = [];
    const findings: string[] = [];
    const reached = new Set<string>();
    let error: string | undefined;
    for (const dir of dirs) {
      try {
        const run = await checkProject({ inputs: [dir], cwd: corpus, code: id.endsWith('/examples') ? resolve(dir, '..') : dir, today: '2026-12-03' });
        const code = run.facts.code();
        for (const h of code?.handlers ?? []) {
          for (const f of h.files) reached.add(resolve(code!.root, f));
          if (!h.entry.endsWith('.py')) continue;
          handlers.push({
            address: h.resourceAddress,
            entry: relative(join(corpus, id.split('/')[0]!, id.split('/')[1]!), resolve(code!.root, h.entry)),
            how: h.source.detail,
            calls: h.calls.map(
              (c) =>
                `${relative(dir, resolve(code!.root, c.file))}:${c.line} ${c.sdkCall.replace(/\s*\(.*$/, '')} → ${
                  c.action.join(', ') || (c.unresolved ? `undecided (${c.unresolved})` : 'no permission needed')
                }`,
            ),
          });
        }
        for (const r of run.results.results)
          if (r.ruleId.startsWith('HG-CODE') || r.ruleId === 'HG-META-003')
            findings.push(`${r.ruleId} ${r.severity}${r.undecided ? ' (undecided)' : ''}: ${r.message}`);
      } catch (e) {
        error = e instanceof HybridguardError ? e.message : String(e);
      }
    }
    const base = join(corpus, ...id.split('/'));
    out.push({
      id,
      python: python.map((p) => relative(base, p)),
      handlers,
      findings,
      missed: python.filter((p) => !reached.has(p)).map((p) => relative(base, p)),
      ...(error ? { error } : {}),
    });
  }
  return out;
}

export function markdown(cases: readonly Case[], corpusShown: string): string {
  const lines: string[] = [];
  const files = cases.reduce((n, c) => n + c.python.length, 0);
  const reachedFiles = cases.reduce((n, c) => n + c.python.length - c.missed.length, 0);
  const calls = cases.reduce((n, c) => n + c.handlers.reduce((m, h) => m + h.calls.length, 0), 0);
  lines.push('# Python handlers in the real-world corpus: scorecard', '');
  lines.push(
    `Generated by \`node --import tsx scripts/python-scorecard.ts\` over \`${corpusShown}\` (every root module that holds Python), running \`check --code ` +
      `<root module>\` with no tag and no config: handlers are found from the Terraform alone. The **review** line of each case is the reviewer's judgement ` +
      `(kept in the script's REVIEW table), written after reading the Terraform and the handler; everything else is the tool's output.`,
    '',
  );
  lines.push(
    `Totals: ${cases.length} root modules with Python, ${files} Python files, ${reachedFiles} read as (or through) a handler, ${calls} AWS calls mapped.`,
    '',
  );
  lines.push('| root module | Python files | handlers found | calls | code findings | review |', '|---|---:|---:|---:|---:|---|');
  for (const c of cases) {
    const verdict = REVIEW[c.id]?.split(':')[0] ?? 'unreviewed';
    lines.push(
      `| ${c.id} | ${c.python.length} | ${c.handlers.length} | ${c.handlers.reduce((m, h) => m + h.calls.length, 0)} | ${
        c.findings.filter((f) => f.startsWith('HG-CODE')).length
      } | ${verdict} |`,
    );
  }
  lines.push('');
  for (const c of cases) {
    lines.push(`## ${c.id}`, '');
    lines.push(`**Review:** ${REVIEW[c.id] ?? 'unreviewed'}`, '');
    if (c.error) lines.push(`Error: ${c.error}`, '');
    for (const h of c.handlers) {
      lines.push(`- \`${h.address}\` → \`${h.entry}\` (${h.how.replace(/\|/g, '\\|')})`);
      for (const call of h.calls) lines.push(`  - ${call}`);
      if (h.calls.length === 0) lines.push('  - no AWS call');
    }
    if (c.missed.length > 0) lines.push(`- Python files no handler reaches: ${c.missed.map((m) => `\`${m}\``).join(', ')}`);
    if (c.findings.length > 0) {
      lines.push('', 'Findings:');
      for (const f of c.findings) lines.push(`- ${f.length > 400 ? `${f.slice(0, 397)}...` : f}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export const DEFAULT_CORPUS = resolve(ROOT, '..', 'shared', 'corpus', 'realworld');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const outFile = resolve(ROOT, outAt >= 0 ? args[outAt + 1]! : 'docs/python-handlers.md');
  const corpusArg = args.find((a, i) => !a.startsWith('--') && (outAt < 0 || i !== outAt + 1));
  const corpus = corpusArg ? resolve(ROOT, corpusArg) : DEFAULT_CORPUS;
  if (!existsSync(corpus)) {
    console.error(`python-scorecard: corpus folder ${corpus} does not exist`);
    process.exit(2);
  }
  const cases = await score(corpus);
  writeFileSync(outFile, `${markdown(cases, '../shared/corpus/realworld')}\n`);
  const unreviewed = cases.filter((c) => !REVIEW[c.id]).map((c) => c.id);
  console.log(`wrote ${relative(ROOT, outFile)}: ${cases.length} root modules${unreviewed.length > 0 ? `; unreviewed: ${unreviewed.join(', ')}` : ''}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
