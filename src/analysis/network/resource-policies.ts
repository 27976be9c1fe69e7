import type { ResourceGraph } from '../../model/graph.js';
import { asBoolean, asList, asObject, asString, isUnknown, valueAt } from '../../model/graph.js';
import type { Resource, Value } from '../../model/types.js';
import { classifyCidr } from './cidr.js';
import { hop, HTTPS, type RouteCollector } from './collector.js';
import { linksAt } from './links.js';
import { PortSet } from './ports.js';

/**
 * Public without a network: Lambda function URLs without auth, resource policies that let any
 * principal in (Lambda permissions, S3 bucket policies and ACLs, SQS, SNS, ECR), unless an S3
 * public access block stops them.
 */

const UNKNOWN_MARK = '__hybridguard_known_after_apply__';

interface Statement {
  readonly allow: boolean;
  readonly publicPrincipal: boolean;
  /** The principal is an interpolation: known only after apply. */
  readonly unknownPrincipal?: boolean;
  readonly actions: readonly string[];
  /** Condition keys that pin the caller to known accounts, networks or sources (AWS's own notion of "not public"). */
  readonly restrictedBy?: string;
  readonly index: number;
}

type Document = { readonly statements: readonly Statement[] } | { readonly undecided: string };

// Keys that, with fixed (non-wildcard) values, make a policy non-public (as S3 Block Public Access judges it).
const RESTRICTING_KEYS = [
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principalservicename',
  'aws:userid',
  'aws:sourceip',
  'aws:vpcsourceip',
  's3:dataaccesspointaccount',
  's3:dataaccesspointarn',
  'lambda:functionurlauthtype',
];
const POSITIVE_OPERATORS = /^(forallvalues:|foranyvalue:)?(stringequals|stringequalsignorecase|stringlike|arnequals|arnlike|ipaddress|numericequals)(ifexists)?$/i;

export class PublicAccess {
  constructor(
    private readonly graph: ResourceGraph,
    private readonly out: RouteCollector,
  ) {}

  run(): void {
    this.functionUrls();
    this.lambdaPermissions();
    this.buckets();
    for (const spec of POLICY_HOLDERS) this.resourcePolicies(spec);
  }

  private functionUrls(): void {
    for (const url of this.graph.ofType('aws_lambda_function_url')) {
      const fn = linksAt(this.graph, url, 'function_name', ['aws_lambda_function']).targets[0] ?? url;
      const auth = valueAt(url.values, 'authorization_type');
      if (auth === 'AWS_IAM') {
        this.out.explain(fn, `${url.address} requires IAM authentication (authorization_type = "AWS_IAM")`);
        continue;
      }
      const undecided = typeof auth === 'string' ? undefined : `authorization_type of ${url.address} is ${isUnknown(auth) ? auth.reason : 'not set'}, known only after apply`;
      this.out.add(fn, {
        mechanism: 'function-url',
        viaGateway: false,
        hops: [
          hop(url, `${url.address} is a public HTTPS endpoint with authorization_type = ${JSON.stringify(typeof auth === 'string' ? auth : 'unknown')}: anyone on the internet can invoke it`),
          ...(fn !== url ? [hop(fn, `${fn.address} runs for every request to its function URL`)] : []),
        ],
        ports: HTTPS,
        worldPorts: HTTPS,
        ...(undecided ? { undecided } : {}),
      });
    }
  }

  private lambdaPermissions(): void {
    for (const perm of this.graph.ofType('aws_lambda_permission')) {
      const principal = valueAt(perm.values, 'principal');
      const fn = linksAt(this.graph, perm, 'function_name', ['aws_lambda_function', 'aws_lambda_alias']).targets[0];
      const target = fn?.type === 'aws_lambda_alias' ? (linksAt(this.graph, fn, 'function_name', ['aws_lambda_function']).targets[0] ?? fn) : fn;
      if (!target) continue;
      if (isUnknown(principal)) {
        this.out.add(target, {
          mechanism: 'resource-policy',
          viaGateway: false,
          hops: [hop(perm, `${perm.address} grants ${String(valueAt(perm.values, 'action'))} to a principal known only after apply`), hop(target, `${target.address} may be invocable by anyone`)],
          ports: HTTPS,
          worldPorts: PortSet.EMPTY,
          undecided: `the principal of ${perm.address} is ${principal.reason}, known only after apply`,
        });
        continue;
      }
      if (principal !== '*') continue;
      const source = ['source_arn', 'source_account', 'principal_org_id'].find((k) => {
        const v = valueAt(perm.values, k);
        return v !== undefined && v !== null && v !== '';
      });
      if (source) {
        this.out.explain(target, `${perm.address} grants principal "*" but only with ${source}`);
        continue;
      }
      const action = asString(valueAt(perm.values, 'action')) ?? 'lambda:InvokeFunction';
      const urlAuth = asString(valueAt(perm.values, 'function_url_auth_type'));
      if (urlAuth === 'AWS_IAM') {
        this.out.explain(target, `${perm.address} grants principal "*" only for IAM-authenticated function URL calls`);
        continue;
      }
      this.out.add(target, {
        mechanism: 'resource-policy',
        viaGateway: false,
        hops: [
          hop(perm, `${perm.address} grants ${action} to principal "*" with no source_arn, source_account or principal_org_id: any AWS account can call it`),
          hop(target, `${target.address} can be invoked by anyone with AWS credentials`),
        ],
        ports: HTTPS,
        worldPorts: HTTPS,
      });
    }
  }

