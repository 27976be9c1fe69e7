/**
 * The gate reads files written by whoever opens a pull request. Each case here is an attack on
 * it, run through the installed command as a user (or CI) runs it: nothing in the files may turn
 * the gate green, crash it, read outside its folders, clobber a file or reach the terminal raw.
 * Run as root (CI), every command runs as the unprivileged user `nobody`, so file permissions
 * mean what they mean on a developer's machine.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HYBRIDGUARD } from './support/cli.js';
import { adminFunctionStack } from './support/hostile.js';

const REPO = join(import.meta.dirname, '..');
/** The command's first file (bin/hybridguard.js, or its source twin in the fast suite). */
const ENTRY = HYBRIDGUARD[0]!;
const FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown'] as const;
/**
 * Under root, run as `nobody` so permissions mean something. That needs the checkout to be
 * readable by `nobody`; a checkout under a private folder (such as /root) cannot be, and then the
 * commands run as root and the one case that needs an unprivileged user says it is skipped.
 */
const canRunAsNobody = (): boolean =>
  spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(ENTRY)}, 4)`]).status === 0;
const asRoot = process.getuid?.() === 0;
const asNobody = asRoot && canRunAsNobody();
if (asRoot && !asNobody)
  console.warn(`\n*** hostile-cli: ${REPO} is not readable by the user nobody: commands run as root, and the unreadable-handler case is skipped`);

const root = mkdtempSync(join(tmpdir(), 'hg-hostile-cli-'));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));
let cases = 0;
/** A fresh folder the unprivileged user can read and write. */
function folder(files: Record<string, string> = {}): string {
  const dir = join(root, `case-${cases++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  spawnSync('chmod', ['-R', 'a+rwX', dir]);
  return dir;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command (asynchronously: a test worker blocked for long misses vitest's heartbeats). */
function hybridguard(args: readonly string[], cwd: string): Promise<Run> {
  const node = [process.execPath, ...HYBRIDGUARD, ...args];
  const command = asNobody ? ['runuser', '-u', 'nobody', '--', ...node] : node;
  const child = spawn(command[0]!, command.slice(1), { cwd, env: { PATH: process.env.PATH, NO_COLOR: '1', HOME: '/tmp' }, timeout: 30_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Exit 2, one located message, no stack trace, nothing on stdout. */
function expectInputError(run: Run, ...fragments: string[]): void {
  expect(run.stdout).toBe('');
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  for (const fragment of fragments) expect(run.stderr).toContain(fragment);
}

const ADMIN_HCL = `
resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17",
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}
resource "aws_iam_role_policy" "admin" {
  role   = aws_iam_role.fn.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = aws_iam_role.fn.arn
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "fn.zip"
}
`;

describe('prototype pollution cannot turn the gate green', () => {
  for (const polluted of ['suppression', 'isNew']) {
    it(`a "__proto__" condition operator (writing ${polluted}) in a count = 0 policy and a policy document: every format still fails`, async () => {
      const dir = folder({
        'main.tf': `${ADMIN_HCL}
resource "aws_iam_role_policy" "never" {
  count  = 0
  role   = aws_iam_role.fn.id
  policy = jsonencode({
    Version   = "2012-10-17",
    Statement = [{ Effect = "Deny", Action = "ec2:RunInstances", Resource = "*", Condition = { "__proto__" = { "${polluted}" = "x" } } }]
  })
}
data "aws_iam_policy_document" "doc" {
  statement {
    effect    = "Deny"
    actions   = ["ec2:RunInstances"]
    resources = ["*"]
    condition {
      test     = "__proto__"
      variable = "${polluted}"
      values   = ["x"]
    }
  }
}
resource "aws_iam_role_policy" "doc" {
  role   = aws_iam_role.fn.id
  policy = data.aws_iam_policy_document.doc.json
}
`,
      });
      const runs = await Promise.all(FORMATS.map((format) => hybridguard(['check', '.', '--format', format], dir)));
      for (const [index, format] of FORMATS.entries()) {
        const run = runs[index]!;
        expect(run.code, `${format}: ${run.stderr}`).toBe(1);
        expect(run.stdout).toContain('HG-IAM-004');
      }
    });
  }

  it('resource types, names and principal types named after prototype members are ordinary names', async () => {
    const stack = adminFunctionStack();
    const text = JSON.stringify(stack).replace(
      '"resource":{',
      '"resource":{"constructor":{"toString":{"__proto__":1}},"__proto__":{"hasOwnProperty":{"tags":{"__proto__":"x"}}},' +
        `"aws_iam_role_policy":{"tp":{"role":"x","policy":${JSON.stringify(
          '{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"__proto__":"x","constructor":"y"}}]}',
        )}}},`,
    );
    const dir = folder({ 'main.tf.json': text.replace(/"aws_iam_role_policy":\{"admin"/, '"aws_iam_role_policy":{"admin"') });
    const runs = await Promise.all(FORMATS.map((format) => hybridguard(['check', 'main.tf.json', '--format', format], dir)));
    for (const [index, format] of FORMATS.entries()) {
      const run = runs[index]!;
      expect(run.code, `${format}: ${run.stderr}`).toBe(1);
    }
  });
});

describe('repeated JSON keys are read as Terraform reads them', () => {
  it('a repeated resource type is more blocks: the admin policy in the first one still fails the gate', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }],
    });
    const policy = (action: string) =>
      JSON.stringify(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] }));
    const dir = folder({
      'main.tf.json': `{"resource": {
  "aws_iam_role_policy": {"admin": {"role": "\${aws_iam_role.fn.id}", "policy": ${policy('*')}}},
  "aws_iam_role": {"fn": {"name": "fn", "assume_role_policy": ${JSON.stringify(trust)}}},
  "aws_iam_role_policy": {"logs": {"role": "\${aws_iam_role.fn.id}", "policy": ${policy('logs:PutLogEvents')}}},
  "aws_lambda_function": {"fn": {
    "function_name": "fn", "role": "\${aws_iam_role.fn.arn}", "runtime": "nodejs20.x", "handler": "index.handler", "filename": "fn.zip"
  }}
}}`,
    });
    const runs = await Promise.all(FORMATS.map((format) => hybridguard(['check', 'main.tf.json', '--format', format], dir)));
    for (const [index, format] of FORMATS.entries()) {
      const run = runs[index]!;
      expect(run.code, `${format}: ${run.stderr}`).toBe(1);
      expect(run.stdout).toContain('HG-IAM-004');
      if (format === 'json') expect(run.stdout).toContain('statement 0 of aws_iam_role_policy.admin allows * on *');
    }
  });

  it('a repeated argument is an error at its line, as it is to Terraform', async () => {
    const dir = folder({ 'main.tf.json': '{"resource": {"aws_s3_bucket": {"b": {\n  "bucket": "one",\n  "bucket": "two"\n}}}}' });
    expectInputError(await hybridguard(['check', 'main.tf.json'], dir), 'main.tf.json:3:', 'appears twice', 'lines 2 and 3');
  });
});

