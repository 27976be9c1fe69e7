/**
 * The baseline AI platform a platform team deploys with `npx cdktf deploy`: the services, their
 * types and what each may touch, declared as intent. Edit this file to adapt it; `main.ts`
 * builds the stack from it and hybridguard checks the result at every synth.
 */
import { consume, invokeEndpoint, publish, read, readTable, send, startTrainingJob, write, writeTable } from './src/constructs/grants.js';
import type { PlatformConfig } from './src/constructs/platform.js';

export const baseline: PlatformConfig = {
  name: 'hg-baseline',
  network: {
    cidr: '10.40.0.0/16',
    azCount: 2,
    // One NAT gateway in a public subnet; most AWS traffic goes through the VPC endpoints.
    nat: 'single',
  },
  data: {
    buckets: ['datasets'],
    queues: ['preprocess-jobs'],
    topics: ['predictions'],
    tables: [{ name: 'features', hashKey: 'id' }],
  },
  trainingRoles: [{ name: 'training', grants: [read('datasets', 'features/'), write('datasets', 'models/')] }],
  functions: [
    {
      name: 'ingest',
      type: 'function',
      source: 'app/functions/ingest/index.mjs',
      grants: [write('datasets', 'raw/'), send('preprocess-jobs')],
      environment: { DATASETS_BUCKET: '{{bucket:datasets}}', PREPROCESS_QUEUE_URL: '{{queue-url:preprocess-jobs}}' },
    },
    {
      name: 'preprocess',
      type: 'function',
      source: 'app/functions/preprocess/index.mjs',
      grants: [consume('preprocess-jobs'), read('datasets', 'raw/'), write('datasets', 'features/'), writeTable('features')],
      environment: { DATASETS_BUCKET: '{{bucket:datasets}}', FEATURES_TABLE: '{{table:features}}' },
      timeout: 120,
    },
    {
      name: 'inference',
      type: 'function',
      source: 'app/functions/inference/index.mjs',
      grants: [readTable('features'), invokeEndpoint('hg-baseline-model'), publish('predictions')],
      environment: { FEATURES_TABLE: '{{table:features}}', MODEL_ENDPOINT: 'hg-baseline-model', PREDICTIONS_TOPIC_ARN: '{{topic-arn:predictions}}' },
    },
    {
      name: 'train-orchestrator',
      type: 'orchestrator',
      source: 'app/functions/train-orchestrator/index.mjs',
      grants: [startTrainingJob({ trainingRole: 'training', jobPrefix: 'hg-train-', instanceTypes: ['ml.g5.xlarge'] })],
      environment: {
        JOB_PREFIX: 'hg-train-',
        TRAINING_ROLE_ARN: '{{role-arn:training}}',
        DATASETS_BUCKET: '{{bucket:datasets}}',
        TRAINING_IMAGE: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311',
      },
    },
  ],
  microservices: [
    {
      name: 'model-serving',
      port: 8080,
      imageTag: '1.0.0',
      grants: [read('datasets', 'models/'), readTable('features')],
      desiredCount: 2,
      cpu: 1024,
      memory: 2048,
    },
  ],
  gateway: {
    routes: [
      { route: 'POST /ingest', to: 'ingest' },
      { route: 'POST /infer', to: 'inference' },
      { route: 'ANY /models/{proxy+}', to: 'model-serving' },
    ],
  },
};