  private buckets(): void {
    const g = this.graph;
    const blocks = new Map<string, Resource>();
    for (const pab of g.ofType('aws_s3_bucket_public_access_block')) {
      const bucket = linksAt(g, pab, 'bucket', ['aws_s3_bucket']).targets[0];
      if (bucket) blocks.set(bucket.address, pab);
    }
    const account = g.ofType('aws_s3_account_public_access_block')[0];
    const ownership = new Map<string, Resource>();
    for (const oc of g.ofType('aws_s3_bucket_ownership_controls')) {
      const bucket = linksAt(g, oc, 'bucket', ['aws_s3_bucket']).targets[0];
      if (bucket) ownership.set(bucket.address, oc);
    }
    const blockedBy = (bucket: Resource, keys: readonly string[]): Resource | undefined => {
      for (const pab of [blocks.get(bucket.address), account]) {
        if (pab && keys.some((k) => asBoolean(valueAt(pab.values, k)) === true)) return pab;
      }
      return undefined;
    };
    const policies: [Resource, Resource][] = [];
    // A bucket not in this configuration (a literal name, a variable) is reported on the policy itself.
    for (const bp of g.ofType('aws_s3_bucket_policy')) policies.push([bp, linksAt(g, bp, 'bucket', ['aws_s3_bucket']).targets[0] ?? bp]);
    for (const bucket of g.ofType('aws_s3_bucket')) {
      const inline = valueAt(bucket.values, 'policy');
      if (inline !== undefined && inline !== null && inline !== '') policies.push([bucket, bucket]);
    }
    for (const [holder, bucket] of policies) {
      const doc = readDocument(g, holder, 'policy');
      const blocker = blockedBy(bucket, ['block_public_policy', 'restrict_public_buckets']);
      if ('undecided' in doc) {
        if (!blocker) this.undecidedPolicy(holder, bucket, doc.undecided);
        continue;
      }
      const open = doc.statements.filter((s) => s.allow && s.publicPrincipal && !s.restrictedBy);
      if (open.length === 0) {
        const unknown = doc.statements.find((s) => s.allow && s.unknownPrincipal && !s.restrictedBy);
        if (unknown && !blocker) this.undecidedPolicy(holder, bucket, `the Principal of statement ${unknown.index} in ${holder.address} is known only after apply`);
        continue;
      }
      if (blocker) {
        this.out.explain(bucket, `${holder.address} lets any principal in, but ${blocker.address} blocks public policies (block_public_policy / restrict_public_buckets)`);
        continue;
      }
      this.out.add(bucket, {
        mechanism: 'resource-policy',
        viaGateway: false,
        hops: [
          hop(holder, `statement ${open.map((s) => s.index).join(', ')} of the policy in ${holder.address} allows ${open.flatMap((s) => s.actions).join(', ') || 'actions'} to Principal "*" with no condition that restricts who calls`),
          ...(holder !== bucket ? [hop(bucket, `${bucket.address} is readable or writable by anyone`)] : []),
        ],
        ports: HTTPS,
        worldPorts: HTTPS,
      });
    }
    const acls: [Resource, Resource, Value | undefined][] = [];
    for (const acl of g.ofType('aws_s3_bucket_acl')) acls.push([acl, linksAt(g, acl, 'bucket', ['aws_s3_bucket']).targets[0] ?? acl, valueAt(acl.values, 'acl')]);
    for (const bucket of g.ofType('aws_s3_bucket')) acls.push([bucket, bucket, valueAt(bucket.values, 'acl')]);
    for (const [holder, bucket, canned] of acls) {
      const grantees = publicGrants(holder);
      const isPublic = canned === 'public-read' || canned === 'public-read-write' || canned === 'authenticated-read' || grantees.length > 0;
      if (!isPublic) continue;
      const what = typeof canned === 'string' && canned !== 'private' ? `acl = "${canned}"` : `grants to ${grantees.join(', ')}`;
      const blocker = blockedBy(bucket, ['block_public_acls', 'ignore_public_acls']);
      if (blocker) {
        this.out.explain(bucket, `${holder.address} sets a public ACL (${what}), but ${blocker.address} blocks or ignores public ACLs`);
        continue;
      }
      const oc = ownership.get(bucket.address);
      if (oc && asString(valueAt(oc.values, 'rule.0.object_ownership')) === 'BucketOwnerEnforced') {
        this.out.explain(bucket, `${holder.address} sets a public ACL (${what}), but ${oc.address} disables ACLs (BucketOwnerEnforced)`);
        continue;
      }
      this.out.add(bucket, {
        mechanism: 'bucket-acl',
        viaGateway: false,
        hops: [hop(holder, `${holder.address} ${what}: anyone can ${String(canned).includes('write') ? 'read and write' : 'read'} the bucket`), ...(holder !== bucket ? [hop(bucket, `${bucket.address} is public through its ACL`)] : [])],
        ports: HTTPS,
        worldPorts: HTTPS,
      });
    }
  }

