import { own } from '../../model/dict.js';
/**
 * The reviewed exceptions to "client package -> SigV4 signing name, `XCommand` -> `name:X`".
 * Each entry is a fact from the AWS service authorization reference or the API reference of the
 * operation; test/code-sdk.test.ts checks every entry against the IAM catalog. Commands not
 * listed here and not in the catalog stay unmapped (the analysis reports them as unresolved,
 * never guesses).
 */

export interface SdkException {
  /** npm package (`@aws-sdk/client-s3`). */
  readonly package: string;
  /** Command name without the `Command` suffix (`ListObjectsV2`). */
  readonly command: string;
  /** IAM actions the call needs; empty means the operation needs no permission at all. */
  readonly actions: readonly string[];
  /**
   * For commands whose actions depend on the request (PartiQL statements, transaction items):
   * how to narrow `actions` when the input is visible. `actions` is the answer when it is not.
   */
  readonly refine?: 'partiql' | 'transact-items';
  /** Why, in one phrase (shown by `infer --format text`). */
  readonly why: string;
}

const S3 = '@aws-sdk/client-s3';
const DDB = '@aws-sdk/client-dynamodb';
const DOC = '@aws-sdk/lib-dynamodb';
const PARTIQL = ['dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'];
const TRANSACT_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'];

