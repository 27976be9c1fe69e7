/**
 * The installed command as users get it: bin/hybridguard.js over the built dist/ (the integration
 * suite's setup runs `npm run build`). The fast suite runs the same entry over src/.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..');
const EXAMPLE = join(REPO, 'fixtures', 'example', 'cdktf.out');
const BIN = join(REPO, 'bin', 'hybridguard.js');

describe('the installed command', () => {
  it('bin/hybridguard.js prints its version and checks the example', () => {
    const version = execFileSync('node', [join(REPO, 'bin', 'hybridguard.js'), '--version'], { encoding: 'utf8' });
    expect(version.trim()).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
    const run = spawnSync('node', [join(REPO, 'bin', 'hybridguard.js'), 'check', EXAMPLE, '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).results.length).toBeGreaterThan(0);
  });

  it("loads the TypeScript parser with the code cache the build wrote, and parses with it (under the command's V8 tuning too)", () => {
    const tsMorph = createRequire(import.meta.url)('ts-morph') as { ts: { version: string } };
    for (const tuned of [false, true]) {
      const probe = `${tuned ? "await (await import('./bin/v8-tuning.js')).applyV8Tuning();" : ''}
        const m = await import('./dist/analysis/code/typescript.js');
        const ts = m.typescript();
        const file = ts.createSourceFile('h.ts', 'export const handler = async () => 1;', ts.ScriptTarget.Latest);
        console.log(JSON.stringify({ cache: m.typescriptFromCodeCache(), statements: file.statements.length, version: ts.version }));`;
      const run = execFileSync('node', ['--input-type=module', '-e', probe], { cwd: REPO, encoding: 'utf8' });
      const out = JSON.parse(run) as { cache: boolean; statements: number; version: string };
      // The same compiler that ts-morph ships.
      expect(out).toEqual({ cache: true, statements: 1, version: tsMorph.ts.version });
    }
  });

  it('runs the bundle of this build with its code cache, and the ESM build once dist/ is rebuilt without a new bundle', () => {
    // Synth JSON, and an HCL folder (read by hcl2json, a package the bundle requires from node_modules).
    const inputs = [EXAMPLE, join(REPO, 'fixtures', 'terraform', 'count-for-each')];
    const probe = `(await import('./bin/v8-tuning.js')).applyV8Tuning();
      const { loadCli, cliLoadedFrom } = await import('./bin/load-cli.js');
      const { main } = await loadCli();
      let out = '';
      const io = { cwd: process.cwd(), env: {}, stdout: { write: (t) => (out += t) }, stderr: { write: (t) => (out += t) } };
      const codes = [];
      for (const input of ${JSON.stringify(inputs)}) codes.push(await main(['check', input, '--format', 'json'], io));
      console.log(JSON.stringify({ from: cliLoadedFrom(), codes, internalError: out.includes('internal error') }));`;
    const loaded = () => JSON.parse(execFileSync('node', ['--input-type=module', '-e', probe], { cwd: REPO, encoding: 'utf8' })) as unknown;
    expect(loaded()).toEqual({ from: 'bundle with code cache', codes: [1, 1], internalError: false });
    // tsc alone (a developer's rebuild) writes dist/cli/main.js without the bundle's build line.
    const main = join(REPO, 'dist', 'cli', 'main.js');
    const built = readFileSync(main, 'utf8');
    expect(built).toMatch(/\n\/\/ hybridguard bundle \S+\n$/);
    writeFileSync(main, built.replace(/\/\/ hybridguard bundle \S+\n$/, ''));
    try {
      expect(loaded()).toEqual({ from: 'esm', codes: [1, 1], internalError: false });
    } finally {
      writeFileSync(main, built);
    }
    expect(loaded()).toMatchObject({ from: 'bundle with code cache' });
  });

  it('`check | head` keeps its verdict with no stack trace; a report that cannot be written (a full disk) is exit 2 and one line', async () => {
    const child = spawn('node', [BIN, 'check', EXAMPLE, '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    expect(await new Promise((done) => child.on('close', done))).toBe(1);
    expect(stderr).toBe('');

    const full = openSync('/dev/full', 'w');
    const run = spawnSync('node', [BIN, 'check', EXAMPLE], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
    closeSync(full);
    expect(run.stderr).toMatch(/^hybridguard: cannot write the output: ENOSPC/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.status).toBe(2);
  });
});
