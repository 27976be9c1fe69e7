import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Tests that run the installed command (bin/hybridguard.js) need dist/ to match src/, as `npm run build` makes it. */
export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  execFileSync('node', [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  execFileSync('node', [join(root, 'scripts', 'write-compile-cache.mjs')], { stdio: 'inherit' });
}
