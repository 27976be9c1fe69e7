import type { ResourceGraph } from '../../model/graph.js';
import type { IamCatalog } from '../../model/catalog.js';
import type { Capability } from '../../policy/types.js';

/** Effective permissions per principal. Placeholder until the IAM analysis lands (issue 3). */
export interface IamFacts {
  readonly principals: readonly unknown[];
}

export function analyzeIam(_graph: ResourceGraph, _catalog: IamCatalog, _capabilities: ReadonlyMap<string, Capability>): IamFacts {
  return { principals: [] };
}
