import type { IamCatalog } from '../../model/catalog.js';
import { SDK_CLIENTS } from './sdk-actions.generated.js';
import { sdkException, type SdkException } from './sdk-exceptions.js';
import { own } from '../../model/dict.js';
import type { SdkClientData } from './sdk-data.js';

export interface SdkClient {
  readonly data: SdkClientData;
  /** lower-case command name -> command name. */
  readonly commands: ReadonlyMap<string, string>;
  readonly unmapped: ReadonlySet<string>;
}

/** The IAM actions one SDK operation needs. */
export interface ActionMapping {
  readonly actions: readonly string[];
  /** False when no action could be determined (unknown command, unmapped operation). */
  readonly resolved: boolean;
  /** Where the mapping comes from, for explanations. */
  readonly why: string;
  readonly refine?: SdkException['refine'];
}

const CLIENTS = new Map<string, SdkClient>();
const BY_CLASS = new Map<string, SdkClient>();
for (const data of SDK_CLIENTS) {
  const client: SdkClient = {
    data,
    commands: new Map(data.commands.split(' ').filter(Boolean).map((c) => [c.toLowerCase(), c])),
    unmapped: new Set(data.unmapped.split(' ').filter(Boolean)),
  };
  CLIENTS.set(data.package, client);
  BY_CLASS.set(data.aggregateClass.toLowerCase(), client);
}
// v2 class names that differ from the v3 aggregated class names.
const V2_ALIASES: Readonly<Record<string, string>> = { elbv2: 'elasticloadbalancingv2', cloudwatchevents: 'eventbridge' };

export const DOCUMENT_PACKAGE = '@aws-sdk/lib-dynamodb';
export const STORAGE_PACKAGE = '@aws-sdk/lib-storage';

export function sdkClient(pkg: string): SdkClient | undefined {
  return CLIENTS.get(pkg);
}

/** v3 client for a v2 class name (`S3`, `SageMakerRuntime`, `ELBv2`) or `aws-sdk/clients/<name>` file name. */
export function clientForV2Class(name: string): SdkClient | undefined {
  const lower = name.toLowerCase();
  return BY_CLASS.get(own(V2_ALIASES, lower) ?? lower);
}

/** `getObject` -> `GetObject`, using the client's own spelling (`listObjectsV2` -> `ListObjectsV2`). */
export function commandForMethod(client: SdkClient | undefined, method: string): string | undefined {
  if (!client) return method.length > 0 ? method[0]!.toUpperCase() + method.slice(1) : undefined;
  return client.commands.get(method.toLowerCase());
}

export function isSdkPackage(specifier: string): boolean {
  return specifier.startsWith('@aws-sdk/client-') || specifier === DOCUMENT_PACKAGE || specifier === STORAGE_PACKAGE;
}

/**
 * IAM actions of one operation: the reviewed exception, else the verb rule, else the generated
 * `prefix:Command` mapping. For a client that is not installed, `prefix:Command` is accepted
 * only when the IAM catalog knows it under a prefix spelled like the package name.
 */
export function actionsForCommand(pkg: string, command: string, catalog: IamCatalog): ActionMapping {
  const exception = sdkException(pkg, command);
  if (exception) {
    return { actions: exception.actions, resolved: true, why: exception.why, ...(exception.refine ? { refine: exception.refine } : {}) };
  }
  const client = CLIENTS.get(pkg);
  if (client) {
    if (!client.commands.has(command.toLowerCase())) {
      return { actions: [], resolved: false, why: `${pkg}@${client.data.version} has no ${command}Command` };
    }
    if (client.unmapped.has(command)) {
      return { actions: [], resolved: false, why: `no IAM action ${client.data.signingName}:${command} and no reviewed mapping` };
    }
    const name = client.data.actionNames?.[command] ?? command;
    return { actions: [`${client.data.signingName}:${name}`], resolved: true, why: `${pkg} signs as ${client.data.signingName}` };
  }
  const base = pkg.replace(/^@aws-sdk\/client-/, '');
  for (const prefix of [base, base.replaceAll('-', ''), base.split('-')[0] ?? base]) {
    const action = catalog.action(`${prefix}:${command}`);
    if (action) return { actions: [action.action], resolved: true, why: `${pkg} is not installed; assumed prefix ${prefix}` };
  }
  return { actions: [], resolved: false, why: `${pkg} is not installed and ${base}:${command} is no IAM action` };
}

/** DocumentClient (v2 `AWS.DynamoDB.DocumentClient`, v3 `DynamoDBDocument`) method names -> lib-dynamodb commands. */
export function documentCommandForMethod(method: string): string | undefined {
  const client = CLIENTS.get(DOCUMENT_PACKAGE);
  return client?.commands.get(method.toLowerCase());
}
