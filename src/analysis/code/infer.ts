import type { IamCatalog } from '../../model/catalog.js';
import type { JsonValue } from '../../model/json.js';
import type { SourceHost } from '../../model/source-host.js';
import { inputError } from '../../errors.js';
import { CodeProject, displayPathOf } from './project.js';
import { joinPath } from './resolve.js';
import type { CodeCall } from './types.js';

/** One statement of an inferred policy, with why each action and resource is there. */
export interface InferredStatement {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** The calls that need these actions (`src/ingest.ts:14 new GetObjectCommand() (@aws-sdk/client-s3)`). */
  readonly calls: readonly {
    readonly action: string;
    readonly file: string;
    readonly line: number;
    readonly sdkCall: string;
    readonly chain: readonly string[];
  }[];
  /** One paragraph: what it allows, why, and why `*` where it is `*`. */
  readonly explanation: string;
}

export interface InferredPolicy {
  /** The IAM policy document (`Version`, `Statement`). */
  readonly document: { readonly Version: '2012-10-17'; readonly Statement: readonly { readonly [key: string]: JsonValue }[] };
  readonly statements: readonly InferredStatement[];
  /** One explanation per statement, in statement order (for `--format text`). */
  readonly explanations: readonly string[];
  /** Calls no action could be found for, and calls that need no permission. */
  readonly notes: readonly string[];
  /** Every call the code makes (with its chain), for JSON consumers. */
  readonly calls: readonly CodeCall[];
  /** Files the code reaches. */
  readonly files: readonly string[];
}

/**
 * The least-privilege policy a set of calls needs: one statement per service and resource set,
 * scoped to the ARNs visible in the code, `*` otherwise (and the explanation says why). Pure.
 * `display` maps root-relative files to what the user sees.
 */
function inferPolicy(calls: readonly CodeCall[], catalog: IamCatalog, display: (file: string) => string = (f) => f): Omit<InferredPolicy, 'calls' | 'files'> {
  const notes: string[] = [];
  interface Need {
    resources: Set<string>;
    unscoped: { file: string; line: number; reason: string }[];
    calls: InferredStatement['calls'][number][];
  }
  const needs = new Map<string, Need>();
  for (const call of calls) {
    const where = `${display(call.file)}:${call.line}`;
    if (call.unresolved) {
      notes.push(`${where}: ${call.sdkCall}: no IAM action known (${call.unresolved}); add its permission by hand`);
      continue;
    }
    if (call.action.length === 0) {
      notes.push(`${where}: ${call.sdkCall} needs no permission (${call.why})`);
      continue;
    }
    for (const action of call.action) {
      let need = needs.get(action);
      if (!need) needs.set(action, (need = { resources: new Set(), unscoped: [], calls: [] }));
      need.calls.push({ action, file: display(call.file), line: call.line, sdkCall: call.sdkCall, chain: call.chain.map(display) });
      const scoped = call.scopes?.[action];
      if (scoped) for (const arn of scoped) need.resources.add(arn);
      else {
        const info = catalog.action(action);
        const reason =
          info && info.resourceTypes.length === 0 ? `${action} cannot be scoped to a resource` : `no literal resource name is visible in the call at ${where}`;
        need.unscoped.push({ file: display(call.file), line: call.line, reason });
      }
    }
  }

  // Group actions of one service that need exactly the same resources.
  const groups = new Map<string, { service: string; resources: string[]; actions: string[] }>();
  for (const action of [...needs.keys()].sort()) {
    const need = needs.get(action)!;
    const resources = need.unscoped.length > 0 ? ['*'] : [...need.resources].sort();
    const service = action.split(':')[0]!;
    const key = `${service}\0${resources.join('\0')}`;
    const group = groups.get(key);
    if (group) group.actions.push(action);
    else groups.set(key, { service, resources, actions: [action] });
  }

  const sidCount = new Map<string, number>();
  const statements: InferredStatement[] = [];
  for (const group of [...groups.values()].sort((a, b) => cmp(a.actions[0]!, b.actions[0]!))) {
    // `S3Read`, `DynamodbWrite`: the service and the access level of the statement's first action.
    const level = catalog.action(group.actions[0]!)?.accessLevel.split(',')[0] ?? '';
    const base = pascal(group.service) + pascal(level);
    const n = (sidCount.get(base) ?? 0) + 1;
    sidCount.set(base, n);
    const sid = n === 1 ? base : `${base}${n}`;
    const groupCalls = group.actions.flatMap((a) => needs.get(a)!.calls);
    const lines = [`${sid}: allows ${group.actions.join(', ')} on ${group.resources.join(', ')}.`];
    for (const action of group.actions) {
      const need = needs.get(action)!;
      const sites = need.calls.map((c) => `${c.file}:${c.line} ${c.sdkCall}${c.chain.length > 1 ? ` (via ${c.chain.join(' -> ')})` : ''}`);
      lines.push(`  ${action}: needed by ${unique(sites).join('; ')}`);
      if (group.resources[0] === '*') {
        lines.push(`    Resource "*" because ${unique(need.unscoped.map((u) => u.reason)).join('; ')}`);
      }
    }
    statements.push({ sid, actions: group.actions, resources: group.resources, calls: groupCalls, explanation: lines.join('\n') });
  }
  const document = {
    Version: '2012-10-17' as const,
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: 'Allow',
      Action: s.actions.length === 1 ? s.actions[0]! : [...s.actions],
      Resource: s.resources.length === 1 ? s.resources[0]! : [...s.resources],
    })),
  };
  return { document, statements, explanations: statements.map((s) => s.explanation), notes: unique(notes) };
}

/**
 * `hybridguard infer HANDLER_FILE`: the least-privilege policy of one handler's code.
 * `entryFile` is relative to the host's root; a file that does not exist is a located error.
 */
export function inferHandlerPolicy(host: SourceHost, entryFile: string, catalog: IamCatalog): InferredPolicy {
  const entry = joinPath('', entryFile.replace(/\\/g, '/'));
  if (entry === undefined || !host.fileExists(entry)) {
    throw inputError(
      `handler file ${entryFile} does not exist`,
      { file: entry === undefined ? entryFile : displayPathOf(host, entry) },
      'a TypeScript or JavaScript handler file',
    );
  }
  const project = new CodeProject(host, catalog);
  const reach = project.reach([entry], displayPathOf(host, entry));
  const display = (file: string) => displayPathOf(host, file);
  return { ...inferPolicy(reach.calls, catalog, display), calls: reach.calls, files: reach.files };
}

const pascal = (service: string): string =>
  service
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
const unique = (items: readonly string[]): string[] => [...new Set(items)];
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
