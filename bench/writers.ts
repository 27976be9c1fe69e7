/**
 * Writers: the same generated stack as cdktf synth JSON, HCL, and `terraform show -json` plan
 * JSON (format 1.2). Pure functions from the model to file contents; `generate.ts` does the I/O.
 */
import {
  AttrBlocks,
  Blocks,
  JsonDoc,
  Ref,
  Tpl,
  addressOf,
  collectRefs,
  isPlainObject,
  type GJson,
  type GObject,
  type GResource,
  type GValue,
} from './model.js';
import { REGION, STACK } from './stack.js';

const CDKTF_VERSION = '0.21.0';
const PROVIDER_VERSION = '5.100.0';
const PROVIDER_NAME = 'registry.terraform.io/hashicorp/aws';

function sortKeys<T>(entries: [string, T][]): [string, T][] {
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function sortedJson(value: GJson): GJson {
  if (Array.isArray(value)) return value.map(sortedJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(sortKeys(Object.entries(value as Record<string, GJson>)).map(([k, v]) => [k, sortedJson(v)]));
  }
  return value;
}

const refText = (ref: Ref): string => `${ref.address}.${ref.attribute}`;

// ---------------------------------------------------------------- synth JSON

function toSynth(value: GValue): unknown {
  if (value instanceof Ref) return `\${${refText(value)}}`;
  if (value instanceof Tpl) return value.parts.map((p) => (p instanceof Ref ? `\${${refText(p)}}` : p)).join('');
  if (value instanceof JsonDoc) return JSON.stringify(value.value);
  if (value instanceof Blocks) return value.single ? toSynth(value.items[0] as GObject) : value.items.map(toSynth);
  if (value instanceof AttrBlocks) {
    return value.items.map((item) => Object.fromEntries(value.allKeys.map((k) => [k, k in item ? toSynth(item[k] as GValue) : null])));
  }
  if (Array.isArray(value)) return value.map(toSynth);
  if (isPlainObject(value)) return Object.fromEntries(sortKeys(Object.entries(value)).map(([k, v]) => [k, toSynth(v)]));
  return value;
}

/** `cdktf.out/stacks/<stack>/cdk.tf.json`: sorted keys, `//` metadata per resource, as cdktf 0.21 writes it. */
export function synthStack(resources: readonly GResource[], backendPath: string): string {
  const sections: Record<'data' | 'resource', Record<string, Record<string, unknown>>> = { data: {}, resource: {} };
  for (const r of resources) {
    const section = r.mode === 'data' ? sections.data : sections.resource;
    const byName = (section[r.type] ??= {});
    const body: Record<string, unknown> = { '//': { metadata: { path: `${STACK}/${r.constructPath}`, uniqueId: r.name } } };
    for (const [k, v] of sortKeys(Object.entries(r.attrs))) body[k] = toSynth(v);
    byName[r.name] = body;
  }
  const sortSection = (s: Record<string, Record<string, unknown>>) =>
    Object.fromEntries(sortKeys(Object.entries(s)).map(([type, byName]) => [type, Object.fromEntries(sortKeys(Object.entries(byName)))]));
  const doc = {
    '//': { metadata: { backend: 'local', stackName: STACK, version: CDKTF_VERSION }, outputs: {} },
    data: sortSection(sections.data),
    provider: { aws: [{ region: REGION }] },
    resource: sortSection(sections.resource),
    terraform: { backend: { local: { path: backendPath } }, required_providers: { aws: { source: 'aws', version: PROVIDER_VERSION } } },
  };
  return JSON.stringify(doc, null, 2);
}

export function synthManifest(): string {
  return JSON.stringify(
    {
      stacks: {
        [STACK]: {
          annotations: [],
          constructPath: STACK,
          dependencies: [],
          name: STACK,
          stackMetadataPath: `stacks/${STACK}/metadata.json`,
          synthesizedStackPath: `stacks/${STACK}/cdk.tf.json`,
          workingDirectory: `stacks/${STACK}`,
        },
      },
      version: CDKTF_VERSION,
    },
    null,
    2,
  );
}

// ---------------------------------------------------------------- HCL

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const hclString = (s: string): string =>
  `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\$\{/g, '$${').replace(/%\{/g, '%%{')}"`;
const hclKey = (k: string): string => (IDENT.test(k) ? k : hclString(k));

function hclJson(value: GJson, indent: string): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return hclString(value);
  if (typeof value !== 'object') return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v: GJson) => `${inner}${hclJson(v, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, GJson>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${hclKey(k)} = ${hclJson(v, inner)}`).join('\n')}\n${indent}}`;
}

function hclExpr(value: GValue, indent: string): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Ref) return refText(value);
  if (value instanceof Tpl) {
    return `"${value.parts.map((p) => (p instanceof Ref ? `\${${refText(p)}}` : hclString(p).slice(1, -1))).join('')}"`;
  }
  if (value instanceof JsonDoc) return `jsonencode(${hclJson(value.value, indent)})`;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v: GValue) => hclExpr(v, inner));
    if (items.every((i) => !i.includes('\n')) && items.join(', ').length < 100) return `[${items.join(', ')}]`;
    return `[\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}]`;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${hclKey(k)} = ${hclExpr(v, inner)}`).join('\n')}\n${indent}}`;
  }
  throw new Error('blocks are written by hclBody');
}

function hclBody(attrs: GObject, indent: string): string[] {
  const lines: string[] = [];
  const blocks: string[] = [];
  for (const [key, value] of Object.entries(attrs)) {
    if (value instanceof Blocks || value instanceof AttrBlocks) {
      if (value.items.length === 0) {
        lines.push(`${indent}${key} = []`);
        continue;
      }
      for (const item of value.items) {
        const present: GObject = Object.fromEntries(Object.entries(item).filter(([, v]) => v !== null));
        blocks.push(`${indent}${key} {`, ...hclBody(present, `${indent}  `), `${indent}}`);
      }
    } else {
      lines.push(`${indent}${key} = ${hclExpr(value, indent)}`);
    }
  }
  return [...lines, ...blocks];
}

export function hclBlock(r: GResource): string {
  const kind = r.mode === 'data' ? 'data' : 'resource';
  return [`${kind} "${r.type}" "${r.name}" {`, ...hclBody(r.attrs, '  '), '}'].join('\n');
}

/** HCL files by name, split like a real repository (network, IAM, API, five services per file). */
export function hclFiles(resources: readonly GResource[]): Map<string, string> {
  const files = new Map<string, string[]>();
  files.set('providers.tf', [
    `terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "${PROVIDER_VERSION}"\n    }\n  }\n}`,
    `provider "aws" {\n  region = "${REGION}"\n}`,
  ]);
  for (const r of resources) {
    const list = files.get(r.file) ?? [];
    list.push(hclBlock(r));
    files.set(r.file, list);
  }
  return new Map([...files].map(([name, blocks]) => [name, `${blocks.join('\n\n')}\n`]));
}

// ---------------------------------------------------------------- plan JSON

/** Attributes the provider computes (unknown until apply) per resource type, beyond `id`. */
const COMPUTED: Record<string, readonly string[]> = {
  aws_vpc: ['arn', 'default_network_acl_id', 'default_route_table_id', 'default_security_group_id', 'main_route_table_id', 'owner_id'],
  aws_subnet: ['arn', 'owner_id'],
  aws_internet_gateway: ['arn', 'owner_id'],
  aws_eip: ['allocation_id', 'association_id', 'public_dns', 'public_ip', 'private_ip'],
  aws_nat_gateway: ['association_id', 'network_interface_id', 'private_ip', 'public_ip'],
  aws_route_table: ['arn', 'owner_id'],
  aws_security_group: ['arn', 'owner_id'],
  aws_vpc_security_group_ingress_rule: ['arn', 'security_group_rule_id'],
  aws_iam_role: ['arn', 'create_date', 'unique_id'],
  aws_iam_policy: ['arn', 'attachment_count', 'policy_id'],
  aws_cloudwatch_log_group: ['arn'],
  aws_lambda_function: [
    'arn',
    'invoke_arn',
    'last_modified',
    'qualified_arn',
    'qualified_invoke_arn',
    'signing_job_arn',
    'source_code_hash',
    'source_code_size',
    'version',
  ],
  aws_apigatewayv2_api: ['api_endpoint', 'arn', 'execution_arn'],
  aws_apigatewayv2_stage: ['arn', 'execution_arn', 'invoke_url'],
  aws_apigatewayv2_integration: ['integration_response_selection_expression'],
  aws_apigatewayv2_route: [],
  aws_apigatewayv2_authorizer: [],
  aws_ecs_cluster: ['arn'],
  aws_ecs_task_definition: ['arn', 'arn_without_revision', 'revision'],
  aws_ecs_service: ['iam_role'],
  aws_lb: ['arn', 'arn_suffix', 'dns_name', 'zone_id'],
  aws_lb_target_group: ['arn', 'arn_suffix'],
  aws_lb_listener: ['arn'],
  aws_cloudwatch_metric_alarm: ['arn'],
  aws_lambda_permission: [],
  aws_iam_role_policy: [],
  aws_iam_role_policy_attachment: [],
  aws_route: ['instance_id', 'instance_owner_id', 'origin', 'state'],
  aws_route_table_association: [],
};

/** Renders `aws_iam_policy_document.json` the way the provider does (known at plan time when inputs are). */
export function renderPolicyDocument(attrs: GObject): string {
  const statements = (attrs.statement as Blocks).items.map((s) => {
    const out: Record<string, unknown> = {};
    if (typeof s.sid === 'string') out.Sid = s.sid;
    out.Effect = s.effect ?? 'Allow';
    const one = (v: readonly string[]): unknown => (v.length === 1 ? v[0] : [...v].sort().reverse());
    if (Array.isArray(s.actions)) out.Action = one(s.actions as string[]);
    if (Array.isArray(s.resources)) out.Resource = one(s.resources as string[]);
    if (s.principals instanceof Blocks) {
      const principals: Record<string, unknown> = {};
      for (const p of s.principals.items) principals[p.type as string] = one(p.identifiers as string[]);
      out.Principal = principals;
    }
    return out;
  });
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
}

interface Planned {
  after: unknown;
  unknown: unknown;
}

class PlanContext {
  readonly byAddress = new Map<string, GResource>();
  readonly docJson = new Map<string, string>();
  /** Type of the resource being planned (policy normalization differs per type). */
  currentType = '';
  /**
   * Plan `after` values fill unset attributes-as-blocks fields with zero values; configuration
   * `constant_value`s keep them null.
   */
  constructor(
    resources: readonly GResource[],
    readonly zeros = true,
  ) {
    for (const r of resources) {
      this.byAddress.set(addressOf(r), r);
      if (r.mode === 'data' && r.type === 'aws_iam_policy_document') this.docJson.set(addressOf(r), renderPolicyDocument(r.attrs));
    }
  }

  /** The planned value of `address.attribute`, or undefined when it is only known after apply. */
  resolve(ref: Ref, attribute?: string): unknown {
    if (ref.address.startsWith('data.')) {
      const json = ref.attribute === 'json' ? this.docJson.get(ref.address) : undefined;
      return json === undefined ? undefined : normalizePolicy(JSON.parse(json) as GJson, this.currentType, attribute);
    }
    const target = this.byAddress.get(ref.address);
    if (!target || (COMPUTED[target.type] ?? []).includes(ref.attribute) || ref.attribute === 'id') return undefined;
    const value = target.attrs[ref.attribute];
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
  }

  planned(value: GValue, attribute?: string): Planned {
    if (value instanceof Ref) {
      const v = this.resolve(value, attribute);
      return v === undefined ? { after: undefined, unknown: true } : { after: v, unknown: false };
    }
    if (value instanceof Tpl) {
      const parts = value.parts.map((p) => (p instanceof Ref ? this.resolve(p) : p));
      return parts.some((p) => p === undefined) ? { after: undefined, unknown: true } : { after: parts.join(''), unknown: false };
    }
    if (value instanceof JsonDoc) return { after: normalizePolicy(value.value, this.currentType, attribute), unknown: false };
    if (value instanceof Blocks || value instanceof AttrBlocks) {
      const items = value.items.map((item) => {
        // The provider fills unset attributes of attributes-as-blocks with zero values.
        const full: GObject =
          value instanceof AttrBlocks
            ? Object.fromEntries(value.allKeys.map((k) => [k, k in item ? (item[k] as GValue) : this.zeros ? zeroValue(k) : null]))
            : item;
        return this.plannedObject(full);
      });
      const anyUnknown = items.some((i) => i.unknown !== false);
      return { after: items.map((i) => i.after), unknown: anyUnknown ? items.map((i) => (i.unknown === false ? {} : i.unknown)) : false };
    }
    if (Array.isArray(value)) {
      // Most lists of references here are sets (subnet_ids, security_groups): one unknown element makes the whole set unknown.
      const items = value.map((v: GValue) => this.planned(v));
      return items.some((i) => i.unknown !== false) ? { after: undefined, unknown: true } : { after: items.map((i) => i.after), unknown: false };
    }
    if (isPlainObject(value)) return this.plannedObject(value);
    return { after: value, unknown: false };
  }

  plannedObject(attrs: GObject): Planned {
    const after: Record<string, unknown> = {};
    const unknown: Record<string, unknown> = {};
    for (const [k, v] of sortKeys(Object.entries(attrs))) {
      const p = this.planned(v, k);
      if (p.after !== undefined) after[k] = p.after;
      if (p.unknown !== false) unknown[k] = p.unknown;
    }
    return { after, unknown: Object.keys(unknown).length > 0 ? unknown : false };
  }
}

const CONSTANTS = new PlanContext([], false);

function expressions(attrs: GObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of sortKeys(Object.entries(attrs))) {
    if (value instanceof Blocks) {
      out[key] = value.items.map(expressions);
      continue;
    }
    const found: { path: string; ref: Ref }[] = [];
    collectRefs(value, key, found);
    if (value instanceof JsonDoc) {
      // Terraform shows a function call (`jsonencode(...)`) as an empty expression.
      out[key] = {};
      continue;
    }
    if (found.length === 0) {
      out[key] = { constant_value: CONSTANTS.planned(value).after };
      continue;
    }
    // Terraform lists each traversal, then its containing object (`aws_iam_role.x.arn`, `aws_iam_role.x`).
    const refs: string[] = [];
    for (const { ref } of found) {
      for (const text of [refText(ref), ref.address]) if (!refs.includes(text)) refs.push(text);
    }
    out[key] = { references: refs };
  }
  return out;
}

/** `terraform show -json` of a plan that creates the whole stack (format_version 1.2). */
export function planJson(resources: readonly GResource[]): string {
  const ctx = new PlanContext(resources);
  const planned: unknown[] = [];
  const changes: unknown[] = [];
  const config: unknown[] = [];
  const prior: unknown[] = [];
  for (const r of resources) {
    const address = addressOf(r);
    const base = { address, mode: r.mode, type: r.type, name: r.name, provider_name: PROVIDER_NAME, schema_version: 0 };
    ctx.currentType = r.type;
    const p = ctx.plannedObject(r.attrs);
    const after = p.after as Record<string, unknown>;
    const unknown = (p.unknown === false ? {} : p.unknown) as Record<string, unknown>;
    config.push({ address, mode: r.mode, type: r.type, name: r.name, provider_config_key: 'aws', expressions: expressions(r.attrs), schema_version: 0 });
    if (r.mode === 'data') {
      // Policy documents with known inputs are read while planning: they live in prior_state.
      const values = {
        ...after,
        id: String(hashCode(ctx.docJson.get(address) ?? '')),
        json: ctx.docJson.get(address),
        minified_json: JSON.stringify(JSON.parse(ctx.docJson.get(address) ?? '{}')),
      };
      prior.push({ ...base, values, sensitive_values: {} });
      continue;
    }
    if ('tags' in after) after.tags_all = after.tags;
    else if ('tags' in unknown) unknown.tags_all = true;
    unknown.id = true;
    for (const attr of COMPUTED[r.type] ?? []) if (!(attr in after)) unknown[attr] = true;
    planned.push({ ...base, values: after, sensitive_values: {} });
    changes.push({
      ...base,
      change: { actions: ['create'], before: null, after, after_unknown: unknown, before_sensitive: false, after_sensitive: {} },
    });
  }
  const doc = {
    format_version: '1.2',
    terraform_version: '1.11.4',
    planned_values: { root_module: { resources: planned } },
    resource_changes: changes,
    prior_state: { format_version: '1.0', terraform_version: '1.11.4', values: { root_module: { resources: prior } } },
    configuration: {
      provider_config: {
        aws: { name: 'aws', full_name: PROVIDER_NAME, version_constraint: PROVIDER_VERSION, expressions: { region: { constant_value: REGION } } },
      },
      root_module: { resources: config },
    },
    timestamp: '2026-01-01T00:00:00Z',
    applyable: true,
    complete: true,
    errored: false,
  };
  return JSON.stringify(doc);
}

/**
 * IAM JSON as provider 5.100 plans it: minified and key-sorted, except that
 * `aws_iam_role_policy.policy` keeps `Version` first (checked against a real `terraform show -json`).
 */
function normalizePolicy(doc: GJson, type: string, attribute: string | undefined): string {
  const sorted = sortedJson(doc);
  if (
    type === 'aws_iam_role_policy' &&
    attribute === 'policy' &&
    sorted !== null &&
    typeof sorted === 'object' &&
    !Array.isArray(sorted) &&
    'Version' in sorted
  ) {
    const { Version, ...rest } = sorted as Record<string, GJson>;
    return JSON.stringify({ Version, ...rest });
  }
  return JSON.stringify(sorted);
}

const LIST_ATTRS = new Set(['cidr_blocks', 'ipv6_cidr_blocks', 'prefix_list_ids', 'security_groups']);
const zeroValue = (key: string): GValue => (LIST_ATTRS.has(key) ? [] : key === 'self' ? false : key === 'from_port' || key === 'to_port' ? 0 : '');

function hashCode(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) >>> 0;
  return h;
}
