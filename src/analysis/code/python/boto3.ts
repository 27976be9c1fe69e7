import type { IamCatalog } from '../../../model/catalog.js';
import { actionsForCommand, sdkClient, type ActionMapping } from '../sdk.js';
import { sdkException } from '../sdk-exceptions.js';
import { BOTO3_RESOURCES, BOTO3_SERVICES } from './boto3.generated.js';
import type { Boto3ResourceModel, Boto3ServiceData } from './boto3-data.js';

export interface Boto3Service {
  readonly data: Boto3ServiceData;
  /** The AWS SDK v3 package of the same service (installed or not): its reviewed exceptions apply. */
  readonly sdkPackage: string;
  /** snake_case without underscores, lower case -> operation (`getobject` -> `GetObject`). */
  readonly operations: ReadonlyMap<string, string>;
  /** boto3 waiter name (`bucket_exists`, as `get_waiter` takes it) -> operation. */
  readonly waiters: ReadonlyMap<string, string>;
  readonly resources?: Boto3ResourceModel;
}

const DATA = new Map(BOTO3_SERVICES.map((s) => [s.name, s]));
const SERVICES = new Map<string, Boto3Service>();

/** A boto3 service by the name `boto3.client(...)` takes; undefined for a name boto3 does not know. */
export function boto3Service(name: string): Boto3Service | undefined {
  const known = SERVICES.get(name);
  if (known) return known;
  const data = DATA.get(name);
  if (!data) return undefined;
  const waiters = new Map<string, string>();
  for (const [waiter, op] of Object.entries(data.waiters ?? {})) waiters.set(snake(waiter), op);
  const resources = Object.hasOwn(BOTO3_RESOURCES, name) ? BOTO3_RESOURCES[name] : undefined;
  const service: Boto3Service = {
    data,
    // The AWS SDK v3 names its packages after the serviceId: `Secrets Manager` -> client-secrets-manager.
    sdkPackage: `@aws-sdk/client-${data.serviceId.toLowerCase().replace(/\s+/g, '-')}`,
    operations: new Map(data.operations.split(' ').filter(Boolean).map((op) => [op.toLowerCase(), op])),
    waiters,
    ...(resources ? { resources } : {}),
  };
  SERVICES.set(name, service);
  return service;
}

