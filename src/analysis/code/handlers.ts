import type { ResourceGraph } from '../../model/graph.js';
import type { SourceHost } from '../../model/source-host.js';
import type { Resource } from '../../model/types.js';
import type { ProjectConfig } from '../../model/policy.js';
import { HybridguardError, inputError } from '../../errors.js';
import { displayPathOf } from './project.js';
import { asString, valueAt } from '../../model/graph.js';
import { dirnameOf, isSourceFile, joinPath, ModuleResolver } from './resolve.js';
import type { HandlerSource } from './types.js';

const SOURCE_TAG = 'hybridguard:source';

/**
 * Resources that run code. Tags propagate (provider default_tags, construct tag aspects), so a
 * log group or alarm may carry the function's `hybridguard:source` too: only these count.
 */
const CODE_RESOURCE_TYPES: ReadonlySet<string> = new Set(['aws_lambda_function', 'aws_ecs_service', 'aws_ecs_task_definition']);

/** A deployed resource and the code it runs. */
export interface HandlerSpec {
  readonly resource: Resource;
  /** Entry file, or the code folder of a container service (root-relative). */
  readonly entry: string;
  /** Files the code starts from: the entry file, or every source file of the folder. */
  readonly roots: readonly string[];
  readonly source: HandlerSource;
  readonly roleAddress?: string;
}

/**
 * Every resource whose code we can read: the `hybridguard:source` tag on a Lambda function or
 * ECS service / task definition (the constructs set it), then `config.sources` (Lambda function -> file), then
 * `config.services` (container service -> folder). A path that names nothing is a located
 * input error pointing at the tag or the config entry: a handler we cannot read would otherwise
 * pass every code rule silently.
 */
export function findHandlers(graph: ResourceGraph, config: ProjectConfig, host: SourceHost, resolver: ModuleResolver): HandlerSpec[] {
  const specs: HandlerSpec[] = [];
  const seen = new Set<string>();
  const add = (resource: Resource, path: string, source: HandlerSource, where: () => HybridguardError) => {
    if (seen.has(resource.address)) return;
    seen.add(resource.address);
    const normal = joinPath('', path.replace(/\\/g, '/'));
    if (normal === undefined || normal === '') throw where();
    const entry = entryOf(host, resolver, normal);
    if (!entry) throw where();
    const roleAddress = roleOf(graph, resource);
    specs.push({ resource, entry: entry.entry, roots: entry.roots, source, ...(roleAddress ? { roleAddress } : {}) });
  };
  const shownRoot = displayPathOf(host, '') || '.';

  for (const resource of graph.resources) {
    const path = resource.tags[SOURCE_TAG];
    if (path === undefined || resource.mode !== 'managed' || !CODE_RESOURCE_TYPES.has(resource.type)) continue;
    add(resource, path, { kind: 'tag', detail: `tag ${SOURCE_TAG} = ${path}` }, () =>
      inputError(
        `${resource.address}: tag ${SOURCE_TAG} points at ${path}, which is not a file or folder under the code folder ${shownRoot}`,
        { file: resource.location.file, ...(resource.location.line !== undefined ? { line: resource.location.line } : {}), field: `tags.${SOURCE_TAG}` },
        `a handler path relative to the --code folder (${shownRoot})`,
      ),
    );
  }
  const configured = (kind: 'sources' | 'services', entries: Readonly<Record<string, string>>) => {
    for (const address of Object.keys(entries).sort()) {
      const path = entries[address]!;
      const field = `${kind}["${address}"]`;
      const configFile = config.declaredAt?.file ?? 'hybridguard.config';
      const location = { file: configFile, ...(config.declaredAt?.line !== undefined ? { line: config.declaredAt.line } : {}), field };
      const resource = graph.get(address);
      if (!resource) {
        throw new HybridguardError(
          'config',
          `${field} names ${address}, which is not a resource of the stack`,
          location,
          'the Terraform address of a Lambda function or container service',
        );
      }
      add(resource, path, { kind: kind === 'sources' ? 'config-sources' : 'config-services', detail: `config ${field} = ${path}` }, () =>
        inputError(
          `${address}: config ${field} points at ${path}, which is not a file or folder under the code folder ${shownRoot}`,
          location,
          `a path relative to the --code folder (${shownRoot})`,
        ),
      );
    }
  };
  configured('sources', config.sources);
  configured('services', config.services);
  // Without a tag or config entry, the Terraform itself says where a function's code is.
  for (const resource of graph.resources) {
    if (seen.has(resource.address) || resource.mode !== 'managed' || resource.type !== 'aws_lambda_function') continue;
    const found = discoverLambdaSource(graph, resource, host);
    if (!found) continue;
    seen.add(resource.address);
    const roleAddress = roleOf(graph, resource);
    specs.push({
      resource,
      entry: found.entry,
      roots: [found.entry],
      source: { kind: 'terraform', detail: found.detail },
      ...(roleAddress ? { roleAddress } : {}),
    });
  }
  return specs.sort((a, b) => (a.resource.address < b.resource.address ? -1 : a.resource.address > b.resource.address ? 1 : 0));
}

