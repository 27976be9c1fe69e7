import { defineConfig } from 'vitest/config';

/**
 * `npm test`: unit and CLI end-to-end tests, no build step (spawned commands run src/ with its types
 * stripped once per run, see test/support/cli.ts), fuzzers at their small seeded counts. About 60 s on 2 cores.
 * `npm run test:integration` (vitest.integration.config.ts): the files below, which need real
 * components (terraform, moto_server, chromium), read whole corpora or run at scale, plus the
 * fuzzers at their full counts and the built bin/hybridguard.js.
 */
export const INTEGRATION = [
  'test/deploy.test.ts', // real cdktf deploy against moto_server
  'test/audit-browser.test.ts', // the audit report in chromium
  'test/hcl-oracle.test.ts', // our HCL evaluation against `terraform plan`
  'test/iam-cli-differential.test.ts', // who-can through the CLI against an independent evaluator
  'test/corpus.test.ts', // corpora: hand-written stacks, KICS, real-world Terraform, Python handlers
  'test/network-kics.test.ts',
  'test/realworld.test.ts',
  'test/python-scorecard.test.ts',
  'test/code-scale.test.ts', // scale
  'test/inputs-scale.test.ts',
  'test/installed.test.ts', // bin/hybridguard.js over the built dist/
  'test/*.integration.test.ts', // the packed tarball in a consumer project, reports at scale
];

/** Fuzzers: a small seeded run in `npm test`, the full run in the integration suite (test/support/fuzz.ts). */
export const FUZZ = [
  'test/inputs-fuzz.test.ts',
  'test/hostile-fuzz.test.ts',
  'test/policy-fuzz.test.ts',
  'test/inputs-hcl-parse.test.ts',
  'test/iam-arn-language.test.ts',
  'test/iam-differential.test.ts',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...INTEGRATION],
    // No build: strips the types from src/ once, for the commands tests spawn (test/support/cli.ts).
    globalSetup: ['test/global-setup-fast.ts'],
    // Test files share their worker's modules instead of loading them again per file (18 s of
    // loading instead of 32). hybridguard also runs embedded in long-lived processes (the
    // synth-time check, the API), where one run must never see another's state: sharing modules,
    // the suite runs the way such a process does.
    isolate: false,
    // Tests wait on spawned commands too: one worker per core keeps both cores busy.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
