import type { IamCatalog } from '../../model/catalog.js';
import type { ResourceGraph } from '../../model/graph.js';
import { asList, asObject, asString, isUnknown, valueAt } from '../../model/graph.js';
import type { Location, Resource, ServiceTypeAssignment, Unknown, Value } from '../../model/types.js';
import {
  abbreviate,
  documentFromJson,
  documentFromText,
  hasFragment,
  mergeBySid,
  unknownDocument,
  type Condition,
  type PolicyDocument,
  type Statement,
} from './document.js';
import { textOf } from '../../model/dict.js';

/**
 * Collects, for every IAM role and user of the graph, the policies that apply to it: inline and
 * attached identity policies (customer and AWS managed), group policies for users, and the
 * permissions boundary. Links follow graph references first (they exist even when the value is
 * unknown, as in plan JSON), then literal names and ARNs. Each document is parsed once, however
 * many principals share it.
 */

export type PolicyKind =
  | 'inline'
  | 'role-policy'
  | 'user-policy'
  | 'group-policy'
  | 'customer-managed'
  | 'aws-managed'
  | 'data-source'
  | 'unresolved';

export interface AppliedPolicy {
  readonly kind: PolicyKind;
  /** Policy name (`ingest-s3`), AWS managed name, or the ARN/expression when nothing better is known. */
  readonly name: string;
  readonly arn?: string;
  /** Where the document is written: the policy, role-policy or role resource (with a JSON pointer to the attribute). */
  readonly location: Location;
  /** The attachment that links it to the principal, when separate (`aws_iam_role_policy_attachment.x`). */
  readonly attachedBy?: Location;
  /** Via an IAM group the user belongs to. */
  readonly viaGroup?: string;
  readonly document: PolicyDocument;
}

export interface UsedBy {
  readonly address: string;
  readonly type: string;
  /** Attribute of the user that names the role (`role`, `task_role_arn`). */
  readonly attribute?: string;
}

export interface Principal {
  readonly address: string;
  readonly kind: 'role' | 'user';
  readonly resource: Resource;
  /** Literal name, when known. */
  readonly name?: string;
  readonly serviceType?: ServiceTypeAssignment;
  readonly identityPolicies: readonly AppliedPolicy[];
  readonly boundary?: AppliedPolicy;
  /** Resources that use the role (Lambda functions, ECS task definitions, instance profiles, SageMaker...). */
  readonly usedBy: readonly UsedBy[];
}

const pointer = (base: Location, attribute: string): Location => ({
  ...base,
  jsonPointer: `${base.jsonPointer ?? ''}/${attribute.split('.').join('/')}`,
});

/** References made from exactly `attribute` (or inside it), resolved to resources. */
function refsAt(graph: ResourceGraph, from: Resource, attribute: string): { target: Resource; targetAttribute?: string }[] {
  const out: { target: Resource; targetAttribute?: string }[] = [];
  const seen = new Set<string>();
  for (const ref of from.references) {
    if (ref.attribute !== attribute && !ref.attribute.startsWith(`${attribute}.`)) continue;
    const target = graph.get(ref.target);
    if (!target || seen.has(target.address)) continue;
    seen.add(target.address);
    out.push(ref.targetAttribute !== undefined ? { target, targetAttribute: ref.targetAttribute } : { target });
  }
  return out;
}

/** Attribute references ignoring list indices (plan JSON references carry no index). */
function refsAtShape(graph: ResourceGraph, from: Resource, attribute: string): Resource[] {
  return graph.targets(from, attribute);
}

const isPolicyDocumentData = (r: Resource): boolean => r.mode === 'data' && r.type === 'aws_iam_policy_document';