/**
 * A Lambda function's handler file from its Terraform: the `handler` (`app.lambda_handler`:
 * module `app` of the package root; `index.handler`: `index.js`) inside the code the function
 * is deployed from: a `data "archive_file"` it references (directly, or through the
 * `aws_s3_object` it is uploaded as) with its `source_dir` or `source_file`, else its `filename`
 * when it is a folder (a cdktf TerraformAsset of type DIRECTORY), else the folder of its `filename`. Paths are relative to the
 * module's folder (`${path.module}`), as Terraform reads them.
 */
function discoverLambdaSource(graph: ResourceGraph, fn: Resource, host: SourceHost): { entry: string; detail: string } | undefined {
  const handler = asString(fn.values.handler);
  const runtime = asString(fn.values.runtime) ?? '';
  if (handler === undefined || asString(fn.values.package_type) === 'Image') return undefined;
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const module = handler.slice(0, dot);
  const python = runtime.startsWith('python');
  const candidates = python
    ? [`${module.split('.').join('/')}.py`]
    : runtime === '' || runtime.startsWith('nodejs')
    ? ['.js', '.mjs', '.cjs', '.ts'].map((ext) => `${module}${ext}`)
    : [];
  if (candidates.length === 0) return undefined;
  const resolveFrom = (host as SourceHost & { resolveFrom?: (file: string, path: string) => string | undefined }).resolveFrom;
  if (typeof resolveFrom !== 'function') return undefined;
  // Terraform reads relative paths from the working directory (the root module's folder);
  // `${path.module}` is the folder of the module that writes it.
  const rootFile = rootModuleFile(graph, fn);
  const at = (from: Resource, path: string): string | undefined => {
    const moduleRelative = path.startsWith('${path.module}');
    const cleaned = path.replace(/^\$\{path\.(module|root|cwd)\}/, '.');
    if (cleaned.includes('${')) return undefined;
    return resolveFrom.call(host, moduleRelative ? from.location.file : rootFile ?? from.location.file, cleaned);
  };
  const tryDir = (dir: string | undefined, detail: string) => {
    if (dir === undefined) return undefined;
    for (const candidate of candidates) {
      const entry = joinPath(dir, candidate);
      if (entry !== undefined && host.fileExists(entry)) return { entry, detail: `handler = ${handler} in ${detail}` };
    }
    return undefined;
  };
  for (const archive of archivesOf(graph, fn)) {
    const dir = asString(archive.values.source_dir);
    if (dir !== undefined) {
      const found = tryDir(at(archive, dir), `${archive.address} source_dir = ${dir}`);
      if (found) return found;
    }
    const file = asString(archive.values.source_file);
    const path = file === undefined ? undefined : at(archive, file);
    // A single-file archive holds the file at its root: the handler names it without folders.
    if (path !== undefined && host.fileExists(path) && candidates.some((c) => path === c || path.endsWith(`/${c}`))) {
      return { entry: path, detail: `handler = ${handler} in ${archive.address} source_file = ${file}` };
    }
  }
  for (const { path, prefix, detail } of packagedSources(graph, fn)) {
    const resolved = at(fn, path);
    if (resolved === undefined) continue;
    if (host.directoryExists(resolved)) {
      // `prefix_in_zip` puts the folder's files under that folder of the archive: the handler names it.
      const inside = prefix ? candidates.filter((c) => c.startsWith(`${prefix}/`)).map((c) => c.slice(prefix.length + 1)) : candidates;
      for (const candidate of inside) {
        const entry = joinPath(resolved, candidate);
        if (entry !== undefined && host.fileExists(entry)) return { entry, detail: `handler = ${handler} in ${detail}` };
      }
    } else if (host.fileExists(resolved)) {
      const name = resolved.slice(resolved.lastIndexOf('/') + 1);
      if (candidates.includes(prefix ? `${prefix}/${name}` : name)) return { entry: resolved, detail: `handler = ${handler} in ${detail}` };
    }
  }
  const filename = asString(fn.values.filename);
  if (filename !== undefined) {
    const zip = at(fn, filename);
    // A cdktf TerraformAsset of type DIRECTORY deploys a copied folder (`assets/<id>/<hash>`); one
    // of type ARCHIVE (or any prebuilt package) a zip, which the source host reads as a folder.
    const inside = zip !== undefined && host.directoryExists(zip) ? tryDir(zip, `filename = ${filename}`) : undefined;
    if (inside) return inside;
    if (zip !== undefined) return tryDir(dirnameOf(zip), `the folder of filename = ${filename}`);
  }
  return undefined;
}

