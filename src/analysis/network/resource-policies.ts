import type { ResourceGraph } from '../../model/graph.js';
import { textOf } from '../../model/dict.js';
import { asBoolean, asList, asObject, asString, isUnknown, valueAt } from '../../model/graph.js';
import type { Resource, Value } from '../../model/types.js';
import { hop, HTTPS, type Mechanism, type RouteCollector } from './collector.js';
import { linksAt } from './links.js';
import { PortSet } from './ports.js';
import { describeOpen, judge, readDocument } from './policy-document.js';

/**
 * Public without a network: Lambda function URLs without auth, resource policies that let any
 * principal in (Lambda permissions, S3 bucket policies and ACLs, and the holders in
 * POLICY_HOLDERS: queues, topics, repositories, file systems, search domains, secrets, keys, role
 * trust policies, ...), unless a setting stops them (an S3 public access block, a VPC domain).
 */

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
      const undecided =
        typeof auth === 'string' ? undefined : `authorization_type of ${url.address} is ${isUnknown(auth) ? auth.reason : 'not set'}, known only after apply`;
      this.out.add(fn, {
        mechanism: 'function-url',
        viaGateway: false,
        hops: [
          hop(
            url,
            `${url.address} is a public HTTPS endpoint with authorization_type = ${JSON.stringify(
              typeof auth === 'string' ? auth : 'unknown',
            )}: anyone on the internet can invoke it`,
          ),
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
          hops: [
            hop(perm, `${perm.address} grants ${textOf(valueAt(perm.values, 'action'))} to a principal known only after apply`),
            hop(target, `${target.address} may be invocable by anyone`),
          ],
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
      if (inline !== undefined && inline !== null && inline !== '' && !(isUnknown(inline) && inline.unset)) policies.push([bucket, bucket]);
    }
    for (const [holder, bucket] of policies) {
      const verdict = judge(readDocument(g, holder, 'policy'), holder);
      const blocker = blockedBy(bucket, ['block_public_policy', 'restrict_public_buckets']);
      if (verdict.kind === 'private') {
        for (const reason of verdict.reasons) this.out.explain(bucket, reason);
        continue;
      }
      if (blocker) {
        if (verdict.kind === 'public')
          this.out.explain(
            bucket,
            `${holder.address} lets any principal in, but ${blocker.address} blocks public policies (block_public_policy / restrict_public_buckets)`,
          );
        continue;
      }
      if (verdict.kind === 'undecided') {
        this.undecidedPolicy(holder, bucket, verdict.reason, HTTPS);
        continue;
      }
      this.out.add(bucket, {
        mechanism: 'resource-policy',
        viaGateway: false,
        hops: [
          hop(holder, describeOpen(verdict.open, holder)),
          ...(holder !== bucket ? [hop(bucket, `${bucket.address} is readable or writable by anyone`)] : []),
        ],
        ports: HTTPS,
        worldPorts: HTTPS,
      });
    }
    const acls: [Resource, Resource, Value | undefined][] = [];
    for (const acl of g.ofType('aws_s3_bucket_acl'))
      acls.push([acl, linksAt(g, acl, 'bucket', ['aws_s3_bucket']).targets[0] ?? acl, valueAt(acl.values, 'acl')]);
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
        hops: [
          hop(holder, `${holder.address} ${what}: anyone can ${textOf(canned).includes('write') ? 'read and write' : 'read'} the bucket`),
          ...(holder !== bucket ? [hop(bucket, `${bucket.address} is public through its ACL`)] : []),
        ],
        ports: HTTPS,
        worldPorts: HTTPS,
      });
    }
  }

  private undecidedPolicy(holder: Resource, target: Resource, reason: string, ports: PortSet, mechanism: Mechanism = 'resource-policy'): void {
    this.out.add(target, {
      mechanism,
      viaGateway: false,
      hops: [hop(holder, `the policy of ${holder.address} may let anyone in: ${reason}`)],
      ports,
      worldPorts: PortSet.EMPTY,
      undecided: reason,
    });
  }

  private resourcePolicies(spec: PolicyHolder): void {
    for (const holder of this.graph.ofType(spec.type)) {
      const raw = valueAt(holder.values, spec.attr);
      // Unset (a provider-computed value in plan JSON): the resource carries no policy of its own.
      if (raw === undefined || raw === null || raw === '' || (isUnknown(raw) && raw.unset)) continue;
      const target = spec.target ? (linksAt(this.graph, holder, spec.target.attr, spec.target.types).targets[0] ?? holder) : holder;
      const verdict = judge(readDocument(this.graph, holder, spec.attr), holder, spec.actions);
      if (verdict.kind === 'private') {
        for (const reason of verdict.reasons) this.out.explain(target, reason);
        continue;
      }
      const shield = spec.shield?.(holder, target);
      if (shield) {
        if (verdict.kind === 'public') this.out.explain(target, `${describeOpen(verdict.open, holder)}, but ${shield}`);
        continue;
      }
      const ports = spec.ports?.(target) ?? HTTPS;
      if (verdict.kind === 'undecided') {
        this.undecidedPolicy(holder, target, verdict.reason, ports, spec.mechanism);
        continue;
      }
      this.out.add(target, {
        mechanism: spec.mechanism ?? 'resource-policy',
        viaGateway: false,
        hops: [
          hop(holder, `${describeOpen(verdict.open, holder)}: ${spec.anyone(target)}`),
          ...(target !== holder ? [hop(target, `${target.address} is public through the policy in ${holder.address}`)] : []),
        ],
        ports,
        worldPorts: spec.internal ? PortSet.EMPTY : ports,
      });
    }
  }
}

