import type { JsonValue } from './json.js';
import type { Location, ServiceType } from './types.js';

export type Severity = 'error' | 'warning' | 'note';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note'];
export const severityRank = (s: Severity): number => (s === 'error' ? 3 : s === 'warning' ? 2 : 1);

/**
 * One link in the chain that proves a finding: the statement that grants an action, a hop of a
 * network path, the attribute that opens a port, the call site in handler code.
 */
export interface Evidence {
  /** `statement` | `path-hop` | `attribute` | `call` | `import` | `service-type` | ... */
  readonly kind: string;
  /** One human sentence: `statement 0 of aws_iam_role_policy.ingest allows sagemaker:*`. */
  readonly message: string;
  readonly location?: Location;
  /** Structured detail for JSON/SARIF consumers (the statement, the hop, the ports). */
  readonly data?: JsonValue;
}

export interface Finding {
  /** Policy id, stable (`HG-IAM-001`). */
  readonly ruleId: string;
  /** Policy long name, stable (`no-gpu-in-functions`). */
  readonly ruleName: string;
  readonly severity: Severity;
  /** What is wrong. */
  readonly message: string;
  /** Why it matters. */
  readonly rationale: string;
  /** How to fix it. */
  readonly remediation: string;
  readonly serviceType?: ServiceType;
  /** Why the resource has that service type (tag, config or inference, with detail). */
  readonly serviceTypeReason?: string;
  readonly location: Location;
  /** Never empty: a finding without evidence is a bug (the engine asserts it). */
  readonly evidence: readonly Evidence[];
  /**
   * The part of the finding a suppression can target on its own (one action of one role:
   * `sagemaker:CreateTrainingJob`). Findings of one rule on one resource differ by it.
   */
  readonly subject?: string;
  /**
   * The rule could not decide because a value is unknown until apply (an ARN, an id). Reported
   * (SARIF `kind: review`), never silently passed, but it does not fail the gate by itself.
   */
  readonly undecided?: boolean;
  /** Stable identity for baselines: ruleId + address (or file) + subject. Set by the engine. */
  readonly fingerprint: string;
}

/** What a check returns; the engine adds policy metadata (id, name, severity, texts) and the fingerprint. */
export type FindingDraft = Omit<Finding, 'ruleId' | 'ruleName' | 'severity' | 'rationale' | 'remediation' | 'fingerprint'> & {
  /** Override the policy's remediation with a more specific one. */
  readonly remediation?: string;
};

export interface SuppressionInfo {
  readonly reason: string;
  readonly owner?: string;
  /** ISO date (YYYY-MM-DD). */
  readonly expires?: string;
  /** `suppressions.yaml:12` or `construct ai-platform/ingest/role`. */
  readonly source: string;
}

export interface Result extends Finding {
  /** Present when a valid suppression matched: reported as suppressed, never dropped. */
  readonly suppression?: SuppressionInfo;
  /** With `--baseline`: `true` if the finding is not in the baseline. */
  readonly isNew?: boolean;
}

/** Metadata of every policy that ran, so reporters can describe rules (SARIF `tool.driver.rules`). */
export interface RuleDescriptor {
  /** Stable short id (`HG-IAM-001`). */
  readonly id: string;
  /** Stable long name (`no-gpu-in-functions`). */
  readonly name: string;
  readonly severity: Severity;
  readonly description: string;
  readonly rationale: string;
  readonly remediation: string;
  readonly helpUri?: string;
  readonly serviceTypes: readonly ServiceType[];
}

export interface RunResults {
  readonly tool: { readonly name: 'hybridguard'; readonly version: string };
  readonly rules: readonly RuleDescriptor[];
  /** Sorted deterministically (severity, file, line, address, rule, subject). */
  readonly results: readonly Result[];
  /** Files read, relative paths, sorted. */
  readonly inputs: readonly string[];
  readonly baseline?: { readonly file: string; readonly fixed: number };
}