/** botocore's `xform_name` (PascalCase -> snake_case), for waiter names. */
export function snake(name: string): string {
  let s = name;
  const special = /[A-Z]{2,}s$/.exec(s);
  if (special) s = `${s.slice(0, -special[0].length)}_${special[0].toLowerCase()}`;
  s = s.replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** The operation a boto3 client method names (`list_objects_v2` -> `ListObjectsV2`). */
export function operationOf(service: Boto3Service, method: string): string | undefined {
  if (method !== method.toLowerCase()) return undefined;
  return service.operations.get(method.replaceAll('_', ''));
}

/**
 * IAM actions of one botocore operation: the SDK v3 table (its reviewed exceptions, then
 * `signing name:Operation` checked against the catalog) for the same service, so a Python
 * `get_object` and a TypeScript `GetObjectCommand` need the same actions.
 */
export function boto3Actions(service: Boto3Service, op: string, catalog: IamCatalog): ActionMapping {
  const pkg = service.sdkPackage;
  const client = sdkClient(pkg);
  if (sdkException(pkg, op) || client?.commands.has(op.toLowerCase())) return actionsForCommand(pkg, op, catalog);
  const action = catalog.action(`${service.data.signingName}:${op}`);
  if (action) return { actions: [action.action], resolved: true, why: `botocore ${service.data.name} signs as ${service.data.signingName}` };
  return { actions: [], resolved: false, why: `no IAM action ${service.data.signingName}:${op} and no reviewed mapping` };
}

/**
 * Methods boto3 adds to S3 clients and resources (the transfer manager, presigning): the SDK v3
 * operation whose reviewed mapping they share.
 */
export const S3_INJECTED: Readonly<Record<string, { readonly pkg: string; readonly command: string; readonly why: string }>> = {
  upload_file: { pkg: '@aws-sdk/lib-storage', command: 'Upload', why: 'the transfer manager uploads like lib-storage Upload' },
  upload_fileobj: { pkg: '@aws-sdk/lib-storage', command: 'Upload', why: 'the transfer manager uploads like lib-storage Upload' },
  download_file: { pkg: '@aws-sdk/client-s3', command: 'GetObject', why: 'the transfer manager reads the object (HeadObject, GetObject)' },
  download_fileobj: { pkg: '@aws-sdk/client-s3', command: 'GetObject', why: 'the transfer manager reads the object (HeadObject, GetObject)' },
  copy: { pkg: '@aws-sdk/client-s3', command: 'CopyObject', why: 'the managed copy reads the source and writes the target' },
  generate_presigned_post: { pkg: '@aws-sdk/client-s3', command: 'PutObject', why: 'a presigned POST uploads with the signer\'s s3:PutObject' },
};

/** Client and resource methods that make no request (`close`, `meta`, `exceptions`, `can_paginate`). */
export const NO_REQUEST_METHODS: ReadonlySet<string> = new Set([
  'close',
  'can_paginate',
  'get_paginator',
  'get_waiter',
  'meta',
  'exceptions',
  '__aenter__',
  '__aexit__',
  '__enter__',
  '__exit__',
]);

/**
 * The SageMaker Python SDK's entry points and the API calls they make underneath (as its source
 * does: `Estimator.fit` creates a training job and, by default, waits for it). Keyed by method;
 * `classes` says which SDK classes (by the suffix of their name) have it.
 */
interface SageMakerSdkMethod {
  readonly classes: readonly string[];
  readonly actions: readonly string[];
  readonly why: string;
}

const DEPLOY = ['sagemaker:CreateModel', 'sagemaker:CreateEndpointConfig', 'sagemaker:CreateEndpoint', 'sagemaker:DescribeEndpoint', 'iam:PassRole'];
const SAGEMAKER_SDK: Readonly<Record<string, readonly SageMakerSdkMethod[]>> = {
  fit: [
    {
      classes: ['Tuner'],
      actions: ['sagemaker:CreateHyperParameterTuningJob', 'sagemaker:DescribeHyperParameterTuningJob', 'iam:PassRole'],
      why: 'HyperparameterTuner.fit() creates a tuning job (passing the role) and waits for it',
    },
    {
      classes: ['Estimator', 'PyTorch', 'TensorFlow', 'HuggingFace', 'SKLearn', 'XGBoost', 'MXNet', 'Chainer'],
      actions: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'iam:PassRole'],
      why: 'Estimator.fit() creates a training job (passing the role) and waits for it',
    },
  ],
  deploy: [
    {
      classes: ['Estimator', 'Model', 'PyTorch', 'TensorFlow', 'HuggingFace', 'SKLearn', 'XGBoost', 'ModelPackage'],
      actions: DEPLOY,
      why: 'deploy() creates a model, an endpoint configuration and an endpoint, and waits for it',
    },
  ],
  register: [
    {
      classes: ['Model', 'Estimator'],
      actions: ['sagemaker:CreateModelPackage'],
      why: 'register() creates a model package in the model registry (CreateModelPackage)',
    },
  ],
  create: [{ classes: ['Model'], actions: ['sagemaker:CreateModel', 'iam:PassRole'], why: 'Model.create() creates the SageMaker model (passing the role)' }],
  run: [
    {
      classes: ['Processor'],
      actions: ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'iam:PassRole'],
      why: 'Processor.run() creates a processing job (passing the role) and waits for it',
    },
  ],
  transform: [
    {
      classes: ['Transformer'],
      actions: ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob'],
      why: 'Transformer.transform() creates a batch transform job',
    },
  ],
  predict: [
    { classes: ['Predictor'], actions: ['sagemaker:InvokeEndpoint'], why: 'Predictor.predict() invokes the endpoint (sagemaker-runtime InvokeEndpoint)' },
  ],
  delete_endpoint: [
    {
      classes: ['Predictor'],
      actions: ['sagemaker:DeleteEndpoint', 'sagemaker:DeleteEndpointConfig'],
      why: 'Predictor.delete_endpoint() deletes the endpoint and its configuration',
    },
  ],
  upsert: [
    {
      classes: ['Pipeline'],
      actions: ['sagemaker:CreatePipeline', 'sagemaker:UpdatePipeline', 'sagemaker:DescribePipeline', 'iam:PassRole'],
      why: 'Pipeline.upsert() creates or updates the pipeline (passing the role)',
    },
  ],
  start: [{ classes: ['Pipeline'], actions: ['sagemaker:StartPipelineExecution'], why: 'Pipeline.start() starts a pipeline execution' }],
  default_bucket: [
    {
      classes: ['Session'],
      actions: ['sts:GetCallerIdentity', 's3:ListBucket', 's3:CreateBucket'],
      why: 'Session.default_bucket() reads the account id and creates the default bucket when missing',
    },
  ],
  upload_data: [{ classes: ['Session'], actions: ['s3:PutObject'], why: 'Session.upload_data() uploads to S3' }],
  download_data: [{ classes: ['Session'], actions: ['s3:ListBucket', 's3:GetObject'], why: 'Session.download_data() lists and reads S3 objects' }],
};

/** `sagemaker.get_execution_role()` reads the caller's role. */
export const SAGEMAKER_FUNCTIONS: Readonly<Record<string, SageMakerSdkMethod>> = {
  get_execution_role: { classes: [], actions: ['sts:GetCallerIdentity', 'iam:GetRole'], why: 'get_execution_role() reads the caller identity and its role' },
};

/** The SageMaker SDK method `method` of an instance of class `className`, if the table knows it. */
export function sageMakerMethod(className: string, method: string): SageMakerSdkMethod | undefined {
  const entries = Object.hasOwn(SAGEMAKER_SDK, method) ? SAGEMAKER_SDK[method] : undefined;
  return entries?.find((entry) => entry.classes.some((suffix) => className.endsWith(suffix)));
}