export const SDK_EXCEPTIONS: readonly SdkException[] = [
  // S3: list and head operations are authorized by the bucket/object action they read.
  { package: S3, command: 'ListObjectsV2', actions: ['s3:ListBucket'], why: 'listing objects is authorized by s3:ListBucket' },
  { package: S3, command: 'ListObjects', actions: ['s3:ListBucket'], why: 'listing objects is authorized by s3:ListBucket' },
  { package: S3, command: 'ListObjectVersions', actions: ['s3:ListBucketVersions'], why: 'listing versions is authorized by s3:ListBucketVersions' },
  { package: S3, command: 'ListMultipartUploads', actions: ['s3:ListBucketMultipartUploads'], why: 'IAM name of the operation' },
  { package: S3, command: 'ListParts', actions: ['s3:ListMultipartUploadParts'], why: 'IAM name of the operation' },
  { package: S3, command: 'ListBuckets', actions: ['s3:ListAllMyBuckets'], why: 'IAM name of the operation' },
  { package: S3, command: 'HeadObject', actions: ['s3:GetObject'], why: 'HEAD of an object is authorized by s3:GetObject' },
  { package: S3, command: 'HeadBucket', actions: ['s3:ListBucket'], why: 'HEAD of a bucket is authorized by s3:ListBucket' },
  { package: S3, command: 'SelectObjectContent', actions: ['s3:GetObject'], why: 'S3 Select reads the object with s3:GetObject' },
  // Multipart uploads are authorized as one PutObject.
  { package: S3, command: 'CreateMultipartUpload', actions: ['s3:PutObject'], why: 'multipart uploads are authorized by s3:PutObject' },
  { package: S3, command: 'UploadPart', actions: ['s3:PutObject'], why: 'multipart uploads are authorized by s3:PutObject' },
  { package: S3, command: 'CompleteMultipartUpload', actions: ['s3:PutObject'], why: 'multipart uploads are authorized by s3:PutObject' },
  { package: S3, command: 'UploadPartCopy', actions: ['s3:PutObject', 's3:GetObject'], why: 'writes the target part and reads the source object' },
  { package: S3, command: 'CopyObject', actions: ['s3:PutObject', 's3:GetObject'], why: 'writes the target and reads the source object' },
  { package: S3, command: 'DeleteObjects', actions: ['s3:DeleteObject'], why: 'a batch delete needs s3:DeleteObject on each object' },
  // Bucket configuration operations whose IAM names differ from the API names.
  { package: S3, command: 'GetBucketEncryption', actions: ['s3:GetEncryptionConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'PutBucketEncryption', actions: ['s3:PutEncryptionConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'DeleteBucketEncryption', actions: ['s3:PutEncryptionConfiguration'], why: 'deleting the configuration is a write of it' },
  { package: S3, command: 'GetBucketLifecycleConfiguration', actions: ['s3:GetLifecycleConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'PutBucketLifecycleConfiguration', actions: ['s3:PutLifecycleConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'DeleteBucketLifecycle', actions: ['s3:PutLifecycleConfiguration'], why: 'deleting the configuration is a write of it' },
  { package: S3, command: 'GetBucketNotificationConfiguration', actions: ['s3:GetBucketNotification'], why: 'IAM name of the operation' },
  { package: S3, command: 'PutBucketNotificationConfiguration', actions: ['s3:PutBucketNotification'], why: 'IAM name of the operation' },
  { package: S3, command: 'GetBucketReplication', actions: ['s3:GetReplicationConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'PutBucketReplication', actions: ['s3:PutReplicationConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'DeleteBucketReplication', actions: ['s3:PutReplicationConfiguration'], why: 'deleting the configuration is a write of it' },
  { package: S3, command: 'GetPublicAccessBlock', actions: ['s3:GetBucketPublicAccessBlock'], why: 'IAM name of the operation' },
  { package: S3, command: 'PutPublicAccessBlock', actions: ['s3:PutBucketPublicAccessBlock'], why: 'IAM name of the operation' },
  { package: S3, command: 'DeletePublicAccessBlock', actions: ['s3:PutBucketPublicAccessBlock'], why: 'deleting the configuration is a write of it' },
  { package: S3, command: 'GetBucketAccelerateConfiguration', actions: ['s3:GetAccelerateConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'PutBucketAccelerateConfiguration', actions: ['s3:PutAccelerateConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'GetBucketAnalyticsConfiguration', actions: ['s3:GetAnalyticsConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'PutBucketAnalyticsConfiguration', actions: ['s3:PutAnalyticsConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'DeleteBucketAnalyticsConfiguration', actions: ['s3:PutAnalyticsConfiguration'], why: 'deleting the configuration is a write of it' },
  { package: S3, command: 'ListBucketAnalyticsConfigurations', actions: ['s3:GetAnalyticsConfiguration'], why: 'listing is authorized by the read action' },
  { package: S3, command: 'GetBucketInventoryConfiguration', actions: ['s3:GetInventoryConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'PutBucketInventoryConfiguration', actions: ['s3:PutInventoryConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'DeleteBucketInventoryConfiguration', actions: ['s3:PutInventoryConfiguration'], why: 'deleting the configuration is a write of it' },
  { package: S3, command: 'ListBucketInventoryConfigurations', actions: ['s3:GetInventoryConfiguration'], why: 'listing is authorized by the read action' },
  { package: S3, command: 'GetBucketMetricsConfiguration', actions: ['s3:GetMetricsConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'PutBucketMetricsConfiguration', actions: ['s3:PutMetricsConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'DeleteBucketMetricsConfiguration', actions: ['s3:PutMetricsConfiguration'], why: 'deleting the configuration is a write of it' },
  { package: S3, command: 'ListBucketMetricsConfigurations', actions: ['s3:GetMetricsConfiguration'], why: 'listing is authorized by the read action' },
  { package: S3, command: 'GetBucketIntelligentTieringConfiguration', actions: ['s3:GetIntelligentTieringConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'PutBucketIntelligentTieringConfiguration', actions: ['s3:PutIntelligentTieringConfiguration'], why: 'IAM name of the operation' },
  {
    package: S3,
    command: 'DeleteBucketIntelligentTieringConfiguration',
    actions: ['s3:PutIntelligentTieringConfiguration'],
    why: 'deleting the configuration is a write of it',
  },
  {
    package: S3,
    command: 'ListBucketIntelligentTieringConfigurations',
    actions: ['s3:GetIntelligentTieringConfiguration'],
    why: 'listing is authorized by the read action',
  },
  { package: S3, command: 'GetObjectLockConfiguration', actions: ['s3:GetBucketObjectLockConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'PutObjectLockConfiguration', actions: ['s3:PutBucketObjectLockConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'DeleteBucketOwnershipControls', actions: ['s3:PutBucketOwnershipControls'], why: 'deleting the configuration is a write of it' },
  { package: S3, command: 'DeleteBucketCors', actions: ['s3:PutBucketCORS'], why: 'deleting the configuration is a write of it' },
  { package: S3, command: 'DeleteBucketTagging', actions: ['s3:PutBucketTagging'], why: 'deleting tags is a write of the tag set' },
  { package: S3, command: 'CreateSession', actions: ['s3express:CreateSession'], why: 'directory-bucket sessions belong to s3express' },
  { package: S3, command: 'ListDirectoryBuckets', actions: ['s3express:ListAllMyDirectoryBuckets'], why: 'directory buckets belong to s3express' },
  { package: S3, command: 'WriteGetObjectResponse', actions: ['s3-object-lambda:WriteGetObjectResponse'], why: 'S3 Object Lambda action' },
  { package: S3, command: 'GetBucketMetadataConfiguration', actions: ['s3:GetBucketMetadataTableConfiguration'], why: 'IAM name of the operation' },
  { package: S3, command: 'CreateBucketMetadataConfiguration', actions: ['s3:CreateBucketMetadataTableConfiguration'], why: 'IAM name of the operation' },
  // Batch APIs are authorized per entry by the single action.
  { package: '@aws-sdk/client-sqs', command: 'SendMessageBatch', actions: ['sqs:SendMessage'], why: 'batch calls are authorized by the single action' },
  { package: '@aws-sdk/client-sqs', command: 'DeleteMessageBatch', actions: ['sqs:DeleteMessage'], why: 'batch calls are authorized by the single action' },
  {
    package: '@aws-sdk/client-sqs',
    command: 'ChangeMessageVisibilityBatch',
    actions: ['sqs:ChangeMessageVisibility'],
    why: 'batch calls are authorized by the single action',
  },
  { package: '@aws-sdk/client-sns', command: 'PublishBatch', actions: ['sns:Publish'], why: 'batch calls are authorized by the single action' },
  {
    package: '@aws-sdk/client-kms',
    command: 'ReEncrypt',
    actions: ['kms:ReEncryptFrom', 'kms:ReEncryptTo'],
    why: 'decrypts under one key and encrypts under another',
  },
  { package: '@aws-sdk/client-lambda', command: 'Invoke', actions: ['lambda:InvokeFunction'], why: 'IAM name of the operation' },
  {
    package: '@aws-sdk/client-lambda',
    command: 'InvokeWithResponseStream',
    actions: ['lambda:InvokeFunction'],
    why: 'streaming invocation is authorized by lambda:InvokeFunction',
  },
  { package: '@aws-sdk/client-lambda', command: 'GetLayerVersionByArn', actions: ['lambda:GetLayerVersion'], why: 'IAM name of the operation' },
  {
    package: '@aws-sdk/client-bedrock-runtime',
    command: 'Converse',
    actions: ['bedrock:InvokeModel'],
    why: 'the Converse API is authorized by bedrock:InvokeModel',
  },
  {
    package: '@aws-sdk/client-bedrock-runtime',
    command: 'ConverseStream',
    actions: ['bedrock:InvokeModelWithResponseStream'],
    why: 'the streaming Converse API is authorized by bedrock:InvokeModelWithResponseStream',
  },
  {
    package: '@aws-sdk/client-bedrock-runtime',
    command: 'StartAsyncInvoke',
    actions: ['bedrock:InvokeModel'],
    why: 'asynchronous invocation is authorized by bedrock:InvokeModel',
  },
  { package: '@aws-sdk/client-sts', command: 'GetCallerIdentity', actions: [], why: 'needs no permission (an explicit Deny cannot block it)' },
  // DynamoDB: transactions and PartiQL are authorized by the item actions they perform.
  { package: DDB, command: 'TransactGetItems', actions: ['dynamodb:GetItem'], why: 'each item read is authorized by dynamodb:GetItem' },
  {
    package: DDB,
    command: 'TransactWriteItems',
    actions: TRANSACT_WRITE,
    refine: 'transact-items',
    why: 'each item write is authorized by its own item action',
  },
  {
    package: DDB,
    command: 'ExecuteStatement',
    actions: PARTIQL,
    refine: 'partiql',
    why: 'PartiQL statements are authorized by the PartiQL action of their verb',
  },
  {
    package: DDB,
    command: 'BatchExecuteStatement',
    actions: PARTIQL,
    refine: 'partiql',
    why: 'PartiQL statements are authorized by the PartiQL action of their verb',
  },
  {
    package: DDB,
    command: 'ExecuteTransaction',
    actions: PARTIQL,
    refine: 'partiql',
    why: 'PartiQL statements are authorized by the PartiQL action of their verb',
  },
  // lib-dynamodb DocumentClient commands wrap the low-level item operations.
  { package: DOC, command: 'Put', actions: ['dynamodb:PutItem'], why: 'DocumentClient put is PutItem' },
  { package: DOC, command: 'Get', actions: ['dynamodb:GetItem'], why: 'DocumentClient get is GetItem' },
  { package: DOC, command: 'Update', actions: ['dynamodb:UpdateItem'], why: 'DocumentClient update is UpdateItem' },
  { package: DOC, command: 'Delete', actions: ['dynamodb:DeleteItem'], why: 'DocumentClient delete is DeleteItem' },
  { package: DOC, command: 'Query', actions: ['dynamodb:Query'], why: 'DocumentClient query is Query' },
  { package: DOC, command: 'Scan', actions: ['dynamodb:Scan'], why: 'DocumentClient scan is Scan' },
  { package: DOC, command: 'BatchGet', actions: ['dynamodb:BatchGetItem'], why: 'DocumentClient batchGet is BatchGetItem' },
  { package: DOC, command: 'BatchWrite', actions: ['dynamodb:BatchWriteItem'], why: 'DocumentClient batchWrite is BatchWriteItem' },
  { package: DOC, command: 'TransactGet', actions: ['dynamodb:GetItem'], why: 'each item read is authorized by dynamodb:GetItem' },
  { package: DOC, command: 'TransactWrite', actions: TRANSACT_WRITE, refine: 'transact-items', why: 'each item write is authorized by its own item action' },
  {
    package: DOC,
    command: 'ExecuteStatement',
    actions: PARTIQL,
    refine: 'partiql',
    why: 'PartiQL statements are authorized by the PartiQL action of their verb',
  },
  {
    package: DOC,
    command: 'BatchExecuteStatement',
    actions: PARTIQL,
    refine: 'partiql',
    why: 'PartiQL statements are authorized by the PartiQL action of their verb',
  },
  {
    package: DOC,
    command: 'ExecuteTransaction',
    actions: PARTIQL,
    refine: 'partiql',
    why: 'PartiQL statements are authorized by the PartiQL action of their verb',
  },
  // lib-storage Upload: PutObject, or a multipart upload (also PutObject) aborted on failure.
  {
    package: '@aws-sdk/lib-storage',
    command: 'Upload',
    actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
    why: 'uploads with PutObject or a multipart upload (authorized by s3:PutObject) and aborts it on failure',
  },
];

/**
 * Clients whose IAM actions are HTTP verbs on resources rather than operation names: API
 * Gateway authorizes `apigateway:GET|POST|PUT|PATCH|DELETE` on the resource path.
 */
const VERB_CLIENTS: Readonly<Record<string, readonly { readonly prefix: string; readonly action: string }[]>> = {
  '@aws-sdk/client-apigatewayv2': [
    { prefix: 'Get', action: 'apigateway:GET' },
    { prefix: 'Export', action: 'apigateway:GET' },
    { prefix: 'Create', action: 'apigateway:POST' },
    { prefix: 'Import', action: 'apigateway:PUT' },
    { prefix: 'Reimport', action: 'apigateway:PUT' },
    { prefix: 'Put', action: 'apigateway:PUT' },
    { prefix: 'Update', action: 'apigateway:PATCH' },
    { prefix: 'Delete', action: 'apigateway:DELETE' },
    { prefix: 'Reset', action: 'apigateway:DELETE' },
    { prefix: 'TagResource', action: 'apigateway:POST' },
    { prefix: 'UntagResource', action: 'apigateway:DELETE' },
  ],
};

const BY_KEY = new Map(SDK_EXCEPTIONS.map((entry) => [`${entry.package} ${entry.command}`, entry]));

export function sdkException(pkg: string, command: string): SdkException | undefined {
  return BY_KEY.get(`${pkg} ${command}`);
}

export function verbAction(pkg: string, command: string): string | undefined {
  return own(VERB_CLIENTS, pkg)?.find((rule) => command.startsWith(rule.prefix))?.action;
}
