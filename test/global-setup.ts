import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Tests that run the installed command (bin/hybridguard.js) need dist/ to match src/, as `npm run build` makes it. */
export default function setup(): void {
  // For a quick loop over in-process tests only: HG_SKIP_BUILD=1 npx vitest run test/x.test.ts
  if (process.env.HG_SKIP_BUILD === '1') return;
  const root = join(import.meta.dirname, '..');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}
