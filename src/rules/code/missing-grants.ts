import type { Evidence, FindingDraft } from '../../model/findings.js';
import type { CodeCall, HandlerFacts } from '../../analysis/code/index.js';
import type { Evaluation } from '../../analysis/iam/index.js';
import { globMatch, hasWildcard } from '../../model/glob.js';
import type { Check } from '../types.js';
import type { ResourceGraph } from '../../model/graph.js';
import { asList, asString, valueAt } from '../../model/graph.js';
import type { Resource } from '../../model/types.js';
import { bySite, callEvidence, chainEvidence, codeFinding, handlerTypeEvidence, listOf, selectedHandlers, stringList, ignoreActionsParam } from './shared.js';

/**
 * Every IAM action the code calls is allowed to the role it runs as (after Deny, boundary and
 * NotAction), on the resource the call names where the code shows it. A call the role does not
 * allow is an AccessDenied waiting for production traffic.
 */
export const missingGrants: Check = {
  name: 'missing-grants',
  description: 'Every AWS SDK call in the handler code is allowed by the role the code runs as (on the ARN the call names, where visible).',
  ...ignoreActionsParam('Actions not to check (granted outside IAM identity policies, e.g. by a resource policy).'),
  run(facts, policy) {
    const selected = selectedHandlers(facts, policy);
    if (!selected) return [];
    const { code, handlers } = selected;
    const ignore = stringList(policy.params.ignoreActions);
    const iam = facts.iam();
    const out: FindingDraft[] = [];
    for (const handler of handlers) {
      if (!handler.roleAddress) continue;
      const principal = iam.principal(handler.roleAddress);
      if (!principal) continue;
      // A service or operation computed at run time: which action it needs cannot be known.
      for (const call of handler.calls) {
        if (!call.computed) continue;
        out.push({
          ...codeFinding(code, handler, call),
          subject: `${call.computed.what} computed: ${call.computed.expression}`,
          message: `${handler.resourceAddress} calls ${call.sdkCall} at ${code.displayPath(call.file)}:${call.line}, whose ${
            call.computed.what
          } is computed at run time (${call.computed.expression}): whether its role ${handler.roleAddress} allows it cannot be decided`,
          evidence: [
            callEvidence(code, call, `computes its ${call.computed.what}: ${call.computed.expression}`),
            ...chainEvidence(code, handler, call),
            ...handlerTypeEvidence(handler),
          ],
          undecided: true,
        });
      }
      for (const [action, calls] of needs(handler)) {
        if (ignore.some((p) => globMatch(p, action, true))) continue;
        if (!facts.catalog.action(action)) continue;
        const problem = verdict(calls, action, (arn) => iam.evaluate(principal, action, arn));
        if (!problem) continue;
        const sites = [...problem.calls].sort(bySite);
        const first = sites[0]!;
        // Within one account a resource policy naming the role grants the call by itself: an
        // implicit deny from the role's own policies is then no answer (an explicit Deny still is).
        const granting = problem.decision === 'implicit-deny' ? resourcePoliciesNaming(facts.graph, handler.roleAddress, action) : [];
        if (granting.length > 0) {
          out.push({
            ...codeFinding(code, handler, first),
            subject: action,
            message: `${handler.resourceAddress} calls ${action}${problem.arns.length > 0 ? ` on ${listOf(problem.arns, 3)}` : ''} at ${code.displayPath(
              first.file,
            )}:${first.line}; its role ${handler.roleAddress} does not allow it, but ${granting
              .map((g) => g.address)
              .join(', ')} allows it to the role as a resource policy: whether that policy is attached to the resource the call reaches cannot be decided here`,
            evidence: [
              ...sites.map((c) => callEvidence(code, c, `needs ${action}`)),
              ...granting.map((g) => ({
                kind: 'statement',
                message: `statement ${g.statement} of ${g.address} allows ${action} to principal ${handler.roleAddress}`,
                location: g.location,
              })),
              ...roleEvidence(problem.evaluation, handler, principal.resource.location, action),
              ...handlerTypeEvidence(handler),
            ],
            undecided: true,
          });
          continue;
        }
        const on = problem.arns.length > 0 ? ` on ${listOf(problem.arns, 3)}` : '';
        const how =
          problem.decision === 'deny'
            ? 'an explicit Deny blocks it'
            : problem.decision === 'unknown'
              ? 'whether it is allowed depends on values known only after apply'
              : problem.scopedOnly
                ? 'the role allows it on other resources only'
                : 'no statement allows it';
        out.push({
          ...codeFinding(code, handler, first),
          subject: action,
          message: `${handler.resourceAddress} calls ${action}${on} at ${code.displayPath(first.file)}:${first.line}, but its role ${
            handler.roleAddress
          } does not allow it (${how})`,
          evidence: [
            ...sites.map((c) => callEvidence(code, c, `needs ${action}`)),
            ...chainEvidence(code, handler, first),
            ...roleEvidence(problem.evaluation, handler, principal.resource.location, action),
            ...handlerTypeEvidence(handler),
          ],
          ...(problem.decision === 'unknown' ? { undecided: true } : {}),
        });
      }
    }
    return out;
  },
};

