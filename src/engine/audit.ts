/**
 * Builds the audit data (model/audit.ts: what `hybridguard audit` shows on one page) once from the
 * facts (IAM, network and code analyses) and the run's results.
 */
import type { Resource } from '../model/types.js';
import { SERVICE_TYPES } from '../model/types.js';
import type { Result, RunResults } from '../model/findings.js';
import type { Facts } from '../rules/types.js';
import type { IamFacts, Principal } from '../analysis/iam/index.js';
import type { NetworkFacts } from '../analysis/network/index.js';
import { roleOf, type CodeFacts } from '../analysis/code/index.js';
import { compareCodeUnits } from '../model/compare.js';
import type {
  AuditData,
  AuditGroupKey,
  InventoryGroup,
  InventoryService,
  AuditCapability,
  CellState,
  MatrixCell,
  MatrixRow,
  ExposureEntry,
  HandlerAudit,
} from '../model/audit.js';

/** Resource types that are services by themselves (the rest are parts of one: roles, routes, log groups). */
const SERVICE_RESOURCE_TYPES = new Set([
  'aws_lambda_function',
  'aws_ecs_service',
  'aws_ecs_task_definition',
  'aws_sagemaker_model',
  'aws_sagemaker_endpoint',
  'aws_batch_job_definition',
  'aws_sfn_state_machine',
  'aws_apigatewayv2_api',
  'aws_api_gateway_rest_api',
  'aws_eks_cluster',
  'aws_instance',
]);
/** Parts of a service: typed by inheritance or tagged by the constructs, never listed on their own. */
const PART_PREFIXES = [
  'aws_iam_', 'aws_lambda_', 'aws_apigatewayv2_', 'aws_api_gateway_', 'aws_cloudwatch_', 'aws_security_group', 'aws_vpc_security_group', 'aws_ecs_',
];
/**
 * Actions Lambda and ECS perform with the service's own role (writing its logs, attaching its VPC
 * interfaces, sending traces): granted on purpose although no code calls them. Same list as the
 * built-in unused-grants policy ignores.
 */
