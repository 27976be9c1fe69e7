import { existsSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { inputError } from '../errors.js';
import { ResourceGraph } from '../model/graph.js';
import { Unknown, type Attributes, type InputFile, type Reference, type Resource, type UnreadModule, type Value } from '../model/types.js';
import { clearEvaluationCaches } from './hcl-eval.js';
import type { EvalValue } from './hcl-value.js';
import {
  ConfigScope,
  emptyDefinitions,
  looksLikeTerraformConfig,
  readConfigDocument,
  readTerraformJson,
  type ConfigBlock,
  type ModuleCall,
  type ModuleDefinitions,
  type ModuleOptions,
} from './config.js';
import { decodeText, displayPath, fileSystemError, isInside, parseJson, readRegularFile } from './files.js';
import type { JsonDocument } from './json.js';
import { parseHcl } from './hcl.js';
import { looksLikePlan, readPlan, stripInstanceKeys } from './plan.js';
import { isLocalSource, locateRemoteModule, MODULE_MANIFEST, parseModuleManifest, type ModuleManifest, type ModuleSource } from './module-sources.js';
import { dict } from '../model/dict.js';

interface ReadOptions {
  readonly cwd: string;
  /** `--var-file FILE` (relative to cwd), in order: values for every root module's variables. */
  readonly varFiles?: readonly string[];
  /** `--var NAME=VALUE`, in order (later wins). */
  readonly vars?: readonly string[];
  /** Where `TF_VAR_name` values come from (default: none; the CLI passes process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly onProgress?: (event: { kind: 'file' | 'stack'; path: string }) => void;
}

/**
 * What one input contributes: a cdktf stack, a Terraform module folder or file, or a plan.
 * When more than one unit is read, every address is prefixed with the unit's name and a colon
 * (`ai-platform:aws_iam_role.fn`; for non-cdktf inputs the name is the input path as given,
 * `envs/prod/plan.json:aws_iam_role.fn`), so addresses stay unique across stacks.
 */
interface Unit {
  readonly name: string;
  readonly resources: Resource[];
  readonly files: InputFile[];
  readonly unreadModules?: UnreadModule[];
}

const WHAT_WE_READ =
  'a cdktf.out folder, a stack folder holding cdk.tf.json, a *.tf.json file, a Terraform plan JSON (terraform show -json), or a folder of *.tf files';
const MAX_MODULE_DEPTH = 20;

/** The nearest `cdktf.out` folder from `cwd` upwards, else `cwd` itself. */
export function findDefaultInputs(cwd: string): string[] {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, 'cdktf.out');
    if (existsSync(join(candidate, 'manifest.json'))) return [candidate];
    const parent = dirname(dir);
    if (parent === dir) return [resolve(cwd)];
    dir = parent;
  }
}

/**
 * Reads every input into one resource graph. Asynchronous because HCL goes through
 * @cdktf/hcl2json (WebAssembly). Every problem with the inputs rejects with a located
 * `HybridguardError` of kind `input`; nothing is printed.
 */
export async function readInputs(paths: readonly string[], options: ReadOptions): Promise<{ graph: ResourceGraph; files: InputFile[] }> {
  const reader = new Reader(options);
  const list = paths.length ? paths : findDefaultInputs(options.cwd);
  const units: Unit[] = [];
  try {
    for (const path of list) units.push(...(await reader.readPath(path)));
  } finally {
    // The evaluator's memo tables serve one run: a long-lived process does not keep them.
    clearEvaluationCaches();
  }
  const resources: Resource[] = [];
  const files: InputFile[] = [];
  const unreadModules: UnreadModule[] = [];
  const prefixed = units.length > 1;
  const owner = new Map<string, string>();
  for (const unit of units) {
    const unitResources = resolveInstanceTargets(unit.resources);
    for (const resource of prefixed ? unitResources.map((r) => withStackPrefix(r, unit.name)) : unitResources) {
      const previous = owner.get(resource.address);
      if (previous !== undefined) {
        throw inputError(
          `resource ${resource.address} is read twice (from ${previous} and ${resource.location.file})`,
          { file: resource.location.file, line: resource.location.line },
          'each input (stack, folder, file or plan) given once',
        );
      }
      owner.set(resource.address, resource.location.file);
      resources.push(resource);
    }
    for (const file of unit.files) files.push(file);
    for (const call of unit.unreadModules ?? []) {
      if (!prefixed) unreadModules.push(call);
      else {
        const address = `${unit.name}:${call.address}`;
        unreadModules.push({ ...call, address, location: { ...call.location, address } });
      }
    }
  }
  return { graph: new ResourceGraph(resources, files, unreadModules), files };
}

