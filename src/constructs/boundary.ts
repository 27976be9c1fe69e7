import type { ServiceType } from '../model/types.js';
import type { Capability, Policy } from '../model/policy.js';
import type { Statement } from './grants.js';

/**
 * The capabilities and policies a boundary is generated from: the same objects the linter
 * loads (`loadPolicySet`), so the boundary and the linter cannot disagree about what a service
 * type may hold.
 */
export interface PolicyPack {
  readonly policies: readonly Policy[];
  readonly capabilities: ReadonlyMap<string, Capability>;
}

/** The check whose policies forbid capabilities to service types (see `policies/*.yaml`). */
export const DENIED_CAPABILITIES_CHECK = 'denied-capabilities';

/** AWS limit on a managed policy document (characters, whitespace excluded). */
export const MANAGED_POLICY_LIMIT = 6144;

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Statement[];
}

/** A capability a type may not hold, with the policies that say so (for docs and comments). */
export interface DeniedCapability {
  readonly capability: Capability;
  readonly policies: readonly string[];
}

/**
 * Capabilities forbidden to `type` by the pack's `denied-capabilities` policies, in name order.
 * A policy with no service types applies to every type.
 */
export function deniedCapabilities(type: ServiceType, pack: PolicyPack): DeniedCapability[] {
  const byName = new Map<string, string[]>();
  for (const policy of pack.policies) {
    if (policy.check !== DENIED_CAPABILITIES_CHECK) continue;
    if (policy.serviceTypes.length > 0 && !policy.serviceTypes.includes(type)) continue;
    const names = policy.params['capabilities'];
    if (!Array.isArray(names)) continue;
    for (const name of names) {
      if (typeof name !== 'string') continue;
      const list = byName.get(name) ?? [];
      list.push(policy.id);
      byName.set(name, list);
    }
  }
  return [...byName.keys()].sort().map((name) => {
    const capability = pack.capabilities.get(name);
    // The policy loader refuses unknown capability names; reaching this is a bug upstream.
    if (!capability) throw new Error(`policy ${byName.get(name)?.join(', ')} denies unknown capability "${name}"`);
    return { capability, policies: byName.get(name) ?? [] };
  });
}

const pascal = (name: string): string =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/**
 * The permissions boundary of a service type: allow everything, then deny each grant of each
 * forbidden capability exactly as the capability defines it. A grant that only counts for some
 * request values (GPU instance types) is denied only for those values, one statement per
 * context key, because the linter counts a grant when ANY of its context values is requested.
 */
export function boundaryDocument(type: ServiceType, pack: PolicyPack): PolicyDocument {
  const statements: Statement[] = [{ Sid: 'AllowWithinBoundary', Effect: 'Allow', Action: '*', Resource: '*' }];
  for (const { capability } of deniedCapabilities(type, pack)) {
    capability.grants.forEach((grant, g) => {
      // A grant with `resource` counts only when the identity policy allows it on that broad
      // pattern (iam:PassRole on every role). IAM evaluates a Deny per requested resource, so it
      // cannot tell "allowed on *" from "allowed on the one training role": denying it would
      // deny the scoped grant too. The linter alone enforces these (see boundaryGaps).
      if (grant.resource !== undefined) return;
      const base = `Deny${pascal(capability.name)}${g}`;
      const actions = [...grant.actions];
      const resource = '*';
      const context = Object.entries(grant.requestContext ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (context.length === 0) {
        statements.push({ Sid: base, Effect: 'Deny', Action: actions, Resource: resource });
        return;
      }
      for (const [key, values] of context) {
        statements.push({
          Sid: `${base}${pascal(key)}`,
          Effect: 'Deny',
          Action: actions,
          Resource: resource,
          // StringLike without wildcards is an exact match; ForAnyValue covers multi-valued keys
          // (sagemaker:InstanceTypes) and single-valued ones (ec2:InstanceType) alike.
          Condition: { 'ForAnyValue:StringLike': { [key]: [...values] } },
        });
      }
    });
  }
  const document: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  const size = JSON.stringify(document).replace(/\s/g, '').length;
  if (size > MANAGED_POLICY_LIMIT) {
    throw new Error(
      `the permissions boundary for service type "${type}" is ${size} characters, over the ${MANAGED_POLICY_LIMIT}-character limit of a managed policy; use ` +
        `wildcard action patterns in the capabilities it denies`,
    );
  }
  return document;
}

/** Grants of denied capabilities a boundary cannot express (they depend on how broad the identity grant is): the linter's job alone. */
export function boundaryGaps(type: ServiceType, pack: PolicyPack): { capability: string; actions: readonly string[]; resource: string }[] {
  return deniedCapabilities(type, pack).flatMap(({ capability }) =>
    capability.grants.filter((g) => g.resource !== undefined).map((g) => ({ capability: capability.name, actions: g.actions, resource: g.resource as string })),
  );
}