export class PolicyCollector {
  private readonly textCache = new Map<string, PolicyDocument>();
  private readonly dataCache = new Map<string, PolicyDocument>();
  private readonly managedCache = new Map<string, AppliedPolicy>();
  private readonly policyByAddress = new Map<string, AppliedPolicy>();
  private readonly policiesByName = new Map<string, Resource[]>();
  private readonly rolesByName = new Map<string, Resource[]>();
  private readonly usersByName = new Map<string, Resource[]>();
  private readonly groupsByName = new Map<string, Resource[]>();
  /** Every document read, for checks that look at documents rather than principals (unknown actions). */
  readonly documents: AppliedPolicy[] = [];

  constructor(
    private readonly graph: ResourceGraph,
    private readonly catalog: IamCatalog,
  ) {
    const index = (type: string, into: Map<string, Resource[]>) => {
      for (const r of graph.ofType(type)) {
        const name = asString(r.values.name);
        if (name === undefined) continue;
        const list = into.get(name);
        if (list) list.push(r);
        else into.set(name, [r]);
      }
    };
    index('aws_iam_policy', this.policiesByName);
    index('aws_iam_role', this.rolesByName);
    index('aws_iam_user', this.usersByName);
    index('aws_iam_group', this.groupsByName);
  }

  // ---------- documents ----------

