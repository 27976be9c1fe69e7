import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The integration suite runs the installed command (bin/hybridguard.js), which needs dist/ to match src/, as `npm run build` makes it. */
export default function setup(): void {
  // To rerun one integration file over an existing build: HG_SKIP_BUILD=1 npx vitest run -c vitest.integration.config.ts test/x.test.ts
  if (process.env.HG_SKIP_BUILD === '1') return;
  const root = join(import.meta.dirname, '..');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}
