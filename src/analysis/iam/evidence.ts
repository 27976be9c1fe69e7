/**
 * How IAM answers are told: policies and statements named in messages, and the evidence lists
 * (granting statements, Denies, the boundary, the example request, unreadable documents).
 */
import type { Evidence } from '../../model/findings.js';
import { dict } from '../../model/dict.js';
import type { JsonValue } from '../../model/json.js';
import type { AppliedPolicy } from './collect.js';
import { statementJson, type Statement } from './document.js';
import { patternsNaming, type Decided, type Request, type StatementHit, type Witness } from './evaluate.js';
import type { Evaluation } from './types.js';

/** How a policy is named in messages. */
export function describePolicy(p: AppliedPolicy): string {
  const via = p.attachedBy?.address ? ` attached by ${p.attachedBy.address}` : '';
  const group = p.viaGroup ? ` via group ${p.viaGroup}` : '';
  switch (p.kind) {
    case 'aws-managed':
      return `AWS managed policy ${p.name}${via}${group}`;
    case 'inline':
      return `inline policy "${p.name}" of ${p.location.address ?? '?'}`;
    case 'customer-managed':
      return `${p.location.address ?? `policy ${p.name}`}${via}${group}`;
    case 'unresolved':
      return `unresolved policy (${p.name})${via}`;
    default:
      return `${p.location.address ?? p.name}${group}`;
  }
}

/** `<policy> cannot be read before apply: <why>` (an unresolved policy is named by why it is unknown: said once). */
export function unreadableText(p: AppliedPolicy): string {
  const unreadable = `${describePolicy(p)} cannot be read before apply`;
  return p.kind === 'unresolved' ? unreadable : `${unreadable}: ${p.document.unknown ?? ''}`;
}