describe('--output writes through the path', () => {
  const stack = () => folder({ 'main.tf.json': JSON.stringify(adminFunctionStack()) });

  it('the null device stays a device', async () => {
    const before = statSync('/dev/null');
    const run = await hybridguard(['check', 'main.tf.json', '--output', '/dev/null'], stack());
    expect(run.code, run.stderr).toBe(1);
    const after = statSync('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.mode).toBe(before.mode);
  });

  it('a symbolic link is written through, an existing file keeps its mode', async () => {
    const dir = stack();
    // Writable by the unprivileged user; a file replaced by rename would get the default 0644.
    writeFileSync(join(dir, 'report.sarif'), 'old');
    chmodSync(join(dir, 'report.sarif'), 0o666);
    symlinkSync('report.sarif', join(dir, 'link.sarif'));
    const run = await hybridguard(['check', 'main.tf.json', '--format', 'sarif', '--output', 'link.sarif'], dir);
    expect(run.code, run.stderr).toBe(1);
    expect(lstatSync(join(dir, 'link.sarif')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'link.sarif'))).toBe('report.sarif');
    expect(JSON.parse(readFileSync(join(dir, 'report.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(statSync(join(dir, 'report.sarif')).mode & 0o777).toBe(0o666);
  });

  it('a bad input writes nothing, not even an empty file', async () => {
    const dir = folder({ 'main.tf.json': '{"resource": ' });
    writeFileSync(join(dir, 'report.json'), 'previous report');
    expectInputError(await hybridguard(['check', 'main.tf.json', '--format', 'json', '--output', 'report.json'], dir), 'main.tf.json:1:');
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('previous report');
  });
});

describe('nothing is read outside the folders the user named', () => {
  it('a handler symlinked out of --code is refused, naming the link, and its text reaches no report', async () => {
    const secret = folder({ 'secret.ts': 'export const token = "TOP-SECRET-VALUE";' });
    const dir = folder({ 'main.tf.json': JSON.stringify(adminFunctionStack()), 'code/functions/fn/dummy': '' });
    rmSync(join(dir, 'code/functions/fn/dummy'));
    symlinkSync(join(secret, 'secret.ts'), join(dir, 'code/functions/fn/handler.ts'));
    const stack = adminFunctionStack();
    const fn = (stack.resource.aws_lambda_function as Record<string, Record<string, unknown>>).fn!;
    fn.tags = { 'hybridguard:source': 'functions/fn/handler.ts' };
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(stack));
    const run = await hybridguard(['check', 'main.tf.json', '--code', 'code'], dir);
    expectInputError(run, 'code/functions/fn/handler.ts', 'outside the code folder');
    expect(run.stderr).not.toContain('TOP-SECRET-VALUE');
  });

  it('a cdktf manifest whose stack path climbs out of its folder is refused before anything is read', async () => {
    const dir = folder({
      'cdktf.out/manifest.json': JSON.stringify({ version: '0.21.0', stacks: { evil: { synthesizedStackPath: '../../../../../../../../etc/passwd' } } }),
    });
    const run = await hybridguard(['check', 'cdktf.out'], dir);
    expectInputError(run, 'cdktf.out/manifest.json', 'leaves the folder of the manifest');
    expect(run.stderr).not.toMatch(/root:|nologin/);
  });
});

describe('no input text reaches the terminal raw', () => {
  const ESC = '\u001b';
  const evil = `${ESC}[2J${ESC}[H\u202eAll checks passed\r\nSummary: 0 errors`;
  // eslint-disable-next-line no-control-regex -- the control characters are what must not appear
  const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it('resource names, tags and stack names are escaped in query text, check in every format, and errors', async () => {
    const stack = adminFunctionStack();
    const roles = stack.resource.aws_iam_role as Record<string, unknown>;
    roles[`evil${evil}`] = {
      name: evil,
      assume_role_policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }] }),
    };
    (stack.resource.aws_lambda_function as Record<string, Record<string, unknown>>).fn!.tags = { 'hybridguard:source': evil, [evil]: evil };
    stack.resource.aws_security_group = {
      [`open${evil}`]: { name: evil, ingress: [{ from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }] },
    };
    const dir = folder({ 'main.tf.json': JSON.stringify(stack) });
    const runs = [
      await hybridguard(['query', 'who-can', 'iam:PassRole', 'main.tf.json'], dir),
      await hybridguard(['query', 'exposure', 'main.tf.json'], dir),
      ...(await Promise.all(FORMATS.map((format) => hybridguard(['check', 'main.tf.json', '--format', format], dir)))),
      await hybridguard(['check', 'main.tf.json', '--code', '.'], dir),
    ];
    for (const run of runs) expect(run.stdout + run.stderr).not.toMatch(raw);
    // In text, a value stays on its line: no forged summary line. (Structured formats keep it as data.)
    for (const run of [runs[0], runs[1], runs[2], runs.at(-1)]) expect(run?.stdout).not.toMatch(/^Summary: 0 errors/m);
    expect(runs[2]?.stdout).toContain('\\u001b[2J');
  });

  it('a stack name in an error message is escaped', async () => {
    const dir = folder({
      'cdktf.out/manifest.json': JSON.stringify({ version: '0.21.0', stacks: { [evil]: { synthesizedStackPath: 'stacks/x/cdk.tf.json' } } }),
    });
    const run = await hybridguard(['check', 'cdktf.out'], dir);
    expectInputError(run, 'does not exist');
    expect(run.stderr).not.toMatch(raw);
  });
});

