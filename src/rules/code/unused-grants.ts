import type { Evidence, FindingDraft } from '../../model/findings.js';
import type { HandlerFacts } from '../../analysis/code/index.js';
import { describePolicy, type Principal, type Statement } from '../../analysis/iam/index.js';
import type { ResourceGraph } from '../../model/graph.js';
import { asString, isUnknown, valueAt } from '../../model/graph.js';
import type { Resource } from '../../model/types.js';
import { globMatch } from '../../model/glob.js';
import { remember } from '../../model/memo.js';
import type { Check } from '../types.js';
import { codeFinding, listOf, selectedHandlers, stringList, ignoreActionsParam } from './shared.js';

/**
 * The role of a service allows only what its code calls. For each Allow statement, the actions
 * it grants that no code path of any service running as the role calls are over-privilege.
 * A role is judged only when the code of every resource that uses it is known, and actions of
 * a service the code calls in a way we could not map are left alone.
 */
export const unusedGrants: Check = {
  name: 'unused-grants',
  description: 'The role a service runs as allows no action that no code path of the service calls (the statement that grants it is the evidence).',
  ...ignoreActionsParam('Actions the platform itself uses with the role (Lambda writing logs, attaching VPC interfaces), not the code.'),
  run(facts, policy) {
    const selected = selectedHandlers(facts, policy);
    if (!selected) return [];
    const { code, handlers } = selected;
    const ignore = stringList(policy.params.ignoreActions);
    const iam = facts.iam();
    const byRole = new Map<string, HandlerFacts[]>();
    for (const h of handlers) if (h.roleAddress) byRole.set(h.roleAddress, [...(byRole.get(h.roleAddress) ?? []), h]);
    // Every handler of the stack (not just the selected ones) counts as a user of its role.
    const allByRole = new Map<string, HandlerFacts[]>();
    for (const h of code.handlers) if (h.roleAddress) allByRole.set(h.roleAddress, [...(allByRole.get(h.roleAddress) ?? []), h]);
    // Statements of a shared policy (an AWS managed one, say) grant the same actions to every role: expanded once.
    const grantedBy = new Map<Statement, Granted>();
    const expand = (statement: Statement, patterns: readonly string[]): Granted =>
      remember(grantedBy, statement, () => granted(patterns.map((p) => Array.from(iam.actionsMatching(p), (a) => a.action))));
    const ignoredActions = new Map<string, boolean>();
    const ignored = (action: string): boolean => remember(ignoredActions, action, () => ignore.some((p) => globMatch(p, action, true)));
    const out: FindingDraft[] = [];
    for (const roleAddress of [...byRole.keys()].sort()) {
      const principal = iam.principal(roleAddress);
      const users = allByRole.get(roleAddress) ?? [];
      if (!principal || !everyUserHasCode(facts.graph, principal, users)) continue;
      const used = new Set<string>();
      const opaqueServices = new Set<string>();
      // A client of a computed service may call anything the role allows: no grant is provably unused.
      if (users.some((h) => h.calls.some((c) => c.computed?.what === 'service'))) continue;
      for (const h of users) {
        for (const call of h.calls) {
          for (const action of call.action) used.add(action.toLowerCase());
          if (call.unresolved && call.service) opaqueServices.add(call.service.toLowerCase());
        }
        for (const action of platformActions(facts.graph, h)) used.add(action.toLowerCase());
      }
      // Only a grant the code does not call needs deciding (once per action, however many statements
      // grant it), and none of a service the role cannot be allowed (ReadOnlyAccess under a narrow
      // boundary: thousands of actions, most of services it caps); the whole allowance is needed only for NotAction.
      const outright = new Map<string, boolean>();
      const allowedOutright = (action: string): boolean => remember(outright, action, () => iam.decisionOf(principal, action) === 'allow');
      const serviceOpen = new Map<string, boolean>();
      const mayBeUnused = (service: string): boolean =>
        remember(serviceOpen, service, () => !opaqueServices.has(service) && iam.mayAllowService(principal, service));
      let allowed: readonly string[] | undefined;
      const handler = users[0]!;
      for (const applied of principal.identityPolicies) {
        for (const statement of applied.document.statements) {
          if (statement.effect !== 'Allow') continue;
          const grants = statement.action
            ? expand(statement, statement.action)
            : granted([
                (allowed ??= iam.allowedActions(principal).flatMap((g) => (g.decision === 'allow' ? [g.action] : []))).filter(
                  (a) => !(statement.notAction ?? []).some((p) => globMatch(p, a, true)),
                ),
              ]);
          const unused: string[] = [];
          for (const [service, actions] of grants.byService) {
            if (!mayBeUnused(service)) continue;
            for (const a of actions) if (!used.has(a.toLowerCase()) && !ignored(a) && allowedOutright(a)) unused.push(a);
          }
          if (unused.length === 0) continue;
          unused.sort();
          const calledHere = [...used].flatMap((a) => grants.byLowerName.get(a) ?? []).sort();
          const location = statement.origin ?? applied.location;
          // Only the written patterns that grant an unused action: a managed policy's statement writes
          // hundreds (ReadOnlyAccess: 1,510), and every finding on it would repeat them all.
          const granting = statement.action ? grantingPatterns(statement.action, grants, unused) : [];
          const written = statement.action
            ? `${listOf(granting)}${granting.length < statement.action.length ? ` (${granting.length} of its ${statement.action.length} action patterns)` : ''}`
            : `everything except ${listOf(statement.notAction ?? [])}`;
          const label = `statement ${statement.index}${statement.sid ? ` (${statement.sid})` : ''} of ${describePolicy(applied)}`;
          const runs = users.map((u) => u.resourceAddress).join(', ');
          const evidence: Evidence[] = [
            {
              kind: 'statement',
              message: `${label} allows ${written}; no code path calls ${listOf(unused)}`,
              location,
              data: {
                policy: applied.name,
                statementIndex: statement.index,
                ...(statement.sid ? { sid: statement.sid } : {}),
                ...(statement.action
                  ? { grantedBy: granting, actionPatterns: statement.action.length }
                  : { notAction: [...(statement.notAction ?? [])] }),
                unused,
              },
            },
            {
              kind: 'code',
              message: `the code of ${runs} calls ${calledHere.length > 0 ? listOf(calledHere) : 'none of these actions'}`,
              data: { handlers: users.map((u) => u.entry), called: calledHere },
            },
          ];
          out.push({
            ...codeFinding(code, handler, { file: handler.entry, line: 1 }),
            location: { ...location, address: roleAddress },
            subject: `${applied.name}#${statement.index}`,
            message: `${roleAddress} (role of ${runs}) is allowed ${listOf(unused)}${
              unused.length > 8 ? ` (${unused.length} actions)` : ''
            } by ${label}, but no code path calls ${unused.length === 1 ? 'it' : 'them'}`,
            evidence,
          });
        }
      }
    }
    return out;
  },
};