  private undecidedPolicy(holder: Resource, target: Resource, reason: string): void {
    this.out.add(target, {
      mechanism: 'resource-policy',
      viaGateway: false,
      hops: [hop(holder, `the policy of ${holder.address} cannot be read: ${reason}`)],
      ports: HTTPS,
      worldPorts: PortSet.EMPTY,
      undecided: reason,
    });
  }

  private resourcePolicies(spec: PolicyHolder): void {
    for (const holder of this.graph.ofType(spec.type)) {
      const target = spec.target ? linksAt(this.graph, holder, spec.target.attr, spec.target.types).targets[0] ?? holder : holder;
      const raw = valueAt(holder.values, 'policy');
      if (raw === undefined || raw === null || raw === '') continue;
      const doc = readDocument(this.graph, holder, 'policy');
      if ('undecided' in doc) {
        this.undecidedPolicy(holder, target, doc.undecided);
        continue;
      }
      const open = doc.statements.filter((s) => s.allow && s.publicPrincipal && !s.restrictedBy);
      if (open.length === 0) {
        const unknown = doc.statements.find((s) => s.allow && s.unknownPrincipal && !s.restrictedBy);
        if (unknown) this.undecidedPolicy(holder, target, `the Principal of statement ${unknown.index} in ${holder.address} is known only after apply`);
        continue;
      }
      this.out.add(target, {
        mechanism: 'resource-policy',
        viaGateway: false,
        hops: [
          hop(holder, `statement ${open.map((s) => s.index).join(', ')} of the policy in ${holder.address} allows ${open.flatMap((s) => s.actions).join(', ') || 'actions'} to Principal "*" with no condition that restricts who calls`),
          ...(target !== holder ? [hop(target, `${target.address} is usable by anyone with AWS credentials`)] : []),
        ],
        ports: HTTPS,
        worldPorts: HTTPS,
      });
    }
  }
}

interface PolicyHolder {
  readonly type: string;
  readonly target?: { readonly attr: string; readonly types: readonly string[] };
}

const POLICY_HOLDERS: readonly PolicyHolder[] = [
  { type: 'aws_sqs_queue_policy', target: { attr: 'queue_url', types: ['aws_sqs_queue'] } },
  { type: 'aws_sqs_queue' },
  { type: 'aws_sns_topic_policy', target: { attr: 'arn', types: ['aws_sns_topic'] } },
  { type: 'aws_sns_topic' },
  { type: 'aws_ecr_repository_policy', target: { attr: 'repository', types: ['aws_ecr_repository'] } },
];

/** ACL grants to everyone (`AllUsers`) or to any AWS account (`AuthenticatedUsers`). */
function publicGrants(holder: Resource): string[] {
  const out: string[] = [];
  const grants = [
    ...asList(valueAt(holder.values, 'access_control_policy.0.grant')),
    ...asList(valueAt(holder.values, 'grant')),
  ];
  for (const grant of grants) {
    const obj = asObject(grant);
    if (!obj) continue;
    const uris = [asString(valueAt(obj, 'grantee.0.uri')), asString(obj['uri'])];
    for (const uri of uris) if (uri && /AllUsers|AuthenticatedUsers/.test(uri)) out.push(`${uri.split('/').pop()} (${String(valueAt(obj, 'permission') ?? asList(obj['permissions']).join('+'))})`);
  }
  return out;
}

