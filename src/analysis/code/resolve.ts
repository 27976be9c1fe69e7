import type { SourceHost } from '../../model/source-host.js';
import { typescript } from './typescript.js';

/**
 * Module resolution for the code under analysis, done by hand (no TypeScript program): relative
 * specifiers, tsconfig `paths` aliases and `baseUrl`, `.js` written for `.ts` sources, extension
 * probing and index files. Anything else is an external package and is not followed.
 */

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export type Resolution = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'external' } | { readonly kind: 'missing' };

interface PathsConfig {
  /** Folder (root-relative) alias targets are relative to. */
  readonly base: string;
  readonly baseUrl?: string;
  readonly paths: readonly { readonly pattern: string; readonly targets: readonly string[] }[];
}

export const dirnameOf = (file: string): string => {
  const slash = file.lastIndexOf('/');
  return slash < 0 ? '' : file.slice(0, slash);
};

/** Joins and normalizes root-relative posix paths; undefined when the result leaves the root. */
export function joinPath(base: string, relative: string): string | undefined {
  const parts = base === '' ? [] : base.split('/');
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

export const isSourceFile = (path: string): boolean => !path.endsWith('.d.ts') && SOURCE_EXTENSIONS.some((ext) => path.endsWith(ext));

export class ModuleResolver {
  private readonly configByDir = new Map<string, PathsConfig | null>();
  private readonly cache = new Map<string, Resolution>();
  private readonly configDirs = new Map<string, string>();

  constructor(private readonly host: SourceHost) {}

  resolve(fromFile: string, specifier: string): Resolution {
    const dir = dirnameOf(fromFile);
    const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..';
    const key = relative ? `${dir}\0${specifier}` : `${this.configDir(dir)}\0${specifier}`;
    const known = this.cache.get(key);
    if (known) return known;
    const result = relative ? this.resolveRelative(dir, specifier) : this.resolveBare(dir, specifier);
    this.cache.set(key, result);
    return result;
  }

  private resolveRelative(dir: string, specifier: string): Resolution {
    const target = joinPath(dir, specifier);
    const file = target === undefined ? undefined : this.probe(target);
    return file === undefined ? { kind: 'missing' } : { kind: 'file', path: file };
  }

  private resolveBare(dir: string, specifier: string): Resolution {
    if (specifier.startsWith('node:')) return { kind: 'external' };
    const config = this.pathsConfig(dir);
    if (config) {
      // The longest matching pattern wins, as in TypeScript.
      let best: { prefix: number; targets: readonly string[]; star: string } | undefined;
      for (const { pattern, targets } of config.paths) {
        const star = pattern.indexOf('*');
        if (star < 0) {
          if (pattern === specifier && (!best || pattern.length > best.prefix)) best = { prefix: pattern.length, targets, star: '' };
          continue;
        }
        const prefix = pattern.slice(0, star);
        const suffix = pattern.slice(star + 1);
        if (specifier.length >= prefix.length + suffix.length && specifier.startsWith(prefix) && specifier.endsWith(suffix)) {
          if (!best || prefix.length > best.prefix)
            best = { prefix: prefix.length, targets, star: specifier.slice(prefix.length, specifier.length - suffix.length) };
        }
      }
      if (best) {
        for (const target of best.targets) {
          const path = joinPath(config.baseUrl ?? config.base, target.replace('*', best.star));
          const file = path === undefined ? undefined : this.probe(path);
          if (file !== undefined) return { kind: 'file', path: file };
        }
        // As in TypeScript, a mapping none of whose targets exists falls through to the usual
        // lookup: `paths: {"*": ["src/*"]}` must not hide `@aws-sdk/client-sagemaker`.
      }
      if (config.baseUrl !== undefined) {
        const path = joinPath(config.baseUrl, specifier);
        const file = path === undefined ? undefined : this.probe(path);
        if (file !== undefined) return { kind: 'file', path: file };
      }
    }
    return { kind: 'external' };
  }

  /** A file for a path written without (or with a `.js`-style) extension, or a folder's index. */
  private probe(path: string): string | undefined {
    const host = this.host;
    if (isSourceFile(path) && host.fileExists(path)) return path;
    const jsStyle = /\.(m|c)?jsx?$/.exec(path);
    if (jsStyle) {
      // `./util.js` written in TypeScript source means `./util.ts`.
      const stem = path.slice(0, jsStyle.index);
      const flavour = jsStyle[1] ?? '';
      const candidates = flavour === 'm' ? ['.mts'] : flavour === 'c' ? ['.cts'] : path.endsWith('x') ? ['.tsx'] : ['.ts', '.tsx'];
      for (const ext of candidates) if (host.fileExists(stem + ext)) return stem + ext;
    }
    for (const ext of SOURCE_EXTENSIONS) if (host.fileExists(path + ext)) return path + ext;
    if (host.directoryExists(path)) {
      const main = this.packageMain(path);
      if (main !== undefined) return main;
      for (const ext of SOURCE_EXTENSIONS) if (host.fileExists(`${path}/index${ext}`)) return `${path}/index${ext}`;
    }
    return undefined;
  }

  private packageMain(dir: string): string | undefined {
    const text = this.host.readFile(`${dir}/package.json`);
    if (text === undefined) return undefined;
    try {
      const pkg = JSON.parse(text) as { main?: unknown; module?: unknown };
      for (const entry of [pkg.module, pkg.main]) {
        if (typeof entry !== 'string') continue;
        const path = joinPath(dir, entry);
        if (path === undefined) continue;
        if (isSourceFile(path) && this.host.fileExists(path)) return path;
        for (const ext of SOURCE_EXTENSIONS) if (this.host.fileExists(path + ext)) return path + ext;
      }
    } catch {
      return undefined;
    }
    return undefined;
  }

  /** Folder of the nearest tsconfig.json/jsconfig.json at or above `dir` ('' = root). */
  private configDir(dir: string): string {
    const known = this.configDirs.get(dir);
    if (known !== undefined) return known;
    const found = this.findConfigDir(dir);
    this.configDirs.set(dir, found);
    return found;
  }

  private findConfigDir(dir: string): string {
    for (let current = dir; ; current = dirnameOf(current)) {
      if (this.host.fileExists(current === '' ? 'tsconfig.json' : `${current}/tsconfig.json`)) return current;
      if (this.host.fileExists(current === '' ? 'jsconfig.json' : `${current}/jsconfig.json`)) return current;
      if (current === '') return '';
    }
  }

  private pathsConfig(dir: string): PathsConfig | undefined {
    const configDir = this.configDir(dir);
    const known = this.configByDir.get(configDir);
    if (known !== undefined) return known ?? undefined;
    const prefix = configDir === '' ? '' : `${configDir}/`;
    const file = this.host.fileExists(`${prefix}tsconfig.json`) ? `${prefix}tsconfig.json` : `${prefix}jsconfig.json`;
    const config = this.readConfig(file, 0) ?? null;
    this.configByDir.set(configDir, config);
    return config ?? undefined;
  }

  /** compilerOptions.baseUrl/paths of one config file, following a relative `extends`. */
  private readConfig(file: string, depth: number): PathsConfig | undefined {
    const text = this.host.readFile(file);
    if (text === undefined || depth > 8) return undefined;
    // tsconfig is JSON with comments and trailing commas: let TypeScript's own reader parse it.
    const parsed = typescript().parseConfigFileTextToJson(file, text);
    const json = parsed.config as { extends?: unknown; compilerOptions?: { baseUrl?: unknown; paths?: unknown } } | undefined;
    if (!json || typeof json !== 'object') return undefined;
    const dir = dirnameOf(file);
    let inherited: PathsConfig | undefined;
    if (typeof json.extends === 'string' && json.extends.startsWith('.')) {
      const target = joinPath(dir, json.extends.endsWith('.json') ? json.extends : `${json.extends}.json`);
      if (target !== undefined) inherited = this.readConfig(target, depth + 1);
    }
    const options = json.compilerOptions ?? {};
    const baseUrl = typeof options.baseUrl === 'string' ? joinPath(dir, options.baseUrl) : inherited?.baseUrl;
    let paths = inherited?.paths ?? [];
    let base = inherited?.base ?? dir;
    if (options.paths && typeof options.paths === 'object') {
      paths = Object.entries(options.paths as Record<string, unknown>).map(([pattern, targets]) => ({
        pattern,
        targets: Array.isArray(targets) ? targets.filter((x): x is string => typeof x === 'string') : [],
      }));
      base = dir;
    }
    if (paths.length === 0 && baseUrl === undefined) return undefined;
    return { base, ...(baseUrl !== undefined ? { baseUrl } : {}), paths };
  }
}
