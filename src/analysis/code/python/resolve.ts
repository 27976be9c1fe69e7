import type { SourceHost } from '../../../model/source-host.js';
import { dirnameOf, joinPath } from '../resolve.js';

type PyResolution = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'external' } | { readonly kind: 'missing' };

/**
 * Where a Python import leads, statically. Relative imports (`.util`, `..shared`) resolve from
 * the importing file's package and name nothing when the file is missing. Absolute imports
 * (`util`, `app.models`) resolve against the folders on the way from the importing file up to
 * the code root, nearest first (a Lambda puts its code root on `sys.path`, and the code root of
 * a function is one of these folders); anything else is a third-party or standard module.
 */
export class PythonResolver {
  private readonly cache = new Map<string, PyResolution>();

  constructor(private readonly host: SourceHost) {}

  resolve(fromFile: string, specifier: string): PyResolution {
    const key = `${fromFile}\0${specifier}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.compute(fromFile, specifier);
      this.cache.set(key, found);
    }
    return found;
  }

  /** `from PKG import name`: the submodule `name` of package PKG (`from . import util`), if it is a file. */
  submodule(fromFile: string, specifier: string, name: string): string | undefined {
    for (const dir of this.packageDirs(fromFile, specifier)) {
      if (!this.host.directoryExists(dir)) continue;
      return this.probe(dir, name);
    }
    return undefined;
  }

  /** Folders a package specifier may name, in the order Python would search them. */
  private packageDirs(fromFile: string, specifier: string): string[] {
    if (specifier.startsWith('.')) {
      const base = this.relativeDir(fromFile, specifier);
      const rest = specifier.replace(/^\.+/, '');
      const dir = base === undefined ? undefined : rest === '' ? base : joinPath(base, rest.split('.').join('/'));
      return dir === undefined ? [] : [dir];
    }
    const dirs: string[] = [];
    for (let dir: string | undefined = dirnameOf(fromFile); dir !== undefined; dir = dir === '' ? undefined : dirnameOf(dir)) {
      const path = joinPath(dir, specifier.split('.').join('/'));
      if (path !== undefined && path !== '') dirs.push(path);
    }
    return dirs;
  }

  private compute(fromFile: string, specifier: string): PyResolution {
    if (specifier.startsWith('.')) {
      const dir = this.relativeDir(fromFile, specifier);
      if (dir === undefined) return { kind: 'missing' };
      const rest = specifier.replace(/^\.+/, '');
      const file = rest === '' ? this.packageInit(dir) : this.probe(dir, rest);
      if (file !== undefined) return { kind: 'file', path: file };
      // `from . import x` in a folder without __init__.py: a namespace package, nothing to read.
      return rest === '' && this.host.directoryExists(dir) ? { kind: 'external' } : { kind: 'missing' };
    }
    for (let dir: string | undefined = dirnameOf(fromFile); dir !== undefined; dir = dir === '' ? undefined : dirnameOf(dir)) {
      const file = this.probe(dir, specifier);
      if (file !== undefined) return { kind: 'file', path: file };
    }
    return { kind: 'external' };
  }

  /** The folder a relative specifier starts from: `.` is the file's own package, each further dot one up. */
  private relativeDir(fromFile: string, specifier: string): string | undefined {
    const dots = /^\.+/.exec(specifier)?.[0].length ?? 0;
    let dir: string | undefined = dirnameOf(fromFile);
    for (let i = 1; i < dots && dir !== undefined; i++) dir = dir === '' ? undefined : dirnameOf(dir);
    return dir;
  }

  private packageInit(dir: string): string | undefined {
    const init = dir === '' ? '__init__.py' : `${dir}/__init__.py`;
    return this.host.fileExists(init) ? init : undefined;
  }

  /** `a.b` under `dir`: `a/b.py` or `a/b/__init__.py`. */
  private probe(dir: string, dotted: string): string | undefined {
    // One (cached) listing of the folder answers most probes: `import json` is not `json.py` here.
    const first = dotted.split('.', 1)[0]!;
    const names = this.host.listDirectory(dir);
    if (!names.includes(`${first}.py`) && !names.includes(first)) return undefined;
    const path = joinPath(dir, dotted.split('.').join('/'));
    if (path === undefined || path === '') return undefined;
    if (this.host.fileExists(`${path}.py`)) return `${path}.py`;
    return this.packageInit(path);
  }
}
