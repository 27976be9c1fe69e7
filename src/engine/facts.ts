import type { ResourceGraph } from '../model/graph.js';
import type { IamCatalog } from '../model/catalog.js';
import type { Capability, ProjectConfig } from '../model/policy.js';
import { analyzeIam, type IamFacts } from '../analysis/iam/index.js';
import { analyzeNetwork, type NetworkFacts } from '../analysis/network/index.js';
import type { CodeFacts } from '../analysis/code/index.js';
import type { Facts } from '../rules/types.js';

/** The analysis of the handler code, run when a rule first asks for it. */
export interface CodeInput {
  analyze(): CodeFacts;
}

interface FactsInput {
  readonly graph: ResourceGraph;
  readonly catalog: IamCatalog;
  readonly capabilities: ReadonlyMap<string, Capability>;
  readonly config: ProjectConfig;
  /**
   * The handler code's analysis: the caller loads `analysis/code` (its SDK tables) only when there
   * is code to read, and tree-sitter's Python grammar only when a handler is Python, so a `check`
   * without `--code` loads neither.
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
      if (code === null) code = input.code?.analyze();
      return code;
    },
  };
  return facts;
}
