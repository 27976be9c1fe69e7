import { HybridguardError } from '../errors.js';
import type { JsonValue } from '../model/json.js';
import { parseLocated, type TextSource } from '../policy/parse.js';
import { createAjv } from '../policy/schema.js';
import { schemaErrors } from '../policy/validate.js';
import { throwIfAny } from '../policy/errors.js';
import type { Result } from '../model/findings.js';
import { textOf } from '../model/dict.js';

const BASELINE_VERSION = 1;

/** One accepted finding as stored in a baseline file; everything but `fingerprint` is for humans. */
export interface BaselineEntry {
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly address?: string;
  readonly file?: string;
  readonly subject?: string;
  readonly message: string;
}

/**
 * A baseline: the findings accepted when a gate was adopted. `fingerprints` are the findings'
 * own identities (see fingerprint.ts: rule, address or file, subject; the same as SARIF's), so
 * a finding that moves lines or is reworded stays accepted;
 * `counts` says how many findings share one, so a second identical finding is still new.
 */
export interface Baseline {
  readonly fingerprints: ReadonlySet<string>;
  readonly counts?: ReadonlyMap<string, number>;
  readonly entries?: readonly BaselineEntry[];
  readonly version?: number;
}


/** Results that belong in a baseline: suppressed ones are already accepted, and meta findings are about the policy setup, which a baseline must not hide. */
export const baselinable = (r: Result): boolean => !r.suppression && !r.ruleId.startsWith('HG-META-');

/** The baseline file for these results: JSON, sorted, stable (same findings, same bytes). */
export function serializeBaseline(results: readonly Result[]): string {
  const entries: BaselineEntry[] = results.filter(baselinable).map((r) => ({
    fingerprint: r.fingerprint,
    ruleId: r.ruleId,
    ...(r.location.address !== undefined ? { address: r.location.address } : { file: r.location.file }),
    ...(r.subject !== undefined ? { subject: r.subject } : {}),
    message: r.message,
  }));
  entries.sort((a, b) => cmp(a.fingerprint, b.fingerprint) || cmp(a.message, b.message));
  return `${JSON.stringify({ version: BASELINE_VERSION, tool: 'hybridguard', findings: entries }, null, 2)}\n`;
}

const BASELINE_SCHEMA = {
  type: 'object',
  description: 'A hybridguard baseline (written by `hybridguard baseline`).',
  additionalProperties: false,
  required: ['version', 'findings'],
  properties: {
    version: { type: 'integer', description: 'Baseline format version.' },
    tool: { type: 'string', description: 'The tool that wrote it.' },
    findings: {
      type: 'array',
      description: 'Accepted findings.',
      items: {
        type: 'object',
        description: 'One accepted finding.',
        additionalProperties: false,
        required: ['fingerprint'],
        properties: {
          fingerprint: { type: 'string', minLength: 1, description: 'rule|address|subject identity.' },
          ruleId: { type: 'string', description: 'Rule id, for humans.' },
          address: { type: 'string', description: 'Resource address, for humans.' },
          file: { type: 'string', description: 'File, for findings without an address.' },
          subject: { type: 'string', description: 'Subject of the finding, for humans.' },
          message: { type: 'string', description: 'Message when the baseline was written, for humans.' },
        },
      },
    },
  },
};
let validator: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;

/** Read a baseline file; a malformed one is an input error naming the file, line and field. */
export function parseBaseline(source: TextSource): Baseline {
  const doc = parseLocated(source, 'input');
  if (doc.data === null)
    throw new HybridguardError('input', 'baseline file is empty', { file: source.path, line: 1 }, 'a baseline written by `hybridguard baseline`');
  validator ??= createAjv({ verbose: true }).compile(BASELINE_SCHEMA);
  throwIfAny(schemaErrors(doc, validator, { kind: 'input' }));
  const data = doc.data as { readonly version: number; readonly findings: readonly { readonly [key: string]: JsonValue }[] };
  if (data.version !== BASELINE_VERSION) {
    const at = doc.locate(['version']);
    throw new HybridguardError(
      'input',
      `unsupported baseline version ${data.version}`,
      { file: source.path, ...at, field: '/version' },
      `version ${BASELINE_VERSION}`,
    );
  }
  const counts = new Map<string, number>();
  const entries: BaselineEntry[] = data.findings.map((f) => {
    const fingerprint = textOf(f['fingerprint']);
    counts.set(fingerprint, (counts.get(fingerprint) ?? 0) + 1);
    const text = (key: string) => (typeof f[key] === 'string' ? { [key]: f[key] } : {});
    return {
      fingerprint,
      ruleId: textOf(f['ruleId'] ?? fingerprint.split('|')[0]),
      message: textOf(f['message'] ?? ''),
      ...text('address'),
      ...text('file'),
      ...text('subject'),
    };
  });
  return { version: BASELINE_VERSION, fingerprints: new Set(counts.keys()), counts, entries };
}

/**
 * Mark each result new or not. A baseline accepts as many findings per fingerprint as it
 * recorded; `fixed` counts recorded findings that no longer occur.
 */
export function applyBaseline(results: readonly Result[], baseline: Baseline): { results: Result[]; fixed: number } {
  const remaining = new Map<string, number>();
  for (const fp of baseline.fingerprints) remaining.set(fp, baseline.counts?.get(fp) ?? 1);
  // Stable order so which of several identical findings counts as new does not depend on input order.
  const order = results.map((r, i) => ({ r, i, fp: r.fingerprint })).sort((a, b) => cmp(a.fp, b.fp) || cmp(a.r.message, b.r.message) || a.i - b.i);
  const isNew = new Array<boolean>(results.length).fill(true);
  for (const { i, fp, r } of order) {
    if (!baselinable(r)) continue; // meta findings and suppressed ones are judged on their own
    const left = remaining.get(fp) ?? 0;
    if (left > 0) {
      remaining.set(fp, left - 1);
      isNew[i] = false;
    }
  }
  let fixed = 0;
  for (const left of remaining.values()) fixed += left;
  return { results: results.map((r, i) => ({ ...r, isNew: isNew[i] ?? true })), fixed };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
