import type { IamCatalog } from '../../model/catalog.js';
import type { SourceHost } from '../../model/source-host.js';
import { inputError } from '../../errors.js';
import { scopeCall } from './arns.js';
import { summarizeFile, type Construct, type ExprRef, type FileSummary, type Site } from './parse.js';
import { ModuleResolver, type Resolution } from './resolve.js';
import {
  actionsForCommand,
  clientForV2Class,
  commandForMethod,
  documentCommandForMethod,
  DOCUMENT_PACKAGE,
  isSdkPackage,
  sdkClient,
  STORAGE_PACKAGE,
  type SdkClient,
} from './sdk.js';
import type { CodeCall, CodeImport } from './types.js';
import { refine } from './refine.js';
import type { PyFileSummary } from './python/parse.js';
import type { PythonResolver } from './python/resolve.js';
import { python } from './python/support.js';

/** Python files are read with tree-sitter's Python grammar; everything else with the TypeScript parser. */
export const isPythonFile = (file: string): boolean => file.endsWith('.py');

/** What a name in the code stands for: a symbol of an external module, or an SDK client instance. */
type Resolved = { readonly kind: 'sdk'; readonly module: string; readonly path: readonly string[] } | { readonly kind: 'client'; readonly client: ClientKind };

type ClientKind =
  | { readonly kind: 'v3'; readonly client: SdkClient }
  | { readonly kind: 'document'; readonly label: string }
  | { readonly kind: 'v2'; readonly className: string; readonly client?: SdkClient };

/** An SDK call of one file, before the handler's import chain is known. */
type FileCall = Omit<CodeCall, 'chain'>;

const MAX_DEPTH = 16;
const V2_MODULE = 'aws-sdk';

/** Display path of a root-relative file: the host's, when it offers one (inputs' fs host does). */
export function displayPathOf(host: SourceHost, file: string): string {
  const withDisplay = host as SourceHost & { displayPath?: (relativePath: string) => string };
  return typeof withDisplay.displayPath === 'function' ? withDisplay.displayPath(file) : file;
}

interface PyEdge {
  readonly site: PyFileSummary['imports'][number];
  readonly resolution: Resolution;
  /** Project files the import loads (the module, and submodules named by `from M import x`). */
  readonly loads: readonly string[];
}

interface Reach {
  readonly files: readonly string[];
  readonly calls: readonly CodeCall[];
  readonly imports: readonly CodeImport[];
}

/**
 * The code under one root: each file parsed once, its SDK calls and imports resolved once, and
 * shared by every handler that reaches it.
 */
export class CodeProject {
  private readonly summaries = new Map<string, FileSummary>();
  private readonly callsByFile = new Map<string, readonly FileCall[]>();
  private readonly edgesByFile = new Map<string, readonly { site: FileSummary['imports'][number]; resolution: Resolution }[]>();
  private readonly pySummaries = new Map<string, PyFileSummary>();
  private readonly pyEdgesByFile = new Map<string, readonly PyEdge[]>();
  readonly resolver: ModuleResolver;
  private pyResolverOnce: PythonResolver | undefined;

  /** `prefetched`: summaries already made elsewhere (a worker thread), by root-relative path. */
  constructor(
    readonly host: SourceHost,
    private readonly catalog: IamCatalog,
    private readonly prefetched?: (file: string) => FileSummary | undefined,
  ) {
    this.resolver = new ModuleResolver(host);
  }

  /** The Python import resolver, made on first use (the Python modules load only for a run that reads Python). */
  private get pyResolver(): PythonResolver {
    return (this.pyResolverOnce ??= new (python().modules.PythonResolver)(this.host));
  }

  get parsedFiles(): number {
    return this.summaries.size + this.pySummaries.size;
  }

  pySummary(file: string): PyFileSummary {
    let summary = this.pySummaries.get(file);
    if (!summary) {
      const { parser, modules } = python();
      summary = modules.summarizePython(file, this.host.readFile(file) ?? '', parser);
      this.pySummaries.set(file, summary);
    }
    return summary;
  }

  /** A Python file's imports and the project files they load (`from . import util` loads util.py). */
  private pyEdges(file: string): readonly PyEdge[] {
    let edges = this.pyEdgesByFile.get(file);
    if (!edges) {
      const list: PyEdge[] = [];
      for (const site of this.pySummary(file).imports) {
        const resolution = this.pyResolver.resolve(file, site.specifier);
        const loads: string[] = [];
        if (resolution.kind === 'file') loads.push(resolution.path);
        for (const name of site.names) {
          const sub = name === '*' ? undefined : this.pyResolver.submodule(file, site.specifier, name);
          if (sub !== undefined && !loads.includes(sub)) loads.push(sub);
        }
        list.push({ site, resolution: loads.length > 0 ? { kind: 'file', path: loads[0]! } : resolution, loads });
      }
      this.pyEdgesByFile.set(file, list);
      edges = list;
    }
    return edges;
  }

