/**
 * Architecture checks that are not about imports. Which layer may import which (type-only imports
 * included), no cycles, only constructs/ imports cdktf, only report/text uses chalk, only inputs/
 * and cli/ import the file system: dependency-cruiser's rules in .dependency-cruiser.cjs, run by
 * `npm run lint`. Here: only inputs/, cli/ and constructs/ touch the process, and maps keyed by
 * input text have no prototype.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Layer of a src-relative path: its first folder, or the file itself at the top. */
const layerOf = (path: string): string => (path.includes('/') ? path.split('/')[0]! : path.replace(/\.ts$/, ''));

describe('the process', () => {
  it('only inputs/, cli/ and constructs/ read the environment, arguments, streams or exit', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const rel = relative(SRC, file).split('\\').join('/');
      if (['inputs', 'cli', 'constructs'].includes(layerOf(rel))) continue;
      const code = readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      if (/\bprocess\.(env|exit|argv|stdout|stderr|cwd)\b/.test(code)) violations.push(`${rel} uses process`);
    }
    expect(violations).toEqual([]);
  });
});

/**
 * Objects keyed by input text are dicts (model/dict.ts): a plain `{}` indexed by a resource name,
 * tag or condition operator lets `__proto__` rewrite a prototype and `constructor` read a function.
 * These are the shapes that did it; each is refused in src/ (constructs/ builds from our own
 * literals and is exempt).
 */
describe('maps keyed by input text have no prototype', () => {
  const forbidden: readonly [RegExp, string][] = [
    [/(Record<string, [^=]+>|\{ \[[a-z]+: string\]: [^=]+\}) = \{\}/, 'an index-signature object created as {} (use dict())'],
    [/\?\?= \{\}/, '`??= {}` (reads the prototype for __proto__; use own() ?? (x[k] = dict()))'],
    [/\bObject\.assign\(/, 'Object.assign (its __proto__ setter changes prototypes; use dict(...))'],
  ];
  it('no src/ file creates one with a prototype', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const rel = relative(SRC, file).split('\\').join('/');
      if (rel.startsWith('constructs/')) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const [pattern, what] of forbidden) if (pattern.test(line)) offenders.push(`${rel}:${i + 1}: ${what}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
