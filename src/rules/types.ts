import type { IamCatalog } from '../model/catalog.js';
import type { FindingDraft } from '../model/findings.js';
import type { ResourceGraph } from '../model/graph.js';
import type { JsonValue } from '../model/json.js';
import type { Capability, Policy, ProjectConfig } from '../model/policy.js';
import type { IamFacts } from '../analysis/iam/index.js';
import type { NetworkFacts } from '../analysis/network/index.js';
import type { CodeFacts } from '../analysis/code/index.js';

/**
 * Everything rules may read. Each analysis runs at most once, on first use, so a policy set
 * without network rules never builds exposure paths.
 */
export interface Facts {
  readonly graph: ResourceGraph;
  readonly catalog: IamCatalog;
  readonly capabilities: ReadonlyMap<string, Capability>;
  readonly config: ProjectConfig;
  iam(): IamFacts;
  network(): NetworkFacts;
  /** Undefined when no code root was given (`--code`). */
  code(): CodeFacts | undefined;
}

/**
 * A check: the code behind a family of policies. One check per file, file name = check name.
 * `run` is pure: no I/O, no colour, no `process`. Policies (YAML) pick a check and give it
 * parameters; the schema of those parameters is part of the policy schema.
 */
export interface Check {
  /** kebab-case, equal to the file name and to the `assert` key in policy files (`denied-capabilities`). */
  readonly name: string;
  /** One sentence for docs and schema descriptions. */
  readonly description: string;
  /** JSON Schema of the parameters (`additionalProperties: false`, a description on every field). */
  readonly paramsSchema: { readonly [key: string]: JsonValue };
  /**
   * Meaning checks beyond the schema (a capability that does not exist). Returns problems as
   * `{ field, message }` with `field` relative to the params object.
   */
  readonly validate?: (params: { readonly [key: string]: JsonValue }, context: ValidationContext) => readonly { field: string; message: string }[];
  run(facts: Facts, policy: Policy): readonly FindingDraft[];
}

export interface ValidationContext {
  readonly capabilityNames: ReadonlySet<string>;
  /** True if the pattern matches at least one action of the IAM catalog. */
  matchesAnyAction(pattern: string): boolean;
}