  summary(file: string): FileSummary {
    let summary = this.summaries.get(file);
    if (!summary) {
      summary = this.prefetched?.(file) ?? summarizeFile(file, this.host.readFile(file) ?? '');
      this.summaries.set(file, summary);
    }
    return summary;
  }

  /**
   * Every file, SDK call and import reachable from `roots`, breadth first so each chain is a
   * shortest import path. `context` names what reaches the code, for errors.
   */
  reach(roots: readonly string[], context: string): Reach {
    const parent = new Map<string, string | null>();
    const order: string[] = [];
    const queue: string[] = [];
    for (const root of roots) {
      if (parent.has(root)) continue;
      parent.set(root, null);
      queue.push(root);
    }
    const chainOf = (file: string): string[] => {
      const chain: string[] = [];
      for (let f: string | null | undefined = file; f; f = parent.get(f)) chain.unshift(f);
      return chain;
    };
    const imports: CodeImport[] = [];
    for (let i = 0; i < queue.length; i++) {
      const file = queue[i]!;
      order.push(file);
      if (isPythonFile(file)) {
        const summary = this.pySummary(file);
        if (summary.syntaxError) {
          const { message, line, column } = summary.syntaxError;
          const via = chainOf(file);
          const reached = via.length > 1 ? `, reached through ${via.join(' -> ')}` : '';
          throw inputError(
            `syntax error in handler code of ${context}${reached}: ${message}`,
            { file: displayPathOf(this.host, file), line, column },
            'Python that parses',
          );
        }
        let chain: string[] | undefined;
        for (const { site, resolution, loads } of this.pyEdges(file)) {
          chain ??= chainOf(file);
          imports.push({
            specifier: site.specifier,
            ...(resolution.kind === 'file' ? { resolved: resolution.path } : {}),
            ...(resolution.kind === 'missing' ? { unresolved: true } : {}),
            kind: 'import',
            language: 'python',
            file,
            line: site.line,
            column: site.column,
            chain,
          });
          for (const loaded of loads) {
            if (parent.has(loaded)) continue;
            parent.set(loaded, file);
            queue.push(loaded);
          }
        }
        continue;
      }
      const summary = this.summary(file);
      if (summary.syntaxError) {
        const { message, line, column } = summary.syntaxError;
        const via = chainOf(file);
        const reached = via.length > 1 ? `, reached through ${via.join(' -> ')}` : '';
        throw inputError(
          `syntax error in handler code of ${context}${reached}: ${message}`,
          { file: displayPathOf(this.host, file), line, column },
          'TypeScript or JavaScript that parses',
        );
      }
      let chain: string[] | undefined;
      for (const { site, resolution } of this.edges(file)) {
        chain ??= chainOf(file);
        imports.push({
          specifier: site.specifier,
          ...(resolution.kind === 'file' ? { resolved: resolution.path } : {}),
          ...(resolution.kind === 'missing' ? { unresolved: true } : {}),
          kind: site.kind,
          file,
          line: site.line,
          column: site.column,
          chain,
        });
        if (resolution.kind === 'file' && !parent.has(resolution.path)) {
          parent.set(resolution.path, file);
          queue.push(resolution.path);
        }
      }
    }
    const calls: CodeCall[] = [];
    const pyFiles = order.filter(isPythonFile);
    // Python calls depend on what the handler's files pass to helpers: evaluated per handler.
    const evaluator = pyFiles.length > 0 ? new (python().modules.PythonEvaluator)(pyFiles, (f) => this.pySummary(f), this.pyResolver, this.catalog) : undefined;
    for (const file of order) {
      const fileCalls = evaluator && isPythonFile(file) ? evaluator.calls(file) : this.fileCalls(file);
      if (fileCalls.length === 0) continue;
      const chain = chainOf(file);
      for (const call of fileCalls) calls.push({ ...call, chain });
    }
    return { files: [...order].sort(), calls, imports };
  }

  private edges(file: string) {
    let edges = this.edgesByFile.get(file);
    if (!edges) {
      edges = this.summary(file).imports.map((site) => ({ site, resolution: this.resolver.resolve(file, site.specifier) }));
      this.edgesByFile.set(file, edges);
    }
    return edges;
  }

