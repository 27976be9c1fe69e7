/**
 * hybridguard in other people's workflows, as they run it: fingerprints that survive a reworded
 * message and another checkout path, the gate options (`--fail-on-undecided`, `--show-suppressed`),
 * the GitHub Action's script and the pre-commit hooks. The packed-tarball consumer app is in
 * consumer.integration.test.ts (slow).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyBaseline, parseBaseline, serializeBaseline } from '../src/engine/baseline.js';
import { findingFingerprint } from '../src/engine/fingerprint.js';
import { check } from '../src/api/index.js';
import { render } from '../src/report/index.js';
import { loadResults } from './report-helpers.js';
import { HYBRIDGUARD } from './support/cli.js';
import { run as runCommand } from './support/run.js';

const REPO = join(import.meta.dirname, '..');
const BIN = join(REPO, 'bin', 'hybridguard.js');
const temps: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'hg-eco-'));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** The command as a user runs it (over src/ in the fast suite, bin/hybridguard.js in the integration suite). */
const run = async (args: string[], cwd: string, env: NodeJS.ProcessEnv = { CI: 'true' }): Promise<{ code: number; stdout: string; stderr: string }> => {
  const r = await runCommand(process.execPath, [...HYBRIDGUARD, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

interface SarifLog {
  runs: {
    results: {
      ruleId: string;
      message: { text: string };
      partialFingerprints: Record<string, string>;
      locations: { logicalLocations?: { fullyQualifiedName: string }[] }[];
    }[];
  }[];
}

describe('fingerprints', () => {
  /** The example stack checked out at a path of its own, checked from there with absolute paths. */
  const sarifFrom = async (): Promise<SarifLog> => {
    const root = join(tmp(), 'checkout', 'deep', 'er');
    cpSync(join(REPO, 'fixtures', 'example'), root, { recursive: true });
    const out = await run(['check', join(root, 'cdktf.out'), '--code', root, '--format', 'sarif'], tmpdir());
    expect(out.code).toBe(1);
    return JSON.parse(out.stdout) as SarifLog;
  };

  it('are the same from two checkouts at different absolute paths, and hold no path of this machine', async () => {
    const a = await sarifFrom();
    const b = await sarifFrom();
    const prints = (log: SarifLog) => log.runs[0]!.results.map((r) => r.partialFingerprints['hybridguard/v2']);
    expect(prints(a)).toEqual(prints(b));
    expect(new Set(prints(a)).size).toBe(prints(a).length);
    for (const fp of prints(a)) expect(fp).not.toMatch(/\/tmp|hg-eco|checkout/);
    // Pinned: rule | Terraform address | subject. A finding without a subject gets none, never its message.
    expect(prints(a)).toEqual(
      expect.arrayContaining([
        'HG-IAM-001|aws_iam_role.ingest_role|gpu-compute',
        'HG-NET-001|aws_instance.bastion|tcp/22',
        'HG-CODE-001|aws_lambda_function.register|sagemaker:CreateModelPackage',
        'HG-IAM-007|aws_iam_role.ingest_role|',
        'HG-RES-002|aws_lambda_function.ingest|',
      ]),
    );
    for (const r of a.runs[0]!.results) expect(r.partialFingerprints['hybridguard/v2']).not.toContain(r.message.text);
  });

  it('survive a reworded message: a baseline written before still accepts every finding', async () => {
    const before = await check({ inputs: [join(REPO, 'fixtures', 'example', 'cdktf.out')], cwd: REPO, code: join(REPO, 'fixtures', 'example') });
    const baseline = parseBaseline({ path: 'b.json', text: serializeBaseline(before.results.results) });
    // The next release words every message differently; identities are recomputed as the engine does.
    const reworded = before.results.results.map((r) => {
      const next = { ...r, message: `Reworded: ${r.message.toUpperCase()}` };
      return { ...next, fingerprint: findingFingerprint(next, REPO) };
    });
    const { results, fixed } = applyBaseline(reworded, baseline);
    expect(results.filter((r) => r.isNew !== false && !r.suppression && !r.ruleId.startsWith('HG-META-'))).toEqual([]);
    expect(fixed).toBe(0);
    expect(reworded.map((r) => r.fingerprint)).toEqual(before.results.results.map((r) => r.fingerprint));
  });

  it('tell apart, in SARIF, findings that share one identity (one rule, one resource, no subject)', () => {
    const results = loadResults('run-results');
    const first = results.results.find((r) => r.ruleId === 'HG-RES-001')!;
    const twice = { ...results, results: [...results.results, { ...first, message: 'a second attribute of the same bucket' }] };
    const log = JSON.parse(render('sarif', twice, { color: false })) as SarifLog;
    const prints = log.runs[0]!.results.filter((r) => r.ruleId === 'HG-RES-001').map((r) => r.partialFingerprints['hybridguard/v2']);
    expect(prints).toEqual(['HG-RES-001|aws_s3_bucket.datasets|', 'HG-RES-001|aws_s3_bucket.datasets|#2']);
  });

  it('identify a finding without an address by its file relative to the project root', () => {
    const where = { ruleId: 'HG-META-002', location: { file: '/home/ci/work/repo/hybridguard.config.yaml' }, subject: 'x' };
    expect(findingFingerprint(where, '/home/ci/work/repo')).toBe('HG-META-002|hybridguard.config.yaml|x');
    expect(findingFingerprint({ ...where, location: { file: '/builds/other/place/hybridguard.config.yaml' } }, '/builds/other/place')).toBe(
      'HG-META-002|hybridguard.config.yaml|x',
    );
    expect(findingFingerprint({ ...where, location: { file: 'C:\\src\\repo\\hybridguard.config.yaml' } }, 'C:\\src\\repo')).toBe(
      'HG-META-002|hybridguard.config.yaml|x',
    );
    expect(findingFingerprint({ ...where, location: { file: '/elsewhere/hybridguard.config.yaml' } })).toBe('HG-META-002|hybridguard.config.yaml|x');
  });
});

describe('gate options', () => {
  /** count-for-each: one decided GPU grant (suppressed here), one undecided public function URL (error), two warnings. */
  const stack = (): string => {
    const dir = join(tmp(), 'stack');
    cpSync(join(REPO, 'fixtures', 'terraform', 'count-for-each'), dir, { recursive: true });
    writeFileSync(
      join(dir, 'hybridguard.config.yaml'),
      [
        'suppressions:',
        '  - rule: no-gpu-in-functions',
        "    address: 'aws_iam_role.worker*'",
        '    reason: Embedding worker moves to the GPU service (PLAT-900)',
        '    owner: ml-platform',
        '',
      ].join('\n'),
    );
    return dir;
  };

  it('--fail-on-undecided: an undecided error fails the gate only when asked', async () => {
    const dir = stack();
    const plain = await run(['check', '.'], dir);
    expect(plain.code).toBe(0);
    const strict = await run(['check', '.', '--fail-on-undecided'], dir);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('(they fail the check: --fail-on-undecided)');
    expect(strict.stdout).toContain('1 finding at or above error fail the check.');
    // Below --fail-on it still passes.
    const sarif = JSON.parse((await run(['check', '.', '--fail-on-undecided', '--format', 'sarif'], dir)).stdout) as SarifLog;
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(0);
  });

  it('text output: suppressed findings in one line unless --show-suppressed', async () => {
    const dir = stack();
    const short = await run(['check', '.'], dir);
    expect(short.stdout).toContain('Suppressed: 1 finding (HG-IAM-001); --show-suppressed lists them.');
    expect(short.stdout).not.toContain('Embedding worker moves to the GPU service');
    const full = await run(['check', '.', '--show-suppressed'], dir);
    expect(full.stdout).toContain('Suppressed (1)');
    expect(full.stdout).toContain('suppressed: Embedding worker moves to the GPU service (PLAT-900) (owner ml-platform');
  });
});

describe('GitHub Action (action.yml)', () => {
  const action = parse(readFileSync(join(REPO, 'action.yml'), 'utf8')) as {
    name: string;
    description: string;
    inputs: Record<string, { description: string; default?: string }>;
    outputs: Record<string, { value: string }>;
    runs: {
      using: string;
      steps: { id?: string; run?: string; uses?: string; shell?: string; if?: string; env?: Record<string, string>; with?: Record<string, string> }[];
    };
  };
  const steps = action.runs.steps;

  it('is a composite action: check, upload SARIF, fail on the exit code', () => {
    expect(action.name).toBe('hybridguard');
    expect(action.description.length).toBeGreaterThan(20);
    expect(action.runs.using).toBe('composite');
    for (const input of Object.values(action.inputs)) expect(input.description.length).toBeGreaterThan(10);
    expect(steps.map((s) => s.uses ?? s.id ?? s.run)).toEqual(['check', 'github/codeql-action/upload-sarif@v3', 'exit "${HG_EXIT:-2}"']);
    for (const step of steps) if (step.run) expect(step.shell).toBe('bash');
    expect(steps[1]!.with!['sarif_file']).toBe('${{ steps.check.outputs.sarif-file }}');
    expect(steps[1]!.if).toContain('always()');
    expect(steps[2]!.if).toBe('always()');
    // Every ${{ inputs.x }} names a declared input.
    const text = readFileSync(join(REPO, 'action.yml'), 'utf8');
    for (const [, name] of text.matchAll(/\$\{\{\s*inputs\.([\w-]+)/g)) expect(Object.keys(action.inputs)).toContain(name);
    // The script the check step runs exists and is executable.
    expect(steps[0]!.run).toBe('"$GITHUB_ACTION_PATH/scripts/github-action.sh"');
    expect(spawnSync('test', ['-x', join(REPO, 'scripts', 'github-action.sh')]).status).toBe(0);
  });

  /** Runs the check step's script as the runner would: inputs from their defaults plus `given`. */
  const runStep = async (given: Record<string, string>, cwd: string) => {
    const inputs = { ...Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? ''])), ...given };
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(steps[0]!.env ?? {})) {
      env[key] = value.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, name: string) => inputs[name] ?? '');
    }
    const dir = tmp();
    const summary = join(dir, 'summary.md');
    const output = join(dir, 'output.txt');
    writeFileSync(summary, '');
    writeFileSync(output, '');
    const r = await runCommand('bash', ['-c', steps[0]!.run!], {
      cwd,
      env: {
        ...process.env,
        ...env,
        NO_COLOR: '1',
        GITHUB_ACTION_PATH: REPO,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_OUTPUT: output,
        HG_COMMAND: [process.execPath, ...HYBRIDGUARD].join(' '),
      },
      timeout: 120_000,
    });
    const outputs = Object.fromEntries(readFileSync(output, 'utf8').trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
    return { status: r.status, summary: readFileSync(summary, 'utf8'), outputs, stderr: r.stderr };
  };

  it('runs the check step locally: SARIF written, markdown summary appended, exit code as an output, the step itself passes', async () => {
    const work = tmp();
    cpSync(join(REPO, 'fixtures', 'example'), work, { recursive: true });
    const step = await runStep({ inputs: 'cdktf.out', code: '.' }, work);
    expect(step.status).toBe(0);
    expect(step.outputs).toEqual({ 'exit-code': '1', 'sarif-file': 'hybridguard.sarif' });
    const sarif = JSON.parse(readFileSync(join(work, 'hybridguard.sarif'), 'utf8')) as SarifLog & { version: string };
    expect(sarif.version).toBe('2.1.0');
    expect(step.summary).toMatch(/^## hybridguard: ❌ \d+ findings fail the check/);
    expect(step.summary.length).toBeLessThan(65_536);
    // Rule links are absolute (the repository field of package.json), so they work in a PR.
    expect(step.summary).toContain('(<https://github.com/hybridguard/hybridguard/blob/main/docs/rules/');
  });

  it('passes (exit-code 0) on a clean stack with fail-on error, and reports a usage error as exit code 2 with no SARIF', async () => {
    const work = tmp();
    cpSync(join(REPO, 'fixtures', 'stacks', 'training-platform', 'synth'), join(work, 'cdktf.out'), { recursive: true });
    expect((await runStep({ inputs: 'cdktf.out' }, work)).outputs['exit-code']).toBe('0');
    const bad = await runStep({ inputs: 'cdktf.out', 'fail-on': 'sometimes' }, work);
    expect(bad.status).toBe(0);
    expect(bad.outputs).toEqual({ 'exit-code': '2', 'sarif-file': '' });
    expect(bad.summary).toContain('the check could not run (exit 2)');
  });
});

describe('shipped data', () => {
  it("data/tree-sitter-python.wasm is tree-sitter-python's grammar, current (npm run gen:python-grammar), with its license", () => {
    const require = createRequire(import.meta.url);
    const installed = readFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
    expect(readFileSync(join(REPO, 'data', 'tree-sitter-python.wasm')).equals(installed)).toBe(true);
    expect(readFileSync(join(REPO, 'data', 'tree-sitter-python.LICENSE'), 'utf8')).toContain('MIT');
  });
});

describe('pre-commit hooks (.pre-commit-hooks.yaml)', () => {
  const hooks = parse(readFileSync(join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as {
    id: string;
    name: string;
    entry: string;
    language: string;
    files: string;
    pass_filenames: boolean;
  }[];
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };

  it('declares the keys pre-commit requires, and each entry is a command the package provides', () => {
    expect(hooks.map((h) => h.id)).toEqual(['hybridguard', 'hybridguard-system']);
    for (const hook of hooks) {
      for (const key of ['id', 'name', 'entry', 'language'] as const) expect(typeof hook[key]).toBe('string');
      expect(['node', 'system']).toContain(hook.language);
      expect(hook.pass_filenames).toBe(false);
      const words = hook.entry.split(' ').filter((w) => !w.startsWith('-') && w !== 'npx');
      expect(Object.keys(pkg.bin)).toContain(words[0]);
      expect(existsSync(join(REPO, pkg.bin[words[0]!]!))).toBe(true);
      expect(words[1]).toBe('check');
      const files = new RegExp(hook.files);
      for (const path of ['infra/main.tf', 'cdktf.out/stacks/a/cdk.tf.json', 'prod.tfvars']) expect(files.test(path), path).toBe(true);
      expect(files.test('src/handler.ts')).toBe(false);
    }
  });

  it('the hook entry, run as pre-commit runs it (no file names), checks the repository and fails on findings', async () => {
    const work = tmp();
    cpSync(join(REPO, 'fixtures', 'example'), work, { recursive: true });
    const entry = hooks[0]!.entry.split(' ');
    const result = await run(entry.slice(1), work, {});
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('fail the check');
    expect(execFileSync('node', [BIN, '--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