/**
 * The sources a function's package is built from by an external packager: terraform-aws-modules/lambda
 * builds `filename` with `data "external"` (package.py) whose query carries `source_path`, a path
 * or a JSON list of paths and `{ path, prefix_in_zip, ... }` objects, relative to the root module's
 * folder (the packager runs there). Read as data: the packager itself is never run.
 */
function packagedSources(graph: ResourceGraph, fn: Resource): { path: string; prefix?: string; detail: string }[] {
  const out: { path: string; prefix?: string; detail: string }[] = [];
  for (const ref of fn.references) {
    if (ref.attribute !== 'filename') continue;
    const external = graph.get(ref.target);
    if (!external || external.mode !== 'data' || external.type !== 'external') continue;
    const raw = asString(valueAt(external.values, 'query.source_path'));
    if (raw === undefined || raw.includes('${')) continue;
    let parsed: unknown = raw;
    if (/^\s*[[{"]/.test(raw)) {
      try {
        parsed = JSON.parse(raw);
      } catch {
        continue;
      }
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    for (const item of items) {
      const path =
        typeof item === 'string'
          ? item
          : item !== null && typeof item === 'object' && typeof (item as { path?: unknown }).path === 'string'
          ? (item as { path: string }).path
          : undefined;
      if (path === undefined) continue;
      const prefixRaw = item !== null && typeof item === 'object' ? (item as { prefix_in_zip?: unknown }).prefix_in_zip : undefined;
      const prefix = typeof prefixRaw === 'string' && prefixRaw.replace(/^\/+|\/+$/g, '') !== '' ? prefixRaw.replace(/^\/+|\/+$/g, '') : undefined;
      out.push({
        path,
        ...(prefix ? { prefix } : {}),
        detail: `source_path ${path}${prefix ? ` (prefix_in_zip ${prefix})` : ''} of ${external.address}, the package its filename is built from`,
      });
    }
  }
  return out;
}

/** A file of the root module `resource` belongs to (its own when it is in the root module). */
function rootModuleFile(graph: ResourceGraph, resource: Resource): string | undefined {
  if (resource.modulePath === '') return resource.location.file;
  // The stack prefix of a monorepo unit (`stack:`) comes before the module path; instance keys (`[0]`) after it.
  const at = resource.address.indexOf(`${resource.modulePath}.`);
  const unit = at > 0 ? resource.address.slice(0, at) : '';
  const root = graph.resources.find((r) => r.modulePath === '' && r.address.startsWith(unit) && !r.address.slice(unit.length).includes(':'));
  // A root module of module calls only has no resource of its own: with one input, its files are read first.
  return root?.location.file ?? (unit === '' ? graph.files[0]?.path : undefined);
}

/** `data "archive_file"` sources a function references, directly or through the S3 object it is deployed from. */
function archivesOf(graph: ResourceGraph, fn: Resource): Resource[] {
  const out: Resource[] = [];
  const visit = (resource: Resource, depth: number) => {
    for (const ref of resource.references) {
      const target = graph.get(ref.target);
      if (!target || out.includes(target)) continue;
      if (target.type === 'archive_file' && target.mode === 'data') out.push(target);
      else if (depth === 0 && (target.type === 'aws_s3_object' || target.type === 'aws_s3_bucket_object')) visit(target, 1);
    }
  };
  visit(fn, 0);
  return out;
}

/** A file entry as written (or resolved like an import: `src/fn` -> `src/fn/index.ts`), or a folder's source files. */
function entryOf(host: SourceHost, resolver: ModuleResolver, path: string): { entry: string; roots: string[] } | undefined {
  if (host.fileExists(path)) return { entry: path, roots: [path] };
  if (host.directoryExists(path)) {
    const roots = sourceFilesUnder(host, path);
    return { entry: path, roots };
  }
  // `src/handlers/ingest` or `ingest.js` for `ingest.ts`: resolve as a relative import would.
  const resolved = resolver.resolve('', `./${path}`);
  return resolved.kind === 'file' ? { entry: resolved.path, roots: [resolved.path] } : undefined;
}

const SKIPPED_DIRS = new Set(['node_modules', '__tests__', '__mocks__', 'test', 'tests', 'dist', 'build', 'cdk.out', 'cdktf.out', 'coverage']);

/** Source files of a container service's folder (not tests, builds or dependencies). */
function sourceFilesUnder(host: SourceHost, dir: string): string[] {
  const files: string[] = [];
  for (const name of host.listDirectory(dir)) {
    if (name.startsWith('.')) continue;
    const path = `${dir}/${name}`;
    if (host.directoryExists(path)) {
      // A package archive in a service's folder is a build output, not its source.
      if (!SKIPPED_DIRS.has(name) && !/\.zip$/i.test(name)) files.push(...sourceFilesUnder(host, path));
    } else if ((isSourceFile(name) && !/\.(test|spec)\.[cm]?[jt]sx?$/.test(name)) || (name.endsWith('.py') && !/^(test_.*|.*_test|conftest)\.py$/.test(name))) {
      files.push(path);
    }
  }
  return files.sort();
}

/** The role a resource's code runs as: Lambda `role`; ECS task definition `task_role_arn` (through the service). */
export function roleOf(graph: ResourceGraph, resource: Resource): string | undefined {
  switch (resource.type) {
    case 'aws_lambda_function':
      return graph.target(resource, 'role', 'aws_iam_role')?.address;
    case 'aws_ecs_task_definition':
      return graph.target(resource, 'task_role_arn', 'aws_iam_role')?.address;
    case 'aws_ecs_service': {
      const task = graph.target(resource, 'task_definition', 'aws_ecs_task_definition');
      return task ? graph.target(task, 'task_role_arn', 'aws_iam_role')?.address : undefined;
    }
    case 'aws_sagemaker_model':
      return graph.target(resource, 'execution_role_arn', 'aws_iam_role')?.address;
    default:
      return graph.target(resource, 'role', 'aws_iam_role')?.address ?? graph.target(resource, 'role_arn', 'aws_iam_role')?.address;
  }
}
