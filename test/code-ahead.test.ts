import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../src/api/index.js';
import { HYBRIDGUARD } from './support/cli.js';

const REPO = join(import.meta.dirname, '..');

/**
 * `hybridguard check --code` parses the handler code in a worker thread while the inputs are read
 * (src/cli/code-summaries.ts); the API parses it on its own thread. Same report, byte for byte, or
 * the same error: TypeScript and Python handlers, shared modules, tsconfig paths, code that does not parse.
 */
describe('check --code with the code parsed ahead in a worker thread', () => {
  const cases: [string, string, string][] = [
    ['the example app', 'fixtures/example/cdktf.out', 'fixtures/example'],
    ['TypeScript handlers and services with tsconfig paths', 'fixtures/code/ai-platform/stack', 'fixtures/code/ai-platform'],
    ['a handler module that does not parse', 'fixtures/code/broken-syntax/stack', 'fixtures/code/broken-syntax'],
    ['Python handlers found from HCL', 'fixtures/code/python-platform', 'fixtures/code/python-platform'],
  ];
  it.each(cases)('%s: the command and the API agree', async (_name, input, code) => {
    const run = spawnSync(process.execPath, [...HYBRIDGUARD, 'check', input, '--code', code, '--format', 'json'], { cwd: REPO, encoding: 'utf8' });
    const api = await check({ inputs: [input], code, cwd: REPO }).then(
      (done) => ({ report: done.render('json'), status: done.failing.length > 0 ? 1 : 0 }),
      (error: Error) => ({ error: error.message }),
    );
    if ('error' in api) {
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(api.error);
    } else {
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(api.report);
      expect(run.status).toBe(api.status);
    }
  });
});
