/**
 * How many cases a fuzz test runs, and from which seed. Every fuzzer is seeded, so a failure
 * reproduces. `npm test` runs the `fast` count; the integration suite (`HG_FUZZ=full`, set by
 * vitest.integration.config.ts) runs the `full` count. To explore beyond both:
 * `HG_FUZZ_SEED=7 HG_FUZZ_RUNS=20000 npx vitest run test/inputs-fuzz.test.ts`.
 */
function fuzzRuns(fast: number, full: number): number {
  if (process.env.HG_FUZZ_RUNS) return Number(process.env.HG_FUZZ_RUNS);
  return process.env.HG_FUZZ === 'full' ? full : fast;
}

/** The seed of every fuzzer: fixed unless HG_FUZZ_SEED says otherwise (each test keeps its own default). */
const fuzzSeed = (fixed: number): number => (process.env.HG_FUZZ_SEED ? Number(process.env.HG_FUZZ_SEED) : fixed);

/** fast-check parameters: `fc.assert(property, fuzz(50, 1500, 20261203))`. */
export const fuzz = (fast: number, full: number, seed: number): { numRuns: number; seed: number } => ({ numRuns: fuzzRuns(fast, full), seed: fuzzSeed(seed) });
