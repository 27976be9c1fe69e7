/**
 * Read-only access to handler source code under a project root. Implemented in inputs/ (the
 * only layer that touches the file system); code analysis reads through it and never executes
 * or imports what it reads.
 */
export interface SourceHost {
  /** Absolute project root (`--code DIR`). */
  readonly root: string;
  /** Text of a file (path relative to root, posix), or undefined if it does not exist or is not a file. */
  readFile(relativePath: string): string | undefined;
  fileExists(relativePath: string): boolean;
  directoryExists(relativePath: string): boolean;
  /** Files directly in a folder (names only), for index-file and extension resolution. */
  listDirectory(relativePath: string): readonly string[];
}
