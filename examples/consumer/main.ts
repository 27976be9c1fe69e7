/**
 * A team's own cdktf app on hybridguard's constructs: one function, one container microservice,
 * gateway routes to both. `npm run synth` (or `cdktf synth`) writes cdktf.out/ and checks it
 * with hybridguard's policies: one line when the gate passes, the report when it fails.
 */
import { HybridApp, HybridPlatform, SynthCheckError, read, write, type PlatformConfig } from 'hybridguard/constructs';

const config: PlatformConfig = {
  name: 'acme-ai',
  network: { cidr: '10.60.0.0/16', azCount: 2, nat: 'single' },
  data: { buckets: ['datasets'] },
  functions: [
    {
      name: 'ingest',
      type: 'function',
      source: 'functions/ingest/index.mjs',
      grants: [write('datasets', 'raw/')],
      environment: { DATASETS_BUCKET: '{{bucket:datasets}}' },
    },
  ],
  microservices: [{ name: 'scoring', port: 8080, imageTag: '1.0.0', grants: [read('datasets', 'raw/')] }],
  gateway: {
    routes: [
      { route: 'POST /ingest', to: 'ingest' },
      { route: 'POST /score', to: 'scoring' },
    ],
  },
};

const projectRoot = process.cwd();
const app = new HybridApp({ check: { cwd: projectRoot } });
new HybridPlatform(app, config.name, { config, region: process.env['AWS_REGION'] ?? 'us-east-1', projectRoot });

try {
  await app.synthAndCheck();
} catch (error) {
  if (!(error instanceof SynthCheckError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
