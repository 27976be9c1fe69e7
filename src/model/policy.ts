import type { JsonValue } from './json.js';
import type { ServiceType } from './types.js';
import type { RuleDescriptor, Severity } from './findings.js';

/** Where a policy element was declared, so meaning errors and `policies explain` can point at it. */
export interface DeclaredAt {
  readonly file: string;
  readonly line?: number;
}

/**
 * A capability: a named set of IAM grants (`gpu-compute`, `model-registry`). A principal holds it
 * when its effective permissions allow any grant's action for a request whose context carries
 * one of the grant's `requestContext` values (so `ec2:RunInstances` limited by a condition to
 * `t3.*` does not hold `gpu-compute`, and an unconditioned one does).
 */
export interface Capability {
  readonly name: string;
  readonly description: string;
  readonly grants: readonly CapabilityGrant[];
  readonly declaredAt: DeclaredAt;
}

export interface CapabilityGrant {
  /** IAM action patterns (case-insensitive globs), each matching at least one real action. */
  readonly actions: readonly string[];
  /** Request context values that make the grant count, e.g. `{ "ec2:InstanceType": ["p4d.24xlarge", "g5.xlarge"] }`. */
  readonly requestContext?: Readonly<Record<string, readonly string[]>>;
  /** Resource ARN the request targets, when only some resources matter (`iam:PassRole` on `*`). */
  readonly resource?: string;
  /**
   * Resource ARN patterns on which the grant never counts, because AWS refuses the action there
   * whatever the policies allow (IAM rejects policy edits of service-linked roles, role/aws-service-role/...).
   */
  readonly notResource?: readonly string[];
}

/**
 * A normalized policy: one user-facing rule (its id, name, severity, texts and service types; an
 * empty `serviceTypes` means every resource the check looks at) with its check and parameters.
 */
export interface Policy extends RuleDescriptor {
  /** The check that implements it (`denied-capabilities`), and its validated parameters. */
  readonly check: string;
  readonly params: { readonly [key: string]: JsonValue };
  readonly declaredAt: DeclaredAt;
}

export interface Suppression {
  /** Policy id or name it silences. */
  readonly rule: string;
  /** Terraform address (glob `*` allowed) or construct path it applies to; absent = every resource. */
  readonly address?: string;
  /** Narrows to one part of a finding (one action of one role: `sagemaker:CreateModelPackage`). */
  readonly subject?: string;
  /** Mandatory, at least 10 characters. */
  readonly reason: string;
  readonly owner?: string;
  /** ISO date; after it the suppression is itself a finding. */
  readonly expires?: string;
  readonly declaredAt: DeclaredAt;
}

/** `hybridguard.config.yaml|json`, normalized. */
export interface ProjectConfig {
  /** Service type per resource address (glob) when tags do not say. */
  readonly serviceTypes: Readonly<Record<string, ServiceType>>;
  /** Handler source per Lambda function address (path relative to the project root). */
  readonly sources: Readonly<Record<string, string>>;
  /** Container services: ECS service / task definition address -> code folder. */
  readonly services: Readonly<Record<string, string>>;
  /** Extra policy files or folders. */
  readonly policies: readonly string[];
  readonly suppressions: readonly Suppression[];
  readonly failOn?: Severity;
  readonly declaredAt?: DeclaredAt;
}

export const EMPTY_CONFIG: ProjectConfig = { serviceTypes: {}, sources: {}, services: {}, policies: [], suppressions: [] };

/** The expected findings of a rule fixture (`expected.json`), read by inputs/ and shown by the docs. */
export interface ExpectedFinding {
  readonly ruleId: string;
  readonly address: string;
  readonly subject?: string;
}

/** One fixture case: `fixtures/rules/<policy>/<fail|pass>-<case>/`. */
export interface FixtureCase {
  /** Folder name, `fail-passthrough`. */
  readonly name: string;
  /** Path of the input file, relative to the repository root (`fixtures/rules/x/fail-y/main.tf.json`). */
  readonly inputPath: string;
  readonly inputText: string;
  readonly expected: readonly ExpectedFinding[];
}

export interface PolicyFixtures {
  readonly fail: readonly FixtureCase[];
  readonly pass: readonly FixtureCase[];
}
