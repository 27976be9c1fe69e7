/**
 * Grants are declared as intent (`read('datasets', 'raw/')`) and become exact IAM actions on
 * exact ARNs. They are plain data so the app config can declare them without importing cdktf;
 * `grantStatements` turns them into statements once the platform knows the ARNs.
 */
export type Grant =
  | { readonly kind: 'read'; readonly bucket: string; readonly prefix: string }
  | { readonly kind: 'write'; readonly bucket: string; readonly prefix: string }
  | { readonly kind: 'publish'; readonly topic: string }
  | { readonly kind: 'consume'; readonly queue: string }
  | { readonly kind: 'send'; readonly queue: string }
  | { readonly kind: 'readTable'; readonly table: string }
  | { readonly kind: 'writeTable'; readonly table: string }
  | { readonly kind: 'invokeEndpoint'; readonly endpoint: string }
  | {
      readonly kind: 'startTrainingJob';
      /** Name of the training role (declared in the platform config) the jobs run as. */
      readonly trainingRole: string;
      /** Training job names start with this prefix; the grant covers only those jobs. */
      readonly jobPrefix: string;
      /** Instance types the orchestrator may request (`sagemaker:InstanceTypes`). */
      readonly instanceTypes: readonly string[];
    };

export const read = (bucket: string, prefix = ''): Grant => ({ kind: 'read', bucket, prefix });
export const write = (bucket: string, prefix = ''): Grant => ({ kind: 'write', bucket, prefix });
export const publish = (topic: string): Grant => ({ kind: 'publish', topic });
export const consume = (queue: string): Grant => ({ kind: 'consume', queue });
export const send = (queue: string): Grant => ({ kind: 'send', queue });
export const readTable = (table: string): Grant => ({ kind: 'readTable', table });
export const writeTable = (table: string): Grant => ({ kind: 'writeTable', table });
export const invokeEndpoint = (endpoint: string): Grant => ({ kind: 'invokeEndpoint', endpoint });
export const startTrainingJob = (options: { trainingRole: string; jobPrefix: string; instanceTypes: readonly string[] }): Grant => ({
  kind: 'startTrainingJob',
  ...options,
});

/** One IAM policy statement as it appears in the synthesized JSON. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** Resolves the names grants use to ARNs (tokens for resources the stack creates). */
export interface GrantTargets {
  readonly partition: string;
  bucketArn(name: string): string;
  topicArn(name: string): string;
  queueArn(name: string): string;
  tableArn(name: string): string;
  endpointArn(name: string): string;
  trainingJobArn(prefix: string): string;
  roleArn(name: string): string;
}

const sidOf = (grant: Grant, index: number): string => `${grant.kind.charAt(0).toUpperCase()}${grant.kind.slice(1)}${index}`;

/** Exact statements for the grants, in declaration order. */
export function grantStatements(grants: readonly Grant[], targets: GrantTargets): Statement[] {
  const out: Statement[] = [];
  grants.forEach((grant, i) => {
    const sid = sidOf(grant, i);
    switch (grant.kind) {
      case 'read': {
        const bucket = targets.bucketArn(grant.bucket);
        out.push({ Sid: sid, Effect: 'Allow', Action: ['s3:GetObject'], Resource: `${bucket}/${grant.prefix}*` });
        // Listing is scoped to the same prefix with the s3:prefix condition key.
        out.push({
          Sid: `${sid}List`,
          Effect: 'Allow',
          Action: ['s3:ListBucket'],
          Resource: bucket,
          ...(grant.prefix ? { Condition: { StringLike: { 's3:prefix': [`${grant.prefix}*`] } } } : {}),
        });
        break;
      }
      case 'write':
        out.push({
          Sid: sid,
          Effect: 'Allow',
          Action: ['s3:AbortMultipartUpload', 's3:PutObject'],
          Resource: `${targets.bucketArn(grant.bucket)}/${grant.prefix}*`,
        });
        break;
      case 'publish':
        out.push({ Sid: sid, Effect: 'Allow', Action: ['sns:Publish'], Resource: targets.topicArn(grant.topic) });
        break;
      case 'consume':
        out.push({
          Sid: sid,
          Effect: 'Allow',
          Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
          Resource: targets.queueArn(grant.queue),
        });
        break;
      case 'send':
        out.push({ Sid: sid, Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: targets.queueArn(grant.queue) });
        break;
      case 'readTable': {
        const table = targets.tableArn(grant.table);
        out.push({
          Sid: sid,
          Effect: 'Allow',
          Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
          Resource: [table, `${table}/index/*`],
        });
        break;
      }
      case 'writeTable':
        out.push({
          Sid: sid,
          Effect: 'Allow',
          Action: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          Resource: targets.tableArn(grant.table),
        });
        break;
      case 'invokeEndpoint':
        out.push({ Sid: sid, Effect: 'Allow', Action: ['sagemaker:InvokeEndpoint'], Resource: targets.endpointArn(grant.endpoint) });
        break;
      case 'startTrainingJob':
        out.push({
          Sid: sid,
          Effect: 'Allow',
          Action: ['sagemaker:CreateTrainingJob'],
          Resource: targets.trainingJobArn(grant.jobPrefix),
          // Only the instance types the platform team approved for this orchestrator.
          Condition: { 'ForAllValues:StringEquals': { 'sagemaker:InstanceTypes': [...grant.instanceTypes] } },
        });
        out.push({
          Sid: `${sid}Manage`,
          Effect: 'Allow',
          Action: ['sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'],
          Resource: targets.trainingJobArn(grant.jobPrefix),
        });
        // The job runs as the training role: pass exactly that role, and only to SageMaker.
        out.push({
          Sid: `${sid}PassRole`,
          Effect: 'Allow',
          Action: ['iam:PassRole'],
          Resource: targets.roleArn(grant.trainingRole),
          Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        });
        break;
    }
  });
  return out;
}
