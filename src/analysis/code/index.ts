import type { ResourceGraph } from '../../model/graph.js';
import type { SourceHost } from '../../model/source-host.js';
import type { ProjectConfig } from '../../policy/types.js';
import type { Facts } from '../../engine/facts.js';

/** Handler code facts. Placeholder until the code analysis lands (issue 5). */
export interface CodeFacts {
  readonly handlers: readonly unknown[];
}

export function analyzeCode(_graph: ResourceGraph, _sources: SourceHost, _config: ProjectConfig, _facts: Facts): CodeFacts {
  return { handlers: [] };
}