  /** The document held by `attribute` of `owner`: literal JSON, a data source, another policy's `policy`, or unknown. */
  documentAt(owner: Resource, attribute: string): PolicyDocument {
    const value = valueAt(owner.values, attribute);
    const whole = typeof value === 'string' && /^\$\{[^}]*\}$/.test(value.trim());
    if (typeof value === 'string' && !whole) return this.fromText(value);
    const obj = asObject(value);
    if (obj) return documentFromJson(obj);
    // An expression or an apply-time value: follow the reference.
    for (const { target } of refsAt(this.graph, owner, attribute)) {
      if (isPolicyDocumentData(target)) return this.fromDataSource(target, new Set());
      if (target.type === 'aws_iam_policy' && target.mode === 'managed') return this.documentAt(target, 'policy');
    }
    if (value === undefined || value === null) return unknownDocument(`${owner.address} has no ${attribute}`);
    const reason = isUnknown(value) ? value.reason : textOf(value);
    // A reader may keep a JSON template with interpolations as an unknown whose reason is its text.
    if (isUnknown(value) && reason.trim().startsWith('{')) {
      const parsed = this.fromText(reason);
      if (parsed.unknown === undefined) return parsed;
    }
    return unknownDocument(`${attribute} of ${owner.address} is ${abbreviate(reason)}, known only after apply`);
  }

  private fromText(text: string): PolicyDocument {
    let doc = this.textCache.get(text);
    if (!doc) this.textCache.set(text, (doc = documentFromText(text)));
    return doc;
  }

  /** `aws_iam_policy_document`: its `json` when the plan knows it, else its statement blocks merged with source/override documents. */
  fromDataSource(ds: Resource, visiting: Set<string>): PolicyDocument {
    const cached = this.dataCache.get(ds.address);
    if (cached) return cached;
    if (visiting.has(ds.address)) return unknownDocument(`${ds.address} includes itself`);
    visiting.add(ds.address);
    let doc: PolicyDocument;
    const json = ds.values.json;
    if (typeof json === 'string' && json.trim().startsWith('{') && !hasFragment(json)) {
      doc = documentFromText(json, ds.location);
    } else {
      doc = this.buildDataSource(ds, visiting);
    }
    visiting.delete(ds.address);
    this.dataCache.set(ds.address, doc);
    return doc;
  }

  private buildDataSource(ds: Resource, visiting: Set<string>): PolicyDocument {
    const problems: string[] = [];
    const unknowns: string[] = [];
    const docsOf = (attribute: string): PolicyDocument[] => {
      const raw = ds.values[attribute];
      if (raw === undefined || raw === null) return [];
      const out: PolicyDocument[] = [];
      const items = isUnknown(raw) ? [] : asList(raw);
      items.forEach((item, i) => {
        if (typeof item === 'string' && !/^\$\{[^}]*\}$/.test(item.trim())) out.push(this.fromText(item));
        else if (refsAt(this.graph, ds, `${attribute}.${i}`).length === 0 && refsAtShape(this.graph, ds, attribute).length === 0) {
          unknowns.push(`${attribute}[${i}] of ${ds.address} is known only after apply`);
        }
      });
      // Referenced documents (per index where the reader kept indices; by attribute otherwise).
      const targets = refsAtShape(this.graph, ds, attribute);
      for (const target of targets) {
        if (isPolicyDocumentData(target)) out.push(this.fromDataSource(target, visiting));
        else if (target.type === 'aws_iam_policy') out.push(this.documentAt(target, 'policy'));
        else unknowns.push(`${attribute} of ${ds.address} reads ${target.address}, known only after apply`);
      }
      if (isUnknown(raw) && targets.length === 0) unknowns.push(`${attribute} of ${ds.address} is known only after apply`);
      return out;
    };
    const sources = docsOf('source_policy_documents');
    const overrides = docsOf('override_policy_documents');
    for (const d of [...sources, ...overrides]) if (d.unknown) unknowns.push(d.unknown);

    const own: Statement[] = [];
    asList(ds.values.statement).forEach((block, i) => {
      const b = asObject(block);
      if (!b) return;
      const list = (key: string): string[] | undefined => {
        const v = b[key];
        if (v === undefined || v === null) return undefined;
        if (isUnknown(v)) return [unknownFragment(v)];
        return asList(v).map(literalOrFragment);
      };
      const conditions: Condition[] = [];
      for (const c of asList(b.condition)) {
        const co = asObject(c);
        const test = asString(co?.test);
        const variable = asString(co?.variable);
        if (!co || test === undefined || variable === undefined) {
          unknowns.push(`condition of statement ${i} of ${ds.address} is known only after apply`);
          continue;
        }
        const values = isUnknown(co.values) ? [unknownFragment(co.values)] : asList(co.values).map(literalOrFragment);
        conditions.push({ operator: test, key: variable, values });
      }
      const effectValue = b.effect;
      const effect = effectValue === undefined || effectValue === null ? 'Allow' : asString(effectValue);
      if (effect !== 'Allow' && effect !== 'Deny') {
        unknowns.push(`effect of statement ${i} of ${ds.address} is ${isUnknown(effectValue) ? 'known only after apply' : JSON.stringify(effectValue)}`);
        return;
      }
      const action = list('actions');
      const notAction = list('not_actions');
      const resource = list('resources');
      const notResource = list('not_resources');
      const sid = asString(b.sid);
      own.push({
        index: i,
        ...(sid ? { sid } : {}),
        effect,
        ...(action && action.length > 0 ? { action } : {}),
        ...(notAction && notAction.length > 0 ? { notAction } : {}),
        // The data source writes `Resource: "*"` nowhere by default: a statement without resources has none.
        ...(resource && resource.length > 0 ? { resource } : {}),
        ...(notResource && notResource.length > 0 ? { notResource } : {}),
        conditions,
        origin: pointer(ds.location, `statement.${i}`),
      });
    });
    const statements = mergeBySid([...sources.map((d) => d.statements), own, ...overrides.map((d) => d.statements)]);
    return { statements, problems, ...(unknowns.length > 0 ? { unknown: unknowns.join('; ') } : {}) };
  }

  // ---------- policies by ARN ----------

  /** A policy named by ARN (attachment `policy_arn`, `managed_policy_arns`, `permissions_boundary`). */
  private byArn(owner: Resource, attribute: string, value: Value | undefined, index?: number): AppliedPolicy[] {
    const attachedBy = owner.type.endsWith('_attachment') || owner.type.endsWith('_exclusive') ? pointer(owner.location, attribute) : undefined;
    const withAttachment = (p: AppliedPolicy): AppliedPolicy => (attachedBy ? { ...p, attachedBy } : p);
    const refAttr = index === undefined ? attribute : `${attribute}.${index}`;
    const refs = refsAt(this.graph, owner, refAttr).filter((r) => r.target.type === 'aws_iam_policy' && r.target.mode === 'managed');
    // Terraform requires the ARN: a block without one attaches nothing (it is not a value known after apply).
    if ((value === undefined || value === null) && refsAt(this.graph, owner, refAttr).length === 0) return [];
    if (typeof value !== 'string' || hasFragment(value)) {
      if (refs.length > 0) return refs.map((r) => withAttachment(this.customerPolicy(r.target)));
      const text = isUnknown(value) ? value.reason : textOf(value);
      return [withAttachment(this.unresolved(owner, attribute, `policy ARN ${abbreviate(text)} is known only after apply`))];
    }
    const arn = value;
    if (/^arn:aws[a-z-]*:iam::aws:policy\//.test(arn)) return [withAttachment(this.awsManaged(arn, owner, attribute))];
    const name = arn.slice(arn.lastIndexOf('/') + 1);
    const byName = this.policiesByName.get(name);
    if (byName?.length === 1 && byName[0]) return [withAttachment(this.customerPolicy(byName[0]))];
    return [withAttachment(this.unresolved(owner, attribute, `policy ${arn} is not defined in the input`))];
  }

  private awsManaged(arn: string, owner: Resource, attribute: string): AppliedPolicy {
    const cached = this.managedCache.get(arn);
    if (cached) return cached;
    const managed = this.catalog.managedPolicy?.(arn);
    const name = arn.slice(arn.lastIndexOf('/') + 1);
    const policy: AppliedPolicy = managed
      ? { kind: 'aws-managed', name, arn, location: pointer(owner.location, attribute), document: documentFromJson(managed.document) }
      : {
          kind: 'aws-managed',
          name,
          arn,
          location: pointer(owner.location, attribute),
          document: unknownDocument(`AWS managed policy ${arn} is not in the bundled snapshot`),
        };
    this.managedCache.set(arn, policy);
    this.documents.push(policy);
    return policy;
  }

  private customerPolicy(resource: Resource): AppliedPolicy {
    const cached = this.policyByAddress.get(resource.address);
    if (cached) return cached;
    const name = asString(resource.values.name) ?? resource.name;
    const arn = asString(resource.values.arn);
    const policy: AppliedPolicy = {
      kind: 'customer-managed',
      name,
      ...(arn ? { arn } : {}),
      location: pointer(resource.location, 'policy'),
      document: this.documentAt(resource, 'policy'),
    };
    this.policyByAddress.set(resource.address, policy);
    this.documents.push(policy);
    return policy;
  }

  private unresolved(owner: Resource, attribute: string, reason: string): AppliedPolicy {
    return { kind: 'unresolved', name: reason, location: pointer(owner.location, attribute), document: unknownDocument(reason) };
  }

  /** Inline document in `attribute` of `resource` (role inline_policy block, aws_iam_role_policy). */
  private inline(resource: Resource, attribute: string, kind: PolicyKind, name: string): AppliedPolicy {
    const key = `${resource.address}#${attribute}`;
    const cached = this.policyByAddress.get(key);
    if (cached) return cached;
    const policy: AppliedPolicy = { kind, name, location: pointer(resource.location, attribute), document: this.documentAt(resource, attribute) };
    this.policyByAddress.set(key, policy);
    this.documents.push(policy);
    return policy;
  }

  // ---------- linking ----------

  /** Principals (roles, users, groups) an attachment-like resource names in `attribute`, by reference or literal name/ARN. */
  private named(owner: Resource, attribute: string, type: string, byName: Map<string, Resource[]>): Resource[] {
    const found = new Map<string, Resource>();
    for (const r of this.graph.targets(owner, attribute, type)) if (r.mode === 'managed') found.set(r.address, r);
    for (const item of asList(owner.values[attribute])) {
      if (typeof item !== 'string' || hasFragment(item)) continue;
      const name = item.startsWith('arn:') ? item.slice(item.lastIndexOf('/') + 1) : item;
      for (const r of byName.get(name) ?? []) found.set(r.address, r);
    }
    return [...found.values()];
  }

  /**
   * Every document written in the input, attached or not (customer policies, inline policies,
   * policy document data sources), for checks on the text itself. AWS managed policies are
   * included only when attached.
   */
  allDocuments(): AppliedPolicy[] {
    for (const r of this.graph.ofType('aws_iam_policy')) this.customerPolicy(r);
    const out = [...this.documents];
    for (const ds of this.graph.ofType('data.aws_iam_policy_document')) {
      const document = this.fromDataSource(ds, new Set());
      out.push({ kind: 'data-source', name: ds.address, location: ds.location, document });
    }
    return out;
  }

  /** Every role and user with the policies that apply to it. Linear in the number of IAM resources. */
  collect(): Principal[] {
    const identity = new Map<string, AppliedPolicy[]>();
    const add = (holder: Resource, policies: readonly AppliedPolicy[]) => {
      const list = identity.get(holder.address);
      if (list) list.push(...policies);
      else identity.set(holder.address, [...policies]);
    };

    // Inline: role `inline_policy` blocks.
    for (const role of this.graph.ofType('aws_iam_role')) {
      asList(role.values.inline_policy).forEach((block, i) => {
        const b = asObject(block);
        if (!b || b.policy === undefined || b.policy === null || b.policy === '') return; // `inline_policy {}` removes all inline policies
        add(role, [this.inline(role, `inline_policy.${i}.policy`, 'inline', asString(b.name) ?? `inline_policy[${i}]`)]);
      });
      // managed_policy_arns: literal elements by ARN, referenced ones through the graph.
      const arns = role.values.managed_policy_arns;
      if (arns !== undefined && arns !== null) {
        const items = isUnknown(arns) ? [] : asList(arns);
        const seen = new Set<string>();
        items.forEach((item, i) => {
          for (const p of this.byArn(role, 'managed_policy_arns', item, i)) {
            if (p.kind === 'unresolved' && refsAtShape(this.graph, role, 'managed_policy_arns').length > 0) continue;
            seen.add(p.name + (p.arn ?? ''));
            add(role, [p]);
          }
        });
        // References the reader kept without an index (plan JSON), or a whole-list expression.
        for (const target of refsAtShape(this.graph, role, 'managed_policy_arns')) {
          if (target.type !== 'aws_iam_policy') continue;
          const p = this.customerPolicy(target);
          if (!seen.has(p.name + (p.arn ?? ''))) {
            seen.add(p.name + (p.arn ?? ''));
            add(role, [p]);
          }
        }
      }
    }

    // Separate inline policy resources.
    const inlineTypes: [string, string, PolicyKind][] = [
      ['aws_iam_role_policy', 'role', 'role-policy'],
      ['aws_iam_user_policy', 'user', 'user-policy'],
      ['aws_iam_group_policy', 'group', 'group-policy'],
    ];
    const exclusiveNames = this.exclusiveInlineNames();
    for (const [type, attribute, kind] of inlineTypes) {
      for (const r of this.graph.ofType(type)) {
        const holders = this.named(r, attribute, `aws_iam_${attribute}`, this.mapFor(attribute));
        const name = asString(r.values.name) ?? r.name;
        const policy = this.inline(r, 'policy', kind, name);
        for (const holder of holders) {
          const allowed = exclusiveNames.get(holder.address);
          // aws_iam_role_policies_exclusive removes inline policies it does not list.
          if (allowed && asString(r.values.name) !== undefined && !allowed.has(name)) continue;
          add(holder, [policy]);
        }
      }
    }

    // Attachments.
    const attachmentTypes: [string, string][] = [
      ['aws_iam_role_policy_attachment', 'role'],
      ['aws_iam_user_policy_attachment', 'user'],
      ['aws_iam_group_policy_attachment', 'group'],
    ];
    for (const [type, attribute] of attachmentTypes) {
      for (const att of this.graph.ofType(type)) {
        const holders = this.named(att, attribute, `aws_iam_${attribute}`, this.mapFor(attribute));
        if (holders.length === 0) continue;
        const policies = this.byArn(att, 'policy_arn', att.values.policy_arn);
        for (const holder of holders) add(holder, policies);
      }
    }
    for (const att of this.graph.ofType('aws_iam_policy_attachment')) {
      const holders = [
        ...this.named(att, 'roles', 'aws_iam_role', this.rolesByName),
        ...this.named(att, 'users', 'aws_iam_user', this.usersByName),
        ...this.named(att, 'groups', 'aws_iam_group', this.groupsByName),
      ];
      if (holders.length === 0) continue;
      const policies = this.byArn(att, 'policy_arn', att.values.policy_arn);
      for (const holder of holders) add(holder, policies);
    }
    for (const ex of this.graph.ofType('aws_iam_role_policy_attachments_exclusive')) {
      const roles = this.named(ex, 'role_name', 'aws_iam_role', this.rolesByName);
      const items = asList(ex.values.policy_arns);
      const policies = items.flatMap((item, i) => this.byArn(ex, 'policy_arns', item, i));
      for (const role of roles) add(role, policies);
    }

    // Group policies flow to their members.
    const groupsOfUser = new Map<string, Resource[]>();
    const member = (user: Resource, group: Resource) => {
      const list = groupsOfUser.get(user.address);
      if (list) list.push(group);
      else groupsOfUser.set(user.address, [group]);
    };
    for (const m of this.graph.ofType('aws_iam_user_group_membership')) {
      const users = this.named(m, 'user', 'aws_iam_user', this.usersByName);
      const groups = this.named(m, 'groups', 'aws_iam_group', this.groupsByName);
      for (const u of users) for (const g of groups) member(u, g);
    }
    for (const m of this.graph.ofType('aws_iam_group_membership')) {
      const users = this.named(m, 'users', 'aws_iam_user', this.usersByName);
      const groups = this.named(m, 'group', 'aws_iam_group', this.groupsByName);
      for (const u of users) for (const g of groups) member(u, g);
    }

    const principals: Principal[] = [];
    const build = (resource: Resource, kind: 'role' | 'user'): Principal => {
      const policies = dedupePolicies([
        ...(identity.get(resource.address) ?? []),
        ...(groupsOfUser.get(resource.address) ?? []).flatMap((g) =>
          (identity.get(g.address) ?? []).map((p) => ({ ...p, viaGroup: g.address })),
        ),
      ]);
      const boundaryValue = resource.values.permissions_boundary;
      const hasBoundary =
        (boundaryValue !== undefined && boundaryValue !== null && boundaryValue !== '') ||
        refsAt(this.graph, resource, 'permissions_boundary').length > 0;
      const boundary = hasBoundary ? this.byArn(resource, 'permissions_boundary', boundaryValue)[0] : undefined;
      const name = asString(resource.values.name);
      return {
        address: resource.address,
        kind,
        resource,
        ...(name ? { name } : {}),
        ...(resource.serviceType ? { serviceType: resource.serviceType } : {}),
        identityPolicies: policies,
        ...(boundary ? { boundary } : {}),
        usedBy: this.usersOf(resource),
      };
    };
    for (const role of this.graph.ofType('aws_iam_role')) principals.push(build(role, 'role'));
    for (const user of this.graph.ofType('aws_iam_user')) principals.push(build(user, 'user'));
    this.inheritServiceTypes(principals);
    return principals;
  }

  private mapFor(attribute: string): Map<string, Resource[]> {
    return attribute === 'role' ? this.rolesByName : attribute === 'user' ? this.usersByName : this.groupsByName;
  }

  /** Role address -> inline policy names kept by `aws_iam_role_policies_exclusive`. */
  private exclusiveInlineNames(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const ex of this.graph.ofType('aws_iam_role_policies_exclusive')) {
      const names = asList(ex.values.policy_names);
      if (names.some((n) => typeof n !== 'string' || hasFragment(n))) continue; // cannot tell which survive
      for (const role of this.named(ex, 'role_name', 'aws_iam_role', this.rolesByName)) {
        out.set(role.address, new Set(names as string[]));
      }
    }
    return out;
  }

  private usersOf(principal: Resource): UsedBy[] {
    const out: UsedBy[] = [];
    for (const from of this.graph.referrers(principal)) {
      if (from.type.startsWith('aws_iam_') && from.type !== 'aws_iam_instance_profile') continue;
      if (from.mode === 'data') continue;
      const ref = from.references.find((r) => r.target === principal.address);
      out.push({ address: from.address, type: from.type, ...(ref ? { attribute: ref.attribute } : {}) });
      // Instance profiles are used by instances and launch templates.
      if (from.type === 'aws_iam_instance_profile') {
        for (const user of this.graph.referrers(from)) out.push({ address: user.address, type: user.type, attribute: 'iam_instance_profile' });
      }
    }
    return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  /** A role without its own service type takes the type of the one service that uses it. */
  private inheritServiceTypes(principals: Principal[]): void {
    for (let i = 0; i < principals.length; i++) {
      const p = principals[i];
      if (!p || p.serviceType) continue;
      const typed = p.usedBy.map((u) => this.graph.get(u.address)).filter((r): r is Resource => r?.serviceType !== undefined);
      const types = new Set(typed.map((r) => r.serviceType?.type));
      const first = typed[0];
      if (types.size === 1 && first?.serviceType) {
        principals[i] = {
          ...p,
          serviceType: { ...first.serviceType, reason: `role of ${first.address} (${first.serviceType.reason})` },
        };
      }
    }
  }
}

