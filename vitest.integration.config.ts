import { defineConfig } from 'vitest/config';
import { FUZZ, INTEGRATION } from './vitest.config.js';

/**
 * `npm run test:integration`: real components, corpora, scale, full fuzz runs, and the installed
 * command. Needs terraform with the AWS provider in a mirror, moto_server and chromium (README,
 * "Tests"); under CI=true a missing one fails, elsewhere its test is skipped with a warning.
 */
export default defineConfig({
  test: {
    include: [...INTEGRATION, ...FUZZ],
    // Builds dist/ once: spawned commands run bin/hybridguard.js, as users do.
    globalSetup: ['test/global-setup.ts'],
    env: { HG_CLI: 'bin', HG_FUZZ: 'full', HG_INTEGRATION: '1' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
