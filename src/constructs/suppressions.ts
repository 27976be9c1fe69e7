import type { IConstruct } from 'constructs';
import { TerraformResource } from 'cdktf';

/**
 * A suppression attached to a construct, with a reason (mandatory, as in suppression files).
 * Written into each resource's `//` key, which Terraform ignores and hybridguard reads:
 * `{"//": {"hybridguard": {"suppressions": [...]}}}`.
 */
export interface ConstructSuppression {
  /** Policy id or name (`HG-IAM-001`, `no-gpu-in-functions`). */
  readonly rule: string;
  /** One part of a finding (an action: `sagemaker:CreateTrainingJob`). */
  readonly subject?: string;
  /** Why, at least 10 characters. */
  readonly reason: string;
  readonly owner?: string;
  /** YYYY-MM-DD; after it the suppression is itself a finding. */
  readonly expires?: string;
}

export const SUPPRESSIONS_OVERRIDE = '//.hybridguard.suppressions';

const attached = new WeakMap<TerraformResource, ConstructSuppression[]>();

/**
 * Suppress `rule` on `scope`: the resource itself, or every resource under a higher-level
 * construct (a `HybridFunction` suppresses on its role, function, log group...). Returns the
 * resources it was attached to.
 */
export function suppress(scope: IConstruct, suppression: ConstructSuppression): TerraformResource[] {
  if (suppression.reason.trim().length < 10) {
    throw new Error(`suppression of ${suppression.rule} on ${scope.node.path} needs a reason of at least 10 characters`);
  }
  if (suppression.expires !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(suppression.expires)) {
    throw new Error(`suppression of ${suppression.rule} on ${scope.node.path}: expires must be YYYY-MM-DD (got "${suppression.expires}")`);
  }
  const resources = scope.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c));
  for (const resource of resources) {
    const list = attached.get(resource) ?? [];
    list.push({ ...suppression });
    attached.set(resource, list);
    // The override replaces the whole array, so it is rewritten with every suppression so far.
    resource.addOverride(SUPPRESSIONS_OVERRIDE, list.map((s) => ({ ...s })));
  }
  return resources;
}
