/**
 * The baseline platform app: `npx cdktf synth` / `npx cdktf deploy`. Region from AWS_REGION
 * (or AWS_DEFAULT_REGION); nothing here calls AWS at synth. The AWS provider honours
 * AWS_ENDPOINT_URL, so the same output deploys to a local emulator.
 *
 * Environment switches:
 *   HYBRIDGUARD_EMULATOR=moto   turn off what moto cannot round-trip (see MOTO_FEATURES)
 *   HYBRIDGUARD_SYNTH_CHECK=off skip the synth-time policy check (an escape hatch; CI should not set it)
 */
import { HybridApp, HybridPlatform, MOTO_FEATURES, SynthCheckError } from './src/constructs/index.js';
import { baseline } from './hybridguard.app.config.js';

const region = process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
const projectRoot = process.cwd();

const app = new HybridApp({ check: process.env['HYBRIDGUARD_SYNTH_CHECK'] === 'off' ? false : { cwd: projectRoot } });
new HybridPlatform(app, baseline.name, {
  config: baseline,
  region,
  projectRoot,
  ...(process.env['HYBRIDGUARD_EMULATOR'] === 'moto' ? { features: MOTO_FEATURES } : {}),
});

try {
  // Prints one line when the gate passes, the report (once) when it fails.
  await app.synthAndCheck();
} catch (error) {
  if (!(error instanceof SynthCheckError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
