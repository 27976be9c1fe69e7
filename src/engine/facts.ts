import type { ResourceGraph } from '../model/graph.js';
import type { IamCatalog } from '../model/catalog.js';
import type { SourceHost } from '../model/source-host.js';
import type { Capability, ProjectConfig } from '../model/policy.js';
import { analyzeIam, type IamFacts } from '../analysis/iam/index.js';
import { analyzeNetwork, type NetworkFacts } from '../analysis/network/index.js';
import type { analyzeCode, CodeFacts, PrefetchedSummaries } from '../analysis/code/index.js';
import type { Facts } from '../rules/types.js';

/** Handler code and the analysis that reads it. */
export interface CodeInput {
  readonly sources: SourceHost;
  readonly analyze: typeof analyzeCode;
  readonly prefetched?: PrefetchedSummaries;
}

interface FactsInput {
  readonly graph: ResourceGraph;
  readonly catalog: IamCatalog;
  readonly capabilities: ReadonlyMap<string, Capability>;
  readonly config: ProjectConfig;
  /**
   * Handler code and the analysis that reads it: the caller loads `analysis/code` (its SDK tables
   * and the tree-sitter runtime) only when there is code to read, so a `check` without `--code`
   * never loads it.
   */
  readonly code?: CodeInput;
}

export function createFacts(input: FactsInput): Facts {
  let iam: IamFacts | undefined;
  let network: NetworkFacts | undefined;
  let code: CodeFacts | undefined | null = null;
  const facts: Facts = {
    graph: input.graph,
    catalog: input.catalog,
    capabilities: input.capabilities,
    config: input.config,
    iam: () => (iam ??= analyzeIam(input.graph, input.catalog, input.capabilities)),
    network: () => (network ??= analyzeNetwork(input.graph)),
    code: () => {
      if (code === null) {
        const given = input.code;
        code = given ? given.analyze(input.graph, given.sources, input.config, input.catalog, given.prefetched) : undefined;
      }
      return code;
    },
  };
  return facts;
}