/** A policy document from a JSON string attribute or a referenced `data.aws_iam_policy_document`. */
function readDocument(graph: ResourceGraph, holder: Resource, attr: string): Document {
  const raw = valueAt(holder.values, attr);
  if (typeof raw === 'string') {
    // Interpolations inside JSON strings (`"Resource": "${aws_sqs_queue.q.arn}"`) are values known
    // at apply: keep them as a marker, so a principal that is one is undecided, not public.
    const text = raw.includes('${') ? raw.replace(/\$\{[^{}]*\}/g, UNKNOWN_MARK) : raw;
    try {
      return { statements: jsonStatements(JSON.parse(text) as unknown) };
    } catch {
      return { undecided: `the ${attr} of ${holder.address} is ${raw.includes('${') ? 'a template we cannot evaluate' : 'not valid JSON'}` };
    }
  }
  const source = linksAt(graph, holder, attr).unresolved.find((u) => u.startsWith('data.aws_iam_policy_document.'));
  const docAddress = source?.split(' ')[0];
  const doc = docAddress ? graph.get(docAddress) : undefined;
  if (doc) return documentStatements(doc);
  if (raw !== null && typeof raw === 'object' && !isUnknown(raw)) return { statements: jsonStatements(raw as unknown) };
  return { undecided: `the ${attr} of ${holder.address} is ${isUnknown(raw) ? raw.reason : 'an expression'}, known only after apply` };
}

function jsonStatements(doc: unknown): Statement[] {
  const list = (doc as { Statement?: unknown } | null)?.Statement;
  const statements = Array.isArray(list) ? list : list ? [list] : [];
  return statements.map((s, index) => {
    const st = (s ?? {}) as { Effect?: unknown; Principal?: unknown; Action?: unknown; Condition?: unknown };
    const principal = st.Principal;
    const pub =
      principal === '*' ||
      (typeof principal === 'object' &&
        principal !== null &&
        Object.entries(principal as Record<string, unknown>).some(([k, v]) => k.toUpperCase() === 'AWS' && (v === '*' || (Array.isArray(v) && v.includes('*')))));
    const actions = (Array.isArray(st.Action) ? st.Action : st.Action ? [st.Action] : []).map(String);
    const unknownPrincipal = !pub && JSON.stringify(principal ?? null).includes(UNKNOWN_MARK);
    const restrictedBy = restriction(
      Object.entries((st.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap(([op, body]) =>
        Object.entries(body ?? {}).map(([key, values]) => ({ op, key, values: (Array.isArray(values) ? values : [values]).map(String) })),
      ),
    );
    return { allow: st.Effect === 'Allow', publicPrincipal: pub, ...(unknownPrincipal ? { unknownPrincipal } : {}), actions, index, ...(restrictedBy ? { restrictedBy } : {}) };
  });
}

function documentStatements(doc: Resource): Document {
  const out: Statement[] = [];
  asList(valueAt(doc.values, 'statement')).forEach((item, index) => {
    const st = asObject(item);
    if (!st) return;
    const principals = asList(st['principals']).map(asObject);
    const pub = principals.some((p) => p && (p['type'] === 'AWS' || p['type'] === '*') && asList(p['identifiers']).includes('*'));
    const restrictedBy = restriction(
      asList(st['condition'])
        .map(asObject)
        .filter((c): c is { readonly [k: string]: Value } => !!c)
        .map((c) => ({ op: String(c['test']), key: String(c['variable']), values: asList(c['values']).map(String) })),
    );
    out.push({
      allow: (asString(st['effect']) ?? 'Allow') === 'Allow',
      publicPrincipal: pub,
      actions: asList(st['actions']).map(String),
      index,
      ...(restrictedBy ? { restrictedBy } : {}),
    });
  });
  return { statements: out };
}

/** The condition that pins callers to known accounts, sources or networks, if any. */
function restriction(conditions: readonly { op: string; key: string; values: readonly string[] }[]): string | undefined {
  for (const c of conditions) {
    const key = c.key.toLowerCase();
    if (!RESTRICTING_KEYS.includes(key) || !POSITIVE_OPERATORS.test(c.op)) continue;
    if (c.values.length === 0 || c.values.some((v) => v.includes('*') || v.includes('?'))) continue;
    if (key === 'aws:sourceip' || key === 'aws:vpcsourceip') {
      if (c.values.some((v) => classifyCidr(v) === 'world' || Number(v.split('/')[1] ?? 32) < 8)) continue;
    }
    if (key === 'lambda:functionurlauthtype' && c.values.includes('NONE')) continue;
    return `${c.op} ${c.key}`;
  }
  return undefined;
}
