/**
 * Handler code parsed on a worker thread while the infrastructure is read (api/code-prefetch.ts):
 * the summaries it hands over are exactly the ones the main thread would make, it reads through
 * the same source host (nothing outside the code folder), and a worker that cannot run costs
 * nothing but the time. Run against the fast suite's transpiled sources, where the worker script
 * exists as JavaScript (test/support/transpile-src.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PrefetchedSummaries } from '../src/analysis/code/index.js';
import { FROM_SOURCE } from './support/transpile-src.js';

type Prefetch = typeof import('../src/api/code-prefetch.js');
type Parse = typeof import('../src/analysis/code/parse.js');
type CliPrefetch = typeof import('../src/cli/code-prefetch.js');
type SourceHostModule = typeof import('../src/inputs/source-host.js');

const load = async <T>(module: string): Promise<T> => (await import(pathToFileURL(join(FROM_SOURCE, module)).href)) as T;

/** Takes `file` once the worker has posted it (a test may wait; the analysis never does). */
async function eventually(prefetch: PrefetchedSummaries, file: string): Promise<ReturnType<PrefetchedSummaries['take']>> {
  for (let i = 0; i < 200; i++) {
    const summary = prefetch.take(file);
    if (summary) return summary;
    await new Promise((done) => setTimeout(done, 25));
  }
  return undefined;
}

