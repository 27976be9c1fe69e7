import type { ResourceGraph } from '../../model/graph.js';
import type { Facts } from '../../engine/facts.js';

/** Exposure paths from the internet. Placeholder until the network analysis lands (issue 4). */
export interface NetworkFacts {
  readonly exposures: readonly unknown[];
}

export function analyzeNetwork(_graph: ResourceGraph, _facts: Facts): NetworkFacts {
  return { exposures: [] };
}
