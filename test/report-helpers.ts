/** Shared loaders for the reporter tests: the hand-made RunResults fixtures in fixtures/report/. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResults } from '../src/model/findings.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'report');

export function loadResults(name: 'run-results' | 'hostile-results'): RunResults {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as RunResults;
}

/** The realistic fixture without its baseline (every finding counts as new, no baselineState). */
export function withoutBaseline(results: RunResults): RunResults {
  const { baseline: _baseline, ...rest } = results;
  return { ...rest, results: results.results.map(({ isNew: _isNew, ...r }) => r) };
}
