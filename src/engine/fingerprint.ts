/**
 * The one identity of a finding, shared by SARIF (`partialFingerprints`), baselines and the JSON
 * report: rule id, where (the Terraform address; for a finding without one, its file relative to
 * the project root) and subject (the action, capability, port, import or call the finding is
 * about). Never the message, so rewording a message does not close and reopen alerts, and never
 * a line number, so a finding that moves within its file keeps its identity. No absolute path
 * enters it, so the same stack checked out elsewhere gives the same fingerprints.
 */
import { posix } from 'node:path';
import type { Location } from '../model/types.js';

export interface Fingerprinted {
  readonly ruleId: string;
  readonly location: Pick<Location, 'address' | 'file'>;
  readonly subject?: string;
}

/** `rule|where|subject`: readable, so a baseline file can be reviewed in a pull request. */
export function findingFingerprint(finding: Fingerprinted, root?: string): string {
  const where = finding.location.address ?? portablePath(finding.location.file, root);
  return [finding.ruleId, where, finding.subject ?? ''].join('|');
}

const ABSOLUTE = /^(?:\/|[A-Za-z]:\/)/;

/** A posix path relative to `root`; an absolute path with no root keeps only its file name. */
function portablePath(file: string, root?: string): string {
  const path = file.split('\\').join('/');
  if (!ABSOLUTE.test(path)) return path.replace(/^(?:\.\/)+/, '');
  if (root !== undefined) {
    const base = root.split('\\').join('/');
    if (ABSOLUTE.test(base)) return posix.relative(base, path) || posix.basename(path);
  }
  return posix.basename(path);
}
