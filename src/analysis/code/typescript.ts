import { createRequire } from 'node:module';
import type { ts as TS } from 'ts-morph';

export type TypeScript = typeof TS;

let loaded: TypeScript | undefined;

/**
 * The TypeScript compiler API that ts-morph bundles, loaded on first use: it costs about half a
 * second, and a run without `--code` never needs it. Only the parser is used (no program, no
 * type checker): the code under analysis is read, never executed or imported.
 */
export function typescript(): TypeScript {
  loaded ??= (createRequire(import.meta.url)('ts-morph') as { ts: TypeScript }).ts;
  return loaded;
}