/** The actions a statement grants: by service (lower-case prefix), by lower-case name, and which written patterns grant each. */
interface Granted {
  readonly byService: ReadonlyMap<string, readonly string[]>;
  readonly byLowerName: ReadonlyMap<string, string>;
  /** Action -> the indexes of the statement's Action patterns that grant it. */
  readonly patternsOf: ReadonlyMap<string, readonly number[]>;
}

/** `perPattern[i]`: the actions the statement's i-th Action pattern grants (one list for a NotAction statement). */
function granted(perPattern: readonly (readonly string[])[]): Granted {
  const byService = new Map<string, string[]>();
  const byLowerName = new Map<string, string>();
  const patternsOf = new Map<string, number[]>();
  perPattern.forEach((actions, index) => {
    for (const action of actions) {
      const lower = action.toLowerCase();
      const canonical = byLowerName.get(lower);
      if (canonical !== undefined) {
        const indexes = patternsOf.get(canonical)!;
        if (indexes.at(-1) !== index) indexes.push(index);
        continue;
      }
      byLowerName.set(lower, action);
      patternsOf.set(action, [index]);
      const service = lower.slice(0, lower.indexOf(':'));
      const list = byService.get(service);
      if (list) list.push(action);
      else byService.set(service, [action]);
    }
  });
  return { byService, byLowerName, patternsOf };
}

/** The written Action patterns that grant at least one of `unused`, in the statement's order. */
function grantingPatterns(patterns: readonly string[], grants: Granted, unused: readonly string[]): string[] {
  const indexes = new Set<number>();
  for (const action of unused) for (const i of grants.patternsOf.get(action) ?? []) indexes.add(i);
  return [...indexes].sort((a, b) => a - b).map((i) => patterns[i]!);
}

