import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { SourceHost } from '../model/source-host.js';
import { inputError } from '../errors.js';
import { decodeText, displayPath, readRegularFile } from './files.js';

/**
 * A `SourceHost` that can also say how a root-relative path is shown to the user (relative to
 * the working directory), so code findings point at files the way every other finding does.
 * `analysis/code` looks for `displayPath` and falls back to root-relative paths without it.
 */
interface DisplaySourceHost extends SourceHost {
  displayPath(relativePath: string): string;
  /**
   * `path` as Terraform reads it in `file` (an input file as findings show it: relative to the
   * working directory, or absolute), relative to the code root; undefined outside the root.
   */
  resolveFrom(file: string, path: string): string | undefined;
}

interface FsSourceHostOptions {
  /** Working directory paths are shown relative to (default: the process's). */
  readonly cwd?: string;
}

/**
 * Read-only access to handler code under `root` (`--code DIR`). Every read is cached, so a
 * helper shared by many handlers is read once; nothing is ever executed or imported. Paths
 * that leave the root (`../x`) do not exist as far as analysis is concerned.
 */
export function createFsSourceHost(root: string, options: FsSourceHostOptions = {}): DisplaySourceHost {
  const cwd = options.cwd ?? process.cwd();
  const absoluteRoot = resolve(cwd, root);
  const rootStat = statIfExists(absoluteRoot);
  if (!rootStat) {
    throw inputError(`code folder ${displayPath(absoluteRoot, cwd)} does not exist`, { file: displayPath(absoluteRoot, cwd) }, 'a folder holding handler source (--code DIR)');
  }
  if (!rootStat.isDirectory()) {
    throw inputError(`code path ${displayPath(absoluteRoot, cwd)} is not a folder`, { file: displayPath(absoluteRoot, cwd) }, 'a folder holding handler source (--code DIR)');
  }

  const realRoot = realpathSync(absoluteRoot);
  const realDirs = new Map<string, string | undefined>();
  /** The real path of a folder (cached: import resolution probes many files of few folders). */
  const realDir = (dir: string): string | undefined => {
    if (realDirs.has(dir)) return realDirs.get(dir);
    let real: string | undefined;
    try {
      real = realpathSync(dir);
    } catch {
      real = undefined;
    }
    realDirs.set(dir, real);
    return real;
  };
  /** The real path of something that exists: a link is followed; otherwise its (cached) folder's real path and its name. */
  const realPathOf = (absolute: string, own: Stats): string | undefined => {
    if (own.isSymbolicLink()) {
      try {
        return realpathSync(absolute);
      } catch {
        return undefined;
      }
    }
    if (own.isDirectory()) return realDir(absolute);
    const parent = realDir(dirname(absolute));
    return parent === undefined ? undefined : join(parent, basename(absolute));
  };
  const staysInside = (real: string | undefined): boolean =>
    real !== undefined && (real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep));
  const texts = new Map<string, string | undefined>();
  const kinds = new Map<string, 'file' | 'dir' | 'none'>();
  const listings = new Map<string, readonly string[]>();

  /** Absolute path of a root-relative path, or undefined when it escapes the root. */
  const toAbsolute = (relativePath: string): string | undefined => {
    const normal = normalize(relativePath);
    if (normal === undefined) return undefined;
    return normal === '' ? absoluteRoot : join(absoluteRoot, ...normal.split('/'));
  };

  const shown = (relativePath: string) => displayPath(toAbsolute(relativePath) ?? join(absoluteRoot, relativePath), cwd);

  const kindOf = (relativePath: string): 'file' | 'dir' | 'none' => {
    const key = normalize(relativePath) ?? relativePath;
    const known = kinds.get(key);
    if (known) return known;
    const absolute = toAbsolute(relativePath);
    // One lstat for the common case; only a symbolic link costs a stat and a realpath more.
    const own = absolute === undefined ? undefined : statIfExists(absolute, lstatSync);
    const stat = own?.isSymbolicLink() && absolute !== undefined ? statIfExists(absolute, statSync) : own;
    const kind = stat?.isFile() ? 'file' : stat?.isDirectory() ? 'dir' : 'none';
    // A symbolic link may point anywhere: what it reaches must be inside the code folder too.
    if (own !== undefined && stat !== undefined && absolute !== undefined && !staysInside(realPathOf(absolute, own))) {
      throw inputError(
        `${shown(relativePath)} is a symbolic link that leads outside the code folder ${displayPath(absoluteRoot, cwd)}`,
        { file: shown(relativePath) },
        'handler code inside the --code folder (copy shared code in, or point --code at a folder that holds it)',
      );
    }
    kinds.set(key, kind);
    return kind;
  };

  return {
    root: absoluteRoot,
    readFile(relativePath) {
      const key = normalize(relativePath) ?? relativePath;
      if (texts.has(key)) return texts.get(key);
      let text: string | undefined;
      if (kindOf(relativePath) === 'file') {
        // An unreadable, binary or oversized handler is an input error: never analysed as empty.
        const expected = 'readable UTF-8 handler source';
        text = decodeText(readRegularFile(toAbsolute(relativePath)!, shown(relativePath), expected, MAX_SOURCE_BYTES), shown(relativePath), expected);
      }
      texts.set(key, text);
      return text;
    },
    fileExists: (relativePath) => kindOf(relativePath) === 'file',
    directoryExists: (relativePath) => kindOf(relativePath) === 'dir',
    listDirectory(relativePath) {
      const key = normalize(relativePath) ?? relativePath;
      const known = listings.get(key);
      if (known) return known;
      let names: string[] = [];
      if (kindOf(relativePath) === 'dir') {
        try {
          names = readdirSync(toAbsolute(relativePath)!).sort();
        } catch {
          names = [];
        }
      }
      listings.set(key, names);
      return names;
    },
    resolveFrom(file, path) {
      const absolute = resolve(cwd, dirname(resolve(cwd, file)), path);
      const rel = relative(absoluteRoot, absolute);
      if (rel === '') return '';
      if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
      return rel.split(sep).join('/');
    },
    displayPath: shown,
  };
}

/** Handler source is small; a bundle of this size would take the parser's memory, not tell us more. */
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

/**
 * Import resolution probes many paths that do not exist (extensions, index files): those return
 * undefined without the cost of an exception. Unreadable paths count as missing too.
 */
function statIfExists(path: string, stat: typeof statSync | typeof lstatSync = statSync): Stats | undefined {
  try {
    return stat(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** `a/./b/../c` -> `a/c`; undefined for absolute paths and paths that climb above the root. */
function normalize(relativePath: string): string | undefined {
  if (isAbsolute(relativePath)) return undefined;
  const parts: string[] = [];
  for (const part of relativePath.split(sep === '/' ? '/' : /[\\/]/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join('/');
}