class Reader {
  private readonly cwd: string;
  constructor(private readonly options: ReadOptions) {
    this.cwd = resolve(options.cwd);
  }

  private shown(absolute: string): string {
    return displayPath(absolute, this.cwd);
  }

  async readPath(path: string): Promise<Unit[]> {
    const absolute = isAbsolute(path) ? path : resolve(this.cwd, path);
    const shown = this.shown(absolute);
    let isDirectory: boolean;
    try {
      // realpath first: a symlink loop fails here with ELOOP instead of hanging anything later.
      isDirectory = statSync(realpathSync(absolute)).isDirectory();
    } catch (error) {
      throw fileSystemError(error, shown, WHAT_WE_READ);
    }
    return isDirectory ? this.readFolder(absolute) : this.readFile(absolute);
  }

  private async readFolder(dir: string): Promise<Unit[]> {
    const shown = this.shown(dir);
    const manifest = join(dir, 'manifest.json');
    if (existsSync(manifest)) {
      const doc = this.json(manifest);
      if (isCdktfManifest(doc)) return this.readManifest(manifest, doc);
    }
    if (existsSync(join(dir, 'cdk.tf.json'))) return [await this.readConfigFiles([join(dir, 'cdk.tf.json')], dir)];
    const entries = this.list(dir);
    const config = entries.filter((f) => f.endsWith('.tf') || f.endsWith('.tf.json'));
    if (config.length) return [await this.readConfigFiles(config, dir)];
    // A folder holding plan JSON files (`terraform show -json > plan.json`).
    const plans: Unit[] = [];
    for (const file of entries.filter((f) => f.endsWith('.json'))) {
      const text = this.text(file);
      if (!text.trimStart().startsWith('{')) continue;
      const doc = parseJson(text, this.shown(file), 'JSON');
      if (looksLikePlan(doc)) plans.push(this.planUnit(file, text, doc));
    }
    if (plans.length) return plans;
    const nested = join(dir, 'cdktf.out');
    if (existsSync(join(nested, 'manifest.json'))) return this.readFolder(nested);
    // A tree of several Terraform root modules (a monorepo): each root once, with its own variables.
    const roots = this.rootModules(dir);
    if (roots.length) {
      const units: Unit[] = [];
      for (const root of roots) {
        const files = this.list(root).filter((f) => f.endsWith('.tf') || f.endsWith('.tf.json'));
        const unit = await this.readConfigFiles(files, root);
        units.push({ ...unit, name: this.shown(root) });
      }
      return units;
    }
    throw inputError(`folder has nothing to check: ${shown}`, { file: shown }, WHAT_WE_READ);
  }

