import type { ResourceGraph } from '../model/graph.js';
import type { Suppression } from '../policy/types.js';
import type { Finding, Result, RuleDescriptor } from './types.js';

/**
 * Match findings against suppressions (file and construct annotations). Placeholder: passes
 * findings through until the suppression engine lands.
 */
export function applySuppressions(
  findings: readonly Finding[],
  _suppressions: readonly Suppression[],
  _graph: ResourceGraph,
  _today: string,
): { results: Result[]; extraRules: RuleDescriptor[] } {
  return { results: [...findings], extraRules: [] };
}
