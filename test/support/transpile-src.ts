import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..', '..');

/**
 * Where the fast suite's spawned commands load hybridguard from: src/ with the types stripped,
 * beside dist/ (same depth, so paths relative to the package root resolve the same).
 */
export const FROM_SOURCE = join(REPO, '.test-dist');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

interface Esbuild {
  buildSync(options: Record<string, unknown>): unknown;
}

/**
 * Strips the types from every src/ file, file by file, with the esbuild that tsx runs on: what tsx
 * does in every process that imports a .ts file, done once per test run (about 0.3 s, against
 * about 1 s of CPU per spawned command under tsx, or 16 s for a tsc build). Nothing is bundled:
 * each module stays a module, loaded by Node as dist/ is.
 */
export function transpileSources(): void {
  const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx'));
  const esbuild = fromTsx('esbuild') as Esbuild;
  rmSync(FROM_SOURCE, { recursive: true, force: true });
  esbuild.buildSync({
    entryPoints: sources(join(REPO, 'src')),
    outdir: FROM_SOURCE,
    outbase: join(REPO, 'src'),
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'error',
  });
  // The V8 code cache of the TypeScript parser and the parsed built-in policies, as `npm run build` writes them in dist/.
  execFileSync(process.execPath, [join(REPO, 'scripts', 'write-compile-cache.mjs'), FROM_SOURCE]);
}
