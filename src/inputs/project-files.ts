import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The first of `names` that exists in `dir` (the project config is looked up this way). */
export function findFileIn(dir: string, names: readonly string[]): string | undefined {
  return names.map((name) => join(dir, name)).find((path) => existsSync(path));
}

interface PackageJson {
  readonly version: string;
  readonly repository?: string | { readonly url?: string };
}

/** hybridguard's own package.json: its version and its repository's web address (`https://github.com/ORG/NAME`). */
export function packageInfo(root: string): { version: string; repository?: string } {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  const web = url?.replace(/^git\+/, '').replace(/\.git$/, '').replace(/^git:\/\//, 'https://');
  return { version: pkg.version, ...(web && /^https:\/\//.test(web) ? { repository: web } : {}) };
}
