/** The shapes of the generated botocore tables (boto3.generated.ts), apart so the tables and their reader do not import each other. */
/** One botocore service, as scripts/gen-boto3-services.py records it. */
export interface Boto3ServiceData {
  /** boto3's name: `s3`, `sagemaker-runtime`, `stepfunctions`. */
  readonly name: string;
  /** `SageMaker Runtime`: names the AWS SDK v3 package (`@aws-sdk/client-sagemaker-runtime`). */
  readonly serviceId: string;
  /** SigV4 signing name = IAM prefix. */
  readonly signingName: string;
  /** Operation names (PascalCase), space separated. */
  readonly operations: string;
  /** Waiter name -> the operation it polls. */
  readonly waiters?: Readonly<Record<string, string>>;
}

/** Request parameters filled from a resource's identifiers: request parameter -> identifier name. */
export type Boto3Params = Readonly<Record<string, string>>;

export interface Boto3ResourceShape {
  readonly identifiers?: readonly string[];
  readonly load?: { readonly op: string; readonly params: Boto3Params };
  readonly actions?: Readonly<Record<string, { readonly op: string; readonly params: Boto3Params; readonly returns?: string }>>;
  readonly batchActions?: Readonly<Record<string, { readonly op: string }>>;
  /** Sub-resources (`Bucket.Object(key)`): identifiers from the parent (`identifier`) or the call's arguments (`input`). */
  readonly has?: Readonly<Record<string, { readonly type: string; readonly ids: readonly { readonly source: string; readonly name?: string }[] }>>;
  /** Collections (`bucket.objects`): the listing operation and the item type. */
  readonly hasMany?: Readonly<Record<string, { readonly op: string; readonly params: Boto3Params; readonly type: string }>>;
  readonly waiters?: Readonly<Record<string, { readonly waiter: string; readonly params: Boto3Params }>>;
}

export interface Boto3ResourceModel {
  readonly service: Boto3ResourceShape;
  readonly resources: Readonly<Record<string, Boto3ResourceShape>>;
}