  /**
   * Root modules under `dir`: folders holding `*.tf` / `*.tf.json` that no other such folder calls
   * as a local module (`source = "../modules/x"`). Hidden folders (`.terraform`) and node_modules
   * are skipped; so are `cdktf.out` trees.
   */
  private rootModules(dir: string): string[] {
    const found: string[] = [];
    const walk = (folder: string, depth: number) => {
      if (depth > 12) return;
      let entries: Dirent[];
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch (error) {
        throw fileSystemError(error, this.shown(folder), WHAT_WE_READ);
      }
      if (entries.some((e) => e.isFile() && (e.name.endsWith('.tf') || e.name.endsWith('.tf.json')))) found.push(folder);
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'cdktf.out') continue;
        walk(join(folder, entry.name), depth + 1);
      }
    };
    walk(dir, 0);
    const called = new Set<string>();
    for (const folder of found) {
      for (const file of this.list(folder).filter((f) => f.endsWith('.tf') || f.endsWith('.tf.json'))) {
        const text = decodeText(readRegularFile(file, this.shown(file), WHAT_WE_READ), this.shown(file), WHAT_WE_READ);
        for (const match of text.matchAll(/\bsource"?\s*[=:]\s*"(\.\.?\/[^"]*|\.\.?)"/g)) called.add(safeRealpath(resolve(folder, match[1] ?? '.')));
      }
    }
    return found.filter((folder) => !called.has(safeRealpath(folder)));
  }

  /** Regular files of a folder (sorted, so the graph's order is deterministic); a looping symlink is an error. */
  private list(dir: string): string[] {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      throw fileSystemError(error, this.shown(dir), WHAT_WE_READ);
    }
    const files: string[] = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = join(dir, entry.name);
      if (entry.isFile()) files.push(full);
      else if (entry.isSymbolicLink()) {
        try {
          if (statSync(realpathSync(full)).isFile()) files.push(full);
        } catch (error) {
          // Only inputs we would read matter; a dangling or looping link to one is an error.
          if (/\.(tf|tf\.json|json)$/.test(entry.name)) throw fileSystemError(error, this.shown(full), 'a readable file');
        }
      }
    }
    return files;
  }

  private async readFile(file: string): Promise<Unit[]> {
    const shown = this.shown(file);
    const text = this.text(file);
    if (file.endsWith('.tf')) return [await this.readConfigFiles([file], dirname(file), text)];
    const first = text.trimStart()[0];
    if (first !== '{' && first !== '[') {
      throw inputError(`not a Terraform input: ${shown} is neither JSON nor a .tf file`, { file: shown, line: 1 }, WHAT_WE_READ);
    }
    const parsed = readTerraformJson(text, shown, WHAT_WE_READ);
    const doc = parsed.value;
    if (looksLikePlan(doc)) return [this.planUnit(file, text, doc)];
    if (isCdktfManifest(doc)) return this.readManifest(file, doc);
    if (looksLikeTerraformConfig(doc)) return [await this.readConfigFiles([file], dirname(file), text, parsed)];
    throw inputError(
      `JSON is not Terraform: ${shown}`,
      { file: shown, line: 1 },
      'Terraform JSON (top-level "resource", "data", "module", ...), a cdktf manifest.json, or plan JSON with "format_version"',
    );
  }

  private readManifest(file: string, doc: CdktfManifest): Promise<Unit[]> {
    const root = dirname(file);
    const shown = this.shown(file);
    const stacks = Object.entries(doc.stacks);
    if (!stacks.length) throw inputError('cdktf manifest lists no stacks', { file: shown, field: '/stacks' }, 'at least one stack in manifest.json');
    return Promise.all(
      stacks.map(async ([name, stack]) => {
        const relativePath =
          isRecord(stack) && typeof stack.synthesizedStackPath === 'string' ? stack.synthesizedStackPath : join('stacks', name, 'cdk.tf.json');
        const stackFile = resolve(root, relativePath);
        if (!isInside(safeRealpath(stackFile), safeRealpath(root))) {
          throw inputError(
            `stack ${name}: its synthesizedStackPath leaves the folder of the manifest`,
            { file: shown, field: `/stacks/${name}/synthesizedStackPath` },
            'a stack path inside the cdktf.out folder',
          );
        }
        if (!existsSync(stackFile)) {
          throw inputError(
            `stack ${name} is listed in the manifest but ${this.shown(stackFile)} does not exist`,
            { file: shown, field: `/stacks/${name}` },
            'the synthesized stack next to its manifest (run cdktf synth again)',
          );
        }
        this.options.onProgress?.({ kind: 'stack', path: name });
        return this.readConfigFiles([stackFile], dirname(stackFile), undefined, undefined, name);
      }),
    );
  }

  private planUnit(file: string, text: string, doc: Record<string, unknown>): Unit {
    const shown = this.shown(file);
    return { name: shown, resources: readPlan(doc, shown, text), files: [{ path: shown, format: 'plan-json' }] };
  }

  /**
   * One root module: its files' blocks in one scope, plus the module calls read recursively with
   * `module.NAME.` addresses, from local folders or from where `terraform init` put them
   * (module-sources.ts). A call whose source cannot be read is listed in `unreadModules`.
   */
  private async readConfigFiles(files: string[], dir: string, firstText?: string, firstDoc?: JsonDocument, stackName?: string): Promise<Unit> {
    const scope = new ConfigScope(stackName);
    const inputFiles: InputFile[] = [];
    const unreadModules: UnreadModule[] = [];
    const visiting = new Set<string>([safeRealpath(dir)]);
    let manifest: ModuleManifest | undefined | null = null;
    const moduleManifest = () => (manifest === null ? (manifest = this.moduleManifest(dir)) : manifest);
    const readModule = async (
      moduleFiles: string[],
      moduleDir: string,
      modulePath: string,
      key: string,
      depth: number,
      text?: string,
      doc?: JsonDocument,
      caller?: ModuleOptions['caller'],
      unknownExistence?: string,
    ) => {
      const calls: ModuleCall[] = [];
      const blocks: ConfigBlock[] = [];
      const definitions = emptyDefinitions();
      for (const file of moduleFiles) {
        const shown = this.shown(file);
        const parsed = await this.parseConfigCached(file, text, doc);
        text = undefined;
        doc = undefined;
        for (const block of parsed.blocks) blocks.push(block); // no spread: a big stack has 100k+ blocks
        for (const call of parsed.moduleCalls) calls.push(call);
        mergeDefinitions(definitions, parsed.definitions);
        inputFiles.push({ path: shown, format: parsed.format, ...(stackName ? { stack: stackName } : {}) });
      }
      // Terraform loads terraform.tfvars and *.auto.tfvars of the root module by itself; so do we.
      const assigned = depth === 0 ? await this.variableValues(dir, definitions) : undefined;
      scope.add(blocks, modulePath, {
        definitions,
        ...(assigned ? { assigned } : {}),
        ...(caller ? { caller } : {}),
        dir: moduleDir,
        rootDir: dir,
        readFile: (path) => this.moduleFile(dir, moduleDir, path),
        ...(unknownExistence !== undefined ? { unknownExistence } : {}),
      });
      // Calls whose count / for_each reads another module's outputs go after the others.
      const ordered = [...calls].sort((a, b) => Number(mentionsModule(a)) - Number(mentionsModule(b)));
      for (const call of ordered) {
        const address = `${modulePath ? `${modulePath}.` : ''}module.${call.name}`;
        const callKey = key ? `${key}.${call.name}` : call.name;
        const expansion = scope.expansion(modulePath, call.count, call.forEach);
        // Zero instances (`count = var.create ? 1 : 0` with create false): the module makes nothing.
        if ((expansion.kind === 'count' || expansion.kind === 'for_each') && expansion.keys.length === 0) {
          scope.recordCall(modulePath, call.name, expansion);
          continue;
        }
        const found = this.locateModule(call, callKey, dir, moduleManifest);
        if (found.kind === 'unread') {
          scope.recordCall(modulePath, call.name, 'unread');
          unreadModules.push({
            address,
            source: call.source ?? '',
            ...(call.version !== undefined ? { version: call.version } : {}),
            reason: found.reason,
            fix: found.fix,
            location: { file: call.file, address, ...(call.line !== undefined ? { line: call.line } : {}) },
          });
          continue;
        }
        let real: string;
        try {
          real = realpathSync(found.dir);
        } catch (error) {
          throw fileSystemError(error, this.shown(found.dir), `the module folder named by module "${call.name}"`);
        }
        if (visiting.has(real) || depth >= MAX_MODULE_DEPTH) {
          throw inputError(
            `module "${call.name}" includes itself (source ${call.source ?? ''} loops back)`,
            { file: call.file, line: call.line },
            'a module source that does not contain its caller',
          );
        }
        visiting.add(real);
        const entries = this.list(found.dir).filter((f) => f.endsWith('.tf') || f.endsWith('.tf.json'));
        scope.recordCall(modulePath, call.name, expansion);
        const instances: { suffix: string; bindings: Map<string, EvalValue> }[] =
          expansion.kind === 'count'
            ? expansion.keys.map((i) => ({ suffix: `[${i}]`, bindings: new Map<string, EvalValue>([['count', { index: i }]]) }))
            : expansion.kind === 'for_each'
            ? expansion.keys.map((k) => ({
                suffix: `[${JSON.stringify(k)}]`,
                bindings: new Map<string, EvalValue>([['each', { key: k, value: expansion.values.get(k) ?? null }]]),
              }))
            : [{ suffix: '', bindings: new Map<string, EvalValue>() }];
        const reason = expansion.kind === 'unknown' ? `${expansion.reason} on module.${call.name} is known only after apply` : undefined;
        const existence = [unknownExistence, reason].filter((r) => r !== undefined).join('; ') || undefined;
        for (const instance of instances) {
          await readModule(
            entries,
            found.dir,
            address + instance.suffix,
            callKey,
            depth + 1,
            undefined,
            undefined,
            { modulePath, arguments: call.arguments ?? {}, bindings: instance.bindings },
            existence,
          );
        }
        visiting.delete(real);
      }
    };
    await readModule(files, dir, '', '', 0, firstText, firstDoc);
    const name = stackName ?? this.shown(files.length === 1 && files[0] ? files[0] : dir);
    return { name, resources: scope.resources(), files: inputFiles, unreadModules };
  }

  /** The folder of a module call, or why it cannot be read. */
  private locateModule(call: ModuleCall, key: string, rootDir: string, manifest: () => ModuleManifest | undefined): ModuleSource {
    if (call.source === undefined) return { kind: 'unread', fix: 'path', reason: 'the module block has no literal "source" argument' };
    if (!isLocalSource(call.source)) {
      return locateRemoteModule(
        call.source,
        key,
        manifest(),
        (p) => this.shown(p),
        rootDir,
        (d) => this.pathExists(d),
      );
    }
    const dir = resolve(dirname(resolve(this.cwd, call.file)), call.source);
    return this.pathExists(dir) ? { kind: 'folder', dir } : { kind: 'unread', fix: 'path', reason: `local folder ${this.shown(dir)} does not exist` };
  }

  /** False only when nothing is there; a symlink loop or an unreadable path is a located error. */
  private pathExists(dir: string): boolean {
    try {
      return statSync(dir, { throwIfNoEntry: false }) !== undefined;
    } catch (error) {
      throw fileSystemError(error, this.shown(dir), 'a readable module folder');
    }
  }

  /** `.terraform/modules/modules.json` of the root module in `dir`, if `terraform init` ran there. */
  private moduleManifest(dir: string): ModuleManifest | undefined {
    const file = join(dir, MODULE_MANIFEST);
    if (!existsSync(file)) return undefined;
    return parseModuleManifest(this.json(file), dir, this.shown(file));
  }

  /**
   * Values of the root module's variables, as Terraform reads them, later sources winning:
   * `TF_VAR_name` from the environment, `terraform.tfvars`, `terraform.tfvars.json`,
   * `*.auto.tfvars(.json)` in the root's folder (lexical order), then `--var-file` and `--var`.
   * Strings from the environment and `--var` are literal for primitive types and parsed as HCL
   * for collection types, as Terraform does.
   */
  private async variableValues(dir: string, definitions: ModuleDefinitions): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    const literal = (name: string, text: string): unknown => {
      const type = definitions.variables.get(name)?.type;
      const typeText = typeof type === 'string' ? type.replace(/^\$\{([\s\S]*)\}$/, '$1').trim() : '';
      if (typeText === '' || typeText === 'string' || typeText === 'number' || typeText === 'bool' || typeText === 'any')
        return text.replace(/([$%])\{/g, '$1$1{');
      return `\${${text}}`;
    };
    for (const [key, value] of Object.entries(this.options.env ?? {})) {
      if (key.startsWith('TF_VAR_') && value !== undefined) out.set(key.slice(7), literal(key.slice(7), value));
    }
    if (existsSync(dir) && statSync(dir).isDirectory()) {
      const names = this.list(dir).map((f) => ({ f, base: f.slice(dir.length + 1) }));
      const files = [
        ...names.filter((n) => n.base === 'terraform.tfvars'),
        ...names.filter((n) => n.base === 'terraform.tfvars.json'),
        ...names.filter((n) => n.base.endsWith('.auto.tfvars') || n.base.endsWith('.auto.tfvars.json')),
      ].map((n) => n.f);
      await this.readVarFiles(files, out);
    }
    await this.readVarFiles(
      (this.options.varFiles ?? []).map((f) => resolve(this.cwd, f)),
      out,
    );
    for (const assignment of this.options.vars ?? []) {
      const eq = assignment.indexOf('=');
      if (eq <= 0) throw inputError(`--var ${JSON.stringify(assignment)} is not NAME=VALUE`, { file: '--var' }, 'NAME=VALUE');
      const name = assignment.slice(0, eq);
      out.set(name, literal(name, assignment.slice(eq + 1)));
    }
    return out;
  }

  private async readVarFiles(files: readonly string[], out: Map<string, unknown>): Promise<void> {
    for (const f of files) {
      const shown = this.shown(f);
      const text = this.text(f);
      const doc = f.endsWith('.json') ? parseJson(text, shown, 'a JSON object of variable values') : (await parseHcl(shown, text)).doc;
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
        throw inputError(`variable values file is not an object: ${shown}`, { file: shown, line: 1 }, 'name = value assignments');
      }
      for (const [name, value] of Object.entries(doc as Record<string, unknown>)) out.set(name, value);
    }
  }

  /** `file()` / `templatefile()` paths, relative to the root module's folder; only files under the module's folder are read. */
  private moduleFile(rootDir: string, moduleDir: string, path: string): { text: string } | { error: string } {
    const full = resolve(rootDir, path);
    let real: string;
    let base: string;
    try {
      real = realpathSync(full);
      base = realpathSync(moduleDir);
    } catch {
      return { error: `${this.shown(full)} does not exist` };
    }
    if (real !== base && !real.startsWith(base + sep)) return { error: `${this.shown(full)} is outside the module's folder and is not read` };
    try {
      return { text: decodeText(readRegularFile(real, this.shown(full), 'a text file', 1_000_000), this.shown(full), 'a text file') };
    } catch (error) {
      return { error: error instanceof Error ? error.message : `${this.shown(full)} cannot be read` };
    }
  }

  private readonly parsedFiles = new Map<string, Awaited<ReturnType<Reader['parseConfig']>>>();

  /** A module folder called several times (count, for_each) is parsed once. */
  private async parseConfigCached(file: string, text?: string, doc?: JsonDocument): Promise<Awaited<ReturnType<Reader['parseConfig']>>> {
    const cached = this.parsedFiles.get(file);
    if (cached) return cached;
    const parsed = await this.parseConfig(file, text, doc);
    this.parsedFiles.set(file, parsed);
    return parsed;
  }

  private async parseConfig(
    file: string,
    text?: string,
    doc?: JsonDocument,
  ): Promise<{ blocks: ConfigBlock[]; moduleCalls: ModuleCall[]; definitions: ModuleDefinitions; format: InputFile['format'] }> {
    const shown = this.shown(file);
    const source = text ?? this.text(file);
    if (file.endsWith('.tf')) {
      const hcl = await parseHcl(shown, source);
      return { ...readConfigDocument(hcl.doc, shown, hcl.lines), format: 'hcl' };
    }
    const parsed = doc ?? readTerraformJson(source, shown, 'Terraform JSON');
    if (!looksLikeTerraformConfig(parsed.value)) {
      throw inputError(
        `JSON is not Terraform configuration: ${shown}`,
        { file: shown, line: 1 },
        'Terraform JSON with top-level "resource", "data" or "module"',
      );
    }
    const format = isSynth(parsed.value) ? 'cdktf-synth' : 'terraform-json';
    return { ...readConfigDocument(parsed.value, shown, parsed.keyLines), format };
  }

  private text(file: string): string {
    const shown = this.shown(file);
    const bytes = readRegularFile(file, shown, WHAT_WE_READ);
    this.options.onProgress?.({ kind: 'file', path: shown });
    return decodeText(bytes, shown, WHAT_WE_READ);
  }

  private json(file: string): unknown {
    return parseJson(this.text(file), this.shown(file), 'JSON');
  }
}

