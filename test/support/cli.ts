import { join } from 'node:path';
import { FROM_SOURCE } from './transpile-src.js';

const REPO = join(import.meta.dirname, '..', '..');

/**
 * Node arguments that start hybridguard, for tests that spawn it as a user does; append the
 * command's own: `spawnSync(process.execPath, [...HYBRIDGUARD, 'check', dir])`.
 * The integration suite (`HG_CLI=bin`, set by vitest.integration.config.ts) runs the installed
 * command, bin/hybridguard.js over the built dist/. The fast suite runs the same entry over src/
 * with its types stripped by its setup (test/support/transpile-src.ts), so it needs no build.
 */
export const HYBRIDGUARD: readonly string[] =
  process.env.HG_CLI === 'bin' ? [join(REPO, 'bin', 'hybridguard.js')] : [join(import.meta.dirname, 'hybridguard-from-source.mjs'), FROM_SOURCE];