/** Every resource that uses the role runs code we read (else an "unused" grant may be used by code we never saw). */
function everyUserHasCode(graph: ResourceGraph, principal: Principal, handlers: readonly HandlerFacts[]): boolean {
  if (handlers.length === 0) return false;
  const covered = new Set<string>();
  for (const h of handlers) {
    covered.add(h.resourceAddress);
    const resource = graph.get(h.resourceAddress);
    if (resource?.type === 'aws_ecs_service') {
      const task = graph.target(resource, 'task_definition', 'aws_ecs_task_definition');
      if (task) covered.add(task.address);
    }
  }
  return principal.usedBy.every((u) => covered.has(u.address));
}

/** What Lambda's poller does with the function's role, per event source type (AWS Lambda event source docs). */
const POLLER_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  aws_sqs_queue: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
  aws_dynamodb_table: ['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream', 'dynamodb:ListStreams'],
  aws_kinesis_stream: [
    'kinesis:GetRecords',
    'kinesis:GetShardIterator',
    'kinesis:DescribeStream',
    'kinesis:DescribeStreamSummary',
    'kinesis:ListShards',
    'kinesis:ListStreams',
    'kinesis:SubscribeToShard',
  ],
  aws_mq_broker: [
    'mq:DescribeBroker',
    'secretsmanager:GetSecretValue',
    'ec2:CreateNetworkInterface',
    'ec2:DeleteNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeSecurityGroups',
    'ec2:DescribeSubnets',
    'ec2:DescribeVpcs',
  ],
};

/** What Lambda sends to an asynchronous invocation's destination or dead-letter target, with the function's role. */
const DESTINATION_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  aws_sqs_queue: ['sqs:SendMessage'],
  aws_sns_topic: ['sns:Publish'],
  aws_lambda_function: ['lambda:InvokeFunction'],
  aws_cloudwatch_event_bus: ['events:PutEvents'],
};

/**
 * Actions Lambda itself performs with the function's role: polling its event sources, sending to
 * its dead-letter target and its asynchronous destinations, its KMS key. Mappings and invoke
 * configs count when they name the function directly, through an alias, or by the same name
 * expression. A source or destination not in this configuration may be of any type: every action
 * Lambda could perform there counts as used, so no grant is called unused on a guess.
 */
function platformActions(graph: ResourceGraph, handler: HandlerFacts): string[] {
  const fn = graph.get(handler.resourceAddress);
  if (!fn || fn.type !== 'aws_lambda_function') return [];
  const name = asString(fn.values.function_name);
  const aliases = [...graph.ofType('aws_lambda_alias'), ...graph.ofType('data.aws_lambda_alias')].filter((a) => names(graph, a, fn, name, []));
  const out: string[] = [];
  const add = (table: Readonly<Record<string, readonly string[]>>, targets: readonly Resource[], unresolved: boolean) => {
    for (const t of targets) out.push(...(table[t.type] ?? []));
    if (unresolved) for (const actions of Object.values(table)) out.push(...actions);
  };
  for (const mapping of graph.ofType('aws_lambda_event_source_mapping')) {
    if (!names(graph, mapping, fn, name, aliases)) continue;
    const sources = graph.targets(mapping, 'event_source_arn');
    const known = sources.filter((t) => t.type in POLLER_ACTIONS);
    add(POLLER_ACTIONS, known, known.length === 0 && valueAt(mapping.values, 'event_source_arn') != null);
    // Records of a failed batch go to the mapping's on-failure destination.
    const failure = graph.targets(mapping, 'destination_config');
    add(DESTINATION_ACTIONS, failure, failure.length === 0 && isUnknown(valueAt(mapping.values, 'destination_config')));
  }
  for (const config of graph.ofType('aws_lambda_function_event_invoke_config')) {
    if (!names(graph, config, fn, name, aliases)) continue;
    const targets = graph.targets(config, 'destination_config');
    const raw = valueAt(config.values, 'destination_config');
    add(DESTINATION_ACTIONS, targets, targets.length === 0 && isUnknown(raw));
  }
  const dlq = graph.targets(fn, 'dead_letter_config');
  add(DESTINATION_ACTIONS, dlq, dlq.length === 0 && isUnknown(valueAt(fn.values, 'dead_letter_config')));
  if (graph.targets(fn, 'kms_key_arn').length > 0) out.push('kms:Decrypt');
  return out;
}

/** Does `resource`'s function_name name `fn`: a reference to it or to one of its aliases, or the same name expression? */
function names(graph: ResourceGraph, resource: Resource, fn: Resource, name: string | undefined, aliases: readonly Resource[]): boolean {
  const targets = graph.targets(resource, 'function_name');
  if (targets.includes(fn) || targets.some((t) => aliases.includes(t))) return true;
  return name !== undefined && asString(resource.values.function_name) === name;
}