/** A resource that carries (or is) a resource policy, and what "anyone" means for it. */
interface PolicyHolder {
  readonly type: string;
  /** The attribute holding the policy document. */
  readonly attr: string;
  /** The resource the policy protects, when the holder is a separate policy resource. */
  readonly target?: { readonly attr: string; readonly types: readonly string[] };
  /** Only statements allowing one of these actions matter (default: any). */
  readonly actions?: readonly string[];
  /** What anyone can then do (end of the evidence sentence). */
  readonly anyone: (target: Resource) => string;
  /** Why a public policy does not open it after all (a VPC-only endpoint, a service that refuses it), if so. */
  readonly shield?: (holder: Resource, target: Resource) => string | undefined;
  /** Ports the access goes over (default tcp/443, the service's HTTPS API). */
  readonly ports?: (target: Resource) => PortSet;
  /** Reached through the VPC, not from any internet address (EFS mount targets). */
  readonly internal?: boolean;
  /** Default `resource-policy`; a role's trust policy is `trust-policy` (who may assume it, not a network path). */
  readonly mechanism?: Mechanism;
}

const API = (what: string) => (): string => `anyone with AWS credentials, in any account, can ${what}`;

/** OpenSearch / Elasticsearch: a domain with vpc_options has only private addresses in its subnets. */
function domainInVpc(_holder: Resource, domain: Resource): string | undefined {
  if (domain.type !== 'aws_elasticsearch_domain' && domain.type !== 'aws_opensearch_domain') return undefined;
  const vpc = valueAt(domain.values, 'vpc_options');
  if (vpc === undefined || vpc === null || (Array.isArray(vpc) && vpc.length === 0)) return undefined;
  return `${domain.address} is a VPC domain (vpc_options): its endpoint has private addresses in its subnets only, so "anyone" means anyone who reaches the ` +
    `VPC and passes its security groups, not the internet`;
}

/** HTTPS, and HTTP unless the domain enforces HTTPS. */
function domainPorts(domain: Resource): PortSet {
  return valueAt(domain.values, 'domain_endpoint_options.0.enforce_https') === true ? HTTPS : HTTPS.union(PortSet.tcp(80));
}

