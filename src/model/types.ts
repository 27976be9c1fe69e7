import type { JsonValue } from './json.js';

/**
 * The model is the contract between inputs and everything else: every input form (cdktf synth
 * JSON, *.tf.json, plan JSON, HCL) becomes these types, so analyses and rules never know which
 * form they read.
 */

export const SERVICE_TYPES = ['function', 'orchestrator', 'microservice', 'gateway', 'pipeline', 'shared'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** Where a service type came from, in the order of precedence the architecture defines. */
export interface ServiceTypeAssignment {
  readonly type: ServiceType;
  readonly source: 'tag' | 'config' | 'inferred';
  /** Human explanation: `tag hybridguard:service-type=function`, `role assumed by lambda.amazonaws.com, used by aws_lambda_function.ingest`. */
  readonly reason: string;
}

/**
 * A value Terraform only knows at apply time (an id, an ARN, a `${...}` expression we cannot
 * evaluate). Never treat it as a pass: a rule that needs it must say it cannot decide.
 */
export class Unknown {
  readonly unknown = true as const;
  constructor(
    /** Why it is unknown: `known after apply`, or the expression text `${aws_iam_role.fn.arn}`. */
    readonly reason: string,
    /** Addresses (with attribute) the value is computed from, e.g. `aws_iam_role.fn.arn`. */
    readonly references: readonly string[] = [],
    /** The configuration leaves the attribute unset: the provider computes it (plan JSON), so it means what unset means. */
    readonly unset: boolean = false,
  ) {}
  toJSON(): string {
    return `(unknown: ${this.reason})`;
  }
}

export type Value = string | number | boolean | null | Unknown | readonly Value[] | { readonly [key: string]: Value };
export type Attributes = { readonly [key: string]: Value };

export interface Location {
  /** Input file, relative to the working directory (posix separators). */
  readonly file: string;
  /** Terraform address of the resource (`module.net.aws_subnet.private["a"]`). */
  readonly address?: string;
  /** cdktf construct path (`ai-platform/ingest/role`), from `//.metadata.path`. */
  readonly constructPath?: string;
  /** 1-based line in `file`, where known. */
  readonly line?: number;
  /** JSON pointer into `file` (`/resource/aws_iam_role/ingest_role`). */
  readonly jsonPointer?: string;
}

/**
 * A link from one resource's attribute to another resource (or data source). Built from
 * `${type.name.attr}` interpolations in synth JSON and HCL, and from
 * `configuration...expressions.*.references` in plan JSON, so it exists even when the value
 * itself is unknown until apply.
 */
export interface Reference {
  /** Attribute path in the referencing resource, numeric segments for list items: `vpc_config.0.subnet_ids.1`. */
  readonly attribute: string;
  /** Address of the referenced resource or data source (`aws_iam_role.fn`, `data.aws_iam_policy_document.x`). */
  readonly target: string;
  /** Attribute of the target that is read (`arn`, `id`, `json`), where given. */
  readonly targetAttribute?: string;
}

export interface Resource {
  /** Full Terraform address, unique in the graph (module path and index included; `stack:` prefix only when several cdktf stacks are read). */
  readonly address: string;
  readonly mode: 'managed' | 'data';
  /** `aws_iam_role` */
  readonly type: string;
  /** `ingest_role` */
  readonly name: string;
  /** `module.a.module.b`, empty for the root module. */
  readonly modulePath: string;
  /** cdktf stack name, when read from synth output. */
  readonly stack?: string;
  /** Attribute values; values unknown until apply are `Unknown`. Nested blocks are arrays of objects. */
  readonly values: Attributes;
  /** Outgoing references (see `Reference`). */
  readonly references: readonly Reference[];
  /** Merged `tags`/`tags_all` where literal. */
  readonly tags: Readonly<Record<string, string>>;
  readonly location: Location;
  /**
   * hybridguard annotations written by the constructs into the resource's `//` key
   * (`{"//": {"hybridguard": {"suppressions": [...]}}}`), kept verbatim.
   */
  readonly annotations?: { readonly [key: string]: JsonValue };
  /**
   * Set when the resource may not exist at all: its `count` / `for_each`, or its module call's, is
   * known only after apply. Says which expression (`count = var.create ? 1 : 0 ...`). Every finding
   * on such a resource is undecided.
   */
  readonly unknownExistence?: string;
  /** Service type, if the resource is (or belongs to) a service. Set by model/service-types. */
  serviceType?: ServiceTypeAssignment;
}

/** One file that was read, for reporters (SARIF artifacts) and for pointing at lines. */
export interface InputFile {
  readonly path: string;
  readonly format: 'cdktf-synth' | 'terraform-json' | 'plan-json' | 'hcl';
  readonly stack?: string;
}

/**
 * A module call whose source could not be read (a registry or git module that was not
 * downloaded, a local folder that does not exist): its resources are missing from the graph.
 */
export interface UnreadModule {
  /** Module address of the call: `module.vpc`, `module.app.module.db` (with `stack:` prefix when several units are read). */
  readonly address: string;
  /** The `source` argument as written, empty when the call has none. */
  readonly source: string;
  readonly version?: string;
  /** Why it was not read, one phrase: `registry module not downloaded (no .terraform/modules/modules.json)`. */
  readonly reason: string;
  /** What reads it: `init` (terraform init downloads it) or `path` (fix the local path). */
  readonly fix: 'init' | 'path';
  /** The module block: file, line, address. */
  readonly location: Location;
}
