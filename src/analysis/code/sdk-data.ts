/** The shape of the generated SDK client table (sdk-actions.generated.ts), apart so the table and its reader do not import each other. */
/** One installed SDK client package, as scripts/gen-sdk-actions.ts records it. */
export interface SdkClientData {
  readonly package: string;
  readonly version: string;
  /** `S3Client` (bare client: `client.send(new XCommand(...))`). */
  readonly clientClass: string;
  /** `S3` (aggregated client: `s3.getObject(...)`; also the v2 class name). */
  readonly aggregateClass: string;
  /** SigV4 signing name = IAM service prefix. */
  readonly signingName: string;
  /** Command names without `Command`, space separated. */
  readonly commands: string;
  /** Command -> IAM action name where only the case differs. */
  readonly actionNames?: Readonly<Record<string, string>>;
  /** Commands with no IAM action of their name and no reviewed exception, space separated. */
  readonly unmapped: string;
}