const DOMAIN = {
  anyone: (d: Resource) => `anyone on the internet can send requests to the endpoint of ${d.address}, signed or not`,
  shield: domainInVpc,
  ports: domainPorts,
};

const POLICY_HOLDERS: readonly PolicyHolder[] = [
  { type: 'aws_sqs_queue_policy', attr: 'policy', target: { attr: 'queue_url', types: ['aws_sqs_queue'] }, anyone: API('use the queue') },
  { type: 'aws_sqs_queue', attr: 'policy', anyone: API('use the queue') },
  { type: 'aws_sns_topic_policy', attr: 'policy', target: { attr: 'arn', types: ['aws_sns_topic'] }, anyone: API('use the topic') },
  { type: 'aws_sns_topic', attr: 'policy', anyone: API('use the topic') },
  { type: 'aws_ecr_repository_policy', attr: 'policy', target: { attr: 'repository', types: ['aws_ecr_repository'] }, anyone: API('use the repository') },
  {
    type: 'aws_efs_file_system_policy',
    attr: 'policy',
    target: { attr: 'file_system_id', types: ['aws_efs_file_system'] },
    anyone: (fs) =>
      `AWS counts ${fs.address} as public: any principal of any account (and anonymous NFS clients) that reaches one of its mount targets in the VPC can use ` +
        `it`,
    ports: () => PortSet.tcp(2049),
    internal: true,
  },
  { type: 'aws_elasticsearch_domain_policy', attr: 'access_policies', target: { attr: 'domain_name', types: ['aws_elasticsearch_domain'] }, ...DOMAIN },
  { type: 'aws_opensearch_domain_policy', attr: 'access_policies', target: { attr: 'domain_name', types: ['aws_opensearch_domain'] }, ...DOMAIN },
  { type: 'aws_elasticsearch_domain', attr: 'access_policies', ...DOMAIN },
  { type: 'aws_opensearch_domain', attr: 'access_policies', ...DOMAIN },
  { type: 'aws_glue_resource_policy', attr: 'policy', anyone: API("use the account's Glue Data Catalog") },
  {
    type: 'aws_secretsmanager_secret_policy',
    attr: 'policy',
    target: { attr: 'secret_arn', types: ['aws_secretsmanager_secret'] },
    anyone: API('use the secret'),
    shield: (holder) =>
      valueAt(holder.values, 'block_public_policy') === true ? `block_public_policy = true: Secrets Manager refuses to attach it` : undefined,
  },
  { type: 'aws_secretsmanager_secret', attr: 'policy', anyone: API('use the secret') },
  {
    type: 'aws_ses_identity_policy',
    attr: 'policy',
    target: { attr: 'identity', types: ['aws_ses_domain_identity', 'aws_ses_email_identity'] },
    anyone: API('send email as the identity'),
  },
  { type: 'aws_kms_key', attr: 'policy', anyone: API('use the key') },
  { type: 'aws_kms_key_policy', attr: 'policy', target: { attr: 'key_id', types: ['aws_kms_key'] }, anyone: API('use the key') },
  {
    type: 'aws_cloudwatch_log_destination_policy',
    attr: 'access_policy',
    target: { attr: 'destination_name', types: ['aws_cloudwatch_log_destination'] },
    anyone: API('subscribe its log groups to the destination'),
  },
  // Who may assume the role: an access grant over STS, not a network path, so no ports.
  {
    type: 'aws_iam_role',
    attr: 'assume_role_policy',
    actions: ['sts:AssumeRole'],
    anyone: (role) => `any AWS account can assume ${role.address} and act with its permissions`,
    mechanism: 'trust-policy',
    ports: () => PortSet.EMPTY,
    internal: true,
  },
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
    for (const uri of uris)
      if (uri && /AllUsers|AuthenticatedUsers/.test(uri))
        out.push(`${uri.split('/').pop()} (${textOf(valueAt(obj, 'permission') ?? asList(obj['permissions']).map(textOf).join('+'))})`);
  }
  return out;
}