describe('handler code parsed on a worker thread', () => {
  it('hands over the summaries the main thread would make, input tables without a prototype', async () => {
    const { prefetchSummaries } = await load<Prefetch>('api/code-prefetch.js');
    const { summarizeFile } = await load<Parse>('analysis/code/parse.js');
    const root = join(import.meta.dirname, '..', 'fixtures', 'example');
    const prefetch = prefetchSummaries(root, root);
    expect(prefetch).toBeDefined();
    let inputTables = 0;
    for (const file of ['src/handlers/ingest.ts', 'src/handlers/predict.ts', 'src/handlers/register.ts', 'src/handlers/preprocess.ts']) {
      const summary = await eventually(prefetch!, file);
      expect(summary, file).toEqual(summarizeFile(file, readFileSync(join(root, file), 'utf8')));
      for (const { input } of summary!.sites.filter((s) => Object.keys(s.input.props).length > 0)) {
        expect('constructor' in input.props, 'an inherited key').toBe(false);
        inputTables++;
      }
    }
    expect(inputTables).toBeGreaterThan(0);
    prefetch!.stop();
  });

  it('reads nothing outside the code folder and leaves large files to the main thread', async () => {
    const { prefetchSummaries } = await load<Prefetch>('api/code-prefetch.js');
    const dir = mkdtempSync(join(tmpdir(), 'hg-prefetch-'));
    const outside = join(dir, 'outside');
    const root = join(dir, 'code');
    mkdirSync(outside);
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(outside, 'secret.ts'), "import { SageMakerClient } from '@aws-sdk/client-sagemaker';\n");
    writeFileSync(join(root, 'src', 'handler.ts'), "export const handler = async () => 'ok';\n");
    symlinkSync(outside, join(root, 'src', 'shared'));
    symlinkSync(join(outside, 'secret.ts'), join(root, 'src', 'linked.ts'));
    writeFileSync(join(root, 'src', 'bundle.js'), `export const data = '${'x'.repeat(1_100_000)}';\n`);
    const prefetch = prefetchSummaries(root, dir)!;
    expect(await eventually(prefetch, 'src/handler.ts')).toBeDefined();
    expect(prefetch.take('src/shared/secret.ts')).toBeUndefined();
    expect(prefetch.take('src/linked.ts')).toBeUndefined();
    expect(prefetch.take('src/bundle.js')).toBeUndefined();
    prefetch.stop();
  });

  it('hands over the listing of every folder it walks, a link as something to look at, never a folder outside', async () => {
    const { prefetchSummaries } = await load<Prefetch>('api/code-prefetch.js');
    const { createFsSourceHost } = await load<SourceHostModule>('inputs/source-host.js');
    const dir = mkdtempSync(join(tmpdir(), 'hg-prefetch-list-'));
    const root = join(dir, 'code');
    mkdirSync(join(dir, 'outside'));
    mkdirSync(join(root, 'src', 'lib'), { recursive: true });
    writeFileSync(join(root, 'src', 'handler.ts'), "import { run } from './lib/run.js';\nexport const handler = run;\n");
    writeFileSync(join(root, 'src', 'lib', 'run.ts'), 'export const run = async () => 1;\n');
    symlinkSync(join(dir, 'outside'), join(root, 'src', 'shared'));
    const prefetch = prefetchSummaries(root, dir)!;
    let listing: ReturnType<typeof prefetch.listing>;
    for (let i = 0; i < 200 && !(listing = prefetch.listing('src')); i++) await new Promise((done) => setTimeout(done, 25));
    expect(listing!).toEqual(createFsSourceHost(root, { cwd: dir }).folderListing('src'));
    expect([...listing!]).toEqual(
      expect.arrayContaining([
        ['handler.ts', 'file'],
        ['lib', 'dir'],
        ['shared', 'other'],
      ]),
    );
    expect(prefetch.listing('src/shared')).toBeUndefined();
    // A folder the worker has not posted is never waited for: the host reads it itself.
    const asked = Date.now();
    expect(prefetch.listing('no/such/folder')).toBeUndefined();
    expect(Date.now() - asked).toBeLessThan(100);
    prefetch.stop();
  });

  it('the main thread\'s host reads the listings it is given instead of the folders, and still looks at every link itself', async () => {
    const { createFsSourceHost } = await load<SourceHostModule>('inputs/source-host.js');
    const dir = mkdtempSync(join(tmpdir(), 'hg-listings-'));
    const root = join(dir, 'code');
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(dir, 'secret.ts'), 'export const key = 1;\n');
    writeFileSync(join(root, 'src', 'handler.ts'), 'export const handler = 1;\n');
    writeFileSync(join(root, 'src', 'unlisted.ts'), 'export const x = 1;\n');
    symlinkSync(join(dir, 'secret.ts'), join(root, 'src', 'linked.ts'));
    const asked: string[] = [];
    const given = new Map<string, ReadonlyMap<string, 'file' | 'dir' | 'other'>>([
      ['', new Map([['src', 'dir']])],
      ['src', new Map([['handler.ts', 'file'], ['linked.ts', 'other']])],
    ]);
    const host = createFsSourceHost(root, { cwd: dir, listings: (folder) => (asked.push(folder), given.get(folder)) });
    expect(host.fileExists('src/handler.ts')).toBe(true);
    expect(host.fileExists('src/unlisted.ts')).toBe(false);
    expect(host.listDirectory('src')).toEqual(['handler.ts', 'linked.ts']);
    expect(() => host.fileExists('src/linked.ts')).toThrow(/linked\.ts is a symbolic link that leads outside the code folder/);
    expect(asked).toEqual(['', 'src']);
  });

  it('a file the worker has not reached yet is asked for and answered, not parsed on the main thread', async () => {
    const { prefetchSummaries } = await load<Prefetch>('api/code-prefetch.js');
    const { summarizeFile } = await load<Parse>('analysis/code/parse.js');
    const root = mkdtempSync(join(tmpdir(), 'hg-prefetch-ask-'));
    // The walk goes in name order: the asked file is the last of 300.
    for (let i = 0; i < 300; i++) writeFileSync(join(root, `m${String(i).padStart(3, '0')}.ts`), `export const v${i} = ${i};\n`);
    const text = "import { SageMakerClient } from '@aws-sdk/client-sagemaker';\nexport const client = new SageMakerClient({});\n";
    writeFileSync(join(root, 'z-last.ts'), text);
    const prefetch = prefetchSummaries(root, root)!;
    // At once, while the worker is still starting: the first take already has the answer.
    expect(prefetch.take('z-last.ts')).toEqual(summarizeFile('z-last.ts', text));
    // What the worker may not read is answered with nothing, and the main thread reads it itself.
    expect(prefetch.take('no-such-file.ts')).toBeUndefined();
    prefetch.stop();
  });

  it.runIf(existsSync('/proc/thread-self'))('runs at a lower priority than the main thread, which the answers wait for', async () => {
    const { prefetchSummaries } = await load<Prefetch>('api/code-prefetch.js');
    const root = join(import.meta.dirname, '..', 'fixtures', 'example');
    /** This process's threads at `nice` (field 19 of /proc/self/task/TID/stat, counted after the name in parentheses). */
    const threadsAt = (nice: number) =>
      readdirSync('/proc/self/task').filter((tid) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]) === nice);
    const lowered = Math.min(os.getPriority() + 10, 19);
    const before = new Set(threadsAt(lowered)); // workers of earlier tests may still be ending
    const prefetch = prefetchSummaries(root, root)!;
    expect(await eventually(prefetch, 'src/handlers/ingest.ts')).toBeDefined();
    expect(threadsAt(lowered).filter((tid) => !before.has(tid))).toHaveLength(1);
    prefetch.stop();
  });

  it('a worker that cannot start or fails gives nothing and throws nothing', async () => {
    const { prefetchSummaries } = await load<Prefetch>('api/code-prefetch.js');
    const failing = prefetchSummaries(join(tmpdir(), 'hg-no-such-folder'), tmpdir())!;
    // Asked at once, the worker that failed says so: no wait for its answer.
    const asked = Date.now();
    expect(failing.take('src/handler.ts')).toBeUndefined();
    expect(Date.now() - asked).toBeLessThan(1_500);
    failing.stop();
    expect(failing.take('src/handler.ts')).toBeUndefined();
  });

  it('a worker started from the command line is taken over for its folder, and stopped for another', async () => {
    const { prefetchSummaries, startPrefetch } = await load<Prefetch>('api/code-prefetch.js');
    const { summarizeFile } = await load<Parse>('analysis/code/parse.js');
    const example = join(import.meta.dirname, '..', 'fixtures', 'example');
    const file = 'src/handlers/predict.ts';
    startPrefetch(example, example);
    const taken = prefetchSummaries(example, example)!;
    expect(await eventually(taken, file)).toEqual(summarizeFile(file, readFileSync(join(example, file), 'utf8')));
    taken.stop();
    // The command line named one folder, the options another: the analysis reads its own.
    const other = mkdtempSync(join(tmpdir(), 'hg-prefetch-other-'));
    writeFileSync(join(other, 'handler.ts'), "export const handler = async () => 'other';\n");
    startPrefetch(example, example);
    const own = prefetchSummaries(other, other)!;
    expect(await eventually(own, 'handler.ts')).toEqual(summarizeFile('handler.ts', readFileSync(join(other, 'handler.ts'), 'utf8')));
    expect(own.take(file)).toBeUndefined();
    own.stop();
  });
});

describe('the code folder read from the command line before the CLI loads', () => {
  it('is the last --code of a command that reads code', async () => {
    const { codeFolderOf } = await load<CliPrefetch>('cli/code-prefetch.js');
    expect(codeFolderOf(['check', 'cdktf.out', '--code', 'src'])).toBe('src');
    expect(codeFolderOf(['--debug', 'audit', '--code=app', 'cdktf.out'])).toBe('app');
    expect(codeFolderOf(['query', 'who-can', 'x', '--code', 'a', '--code', 'b'])).toBe('b');
    expect(codeFolderOf(['check', 'cdktf.out'])).toBeUndefined();
    expect(codeFolderOf(['check', '--', '--code', 'src'])).toBeUndefined();
    // infer reads one handler file, not the folder; policies reads no code.
    expect(codeFolderOf(['infer', 'src/h.ts', '--code', '.'])).toBeUndefined();
    expect(codeFolderOf(['policies', 'list', '--code', '.'])).toBeUndefined();
  });
});

