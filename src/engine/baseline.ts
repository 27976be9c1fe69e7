import type { Result } from './types.js';

/** A baseline: fingerprints of accepted findings. Placeholder until the baseline lands. */
export interface Baseline {
  readonly fingerprints: ReadonlySet<string>;
}

export function applyBaseline(results: readonly Result[], baseline: Baseline): { results: Result[]; fixed: number } {
  const seen = new Set<string>();
  const marked = results.map((r) => {
    seen.add(r.fingerprint);
    return { ...r, isNew: !baseline.fingerprints.has(r.fingerprint) };
  });
  let fixed = 0;
  for (const fp of baseline.fingerprints) if (!seen.has(fp)) fixed++;
  return { results: marked, fixed };
}
