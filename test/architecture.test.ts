/**
 * The architecture's dependency rules, checked on every import of src/:
 * data flows one way; only inputs/ and cli/ touch the file system; only constructs/ imports
 * cdktf; only report/text uses chalk; report/ reads results only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

interface Import {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  const rel = relative(SRC, file).split('\\').join('/');
  const statement = /^\s*(import|export)\s+(type\s+)?(?:([^'";]*?)\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(statement)) {
    found.push({ file: rel, specifier: m[4]!, typeOnly: Boolean(m[2]) || onlyTypeSpecifiers(m[3] ?? '') });
  }
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ file: rel, specifier: m[1]!, typeOnly: false });
  return found;
}

/** `{ type A, type B }`: an import that vanishes at run time. */
function onlyTypeSpecifiers(clause: string): boolean {
  const braces = /^\{([^}]*)\}$/.exec(clause.trim());
  if (!braces) return false;
  const names = braces[1]!.split(',').map((s) => s.trim()).filter(Boolean);
  return names.length > 0 && names.every((name) => name.startsWith('type '));
}

/** Layer of a src-relative path: its first folder, or the file itself at the top. */
const layerOf = (path: string): string => (path.includes('/') ? path.split('/')[0]! : path.replace(/\.ts$/, ''));

function resolveLocal(imp: Import): string | undefined {
  if (!imp.specifier.startsWith('.')) return undefined;
  const target = resolve(SRC, dirname(imp.file), imp.specifier).replace(/\.js$/, '.ts');
  return relative(SRC, target).split('\\').join('/');
}

// Which layers each layer may import at run time (type-only imports of contracts are free).
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  model: ['model', 'errors'],
  inputs: ['inputs', 'model', 'errors'],
  analysis: ['analysis', 'model', 'errors'],
  rules: ['rules', 'analysis', 'model', 'errors'],
  policy: ['policy', 'rules', 'model', 'errors'],
  engine: ['engine', 'policy', 'rules', 'analysis', 'model', 'errors'],
  report: ['report', 'model', 'errors'],
  // The programmatic API (`import 'hybridguard'`): the pipeline, which the CLI and the constructs call.
  api: ['api', 'report', 'engine', 'policy', 'rules', 'analysis', 'inputs', 'model', 'errors'],
  constructs: ['constructs', 'api', 'engine', 'policy', 'inputs', 'model', 'errors', 'report'],
  cli: ['cli', 'api', 'report', 'engine', 'policy', 'rules', 'analysis', 'inputs', 'model', 'errors'],
};

const files = sourceFiles(SRC);
const imports = files.flatMap(importsOf);

describe('architecture dependency rules', () => {
  it('every layer is known', () => {
    const layers = new Set(files.map((f) => layerOf(relative(SRC, f).split('\\').join('/'))));
    for (const layer of layers) expect(Object.keys(ALLOWED), `unknown layer ${layer}`).toContain(layer);
  });

  it('data flows one way: no runtime import against the pipeline', () => {
    const violations = imports
      .filter((imp) => !imp.typeOnly)
      .map((imp) => ({ imp, target: resolveLocal(imp) }))
      .filter(({ imp, target }) => target && !ALLOWED[layerOf(imp.file)]!.includes(layerOf(target)))
      .map(({ imp, target }) => `${imp.file} -> ${target}`);
    expect(violations).toEqual([]);
  });

  it('only inputs/ and cli/ touch the file system or the process', () => {
    const fsModules = /^(node:)?(fs|fs\/promises|child_process|worker_threads)$/;
    // Reads hybridguard's own dependency (the compiler and its code cache), as `require` would; never inputs.
    const compilerLoader = 'analysis/code/typescript.ts';
    const violations = imports
      .filter((imp) => fsModules.test(imp.specifier) && !['inputs', 'cli'].includes(layerOf(imp.file)) && imp.file !== compilerLoader)
      .map((imp) => `${imp.file} imports ${imp.specifier}`);
    for (const file of files) {
      const rel = relative(SRC, file).split('\\').join('/');
      if (['inputs', 'cli', 'constructs'].includes(layerOf(rel))) continue;
      const code = readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      if (/\bprocess\.(env|exit|argv|stdout|stderr|cwd)\b/.test(code)) violations.push(`${rel} uses process`);
    }
    expect(violations).toEqual([]);
  });

  it('only constructs/ imports cdktf', () => {
    const cdktf = /^(cdktf|constructs|@cdktf\/provider-aws)(\/|$)/;
    expect(imports.filter((i) => cdktf.test(i.specifier) && layerOf(i.file) !== 'constructs').map((i) => i.file)).toEqual([]);
  });

  it('only report/text uses chalk', () => {
    expect(imports.filter((i) => i.specifier === 'chalk' && !i.file.startsWith('report/text/')).map((i) => i.file)).toEqual([]);
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