interface CdktfManifest {
  readonly stacks: Record<string, unknown>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isCdktfManifest(doc: unknown): doc is CdktfManifest {
  return isRecord(doc) && isRecord(doc.stacks) && 'version' in doc && !('resource' in doc);
}

function isSynth(doc: unknown): boolean {
  return isRecord(doc) && isRecord(doc['//']) && isRecord(doc['//'].metadata) && 'stackName' in doc['//'].metadata;
}

function mergeDefinitions(into: ModuleDefinitions, from: ModuleDefinitions): void {
  for (const [name, variable] of from.variables) into.variables.set(name, variable);
  for (const [name, value] of from.locals) into.locals.set(name, value);
  for (const [name, value] of from.outputs) into.outputs.set(name, value);
  for (const [name, at] of from.localLocations) into.localLocations.set(name, at);
  for (const [name, config] of from.providers) into.providers.set(name, config);
}

const mentionsModule = (call: ModuleCall): boolean => JSON.stringify([call.count ?? null, call.forEach ?? null]).includes('module.');

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * References name what the configuration names: `aws_subnet.a` (every instance when the plan
 * has `aws_subnet.a[0]`, `[1]`) or `aws_subnet.a[0]` (the base when the input has no instances).
 * Rewrites each target to the addresses that exist, so graph lookups are exact.
 */
function resolveInstanceTargets(resources: Resource[]): Resource[] {
  const addresses = new Set(resources.map((r) => r.address));
  const instances = new Map<string, string[]>();
  for (const r of resources) {
    if (!r.address.endsWith(']')) continue;
    const base = r.address.slice(0, r.address.lastIndexOf('['));
    const list = instances.get(base) ?? [];
    list.push(r.address);
    instances.set(base, list);
  }
  return resources.map((resource) => {
    let changed = false;
    const references: Reference[] = [];
    for (const reference of resource.references) {
      if (addresses.has(reference.target)) {
        references.push(reference);
        continue;
      }
      const expanded = instances.get(reference.target);
      const base = reference.target.endsWith(']') ? reference.target.slice(0, reference.target.lastIndexOf('[')) : undefined;
      if (expanded) {
        changed = true;
        for (const target of expanded) references.push({ ...reference, target });
      } else if (base !== undefined && addresses.has(base)) {
        changed = true;
        references.push({ ...reference, target: base });
      } else if (base !== undefined && instances.has(base)) {
        // An instance that does not exist (a guessed key): every instance of the resource.
        changed = true;
        for (const target of instances.get(base) ?? []) references.push({ ...reference, target });
      } else if (addresses.has(stripInstanceKeys(reference.target))) {
        changed = true;
        references.push({ ...reference, target: stripInstanceKeys(reference.target) });
      } else {
        references.push(reference);
      }
    }
    return changed ? { ...resource, references } : resource;
  });
}

function withStackPrefix(resource: Resource, unit: string): Resource {
  const address = `${unit}:${resource.address}`;
  return {
    ...resource,
    address,
    values: prefixUnknowns(resource.values, unit) as Attributes,
    references: resource.references.map((r) => ({ ...r, target: `${unit}:${r.target}` })),
    location: { ...resource.location, address },
  };
}

/**
 * The references an `Unknown` carries name addresses too (`aws_s3_bucket.b.arn`): they get the
 * same `stack:` prefix, so a lookup from an unknown value lands in its own stack. Copy-on-write.
 */
function prefixUnknowns(value: Value, unit: string): Value {
  if (value instanceof Unknown) {
    return value.references.length ? new Unknown(value.reason, value.references.map((r) => `${unit}:${r}`)) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: Value[] | undefined;
    (value as readonly Value[]).forEach((item, i) => {
      const next = prefixUnknowns(item, unit);
      if (next !== item) copy ??= (value as readonly Value[]).slice();
      if (copy) copy[i] = next;
    });
    return copy ?? (value as readonly Value[]);
  }
  let copy: { [key: string]: Value } | undefined;
  for (const [key, item] of Object.entries(value)) {
    const next = prefixUnknowns(item, unit);
    if (next !== item) copy ??= dict(value as { [key: string]: Value });
    if (copy) copy[key] = next;
  }
  return copy ?? value;
}