/** The same policy attached twice (an attachment and `managed_policy_arns`) counts once. */
function dedupePolicies(policies: readonly AppliedPolicy[]): AppliedPolicy[] {
  const seen = new Set<string>();
  return policies.filter((p) => {
    const key = `${p.kind}|${p.arn ?? ''}|${p.location.address ?? ''}|${p.location.jsonPointer ?? ''}|${p.viaGroup ?? ''}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** A list element as policy text: apply-time values become `${...}` fragments that matching treats as unknown. */
/** `&{aws:username}` is how aws_iam_policy_document spells the policy variable `${aws:username}` (Terraform would read `${` itself). */
const policyVariables = (text: string): string => text.replace(/&\{([A-Za-z0-9-]+:[^}]*)\}/g, '$${$1}');
const literalOrFragment = (x: Value): string => (typeof x === 'string' ? policyVariables(x) : isUnknown(x) ? unknownFragment(x) : textOf(x));
const fragment = (reason: string): string => (/^\$\{[^}]*\}$/.test(reason) ? reason : `\${${reason.replace(/[{}]/g, '')}}`);
/**
 * An apply-time value computed from exactly one attribute (plan JSON: `aws_iam_role.exec.arn`) is written as that reference,
 * as its own stack writes it: with the multi-stack `stack:` prefix it would read as a policy variable (`${aws:username}`).
 */
const unknownFragment = (x: Unknown): string => (x.references.length === 1 && x.references[0] ? `\${${withoutStack(x.references[0])}}` : fragment(x.reason));
/** Drops the `name:` prefix of an input read with others (a stack name, or a path such as `envs/prod`). */
const withoutStack = (address: string): string => {
  const colon = address.indexOf(':');
  const bracket = address.indexOf('[');
  return colon > 0 && (bracket < 0 || colon < bracket) ? address.slice(colon + 1) : address;
};