describe('denial of service: every input is bounded, with a clear error', () => {
  it('a YAML config of 20,000 aliases is refused quickly', async () => {
    const yaml = ['a: &a x', ...Array.from({ length: 20_000 }, (_, i) => `b${i}: *a`)].join('\n');
    const dir = folder({ 'hybridguard.config.yaml': yaml, 'main.tf.json': JSON.stringify(adminFunctionStack()) });
    expectInputError(await hybridguard(['check', 'main.tf.json'], dir), 'hybridguard.config.yaml:2:1', 'unknown field');
  }, 30_000);

  it('a FIFO named cdk.tf.json and a manifest pointing at the zero device are refused, not read forever', async () => {
    const dir = folder({ 'cdktf.out/manifest.json': JSON.stringify({ version: '0.21.0', stacks: { s: { synthesizedStackPath: 'stacks/s/cdk.tf.json' } } }) });
    mkdirSync(join(dir, 'cdktf.out/stacks/s'), { recursive: true });
    spawnSync('mkfifo', [join(dir, 'cdktf.out/stacks/s/cdk.tf.json')]);
    spawnSync('chmod', ['-R', 'a+rwX', dir]);
    expectInputError(await hybridguard(['check', 'cdktf.out'], dir), 'not a regular file');
    const zero = folder({ 'cdktf.out/manifest.json': JSON.stringify({ version: '0.21.0', stacks: { s: { synthesizedStackPath: 'zero' } } }) });
    symlinkSync('/dev/zero', join(zero, 'cdktf.out/zero'));
    expectInputError(await hybridguard(['check', 'cdktf.out'], zero), 'leaves the folder of the manifest');
    expectInputError(await hybridguard(['check', '/dev/zero'], zero), 'not a regular file');
  }, 30_000);

  it('JSON nested 5,000 levels deep is a located error', async () => {
    const dir = folder({ 'main.tf.json': `{"resource": {"aws_s3_bucket": {"b": {"tags": ${'['.repeat(5000)}${']'.repeat(5000)}}}}}` });
    expectInputError(await hybridguard(['check', 'main.tf.json'], dir), 'main.tf.json:1:', 'nested too deeply');
  });

  it('a handler larger than any handler (17 MiB) is a located error, not an out-of-memory abort', async () => {
    const stack = adminFunctionStack();
    (stack.resource.aws_lambda_function as Record<string, Record<string, unknown>>).fn!.tags = { 'hybridguard:source': 'big.js' };
    const dir = folder({ 'main.tf.json': JSON.stringify(stack), 'big.js': `// ${'x'.repeat(17 * 1024 * 1024)}\n` });
    expectInputError(await hybridguard(['check', 'main.tf.json', '--code', '.'], dir), 'big.js', 'too large');
  }, 30_000);
});

