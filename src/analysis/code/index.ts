import type { ResourceGraph } from '../../model/graph.js';
import type { SourceHost } from '../../model/source-host.js';
import type { IamCatalog } from '../../model/catalog.js';
import type { ProjectConfig } from '../../model/policy.js';
import { findHandlers, type HandlerSpec } from './handlers.js';
import { CodeProject, displayPathOf, isPythonFile } from './project.js';
import type { CodeFacts, HandlerFacts } from './types.js';
import type { FileSummary } from './parse.js';

/** File summaries made on another thread while the infrastructure is read (see api/code-prefetch.ts). */
export interface PrefetchedSummaries {
  /** The summary of a root-relative file: ready, or asked for and waited on (bounded); undefined: parse it here. */
  take(file: string): FileSummary | undefined;
  /** The analysis is done: no more summaries are needed. */
  stop(): void;
}

export type { CodeCall, CodeFacts, CodeImport, HandlerFacts } from './types.js';
export { inferHandlerPolicy, type InferredPolicy, type InferredStatement } from './infer.js';
export { roleOf } from './handlers.js';
export { CodeProject } from './project.js';
export { usePython } from './python/support.js';

/** The code analysis of one run, its handlers found: what the run must load before `analyze`. */
export interface PreparedCodeAnalysis {
  /**
   * Some handler's code starts in a Python file (a Python entry, or a service folder holding
   * one): `await usePython(await loadPythonGrammar())` before `analyze`. Python files are reached
   * only from Python files, so a run where this is false never parses Python.
   */
  readonly readsPython: boolean;
  analyze(): CodeFacts;
}

/**
 * Finds the handlers of the graph (a tag or config entry naming no file is a located input error,
 * thrown here) and prepares their analysis (`analyzeCode`).
 */
export function prepareCodeAnalysis(
  graph: ResourceGraph,
  sources: SourceHost,
  config: ProjectConfig,
  catalog: IamCatalog,
  prefetched?: PrefetchedSummaries,
): PreparedCodeAnalysis {
  const project = new CodeProject(sources, catalog, prefetched && ((file) => prefetched.take(file)));
  const specs = findHandlers(graph, config, sources, project.resolver);
  return {
    readsPython: specs.some((spec) => spec.roots.some(isPythonFile)),
    analyze: () => analyzeHandlers(graph, project, specs, prefetched),
  };
}

/**
 * Handler code facts: for every resource whose code is known (tag `hybridguard:source`, config
 * `sources` / `services`), the files its code reaches, the AWS SDK calls in them with the IAM
 * actions they need, and its runtime imports, each with the import chain from the entry.
 * Each file is parsed once, however many handlers share it; nothing is executed.
 */
export function analyzeCode(
  graph: ResourceGraph,
  sources: SourceHost,
  config: ProjectConfig,
  catalog: IamCatalog,
  prefetched?: PrefetchedSummaries,
): CodeFacts {
  return prepareCodeAnalysis(graph, sources, config, catalog, prefetched).analyze();
}

function analyzeHandlers(
  graph: ResourceGraph,
  project: CodeProject,
  specs: readonly HandlerSpec[],
  prefetched: PrefetchedSummaries | undefined,
): CodeFacts {
  const handlers: HandlerFacts[] = [];
  for (const spec of specs) {
    const reach = project.reach(spec.roots, spec.resource.address);
    const type = spec.resource.serviceType ?? (spec.roleAddress ? graph.get(spec.roleAddress)?.serviceType : undefined);
    handlers.push({
      resourceAddress: spec.resource.address,
      resourceType: spec.resource.type,
      ...(type ? { serviceType: type.type, serviceTypeReason: type.reason } : {}),
      ...(spec.roleAddress ? { roleAddress: spec.roleAddress } : {}),
      entry: spec.entry,
      source: spec.source,
      files: reach.files,
      calls: reach.calls,
      imports: reach.imports,
    });
  }
  prefetched?.stop();
  const byAddress = new Map(handlers.map((h) => [h.resourceAddress, h]));
  return {
    root: project.host.root,
    handlers,
    handler: (address) => byAddress.get(address),
    displayPath: (file) => displayPathOf(project.host, file),
    parsedFiles: project.parsedFiles,
  };
}
