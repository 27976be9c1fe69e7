import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { SourceHost } from '../model/source-host.js';
import { inputError } from '../errors.js';
import { decodeText, displayPath, readRegularFile } from './files.js';
import { openZip, type ZipArchive } from './zip.js';

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

/** What a folder's entry is, as its folder's listing tells it ('other': a link or anything else, stat'ed when asked about). */
export type EntryKind = 'file' | 'dir' | 'other';
/** A folder's entries by name: one readdir. */
export type FolderListing = ReadonlyMap<string, EntryKind>;

interface FsSourceHost extends DisplaySourceHost {
  /** The listing of a folder inside the root (what `listings` takes from another host); undefined when it is none. */
  folderListing(relativePath: string): FolderListing | undefined;
}

interface FsSourceHostOptions {
  /** Working directory paths are shown relative to (default: the process's). */
  readonly cwd?: string;
  /**
   * Listings another host of the same root has read (the code prefetch worker's), by normalized
   * root-relative folder path; undefined: the folder is read here.
   */
  readonly listings?: (folder: string) => FolderListing | undefined;
}

/**
 * Read-only access to handler code under `root` (`--code DIR`). Every read is cached, so a
 * helper shared by many handlers is read once; nothing is ever executed or imported. Paths
 * that leave the root (`../x`) do not exist as far as analysis is concerned.
 */