  /** The SDK calls one file makes, resolved once. */
  fileCalls(file: string): readonly FileCall[] {
    const known = this.callsByFile.get(file);
    if (known) return known;
    const summary = this.summary(file);
    const calls: FileCall[] = [];
    for (const site of summary.sites) {
      const call = this.classify(file, site);
      if (call) calls.push(call);
    }
    this.callsByFile.set(file, calls);
    return calls;
  }

  private classify(file: string, site: Site): FileCall | undefined {
    if (site.kind === 'new' && site.callee) {
      const symbol = this.resolveRef(file, site.callee, 0);
      if (symbol?.kind !== 'sdk' || symbol.path.length !== 1) return undefined;
      const name = symbol.path[0]!;
      if (symbol.module === STORAGE_PACKAGE && name === 'Upload') {
        return this.makeCall(file, site, STORAGE_PACKAGE, 'Upload', `new Upload() (${STORAGE_PACKAGE})`);
      }
      if ((symbol.module.startsWith('@aws-sdk/client-') || symbol.module === DOCUMENT_PACKAGE) && name.endsWith('Command') && name.length > 7) {
        return this.makeCall(file, site, symbol.module, name.slice(0, -7), `new ${name}() (${symbol.module})`);
      }
      return undefined;
    }
    if (site.kind !== 'method' || !site.receiver || site.method === undefined) return undefined;
    const client =
      site.receiver.kind === 'construct'
        ? this.clientOf(file, site.receiver.construct, 0)
        : (() => {
            const resolved = this.resolveRef(file, site.receiver.ref, 0);
            return resolved?.kind === 'client' ? resolved.client : undefined;
          })();
    if (!client) return undefined;
    const method = site.method;
    const receiverText =
      site.receiver.kind === 'ref'
        ? [site.receiver.ref.root, ...site.receiver.ref.path].join('.')
        : `new ${[site.receiver.construct.callee.root, ...site.receiver.construct.callee.path].join('.')}()`;
    switch (client.kind) {
      case 'v3': {
        const command = commandForMethod(client.client, method);
        if (!command) return undefined;
        return this.makeCall(
          file,
          site,
          client.client.data.package,
          command,
          `${receiverText}.${method}() (${client.client.data.package} ${client.client.data.aggregateClass})`,
        );
      }
      case 'document': {
        const command = documentCommandForMethod(method);
        if (!command) return undefined;
        return this.makeCall(file, site, DOCUMENT_PACKAGE, command, `${receiverText}.${method}() (${client.label})`);
      }
      case 'v2': {
        const label = `${receiverText}.${method}() (aws-sdk v2 ${client.className})`;
        if (client.client?.data.package === '@aws-sdk/client-s3' && method === 'upload') return this.makeCall(file, site, STORAGE_PACKAGE, 'Upload', label);
        const operation = (method === 'getSignedUrl' || method === 'getSignedUrlPromise') && site.operationArg !== undefined ? site.operationArg : method;
        if (client.client) {
          const command = commandForMethod(client.client, operation);
          return command ? this.makeCall(file, site, client.client.data.package, command, label) : undefined;
        }
        // A v2 class whose v3 client is not installed: accept only what the IAM catalog confirms.
        const command = commandForMethod(undefined, operation);
        if (!command) return undefined;
        const call = this.makeCall(file, site, `@aws-sdk/client-${client.className.toLowerCase()}`, command, label);
        return call.unresolved ? undefined : call;
      }
    }
  }

  private makeCall(file: string, site: Site, pkg: string, command: string, sdkCall: string): FileCall {
    const mapping = refine(actionsForCommand(pkg, command, this.catalog), site.input);
    const scoped = scopeCall(mapping.actions, site.input, this.catalog);
    return {
      action: mapping.actions,
      file,
      line: site.line,
      column: site.column,
      ...scoped,
      sdkCall,
      why: mapping.why,
      ...(mapping.resolved ? {} : { unresolved: mapping.why }),
      service: mapping.actions[0]?.split(':')[0] ?? sdkClient(pkg)?.data.signingName ?? pkg.replace(/^@aws-sdk\/(client|lib)-/, ''),
      ...(Object.keys(site.input.values).length > 0 ? { inputValues: site.input.values } : {}),
    };
  }