function statementLabel(s: Statement): string {
  return `statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

/**
 * A statement writing more Action patterns than this is told by the patterns a finding is about,
 * when those are at most half of its patterns: AWS managed statements write hundreds
 * (ReadOnlyAccess: 1,510), and every answer would repeat them.
 */
const LONG_ACTION_LIST = 8;

/** `naming`: the Action patterns to tell instead of all (see LONG_ACTION_LIST). */
function scope(s: Statement, naming: readonly string[] | undefined): string {
  const what = naming
    ? `${naming.join(', ')} (${naming.length} of its ${s.action?.length ?? 0} action patterns)`
    : s.action
      ? s.action.join(', ')
      : `everything except ${s.notAction?.join(', ') ?? ''}`;
  const on = s.resource ? s.resource.join(', ') : `everything except ${s.notResource?.join(', ') ?? ''}`;
  return `${what} on ${on}`;
}

/** `statement` is the statement as written; with `naming`, its Action lists only those patterns, and `actionPatterns` counts them all. */
function policyData(p: AppliedPolicy, s: Statement, naming: readonly string[] | undefined) {
  const statement = statementJson(s) as Record<string, JsonValue>;
  if (naming) statement.Action = [...naming];
  return {
    policy: p.name,
    policyKind: p.kind,
    ...(p.arn ? { arn: p.arn } : {}),
    ...(p.attachedBy?.address ? { attachedBy: p.attachedBy.address } : {}),
    ...(p.viaGroup ? { viaGroup: p.viaGroup } : {}),
    statementIndex: s.index,
    ...(s.sid ? { sid: s.sid } : {}),
    statement,
    ...(naming ? { actionPatterns: s.action?.length ?? 0 } : {}),
  };
}

/**
 * A statement as evidence. `focus` is what the finding is about: an action the statement took part
 * in answering about, or the statement's own Action patterns the finding names; a long Action list
 * is told by those alone (see LONG_ACTION_LIST).
 */
export function statementEvidence(hit: StatementHit<AppliedPolicy>, verb: string, focus?: string | readonly string[]): Evidence {
  const { policy, statement } = hit;
  const where = statement.origin?.address && statement.origin.address !== policy.location.address ? ` (written in ${statement.origin.address})` : '';
  const when = hit.notes.length > 0 ? ` when ${hit.notes.map((n) => n.text).join(' and ')}` : '';
  const all = statement.action ?? [];
  const named = all.length <= LONG_ACTION_LIST || focus === undefined ? [] : typeof focus === 'string' ? patternsNaming(all, focus) : focus;
  // Most of the list named: the statement is clearer told whole.
  const naming = named.length > 0 && named.length * 2 <= all.length ? named : undefined;
  return {
    kind: 'statement',
    message: `${statementLabel(statement)} of ${describePolicy(policy)}${where} ${verb} ${scope(statement, naming)}${when}`,
    location: statement.origin ?? policy.location,
    data: policyData(policy, statement, naming),
  };
}

/** `permissions boundary <policy> does not allow <actions>`. */
export const boundaryRefusalText = (boundary: AppliedPolicy, actions: string): string =>
  `permissions boundary ${describePolicy(boundary)} does not allow ${actions}`;

/** The boundary allows none of `action`. */
export function boundaryRefusal(boundary: AppliedPolicy, action: string): Evidence {
  return {
    kind: 'boundary',
    message: boundaryRefusalText(boundary, action),
    location: boundary.location,
    data: { policy: boundary.name, policyKind: boundary.kind, ...(boundary.arn ? { arn: boundary.arn } : {}) },
  };
}

/** A document known only after apply; `role` says what it is to the principal (`permissions boundary `). */
export function unreadableEvidence(p: AppliedPolicy, role = ''): Evidence {
  return {
    kind: 'unknown-policy',
    message: `${role}${unreadableText(p)}`,
    location: p.location,
    data: { policy: p.name, policyKind: p.kind, ...(p.document.unknown !== undefined ? { unknown: p.document.unknown } : {}) },
  };
}

function decisionEvidence(d: Decided<AppliedPolicy>, action: string): Evidence[] {
  const out: Evidence[] = [];
  if (d.decision === 'deny') {
    for (const hit of d.denies) out.push(statementEvidence(hit, `denies ${action}:`, action));
    for (const hit of d.grants) out.push(statementEvidence(hit, `would allow ${action}:`, action));
    return out;
  }
  for (const hit of d.grants) out.push(statementEvidence(hit, 'allows', action));
  if (d.cappedBy) out.push(boundaryRefusal(d.cappedBy, action));
  else for (const hit of d.boundaryAllows) out.push(statementEvidence(hit, 'lets through (permissions boundary)', action));
  const denyVerb = d.decision === 'allow' ? `denies ${action} on part of the resources:` : `denies ${action}`;
  for (const hit of d.denies) out.push(statementEvidence(hit, denyVerb, action));
  if (d.witness) out.push(witnessEvidence(action, d.witness));
  for (const p of d.unknownPolicies) out.push(unreadableEvidence(p));
  return out;
}

/** The request the answer is about: `for example sagemaker:CreateModelPackage on arn:... with aws:PrincipalTag/team = ml`. */
function witnessEvidence(action: string, w: Witness): Evidence {
  const keys = Object.keys(w.context);
  const context = keys.map((k) => {
    const v = w.context[k];
    return `${k} = ${typeof v === 'string' ? v : `[${(v ?? []).join(', ')}]`}`;
  });
  const absent = keys.length === 0 ? '' : ` with ${context.join(', ')}`;
  return {
    kind: 'witness',
    message: `for example ${action} on ${w.resource}${absent}`,
    data: { action, resource: w.resource, context: dict(keys.map((k): [string, string | string[]] => [k, w.context[k] as string | string[]])) },
  };
}

/** A decision as the public answer: its conditions in IAM's words and its evidence. */
export function toEvaluation(d: Decided<AppliedPolicy>, request: Request): Evaluation {
  let evidence: readonly Evidence[] | undefined;
  return {
    action: request.action.action,
    ...(request.resource !== undefined ? { resource: request.resource } : {}),
    decision: d.decision,
    conditions: d.conditions.map((c) => c.text),
    // Built when read: most answers are asked for their decision only.
    get evidence() {
      return (evidence ??= decisionEvidence(d, request.action.action));
    },
    ...(d.witness ? { witness: d.witness } : {}),
  };
}

/** What an undecided answer waits for: the unreadable documents, then the apply-time values in statements. */
export function undecidedReason(d: Decided<AppliedPolicy>): string {
  const reasons = [...d.unknownPolicies.map(unreadableText), ...d.conditions.filter((c) => c.unknown).map((c) => c.text)];
  return reasons.length > 0 ? [...new Set(reasons)].join('; ') : 'a value known only after apply';
}

export function dedupeEvidence(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const e of evidence) {
    // One statement grants many actions: keep it once, with a message not tied to one action.
    const key = `${e.kind}|${e.location?.address ?? ''}|${e.location?.jsonPointer ?? ''}|${JSON.stringify(e.data ?? null)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}
