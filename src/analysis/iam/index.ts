/**
 * The IAM analysis: effective permissions of every role and user of the stack.
 *
 *   collect.ts            principals and the policies that apply to them
 *   evaluate.ts           IAM's decision procedure for one request (identity policies, boundary, Denies)
 *   decider.ts            decides the run's requests (shared caches, action prefilter, context alternatives)
 *   capability-grants.ts  which actions of a capability a principal holds
 *   boundary.ts           which of them only the permissions boundary stops
 *   evidence.ts           how answers are told (messages and evidence)
 *   run.ts                the facts of one run, each answer computed once
 */
import type { ResourceGraph } from '../../model/graph.js';
import type { IamCatalog } from '../../model/catalog.js';
import type { Capability } from '../../model/policy.js';
import { IamRun } from './run.js';
import type { IamFacts } from './types.js';

export type { AppliedPolicy, Principal } from './collect.js';
export type { Statement } from './document.js';
export type { Decision, Witness } from './evaluate.js';
export type { Evaluation, IamFacts, WhoCanEntry } from './types.js';
export { coversEveryResource } from './evaluate.js';
export { ActionIndex, globsIntersect } from './actions.js';
export { describePolicy, statementEvidence, unreadableText } from './evidence.js';

export function analyzeIam(graph: ResourceGraph, catalog: IamCatalog, capabilities: ReadonlyMap<string, Capability>): IamFacts {
  return new IamRun(graph, catalog, capabilities);
}