  /** What `ref` (a name, or a property path from one) stands for in `file`. */
  private resolveRef(file: string, ref: ExprRef, depth: number): Resolved | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const summary = this.summary(file);
    const key = ref.path.length === 0 ? ref.root : [ref.root, ...ref.path].join('.');
    const construct = summary.instances.get(key);
    if (construct) {
      const client = this.clientOf(file, construct, depth + 1);
      return client ? { kind: 'client', client } : undefined;
    }
    const alias = summary.aliases.get(ref.root);
    if (alias) return this.resolveRef(file, { root: alias.root, path: [...alias.path, ...ref.path] }, depth + 1);
    const binding = summary.bindings.get(ref.root);
    if (!binding) return undefined;
    const path = binding.name === '*' ? ref.path : [...binding.name.split('.'), ...ref.path];
    const resolution = this.resolver.resolve(file, binding.module);
    if (resolution.kind === 'external') return { kind: 'sdk', module: binding.module, path };
    if (resolution.kind === 'missing' || path.length === 0) return undefined;
    return this.resolveExport(resolution.path, path[0]!, path.slice(1), depth + 1);
  }

  /** Export `name` of a project file, followed through re-exports and `export *`. */
  private resolveExport(file: string, name: string, rest: readonly string[], depth: number): Resolved | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const summary = this.summary(file);
    const target = summary.exports.get(name);
    if (target?.kind === 'local') return this.resolveRef(file, { root: target.local, path: rest }, depth + 1);
    if (target?.kind === 'reexport') {
      const resolution = this.resolver.resolve(file, target.module);
      if (resolution.kind === 'external') return { kind: 'sdk', module: target.module, path: target.name === '*' ? rest : [target.name, ...rest] };
      if (resolution.kind === 'missing') return undefined;
      if (target.name !== '*') return this.resolveExport(resolution.path, target.name, rest, depth + 1);
      return rest.length > 0 ? this.resolveExport(resolution.path, rest[0]!, rest.slice(1), depth + 1) : undefined;
    }
    for (const module of summary.starExports) {
      const resolution = this.resolver.resolve(file, module);
      if (resolution.kind === 'external') {
        if (isSdkPackage(module) || module === V2_MODULE) return { kind: 'sdk', module, path: [name, ...rest] };
        continue;
      }
      if (resolution.kind !== 'file') continue;
      const found = this.resolveExport(resolution.path, name, rest, depth + 1);
      if (found) return found;
    }
    // A CommonJS module that assigns a client to `exports.x` without a local name.
    const construct = summary.instances.get(name);
    if (construct && rest.length === 0) {
      const client = this.clientOf(file, construct, depth + 1);
      return client ? { kind: 'client', client } : undefined;
    }
    return undefined;
  }

  /** The SDK client a construction makes (`new S3()`, `new AWS.S3()`, `DynamoDBDocument.from(c)`), if any. */
  private clientOf(file: string, construct: Construct, depth: number): ClientKind | undefined {
    const symbol = this.resolveRef(file, construct.callee, depth);
    if (symbol?.kind !== 'sdk') return undefined;
    const { module } = symbol;
    // v2 default imports (`import AWS from 'aws-sdk'`) behave like the namespace.
    const path = (module === V2_MODULE || module.startsWith('aws-sdk/')) && symbol.path[0] === 'default' ? symbol.path.slice(1) : symbol.path;
    if (module.startsWith('@aws-sdk/client-')) {
      const client = sdkClient(module);
      if (client && construct.via === 'new' && path.length === 1 && path[0] === client.data.aggregateClass) return { kind: 'v3', client };
      return undefined;
    }
    if (module === DOCUMENT_PACKAGE) {
      return construct.via === 'from' && path.length === 1 && path[0] === 'DynamoDBDocument'
        ? { kind: 'document', label: `${DOCUMENT_PACKAGE} DynamoDBDocument` }
        : undefined;
    }
    if (construct.via !== 'new') return undefined;
    if (module === V2_MODULE) {
      if (path.length === 2 && path[0] === 'DynamoDB' && path[1] === 'DocumentClient') return { kind: 'document', label: 'aws-sdk v2 DynamoDB.DocumentClient' };
      if (path.length === 1) return v2Client(path[0]!);
      return undefined;
    }
    if (module === 'aws-sdk/lib/dynamodb/document_client')
      return path.length === 0 ? { kind: 'document', label: 'aws-sdk v2 DynamoDB.DocumentClient' } : undefined;
    const clientsFile = /^aws-sdk\/clients\/([a-z0-9]+)(?:\.js)?$/.exec(module);
    if (clientsFile) {
      if (path.length === 1 && path[0] === 'DocumentClient' && clientsFile[1] === 'dynamodb')
        return { kind: 'document', label: 'aws-sdk v2 DynamoDB.DocumentClient' };
      if (path.length === 0) return v2Client(clientsFile[1]!);
    }
    return undefined;
  }
}

function v2Client(className: string): ClientKind {
  const client = clientForV2Class(className);
  return client ? { kind: 'v2', className: client.data.aggregateClass, client } : { kind: 'v2', className };
}