const PLATFORM_ACTIONS = new Set(
  [
    'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents',
    'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
    'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
    'xray:PutTraceSegments', 'xray:PutTelemetryRecords',
  ].map((a) => a.toLowerCase()),
);
/** What Lambda's poller calls with the function's role, per event source type. */
const EVENT_SOURCE_POLLING: ReadonlyMap<string, readonly string[]> = new Map([
  ['aws_sqs_queue', ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility']],
  ['aws_dynamodb_table', ['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream', 'dynamodb:ListStreams']],
  [
    'aws_kinesis_stream',
    [
      'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:ListShards', 'kinesis:ListStreams',
      'kinesis:SubscribeToShard',
    ],
  ],
]);
/** Per-prefix cap on unused actions listed (an admin role allows thousands). */
const UNUSED_LISTED = 40;

function isService(resource: Resource, graph: Facts['graph']): boolean {
  if (resource.mode !== 'managed') return false;
  if (resource.type === 'aws_ecs_task_definition') {
    // A task definition is the service only when no ECS service runs it.
    return graph.referrers(resource, 'aws_ecs_service').length === 0;
  }
  if (SERVICE_RESOURCE_TYPES.has(resource.type)) return true;
  // Anything else a person typed on purpose (tag or config): a bucket marked `shared`.
  const st = resource.serviceType;
  return st !== undefined && st.source !== 'inferred' && !PART_PREFIXES.some((p) => resource.type.startsWith(p));
}

/** The audit page's data, built section by section from the facts and the run's results. */
export function buildAudit(facts: Facts, results: RunResults): AuditData {
  const iam = facts.iam();
  const network = facts.network();
  const code = facts.code();
  const byAddress = resultsByAddress(results);
  const inventory = buildInventory(facts.graph, iam, network, byAddress);
  const capabilities: AuditCapability[] = [...facts.capabilities.values()].map((c) => ({ name: c.name, description: c.description }));
  const matrix = buildMatrix(iam, capabilities, byAddress);
  const exposure = buildExposure(network);
  const notes: string[] = [];
  if (exposure.some((e) => e.undecided)) notes.push('Some exposure paths depend on values known only after apply; they are marked undecided.');
  const handlers = code ? buildHandlers(facts.graph, iam, code) : undefined;
  if (!code) notes.push('Handler code was not analysed (no --code folder given): SDK calls against roles are not shown.');
  const baseline = baselineCounts(results);
  return {
    tool: { name: results.tool.name, version: results.tool.version },
    inputs: [...results.inputs],
    inventory,
    capabilities,
    matrix,
    exposure,
    ...(handlers ? { handlers } : {}),
    ...(baseline ? { baseline } : {}),
    notes,
  };
}

type ResultsByAddress = ReadonlyMap<string, readonly Result[]>;

/** Results by the address they are about, once. */
function resultsByAddress(results: RunResults): ResultsByAddress {
  const byAddress = new Map<string, Result[]>();
  for (const r of results.results) {
    const address = r.location.address;
    if (!address) continue;
    const list = byAddress.get(address);
    if (list) list.push(r);
    else byAddress.set(address, [r]);
  }
  return byAddress;
}

/** What runs here: every service with the roles it runs as, grouped by service type. */
function buildInventory(graph: Facts['graph'], iam: IamFacts, network: NetworkFacts, byAddress: ResultsByAddress): InventoryGroup[] {
  const rolesOfUser = new Map<string, string[]>();
  for (const p of iam.principals) {
    for (const user of p.usedBy) {
      const list = rolesOfUser.get(user.address);
      // A task's execution role pulls images and writes logs; the code runs as the task role.
      if (user.attribute === 'execution_role_arn') continue;
      if (list) list.push(p.address);
      else rolesOfUser.set(user.address, [p.address]);
    }
  }
  const services: Resource[] = graph.resources.filter((r) => isService(r, graph));
  const serviceAddresses = new Set(services.map((s) => s.address));
  const coveredRoles = new Set<string>();
  const rolesOf = (service: Resource): string[] => {
    const roles = new Set(rolesOfUser.get(service.address) ?? []);
    if (service.type === 'aws_ecs_service') {
      const task = graph.target(service, 'task_definition', 'aws_ecs_task_definition');
      for (const role of task ? (rolesOfUser.get(task.address) ?? []) : []) roles.add(role);
    }
    const direct = roleOf(graph, service);
    if (direct) roles.add(direct);
    return [...roles].sort();
  };
  const entries: { type: AuditGroupKey; service: InventoryService }[] = [];
  const addService = (resource: Resource, roles: readonly string[]): void => {
    entries.push({ type: resource.serviceType?.type ?? 'untyped', service: inventoryService(resource, roles, network, byAddress) });
  };
  for (const service of services) {
    const roles = rolesOf(service);
    for (const role of roles) coveredRoles.add(role);
    addService(service, roles);
  }
  // Typed roles that nothing in the stack uses (a maintenance role assumed by people or another
  // account) are services of their own; roles used by anything belong to that thing.
  for (const p of iam.principals) {
    if (coveredRoles.has(p.address) || serviceAddresses.has(p.address) || !p.serviceType || p.usedBy.length > 0) continue;
    addService(p.resource, [p.address]);
  }
  const inventory: InventoryGroup[] = [];
  for (const type of [...SERVICE_TYPES, 'untyped'] as const) {
    const list = entries.filter((e) => e.type === type).map((e) => e.service);
    if (list.length) inventory.push({ serviceType: type, services: list.sort((a, b) => compareCodeUnits(a.address, b.address)) });
  }
  return inventory;
}

function inventoryService(resource: Resource, roles: readonly string[], network: NetworkFacts, byAddress: ResultsByAddress): InventoryService {
  const related = [resource.address, ...roles].flatMap((a) => byAddress.get(a) ?? []);
  const exposure = network.exposure(resource.address);
  const st = resource.serviceType;
  return {
    address: resource.address,
    resourceType: resource.type,
    ...(st ? { source: st.source, reason: st.reason } : {}),
    location: resource.location,
    roles,
    ...(exposure ? { exposure: exposure.isGateway ? 'public-by-design' : exposure.undecided ? 'undecided' : exposure.viaGateway ? 'gateway' : 'direct' } : {}),
    findings: related.filter((r) => !r.suppression).length,
    suppressed: related.filter((r) => r.suppression).length,
  };
}

/** Who can do what that matters: one row per principal (by service type, then address), one cell per capability. */
function buildMatrix(iam: IamFacts, capabilities: readonly AuditCapability[], byAddress: ResultsByAddress): MatrixRow[] {
  const typeOrder = (p: Principal): number => (p.serviceType ? SERVICE_TYPES.indexOf(p.serviceType.type) : SERVICE_TYPES.length);
  const principals = [...iam.principals].sort((a, b) => typeOrder(a) - typeOrder(b) || compareCodeUnits(a.address, b.address));
  return principals.map((p) => {
    const findings = byAddress.get(p.address) ?? [];
    return {
      principal: p.address,
      kind: p.kind,
      ...(p.serviceType ? { serviceType: p.serviceType.type, serviceTypeReason: p.serviceType.reason } : {}),
      usedBy: [...new Set(p.usedBy.map((u) => u.address))].sort(),
      location: p.resource.location,
      cells: capabilities.map((cap) => matrixCell(iam, p, cap, findings)),
    };
  });
}

function matrixCell(iam: IamFacts, principal: Principal, cap: AuditCapability, findings: readonly Result[]): MatrixCell {
  const g = iam.capabilityGrants(principal, cap.name);
  const state: CellState = g.held ? 'granted' : g.conditional ? 'conditional' : g.undecided ? 'unknown' : g.actions.length > 0 ? 'conditional' : 'none';
  // A capability finding names the capability as its subject (one finding per capability) or
  // says `holds <capability>: <action>` (one per action). Other findings on the role (a wildcard
  // resource, a missing boundary) are not about this cell.
  const hits = g.actions.length === 0 ? [] : findings.filter((r) => r.subject === cap.name || r.message.includes(` holds ${cap.name}:`));
  const violation = { ruleIds: [...new Set(hits.map((h) => h.ruleId))].sort(), suppressed: hits.every((h) => h.suppression !== undefined) };
  return {
    state,
    actions: g.actions,
    conditions: [...new Set(g.grants.flatMap((x) => x.conditions))].sort(),
    evidence: g.evidence,
    ...(hits.length ? { violation } : {}),
  };
}

/** What the internet reaches and how: the first path of each exposed resource, and its other paths. */
function buildExposure(network: NetworkFacts): ExposureEntry[] {
  return network.exposures.map((e) => ({
    address: e.address,
    resourceType: e.resourceType,
    ...(e.serviceType ? { serviceType: e.serviceType } : {}),
    location: e.location,
    viaGateway: e.viaGateway,
    isGateway: e.isGateway,
    entry: e.path[0] ?? e.address,
    path: e.path,
    ports: e.ports,
    worldPorts: e.worldPorts,
    mechanisms: e.mechanisms,
    ...(e.undecided ? { undecided: e.undecided } : {}),
    evidence: e.evidence,
    otherPaths: e.paths
      .filter((p) => p.path.join('\u0000') !== e.path.join('\u0000'))
      .map((p) => ({ viaGateway: p.viaGateway, path: p.path, ports: p.ports, ...(p.undecided ? { undecided: p.undecided } : {}) })),
  }));
}

/** Handler code against its role, sorted by resource. */
function buildHandlers(graph: Facts['graph'], iam: IamFacts, code: CodeFacts): HandlerAudit[] {
  const handlers = code.handlers.map((h) => {
    const principal = h.roleAddress ? iam.principal(h.roleAddress) : undefined;
    return handlerAudit(h, principal, iam, (file) => code.displayPath(file), lambdaPlatformActions(graph, h.resourceAddress));
  });
  return handlers.sort((a, b) => compareCodeUnits(a.resource, b.resource));
}

/** New, unchanged and fixed findings against the baseline, when one was given. */
function baselineCounts(results: RunResults): AuditData['baseline'] {
  if (!results.baseline) return undefined;
  return {
    file: results.baseline.file,
    new: results.results.filter((r) => !r.suppression && r.isNew !== false).length,
    unchanged: results.results.filter((r) => !r.suppression && r.isNew === false).length,
    fixed: results.baseline.fixed,
  };
}

/** Actions Lambda performs with the function's role for it: polling its event sources, its dead-letter target, its KMS key. */
function lambdaPlatformActions(graph: Facts['graph'], address: string): Set<string> {
  const fn = graph.get(address);
  const out = new Set<string>();
  if (!fn || fn.type !== 'aws_lambda_function') return out;
  const add = (...actions: readonly string[]): void => {
    for (const a of actions) out.add(a.toLowerCase());
  };
  for (const mapping of graph.referrers(fn, 'aws_lambda_event_source_mapping', 'function_name')) {
    const source = graph.targets(mapping, 'event_source_arn')[0];
    if (source) add(...(EVENT_SOURCE_POLLING.get(source.type) ?? []));
  }
  const dlq = graph.targets(fn, 'dead_letter_config.target_arn')[0];
  if (dlq?.type === 'aws_sqs_queue') add('sqs:SendMessage');
  if (dlq?.type === 'aws_sns_topic') add('sns:Publish');
  if (graph.targets(fn, 'kms_key_arn').length > 0) add('kms:Decrypt');
  return out;
}

function handlerAudit(
  h: CodeFacts['handlers'][number],
  principal: Principal | undefined,
  iam: IamFacts,
  displayPath: (f: string) => string,
  platform: ReadonlySet<string>,
): HandlerAudit {
  const calls = h.calls.map((c) => ({
    sdkCall: c.sdkCall,
    actions: [...c.action],
    file: displayPath(c.file),
    line: c.line,
    ...(c.unresolved ? { unresolved: c.unresolved } : {}),
  }));
  const needs = neededActions(h, displayPath);
  const { missing, conditional } = principal ? judgeNeeds(iam, principal, needs) : { missing: [], conditional: [] };
  const { unused, unusedCount } = principal ? unusedGrants(iam, principal, needs, platform) : { unused: [], unusedCount: 0 };
  return {
    resource: h.resourceAddress,
    resourceType: h.resourceType,
    ...(h.serviceType ? { serviceType: h.serviceType } : {}),
    ...(h.roleAddress ? { role: h.roleAddress } : {}),
    entry: h.entry,
    calls,
    missing,
    conditional,
    unused,
    unusedCount,
  };
}

/** What the handler's code needs: the actions of its resolved calls, where, and on which resources. */
interface NeededActions {
  /** `file:line` of each call, per action. */
  readonly sitesByAction: ReadonlyMap<string, readonly string[]>;
  /** The concrete ARNs the calls name, per action. */
  readonly arnsByAction: ReadonlyMap<string, ReadonlySet<string>>;
  /** Actions some call makes on no concrete resource: judged on "some resource". */
  readonly unscopedActions: ReadonlySet<string>;
  /** Services (lower case) called in a way we could not map to actions. */
  readonly opaqueServices: ReadonlySet<string>;
}

function neededActions(h: CodeFacts['handlers'][number], displayPath: (f: string) => string): NeededActions {
  // Resolved calls per action, and the concrete ARNs they name (an ARN with `*` for region or
  // account is no concrete resource: such a call is judged on "some resource").
  const sitesByAction = new Map<string, string[]>();
  const arnsByAction = new Map<string, Set<string>>();
  const unscopedActions = new Set<string>();
  const opaqueServices = new Set<string>();
  for (const c of h.calls) {
    if (c.unresolved) {
      if (c.service) opaqueServices.add(c.service.toLowerCase());
      continue;
    }
    for (const action of c.action) {
      const sites = sitesByAction.get(action) ?? [];
      sites.push(`${displayPath(c.file)}:${c.line}`);
      sitesByAction.set(action, sites);
      const arns = (c.scopes?.[action] ?? []).filter((a) => !a.includes('*') && !a.includes('?'));
      if (arns.length === 0) unscopedActions.add(action);
      const set = arnsByAction.get(action) ?? new Set<string>();
      for (const arn of arns) set.add(arn);
      arnsByAction.set(action, set);
    }
  }
  return { sitesByAction, arnsByAction, unscopedActions, opaqueServices };
}

/** Needed actions the role does not allow (missing), and those it allows only under conditions. */
function judgeNeeds(iam: IamFacts, principal: Principal, needs: NeededActions): Pick<HandlerAudit, 'missing' | 'conditional'> {
  const missing: { action: string; sites: string[]; denied: boolean }[] = [];
  const conditional: { action: string; conditions: string[] }[] = [];
  const bad = (d: string): boolean => d === 'deny' || d === 'implicit-deny';
  for (const action of [...needs.sitesByAction.keys()].sort()) {
    const onAny = iam.evaluate(principal, action);
    const evaluations = [...(needs.unscopedActions.has(action) ? [onAny] : [])];
    for (const arn of [...(needs.arnsByAction.get(action) ?? [])].sort()) {
      const e = iam.evaluate(principal, action, arn);
      // A Resource written as an apply-time reference cannot be compared with the ARN the code names.
      evaluations.push(e.decision === 'unknown' && !bad(onAny.decision) ? onAny : e);
    }
    const worst = evaluations.find((e) => bad(e.decision));
    if (worst) missing.push({ action, sites: [...new Set(needs.sitesByAction.get(action))], denied: worst.decision === 'deny' });
    else {
      const pending = evaluations.filter((e) => e.decision === 'conditional' || e.decision === 'unknown');
      if (pending.length) conditional.push({ action, conditions: [...new Set(pending.flatMap((e) => e.conditions))].sort() });
    }
  }
  return { missing, conditional };
}

/** Actions the role allows outright that no call needs, by service prefix (the platform's own actions aside). */
function unusedGrants(iam: IamFacts, principal: Principal, needs: NeededActions, platform: ReadonlySet<string>): Pick<HandlerAudit, 'unused' | 'unusedCount'> {
  const neededSet = new Set([...needs.sitesByAction.keys()].map((a) => a.toLowerCase()));
  const unusedByPrefix = new Map<string, string[]>();
  let unusedCount = 0;
  for (const g of iam.allowedActions(principal)) {
    // Only outright grants; and a service the code calls in a way we could not map is left alone.
    const key = g.action.toLowerCase();
    if (g.decision !== 'allow' || neededSet.has(key) || PLATFORM_ACTIONS.has(key) || platform.has(key)) continue;
    const prefix = g.action.split(':')[0] ?? g.action;
    if (needs.opaqueServices.has(prefix.toLowerCase())) continue;
    unusedCount++;
    const list = unusedByPrefix.get(prefix) ?? [];
    list.push(g.action);
    unusedByPrefix.set(prefix, list);
  }
  const unused = [...unusedByPrefix.entries()]
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([prefix, actions]) => ({ prefix, count: actions.length, actions: actions.sort().slice(0, UNUSED_LISTED) }));
  return { unused, unusedCount };
}