export function createFsSourceHost(root: string, options: FsSourceHostOptions = {}): FsSourceHost {
  const cwd = options.cwd ?? process.cwd();
  const absoluteRoot = resolve(cwd, root);
  const rootStat = statIfExists(absoluteRoot);
  if (!rootStat) {
    throw inputError(
      `code folder ${displayPath(absoluteRoot, cwd)} does not exist`,
      { file: displayPath(absoluteRoot, cwd) },
      'a folder holding handler source (--code DIR)',
    );
  }
  if (!rootStat.isDirectory()) {
    throw inputError(
      `code path ${displayPath(absoluteRoot, cwd)} is not a folder`,
      { file: displayPath(absoluteRoot, cwd) },
      'a folder holding handler source (--code DIR)',
    );
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

  const rootPrefix = absoluteRoot.endsWith(sep) ? absoluteRoot : absoluteRoot + sep;
  /** Absolute path of a root-relative path, or undefined when it escapes the root. */
  const toAbsolute = (relativePath: string): string | undefined => {
    const normal = normalize(relativePath);
    if (normal === undefined) return undefined;
    if (normal === '') return absoluteRoot;
    // What `join` gives for a normal path below a resolved root, without its normalizing again.
    return rootPrefix + (sep === '/' ? normal : normal.split('/').join(sep));
  };

  const shown = (relativePath: string) => displayPath(toAbsolute(relativePath) ?? join(absoluteRoot, relativePath), cwd);

  /** Folder listings by normalized root-relative path: import resolution probes many names in few folders. */
  const folderEntries = new Map<string, FolderListing | undefined>();
  const entriesOf = (folder: string): FolderListing | undefined => {
    if (folderEntries.has(folder)) return folderEntries.get(folder);
    let entries = options.listings?.(folder);
    if (entries === undefined) {
      const absolute = toAbsolute(folder);
      try {
        entries =
          absolute === undefined
            ? undefined
            : new Map(readdirSync(absolute, { withFileTypes: true }).map((e) => [e.name, e.isFile() ? 'file' : e.isDirectory() ? 'dir' : 'other']));
      } catch {
        entries = undefined; // unreadable: each path is stat'ed instead
      }
    }
    folderEntries.set(folder, entries);
    return entries;
  };

  const kindOf = (relativePath: string): 'file' | 'dir' | 'none' => {
    const normal = normalize(relativePath);
    const key = normal ?? relativePath;
    const known = kinds.get(key);
    if (known) return known;
    const kind = (normal !== undefined && normal !== '' ? listedKind(normal) : undefined) ?? statKind(relativePath);
    kinds.set(key, kind);
    return kind;
  };
  /**
   * The kind of a plain file or folder, from its folder's listing, once the folder itself was
   * found a folder inside the root (so no link on the way leads out); undefined for links and what
   * the listing cannot say (then it is stat'ed). `key` is a normalized path below the root. Names
   * match exactly, as on the Linux file system a function runs on, whatever the case rules of the
   * machine running the check.
   */
  const listedKind = (key: string): 'file' | 'dir' | 'none' | undefined => {
    const slash = key.lastIndexOf('/');
    const parent = slash < 0 ? '' : key.slice(0, slash);
    if (kindOf(parent) !== 'dir') return 'none';
    const entries = entriesOf(parent);
    if (!entries) return undefined;
    const kind = entries.get(key.slice(slash + 1));
    if (!kind) return 'none';
    return kind === 'other' ? undefined : kind;
  };
  const statKind = (relativePath: string): 'file' | 'dir' | 'none' => {
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
    return kind;
  };

  // Deployment packages: a `.zip` file (a cdktf ARCHIVE asset, a prebuilt package) reads as a
  // folder of its files, `pkg.zip/app.py`; nothing is extracted to disk.
  const archives = new Map<string, ZipArchive | undefined>();
  const archiveOf = (zipPath: string): ZipArchive | undefined => {
    if (archives.has(zipPath)) return archives.get(zipPath);
    let archive: ZipArchive | undefined;
    if (/\.zip$/i.test(zipPath) && kindOf(zipPath) === 'file') {
      try {
        archive = openZip(readRegularFile(toAbsolute(zipPath)!, shown(zipPath), 'a ZIP deployment package', MAX_ARCHIVE_BYTES));
      } catch {
        archive = undefined; // unreadable or too large: not browsable, like a missing folder
      }
    }
    archives.set(zipPath, archive);
    return archive;
  };
  /** `a/pkg.zip/lib/x.py` -> the archive `a/pkg.zip` and `lib/x.py` in it; undefined for paths not inside an archive. */
  const inArchive = (relativePath: string): { archive: ZipArchive; inner: string } | undefined => {
    const normal = normalize(relativePath);
    if (normal === undefined || !/\.zip\//i.test(normal)) return undefined;
    const parts = normal.split('/');
    const at = parts.findIndex((part, i) => i < parts.length - 1 && /\.zip$/i.test(part));
    const archive = at < 0 ? undefined : archiveOf(parts.slice(0, at + 1).join('/'));
    return archive ? { archive, inner: parts.slice(at + 1).join('/') } : undefined;
  };
  const innerKind = ({ archive, inner }: { archive: ZipArchive; inner: string }): 'file' | 'dir' | 'none' =>
    archive.files.includes(inner) ? 'file' : archive.files.some((f) => f.startsWith(`${inner}/`)) ? 'dir' : 'none';

  return {
    root: absoluteRoot,
    readFile(relativePath) {
      const key = normalize(relativePath) ?? relativePath;
      if (texts.has(key)) return texts.get(key);
      let text: string | undefined;
      const packed = inArchive(relativePath);
      const expected = 'readable UTF-8 handler source';
      if (packed) {
        const bytes = innerKind(packed) === 'file' ? packed.archive.read(packed.inner, MAX_SOURCE_BYTES) : undefined;
        if (bytes) text = decodeText(bytes, shown(relativePath), expected);
      } else if (kindOf(relativePath) === 'file') {
        // An unreadable, binary or oversized handler is an input error: never analysed as empty.
        const display = shown(relativePath);
        text = decodeText(readRegularFile(toAbsolute(relativePath)!, display, expected, MAX_SOURCE_BYTES), display, expected);
      }
      texts.set(key, text);
      return text;
    },
    fileExists(relativePath) {
      const packed = inArchive(relativePath);
      return packed ? innerKind(packed) === 'file' : kindOf(relativePath) === 'file';
    },
    directoryExists(relativePath) {
      const packed = inArchive(relativePath);
      if (packed) return innerKind(packed) === 'dir';
      return kindOf(relativePath) === 'dir' || (/\.zip$/i.test(relativePath) && archiveOf(normalize(relativePath) ?? relativePath) !== undefined);
    },
    listDirectory(relativePath) {
      const key = normalize(relativePath) ?? relativePath;
      const known = listings.get(key);
      if (known) return known;
      let names: string[] = [];
      const packed = inArchive(`${key}/`) ?? (/\.zip$/i.test(key) && archiveOf(key) ? { archive: archiveOf(key)!, inner: '' } : undefined);
      if (packed) {
        const prefix = packed.inner === '' ? '' : `${packed.inner}/`;
        names = [...new Set(packed.archive.files.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length).split('/')[0]!))].sort();
      } else if (kindOf(relativePath) === 'dir') {
        // The same listing that tells its entries' kinds (one readdir per folder).
        names = [...(entriesOf(key)?.keys() ?? [])].sort();
      }
      listings.set(key, names);
      return names;
    },
    folderListing(relativePath) {
      const key = normalize(relativePath);
      return key !== undefined && kindOf(key) === 'dir' ? entriesOf(key) : undefined;
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
/** A deployment package larger than this (Lambda's own limit for a direct upload is 50 MB) is not browsed. */
const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;

/**
 * Import resolution probes many paths that do not exist (extensions, index files): those return
 * undefined without the cost of an exception. Unreadable paths count as missing too.
 */
function statIfExists(path: string, stat: typeof statSync   = statSync): Stats | undefined {
  try {
    return stat(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** An empty, `.` or `..` segment. */
const NOT_NORMAL = /(^|\/)\.{0,2}(\/|$)/;

/** `a/./b/../c` -> `a/c`; undefined for absolute paths and paths that climb above the root. */
function normalize(relativePath: string): string | undefined {
  if (isAbsolute(relativePath)) return undefined;
  // Nearly every path (the ones the walk and the import resolver build) is already normal.
  if (!relativePath.includes('\\') && !NOT_NORMAL.test(relativePath)) return relativePath;
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