/** action -> the calls that need it (resolved calls only). */
function needs(handler: HandlerFacts): Map<string, CodeCall[]> {
  const map = new Map<string, CodeCall[]>();
  for (const call of handler.calls) {
    if (call.unresolved) continue;
    for (const action of call.action) {
      const list = map.get(action) ?? [];
      list.push(call);
      map.set(action, list);
    }
  }
  return new Map([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

interface Problem {
  readonly decision: 'deny' | 'implicit-deny' | 'unknown';
  readonly calls: readonly CodeCall[];
  readonly arns: readonly string[];
  readonly evaluation: Evaluation;
  /** Allowed on some resource, but not on the one the code names. */
  readonly scopedOnly: boolean;
}

/**
 * Calls naming a concrete ARN are checked on it; calls that name none (or an ARN with `*` for
 * region or account) are checked on "some resource". An `unknown` answer on a concrete ARN
 * (the statement's Resource is an apply-time reference) falls back to "some resource" before
 * it is reported as undecided.
 */
function verdict(calls: readonly CodeCall[], action: string, evaluate: (arn?: string) => Evaluation): Problem | undefined {
  const byArn = new Map<string, CodeCall[]>();
  const unscoped: CodeCall[] = [];
  for (const call of calls) {
    const arns = call.scopes?.[action]?.filter((a) => !hasWildcard(a)) ?? [];
    if (arns.length === 0) unscoped.push(call);
    for (const arn of arns) byArn.set(arn, [...(byArn.get(arn) ?? []), call]);
  }
  let anyResource: Evaluation | undefined;
  const onAny = () => (anyResource ??= evaluate(undefined));
  const bad = (e: Evaluation) => e.decision === 'deny' || e.decision === 'implicit-deny';
  if (unscoped.length > 0 && (bad(onAny()) || onAny().decision === 'unknown')) {
    return { decision: onAny().decision as Problem['decision'], calls: unscoped, arns: [], evaluation: onAny(), scopedOnly: false };
  }
  const deniedArns: string[] = [];
  const deniedCalls = new Set<CodeCall>();
  let worst: Evaluation | undefined;
  for (const [arn, arnCalls] of byArn) {
    let e = evaluate(arn);
    if (e.decision === 'unknown' && !bad(onAny())) e = onAny();
    if (!bad(e) && e.decision !== 'unknown') continue;
    deniedArns.push(arn);
    for (const c of arnCalls) deniedCalls.add(c);
    if (!worst || (e.decision === 'deny' && worst.decision !== 'deny')) worst = e;
  }
  if (!worst) return undefined;
  return {
    decision: worst.decision as Problem['decision'],
    calls: [...deniedCalls],
    arns: deniedArns.sort(),
    evaluation: worst,
    scopedOnly: worst.decision === 'implicit-deny' && !bad(onAny()) && onAny().decision !== 'unknown',
  };
}

function roleEvidence(evaluation: Evaluation, handler: HandlerFacts, roleLocation: Evidence['location'], action: string): Evidence[] {
  if (evaluation.evidence.length > 0) return [...evaluation.evidence];
  return [
    {
      kind: 'role',
      message: `no policy of ${handler.roleAddress} (the role of ${handler.resourceAddress}) allows ${action}${
        evaluation.resource ? ` on ${evaluation.resource}` : ''
      }`,
      ...(roleLocation ? { location: roleLocation } : {}),
      data: { role: handler.roleAddress ?? null, action, decision: evaluation.decision },
    },
  ];
}

/**
 * Policy documents of this configuration that allow `action` to the role as an AWS principal
 * (a `principals` block of a data "aws_iam_policy_document" referring to the role): a bucket, queue,
 * topic or key policy that grants the call by itself, wherever the document is attached.
 */
function resourcePoliciesNaming(
  graph: ResourceGraph,
  roleAddress: string,
  action: string,
): { address: string; statement: number; location: Resource['location'] }[] {
  const role = graph.get(roleAddress);
  if (!role) return [];
  const out: { address: string; statement: number; location: Resource['location'] }[] = [];
  for (const doc of graph.referrers(role)) {
    if (doc.mode !== 'data' || doc.type !== 'aws_iam_policy_document') continue;
    asList(doc.values.statement).forEach((statement, i) => {
      if (asString(valueAt(statement, 'effect')) === 'Deny') return;
      const actions = asList(valueAt(statement, 'actions')).filter((a): a is string => typeof a === 'string');
      if (!actions.some((a) => globMatch(a, action, true))) return;
      const names = doc.references.some(
        (r) => r.attribute.startsWith(`statement.${i}.principals`) && (r.target === role.address || r.target.startsWith(`${role.address}.`)),
      );
      const awsPrincipals = asList(valueAt(statement, 'principals')).some((p) => asString(valueAt(p, 'type')) === 'AWS');
      if (names && awsPrincipals) out.push({ address: doc.address, statement: i, location: doc.location });
    });
  }
  return out;
}