describe('no silent misses in code', () => {
  it('tsconfig paths {"*": [...]} does not hide an SDK import: the forbidden registry call is still found', async () => {
    const dir = folder();
    cpSync(join(REPO, 'fixtures/rules/no-model-registry-calls-in-functions/fail-shared-helper-two-imports-away'), dir, { recursive: true });
    // The fixture's own aliases, plus the catch-all many monorepos add for local type stubs.
    const paths = { '@shared/*': ['shared/*'], '@platform/aws': ['shared/aws/index.ts'], '*': ['types/*'] };
    writeFileSync(join(dir, 'code/tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths } }));
    spawnSync('chmod', ['-R', 'a+rwX', dir]);
    const run = await hybridguard(['check', 'main.tf.json', '--code', 'code', '--format', 'json'], dir);
    expect(run.code, run.stderr).toBe(1);
    const found = (JSON.parse(run.stdout) as { results: { ruleId: string; subject?: string }[] }).results;
    expect(found.some((r) => r.ruleId === 'HG-CODE-001' && r.subject === 'sagemaker:CreateModelPackage')).toBe(true);
  });

  it.skipIf(asRoot && !asNobody)('an unreadable handler is an input error naming it, never analysed as empty', async () => {
    const stack = adminFunctionStack();
    (stack.resource.aws_lambda_function as Record<string, Record<string, unknown>>).fn!.tags = { 'hybridguard:source': 'handler.ts' };
    const dir = folder({ 'main.tf.json': JSON.stringify(stack), 'handler.ts': 'export const handler = async () => 1;\n' });
    chmodSync(join(dir, 'handler.ts'), 0o000);
    expectInputError(await hybridguard(['check', 'main.tf.json', '--code', '.'], dir), 'handler.ts', 'permission denied');
  });
});

describe('error locations point at the problem', () => {
  it('a JSON syntax error is reported at its token, not at the end of the file', async () => {
    const dir = folder({ 'main.tf.json': '{\n  "resource": {\n    "aws_s3_bucket": {"b": {"bucket": x}}\n  }\n}\n' });
    expectInputError(await hybridguard(['check', 'main.tf.json'], dir), 'main.tf.json:3:39', 'unexpected character "x"');
  });

  it('a plan whose structure is wrong says which line', async () => {
    const plan = JSON.stringify(
      { format_version: '1.2', terraform_version: '1.11.4', resource_changes: [{ address: 'aws_s3_bucket.b', change: {} }, 7] },
      null,
      2,
    );
    const dir = folder({ 'plan.json': plan });
    const line = plan.split('\n').findIndex((l) => l.trim() === '7') + 1;
    expectInputError(await hybridguard(['check', 'plan.json'], dir), `plan.json:${line}:`, '/resource_changes/1');
  });

  it('a resource block with one label is an error at its line', async () => {
    const dir = folder({ 'main.tf': 'resource "aws_iam_role" "r" {\n  name = "r"\n}\n\nresource "aws_s3_bucket" {\n  bucket = "b"\n}\n' });
    expectInputError(await hybridguard(['check', '.'], dir), 'main.tf:5', 'fewer than two labels');
  });
});

describe('a reader that goes away', () => {
  it('`check | head`: the check still ends with its verdict, and no stack trace, when stdout closes before the report is written', async () => {
    const dir = folder({ 'main.tf.json': JSON.stringify(adminFunctionStack()) });
    const args = [...HYBRIDGUARD, 'check', 'main.tf.json', '--format', 'json'];
    const child = spawn(process.execPath, args, { cwd: dir, env: { PATH: process.env.PATH }, timeout: 30_000 });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(1);
  });

  it('a report that cannot be written (a full disk) is exit 2 and one line, never passed off as delivered', () => {
    const dir = folder({ 'main.tf.json': JSON.stringify(adminFunctionStack()) });
    const full = openSync('/dev/full', 'w');
    const run = spawnSync(process.execPath, [...HYBRIDGUARD, 'check', 'main.tf.json'], { cwd: dir, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
    closeSync(full);
    expect(run.stderr).toMatch(/^hybridguard: cannot write the output: ENOSPC/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.status).toBe(2);
  });
});
