import { join, resolve } from 'node:path';
import { inputError } from '../errors.js';

/**
 * Where the code of a module call lives. Local `./` and `../` sources are folders beside the
 * caller. Every other source (registry, git, HTTP, S3, GCS, an absolute path) is copied by
 * `terraform init` into `.terraform/modules/` and recorded in `.terraform/modules/modules.json`
 * under the call's key (`vpc`, `app.db` for a call inside module `app`); Terraform reads it from
 * there, and so do we. A source we cannot read is reported, never skipped silently.
 */

export const MODULE_MANIFEST = '.terraform/modules/modules.json';

export type ModuleSource =
  | { readonly kind: 'folder'; readonly dir: string }
  | { readonly kind: 'unread'; readonly reason: string; readonly fix: 'init' | 'path' };

/** `modules.json` of a root module: call key -> absolute folder. */
export type ModuleManifest = ReadonlyMap<string, string>;

export const isLocalSource = (source: string): boolean => source.startsWith('./') || source.startsWith('../');

/** What kind of remote source Terraform sees in `source` (its "Module Sources" forms). */
export function remoteSourceKind(source: string): string {
  if (/^(git::|git@|github\.com\/|bitbucket\.org\/)/.test(source)) return 'git';
  if (source.startsWith('hg::')) return 'Mercurial';
  if (/^s3::|^[^/]*\.amazonaws\.com\//.test(source)) return 'S3';
  if (/^gcs::|^[^/]*\.googleapis\.com\//.test(source)) return 'GCS';
  if (/^https?:\/\//.test(source)) return 'HTTP';
  if (/^([a-z0-9-]+(\.[a-z0-9-]+)+\/)?[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+\/[A-Za-z0-9]+(\/\/.*)?$/.test(source)) return 'registry';
  if (source.startsWith('/')) return 'absolute-path';
  return 'remote';
}

/**
 * Reads `.terraform/modules/modules.json` of the root module in `rootDir` (undefined when
 * `terraform init` was not run there). Its `Dir`s are relative to `rootDir`.
 */
export function parseModuleManifest(doc: unknown, rootDir: string, shownFile: string): ModuleManifest {
  const modules = isRecord(doc) ? doc['Modules'] : undefined;
  if (!Array.isArray(modules)) {
    throw inputError('module manifest has no "Modules" list', { file: shownFile, line: 1, field: '/Modules' }, 'the modules.json "terraform init" writes');
  }
  const out = new Map<string, string>();
  for (const entry of modules) {
    if (isRecord(entry) && typeof entry['Key'] === 'string' && typeof entry['Dir'] === 'string') out.set(entry['Key'], resolve(rootDir, entry['Dir']));
  }
  return out;
}

/**
 * Where to read a non-local module call from. `key` is the call's manifest key; `exists` tells
 * whether a folder exists (injected so this stays a pure decision).
 */
export function locateRemoteModule(
  source: string,
  key: string,
  manifest: ModuleManifest | undefined,
  shown: (path: string) => string,
  rootDir: string,
  exists: (dir: string) => boolean,
): ModuleSource {
  const kind = remoteSourceKind(source);
  const what = kind === 'absolute-path' ? 'module outside the configuration (an absolute path)' : `${kind} module`;
  if (!manifest) {
    return { kind: 'unread', fix: 'init', reason: `${what} not downloaded: no ${shown(join(rootDir, MODULE_MANIFEST))} (terraform init was not run there)` };
  }
  const dir = manifest.get(key);
  if (dir === undefined)
    return {
      kind: 'unread',
      fix: 'init',
      reason: `${what} not downloaded: ${shown(join(rootDir, MODULE_MANIFEST))} has no entry "${key}" (run terraform init again)`,
    };
  if (!exists(dir))
    return { kind: 'unread', fix: 'init', reason: `${what} not downloaded: its folder ${shown(dir)} does not exist (run terraform init again)` };
  return { kind: 'folder', dir };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
