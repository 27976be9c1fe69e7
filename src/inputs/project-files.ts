import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The first of `names` that exists in `dir` (the project config is looked up this way). */
export function findFileIn(dir: string, names: readonly string[]): string | undefined {
  return names.map((name) => join(dir, name)).find((path) => existsSync(path));
}

/** The `version` of the package.json in `root` (hybridguard's own). */
export function packageVersion(root: string): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}
