import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Tests that run the installed command (bin/hybridguard.js) need dist/ to match src/, as `npm run build` makes it. */
export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}
