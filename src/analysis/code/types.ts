import type { ServiceType } from '../../model/types.js';

/** One AWS SDK call site in handler code. */
export interface CodeCall {
  /** IAM actions the call needs (empty when `unresolved`, or when the operation needs none). */
  readonly action: readonly string[];
  /** Source file, relative to the code root (posix). */
  readonly file: string;
  /** 1-based line and column of the call (`new XCommand(` or `client.method(`). */
  readonly line: number;
  readonly column: number;
  /** Files from the handler's entry to `file`, entry first, `file` last. */
  readonly chain: readonly string[];
  /** Resource ARNs the call targets, where a literal name or ARN is visible in its input. */
  readonly resourceArns?: readonly string[];
  /** ARNs per action (an S3 object action and a bucket action of one call differ). */
  readonly scopes?: Readonly<Record<string, readonly string[]>>;
  /** What the code does: `new GetObjectCommand() (@aws-sdk/client-s3)`, `s3.getObject() (aws-sdk v2 S3)`. */
  readonly sdkCall: string;
  /** Why these actions (the mapping rule or the reviewed exception). */
  readonly why: string;
  /** Set when no IAM action could be determined; the reason. */
  readonly unresolved?: string;
  /**
   * Set when the code computes the service or the operation at run time (`boto3.client(name)`,
   * `getattr(client, op)`): what is computed and the expression. Such a call is undecided, never silent.
   */
  readonly computed?: { readonly what: 'service' | 'operation'; readonly expression: string };
  /** IAM service prefix of the client (`s3`), also for unresolved calls. */
  readonly service?: string;
  /** Literal string values visible in the call's input, at any depth, by property name (for request-context checks). */
  readonly inputValues?: Readonly<Record<string, readonly string[]>>;
}

/** One runtime import (static, `export from`, `require`, dynamic `import()`) in the handler's code. */
export interface CodeImport {
  /** As written: `@aws-sdk/client-sagemaker`, `./helpers/registry.js`. */
  readonly specifier: string;
  /** The local file it resolves to (root-relative), for project files. */
  readonly resolved?: string;
  /** True for a relative or aliased specifier that names no file. */
  readonly unresolved?: boolean;
  readonly kind: 'import' | 'export-from' | 'require' | 'dynamic-import';
  /** Set for a Python import (`import sagemaker.estimator`, `from .util import x`): the specifier is dotted. */
  readonly language?: 'python';
  /** File that contains the import, root-relative. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Files from the handler's entry to `file`. */
  readonly chain: readonly string[];
}

/** Where a handler's source came from, for messages and errors. */
export interface HandlerSource {
  /** `terraform`: found from the function's own Terraform (handler, archive_file, filename), without a tag. */
  readonly kind: 'tag' | 'config-sources' | 'config-services' | 'terraform';
  /** `tag hybridguard:source = src/ingest/handler.ts`, `config sources["aws_lambda_function.x"]`. */
  readonly detail: string;
}

/** The code one deployed resource runs. */
export interface HandlerFacts {
  /** Terraform address of the Lambda function or container service. */
  readonly resourceAddress: string;
  readonly resourceType: string;
  readonly serviceType?: ServiceType;
  readonly serviceTypeReason?: string;
  /** The IAM role the code runs as (Lambda `role`, ECS task role), where the graph links one. */
  readonly roleAddress?: string;
  /** Entry file (or, for a container service, its code folder), root-relative. */
  readonly entry: string;
  readonly source: HandlerSource;
  /** Every project file the handler's code reaches, sorted. */
  readonly files: readonly string[];
  readonly calls: readonly CodeCall[];
  readonly imports: readonly CodeImport[];
}

export interface CodeFacts {
  /** Absolute code root (`--code DIR`). */
  readonly root: string;
  readonly handlers: readonly HandlerFacts[];
  /** Handler facts by resource address. */
  handler(address: string): HandlerFacts | undefined;
  /** A root-relative path as findings show it (relative to the working directory). */
  displayPath(file: string): string;
  /** Number of distinct files parsed (each once). */
  readonly parsedFiles: number;
}
