import type { IamCatalog } from '../../../model/catalog.js';
import { scopeCall } from '../arns.js';
import type { InputFacts } from '../parse.js';
import { actionsForCommand, type ActionMapping } from '../sdk.js';
import { refine } from '../refine.js';
import type { CodeCall } from '../types.js';
import {
  boto3Actions,
  boto3Service,
  NO_REQUEST_METHODS,
  operationOf,
  S3_INJECTED,
  SAGEMAKER_FUNCTIONS,
  sageMakerMethod,
  type Boto3Service,
} from './boto3.js';
import type { Boto3Params, Boto3ResourceShape } from './boto3-data.js';
import type { PyCall, PyExpr, PyFileSummary, PyScope } from './parse.js';
import type { PythonResolver } from './resolve.js';
import { dict, own } from '../../../model/dict.js';

/** What a Python expression may stand for, as far as the analysis needs to know. */
type Value =
  | { readonly v: 'module'; readonly module: string }
  | { readonly v: 'file'; readonly file: string }
  | { readonly v: 'def'; readonly file: string; readonly scope: number }
  | { readonly v: 'instance'; readonly file: string; readonly scope: number }
  | { readonly v: 'session'; readonly lib: string }
  | { readonly v: 'client'; readonly lib: string; readonly service?: Boto3Service; readonly computed?: string; readonly label: string }
  | {
      readonly v: 'resource';
      readonly lib: string;
      readonly service: Boto3Service;
      readonly type?: string;
      readonly ids: Readonly<Record<string, string | undefined>>;
    }
  | {
      readonly v: 'collection';
      readonly service: Boto3Service;
      readonly op: string;
      readonly params: Boto3Params;
      readonly ids: Readonly<Record<string, string | undefined>>;
      readonly label: string;
      readonly batch?: Boto3ResourceShape['batchActions'];
    }
  /** A SageMaker Python SDK object, with the instance types its constructor names (`instance_type='ml.g5.xlarge'`). */
  | { readonly v: 'sagemaker'; readonly cls: string; readonly instanceTypes: readonly string[] }
  /** `client.get_paginator('list_objects_v2')` / `client.get_waiter('object_exists')`: `paginate()` / `wait()` make the requests. */
  | { readonly v: 'paginator' | 'waiter'; readonly service: Boto3Service; readonly op: string; readonly name: string; readonly label: string }
  | { readonly v: 'method'; readonly of: Value; readonly name?: string; readonly computed?: string }
  | { readonly v: 'str'; readonly value: string };

type FileCall = Omit<CodeCall, 'chain'>;

const MAX_DEPTH = 24;
const BOTO_LIBS: ReadonlySet<string> = new Set(['boto3', 'aioboto3']);

/**
 * Evaluates the Python files one handler reaches, with just enough meaning to find its AWS
 * calls: boto3 / aioboto3 / botocore clients and resources (in module globals, class attributes,
 * `with ... as` targets, helper return values, parameters of helpers they are passed to), and the
 * SageMaker Python SDK's entry points. Parameters are followed through the call sites of the
 * reached files, so the same helper called with an S3 client from one handler and a DynamoDB
 * client from another is mapped per handler.
 */
export class PythonEvaluator {
  private readonly memo = new Map<string, readonly Value[]>();
  private callersByName: Map<string, { file: string; scope: number; call: PyCall }[]> | undefined;
  private readonly callersOf = new Map<string, { file: string; scope: number; call: PyCall }[]>();

  constructor(
    private readonly files: readonly string[],
    private readonly summary: (file: string) => PyFileSummary,
    private readonly resolver: PythonResolver,
    private readonly catalog: IamCatalog,
  ) {}

  /** Every AWS call in `file`, in source order. */
  calls(file: string): FileCall[] {
    const out: FileCall[] = [];
    for (const { scope, call } of this.summary(file).calls) {
      for (const found of this.callSite(file, scope, call)) out.push(found);
    }
    return out;
  }

  private callSite(file: string, scope: number, call: PyCall): FileCall[] {
    const fn = call.fn;
    const out: FileCall[] = [];
    if (fn.k === 'attr') {
      for (const recv of this.eval(file, scope, fn.obj, 0)) {
        const found = this.methodCall(recv, fn.name, call, file, scope);
        if (found) out.push(found);
      }
      return dedupe(out);
    }
    for (const value of this.eval(file, scope, fn, 0)) {
      if (value.v === 'method') {
        if (value.name !== undefined) {
          const found = this.methodCall(value.of, value.name, call, file, scope);
          if (found) out.push(found);
        } else if (value.of.v === 'client' || value.of.v === 'resource') {
          const computed = value.computed ?? call.fnText;
          out.push(
            this.undecided(
              call,
              file,
              `${call.fnText}()`,
              value.of.v === 'client' ? value.of.service?.data.signingName : value.of.service.data.signingName,
              `the operation is computed: ${computed}`,
              { what: 'operation', expression: computed },
            ),
          );
        }
      } else if (value.v === 'module' && value.module.startsWith('sagemaker.')) {
        const fnName = value.module.slice(value.module.lastIndexOf('.') + 1);
        const known = Object.hasOwn(SAGEMAKER_FUNCTIONS, fnName) ? SAGEMAKER_FUNCTIONS[fnName] : undefined;
        if (known) out.push(this.fixedCall(call, file, `${call.fnText}() (SageMaker Python SDK)`, known.actions, known.why));
      }
    }
    return dedupe(out);
  }

  /** `recv.method(...)` where `recv` is a client, resource, collection or SageMaker SDK object. */
  private methodCall(recv: Value, method: string, call: PyCall, file: string, scope: number): FileCall | undefined {
    const label = `${call.fnText}()`;
    switch (recv.v) {
      case 'client': {
        if (!recv.service) {
          if (NO_REQUEST_METHODS.has(method)) return undefined;
          const computed = recv.computed ?? '?';
          return this.undecided(call, file, `${label} (${recv.label})`, undefined, `the service is computed: ${computed}`, {
            what: 'service',
            expression: computed,
          });
        }
        const service = recv.service;
        const sdk = `${label} (${recv.label})`;
        if (method === 'get_paginator' || method === 'get_waiter' || method === 'generate_presigned_url') {
          const arg = call.args[0] ?? call.kwargs.get(method === 'get_paginator' ? 'operation_name' : method === 'get_waiter' ? 'waiter_name' : 'ClientMethod');
          const name = arg ? this.stringOf(file, scope, arg) : undefined;
          if (name === undefined) {
            const computed = `${call.fnText}(${arg ? exprText(arg) : ''})`;
            return this.undecided(call, file, sdk, service.data.signingName, `the operation is computed: ${computed}`, {
              what: 'operation',
              expression: computed,
            });
          }
          // The paginator's paginate() and the waiter's wait() make the requests, with their arguments.
          if (method !== 'generate_presigned_url') return undefined;
          const op = operationOf(service, name);
          return op ? this.opCall(call, file, scope, service, op, sdk, {}, call.kwargs.get('Params')) : undefined;
        }
        if (service.data.name === 's3' && Object.hasOwn(S3_INJECTED, method)) return this.injected(call, file, scope, method, sdk, {});
        const op = operationOf(service, method);
        return op ? this.opCall(call, file, scope, service, op, sdk, {}) : undefined;
      }
      case 'resource': {
        const service = recv.service;
        const shape = recv.type === undefined ? service.resources?.service : service.resources?.resources[recv.type];
        if (!shape) return undefined;
        const sdk = `${label} (boto3 ${service.data.name} ${recv.type ?? 'ServiceResource'})`;
        const action = shape.actions && Object.hasOwn(shape.actions, method) ? shape.actions[method] : undefined;
        if (action) return this.opCall(call, file, scope, service, action.op, sdk, fromIds(action.params, recv.ids));
        if ((method === 'load' || method === 'reload') && shape.load)
          return this.opCall(call, file, scope, service, shape.load.op, sdk, fromIds(shape.load.params, recv.ids));
        const waiter = shape.waiters && Object.hasOwn(shape.waiters, method) ? shape.waiters[method] : undefined;
        if (waiter) {
          const op = service.data.waiters?.[waiter.waiter];
          return op ? this.opCall(call, file, scope, service, op, sdk, fromIds(waiter.params, recv.ids)) : undefined;
        }
        if (service.data.name === 's3' && Object.hasOwn(S3_INJECTED, method)) {
          return this.injected(call, file, scope, method, sdk, { Bucket: recv.ids.BucketName ?? recv.ids.Name, Key: recv.ids.Key });
        }
        if (service.data.name === 'dynamodb' && recv.type === 'Table' && method === 'batch_writer') {
          return this.opCall(call, file, scope, service, 'BatchWriteItem', `${sdk} (writes with BatchWriteItem)`, { TableName: recv.ids.Name });
        }
        return undefined;
      }
      case 'collection': {
        if (['all', 'filter', 'limit', 'page_size', 'pages'].includes(method)) {
          return this.opCall(call, file, scope, recv.service, recv.op, `${label} (boto3 ${recv.label})`, fromIds(recv.params, recv.ids));
        }
        const batch = recv.batch && Object.hasOwn(recv.batch, method) ? recv.batch[method] : undefined;
        return batch ? this.opCall(call, file, scope, recv.service, batch.op, `${label} (boto3 ${recv.label})`, fromIds(recv.params, recv.ids)) : undefined;
      }
      case 'paginator':
      case 'waiter': {
        if (method !== (recv.v === 'paginator' ? 'paginate' : 'wait')) return undefined;
        return this.opCall(call, file, scope, recv.service, recv.op, `${label} (${recv.label})`, {});
      }
      case 'sagemaker': {
        const known = sageMakerMethod(recv.cls, method);
        if (!known) return undefined;
        // `wait=False` returns without polling the job.
        const noWait = call.kwargs.get('wait')?.k === 'other' && (call.kwargs.get('wait') as { text: string }).text === 'False';
        const actions = noWait ? known.actions.filter((a) => !a.startsWith('sagemaker:Describe')) : known.actions;
        const instanceTypes = [...recv.instanceTypes, ...this.instanceTypes(file, scope, call)];
        return this.fixedCall(
          call,
          file,
          `${label} (SageMaker Python SDK ${recv.cls})`,
          actions,
          noWait ? `${known.why} (wait=False: not polled)` : known.why,
          instanceTypes,
        );
      }
      default:
        return undefined;
    }
  }

  private injected(call: PyCall, file: string, scope: number, method: string, sdk: string, ids: Record<string, string | undefined>): FileCall {
    const entry = S3_INJECTED[method]!;
    // upload_file(Filename, Bucket, Key) / download_file(Bucket, Key, Filename): the literal bucket scopes the call.
    const positional: Readonly<Record<string, readonly (string | undefined)[]>> = {
      upload_file: [undefined, 'Bucket', 'Key'],
      upload_fileobj: [undefined, 'Bucket', 'Key'],
      download_file: ['Bucket', 'Key'],
      download_fileobj: ['Bucket', 'Key'],
    };
    const props: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(ids)) if (v !== undefined) props[k] = v;
    const hasIds = Object.keys(props).length > 0;
    (positional[method] ?? []).forEach((name, i) => {
      const arg = call.args[hasIds ? -1 : i];
      const value = name && arg ? this.stringOf(file, scope, arg) : undefined;
      if (name && value !== undefined) props[name] = value;
    });
    return this.finish(
      call,
      file,
      actionsForCommand(entry.pkg, entry.command, this.catalog),
      sdk,
      this.inputFacts(file, scope, call, props),
      entry.why,
    );
  }

  private opCall(
    call: PyCall,
    file: string,
    scope: number,
    service: Boto3Service,
    op: string,
    sdk: string,
    idProps: Record<string, string | undefined>,
    paramsExpr?: PyExpr,
  ): FileCall {
    const props: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(idProps)) if (v !== undefined) props[k] = v;
    const mapping = boto3Actions(service, op, this.catalog);
    return this.finish(call, file, mapping, sdk, this.inputFacts(file, scope, call, props, paramsExpr));
  }

  private finish(call: PyCall, file: string, base: ActionMapping, sdkCall: string, input: InputFacts, why?: string): FileCall {
    const mapping = refine(base, input);
    const scoped = scopeCall(mapping.actions, input, this.catalog);
    return {
      action: mapping.actions,
      file,
      line: call.line,
      column: call.column,
      ...scoped,
      sdkCall,
      why: why ? `${why}; ${mapping.why}` : mapping.why,
      ...(mapping.resolved ? {} : { unresolved: mapping.why }),
      ...(mapping.actions[0] ? { service: mapping.actions[0].split(':')[0]! } : {}),
      ...(Object.keys(input.values).length > 0 ? { inputValues: input.values } : {}),
    };
  }

  private fixedCall(call: PyCall, file: string, sdkCall: string, actions: readonly string[], why: string, instanceTypes: readonly string[] = []): FileCall {
    // The SDK sends `instance_type` as the request's InstanceType (ResourceConfig, ProductionVariants).
    const input = instanceTypes.length > 0 ? { ...EMPTY_INPUT, values: { InstanceType: [...instanceTypes] } } : EMPTY_INPUT;
    return this.finish(call, file, { actions, resolved: true, why }, sdkCall, input);
  }

  private instanceTypes(file: string, scope: number, call: PyCall): string[] {
    const arg = call.kwargs.get('instance_type');
    const value = arg ? this.stringOf(file, scope, arg) : undefined;
    return value === undefined ? [] : [value];
  }

  private undecided(call: PyCall, file: string, sdkCall: string, service: string | undefined, reason: string, computed?: CodeCall['computed']): FileCall {
    return {
      action: [],
      file,
      line: call.line,
      column: call.column,
      sdkCall,
      why: reason,
      unresolved: reason,
      ...(service ? { service } : {}),
      ...(computed ? { computed } : {}),
    };
  }

  /**
   * Literal keyword arguments (and resource identifiers) as the request's visible input: top-level
   * strings scope the call; strings at any depth (`ResourceConfig={'InstanceType': ...}`) feed
   * request-context checks; PartiQL statements and transaction item kinds narrow the actions.
   */
  private inputFacts(file: string, scope: number, call: PyCall, props: Record<string, string>, paramsExpr?: PyExpr): InputFacts {
    const values: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    const statements: string[] = [];
    const transactKinds: string[] = [];
    const requestItemTables: string[] = [];
    let literal = !call.splat;
    for (const [key, value] of Object.entries(props)) (values[key] ??= []).push(value);
    const deep = (key: string, value: PyExpr, depth: number) => {
      if (depth > 8) return;
      if (value.k === 'dict') {
        if (key === 'RequestItems') requestItemTables.push(...value.entries.keys());
        for (const [k, v] of value.entries) deep(k, v, depth + 1);
      } else if (value.k === 'list') {
        for (const item of value.items) {
          if (key === 'TransactItems' && item.k === 'dict') transactKinds.push(...item.entries.keys());
          deep(key, item, depth + 1);
        }
      } else {
        const text = depth === 0 ? this.stringOf(file, scope, value) : value.k === 'str' ? value.value : undefined;
        if (text === undefined) return;
        (values[key] ??= []).push(text);
        if (depth === 0) props[key] ??= text;
        if (key === 'Statement') statements.push(text);
      }
    };
    let kwargs: ReadonlyMap<string, PyExpr> = call.kwargs;
    if (paramsExpr) {
      kwargs = paramsExpr.k === 'dict' ? paramsExpr.entries : new Map();
      literal = paramsExpr.k === 'dict' && paramsExpr.complete;
    }
    for (const [key, arg] of kwargs) deep(key, arg, 0);
    return { props, statements, transactKinds, requestItemTables, literal, values };
  }

  /** The string an expression certainly holds (a literal, or a name bound once to one). */
  private stringOf(file: string, scope: number, expr: PyExpr): string | undefined {
    if (expr.k === 'str') return expr.value;
    if (expr.k !== 'name') return undefined;
    const values = this.eval(file, scope, expr, 0);
    const first = values[0];
    return values.length === 1 && first?.v === 'str' ? first.value : undefined;
  }

  /** What an expression may stand for (every possibility the analysis can see). */
  private eval(file: string, scope: number, expr: PyExpr, depth: number): readonly Value[] {
    if (depth > MAX_DEPTH) return [];
    switch (expr.k) {
      case 'str':
        return [{ v: 'str', value: expr.value }];
      case 'name':
        return this.lookup(file, scope, expr.name, depth + 1);
      case 'module':
        return [this.moduleValue(file, expr.module)];
      case 'from':
        return this.fromImport(file, expr.module, expr.name, depth + 1);
      case 'def': {
        const target = this.summary(file).scopes[expr.scope];
        return target ? [{ v: 'def', file, scope: expr.scope }] : [];
      }
      case 'attr':
        return this.eval(file, scope, expr.obj, depth + 1).flatMap((obj) => this.attr(obj, expr.name, depth + 1));
      case 'call': {
        const call = expr.call;
        if (call.fn.k === 'name' && call.fn.name === 'getattr' && this.lookup(file, scope, 'getattr', depth + 1).length === 0)
          return this.getattr(file, scope, call, depth + 1);
        return this.eval(file, scope, call.fn, depth + 1).flatMap((fn) => this.callValue(file, scope, fn, call, depth + 1));
      }
      case 'item':
        // `for page in paginator.paginate()`, `for obj in bucket.objects.all()`: items are not clients.
        return [];
      default:
        return [];
    }
  }

  private moduleValue(file: string, module: string): Value {
    const resolution = this.resolver.resolve(file, module);
    return resolution.kind === 'file' ? { v: 'file', file: resolution.path } : { v: 'module', module };
  }

  private fromImport(file: string, module: string, name: string, depth: number): readonly Value[] {
    const resolution = this.resolver.resolve(file, module);
    if (resolution.kind === 'external') return module.startsWith('.') ? [] : [{ v: 'module', module: `${module}.${name}` }];
    const sub = this.resolver.submodule(file, module, name);
    if (sub !== undefined) return [{ v: 'file', file: sub }];
    if (resolution.kind === 'missing') return [];
    return this.lookup(resolution.path, 0, name, depth + 1);
  }

  /** A name in a scope: local assignments, parameters, enclosing functions, then the module. */
  private lookup(file: string, scopeId: number, name: string, depth: number): readonly Value[] {
    const key = `${file}\0${scopeId}\0${name}`;
    const known = this.memo.get(key);
    if (known) return known;
    this.memo.set(key, []); // a cycle (`x = f(x)`) yields nothing more
    const result = this.lookupUncached(file, scopeId, name, depth);
    this.memo.set(key, result);
    return result;
  }

  private lookupUncached(file: string, scopeId: number, name: string, depth: number): readonly Value[] {
    const summary = this.summary(file);
    let scope: PyScope | undefined = summary.scopes[scopeId];
    let first = true;
    while (scope) {
      // Class bodies do not enclose their methods' names (Python's scoping).
      if (scope.kind !== 'class' || first) {
        const assigned = scope.assigns.get(name);
        const isParam = scope.params.includes(name);
        if (assigned || isParam) {
          const out: Value[] = [];
          for (const value of assigned ?? []) out.push(...this.eval(file, scope.id, value, depth + 1));
          if (isParam) out.push(...this.param(file, scope, name, depth + 1));
          return out;
        }
      }
      first = false;
      scope = scope.parent >= 0 ? summary.scopes[scope.parent] : undefined;
    }
    return [];
  }

  /** A parameter's values: `self` of a method, its default, and what the reached call sites pass. */
  private param(file: string, scope: PyScope, name: string, depth: number): Value[] {
    const index = scope.params.indexOf(name);
    const parent = this.summary(file).scopes[scope.parent];
    if (index === 0 && parent?.kind === 'class' && (name === 'self' || name === 'cls')) return [{ v: 'instance', file, scope: parent.id }];
    const out: Value[] = [];
    const fallback = scope.defaults.get(name);
    if (fallback) out.push(...this.eval(file, scope.parent, fallback, depth + 1));
    const methodOffset = parent?.kind === 'class' ? 1 : 0;
    for (const caller of this.callers(file, scope.id)) {
      const arg = caller.call.kwargs.get(name) ?? caller.call.args[index - methodOffset];
      if (arg) out.push(...this.eval(caller.file, caller.scope, arg, depth + 1));
    }
    return out;
  }

  /**
   * Call sites, in the reached files, of one function (by `file\0scope`). Candidates are found by
   * name first (`load(...)`, `self.load(...)`, an import alias of `load`), and only those are
   * evaluated: a handler's calls are many, its helpers' callers few.
   */
  private callers(file: string, scope: number): { file: string; scope: number; call: PyCall }[] {
    if (!this.callersByName) {
      const byName = new Map<string, { file: string; scope: number; call: PyCall }[]>();
      for (const f of this.files) {
        const summary = this.summary(f);
        // `from helpers import load as fetch`: calls of `fetch` may be calls of `load`.
        const aliases = new Map<string, string>();
        for (const s of summary.scopes)
          for (const [local, values] of s.assigns) for (const v of values) if (v.k === 'from' && v.name !== local) aliases.set(local, v.name);
        for (const site of summary.calls) {
          const fn = site.call.fn;
          const name = fn.k === 'name' ? fn.name : fn.k === 'attr' ? fn.name : undefined;
          if (name === undefined) continue;
          for (const key of new Set([name, aliases.get(name) ?? name])) {
            const list = byName.get(key);
            if (list) list.push({ file: f, ...site });
            else byName.set(key, [{ file: f, ...site }]);
          }
        }
      }
      this.callersByName = byName;
    }
    const key = `${file}\0${scope}`;
    const known = this.callersOf.get(key);
    if (known) return known;
    const name = this.summary(file).scopes[scope]?.name ?? '';
    const found = (this.callersByName.get(name) ?? []).filter((site) =>
      this.eval(site.file, site.scope, site.call.fn, 0).some((fn) => {
        const target = fn.v === 'def' ? fn : fn.v === 'method' && fn.of.v === 'instance' && fn.name !== undefined ? this.methodDef(fn.of, fn.name) : undefined;
        return target !== undefined && target.file === file && target.scope === scope;
      }),
    );
    this.callersOf.set(key, found);
    return found;
  }

  /** The `def` of method `name` of an instance's class. */
  private methodDef(instance: { file: string; scope: number }, name: string): { file: string; scope: number } | undefined {
    const def = this.summary(instance.file)
      .scopes[instance.scope]?.assigns.get(name)
      ?.find((d) => d.k === 'def');
    return def?.k === 'def' ? { file: instance.file, scope: def.scope } : undefined;
  }

  private attr(obj: Value, name: string, depth: number): readonly Value[] {
    switch (obj.v) {
      case 'module':
        return [{ v: 'module', module: `${obj.module}.${name}` }];
      case 'file': {
        const sub = this.resolver.submodule(obj.file, '.', name);
        if (obj.file.endsWith('__init__.py') && sub !== undefined) return [{ v: 'file', file: sub }];
        return this.lookup(obj.file, 0, name, depth + 1);
      }
      case 'instance': {
        const summary = this.summary(obj.file);
        const cls = summary.scopes[obj.scope];
        if (!cls) return [];
        const out: Value[] = [];
        for (const value of cls.assigns.get(`self.${name}`) ?? []) out.push(...this.eval(obj.file, obj.scope, value, depth + 1));
        const classLevel = cls.assigns.get(name);
        for (const value of classLevel ?? []) {
          // A method is called on the instance: `self.helper(...)` binds self.
          const v = this.eval(obj.file, obj.scope, value, depth + 1);
          out.push(...v.map((x): Value => (x.v === 'def' ? { v: 'method', of: obj, name } : x)));
        }
        return out;
      }
      case 'client':
        if (name === 'meta' || name === 'exceptions') return [];
        return [{ v: 'method', of: obj, name }];
      case 'resource': {
        if (name === 'meta') return [{ v: 'client', lib: obj.lib, service: obj.service, label: `boto3 ${obj.service.data.name} client` }];
        const shape = obj.type === undefined ? obj.service.resources?.service : obj.service.resources?.resources[obj.type];
        const many = shape?.hasMany && Object.hasOwn(shape.hasMany, name) ? shape.hasMany[name] : undefined;
        if (many) {
          const itemShape = obj.service.resources?.resources[many.type];
          return [
            {
              v: 'collection',
              service: obj.service,
              op: many.op,
              params: many.params,
              ids: obj.ids,
              label: `${obj.type ?? obj.service.data.name}.${name}`,
              ...(itemShape?.batchActions ? { batch: itemShape.batchActions } : {}),
            },
          ];
        }
        return [{ v: 'method', of: obj, name }];
      }
      case 'sagemaker':
      case 'session':
      case 'paginator':
      case 'waiter':
        return [{ v: 'method', of: obj, name }];
      case 'method':
        // `client.meta.client`, `resource.meta.client`
        if (obj.name === 'meta' && name === 'client' && obj.of.v === 'client') return [obj.of];
        return [];
      default:
        return [];
    }
  }

  /** The value a call returns. */
  private callValue(file: string, scope: number, fn: Value, call: PyCall, depth: number): readonly Value[] {
    const serviceArg = (names: readonly string[]) => call.args[0] ?? names.map((n) => call.kwargs.get(n)).find(Boolean);
    const clientOf = (lib: string, kind: 'client' | 'resource'): Value[] => {
      const arg = serviceArg(['service_name']);
      const name = arg ? this.stringOf(file, scope, arg) : undefined;
      const service = name !== undefined ? boto3Service(name) : undefined;
      if (kind === 'resource') {
        return service?.resources ? [{ v: 'resource', lib, service, ids: {} }] : [];
      }
      if (name !== undefined && !service) return [];
      return service
        ? [{ v: 'client', lib, service, label: `${lib} ${service.data.name} client` }]
        : [{ v: 'client', lib, computed: `${lib}.client(${arg ? exprText(arg) : ''})`, label: `${lib} client of a computed service` }];
    };
    switch (fn.v) {
      case 'module': {
        const parts = fn.module.split('.');
        const lib = parts[0]!;
        const last = parts[parts.length - 1]!;
        if (BOTO_LIBS.has(lib) || lib === 'botocore' || lib === 'aiobotocore') {
          if (last === 'client' || last === 'create_client') return clientOf(lib, 'client');
          if (last === 'resource') return clientOf(lib, 'resource');
          if (last === 'Session' || last === 'get_session') return [{ v: 'session', lib }];
          return [];
        }
        if (lib === 'sagemaker' && /^[A-Z]/.test(last)) return [{ v: 'sagemaker', cls: last, instanceTypes: this.instanceTypes(file, scope, call) }];
        return [];
      }
      case 'session':
        return [];
      case 'method': {
        const of = fn.of;
        if (of.v === 'client' && of.service && (fn.name === 'get_paginator' || fn.name === 'get_waiter')) {
          const arg = call.args[0] ?? call.kwargs.get(fn.name === 'get_paginator' ? 'operation_name' : 'waiter_name');
          const name = arg ? this.stringOf(file, scope, arg) : undefined;
          if (name === undefined) return [];
          const op = fn.name === 'get_paginator' ? operationOf(of.service, name) : of.service.waiters.get(name);
          if (!op) return [];
          const what = fn.name === 'get_paginator' ? `paginator ${name}` : `waiter ${name} polls ${op}`;
          return [{ v: fn.name === 'get_paginator' ? 'paginator' : 'waiter', service: of.service, op, name, label: `${of.label} ${what}` }];
        }
        if (of.v === 'session') {
          if (fn.name === 'client' || fn.name === 'create_client') return clientOf(of.lib, 'client');
          if (fn.name === 'resource') return clientOf(of.lib, 'resource');
          return [];
        }
        if (of.v === 'resource') {
          const shape = of.type === undefined ? of.service.resources?.service : of.service.resources?.resources[of.type];
          const name = fn.name;
          const resources = of.service.resources?.resources;
          let sub = shape?.has && name !== undefined && Object.hasOwn(shape.has, name) ? shape.has[name] : undefined;
          // boto3 offers every resource type on the service resource, all identifiers given as arguments.
          if (!sub && of.type === undefined && name !== undefined && resources && Object.hasOwn(resources, name)) {
            sub = { type: name, ids: (resources[name]!.identifiers ?? []).map(() => ({ source: 'input' })) };
          }
          if (sub) {
            const target = of.service.resources?.resources[sub.type];
            const ids: Record<string, string | undefined> = dict();
            let arg = 0;
            (target?.identifiers ?? []).forEach((id, i) => {
              const spec = sub.ids[i];
              if (spec?.source === 'identifier' && spec.name) ids[id] = of.ids[spec.name];
              else if (spec?.source === 'input') {
                const a = call.args[arg++] ?? call.kwargs.get(snakeId(id));
                ids[id] = a ? this.stringOf(file, scope, a) : undefined;
              }
            });
            return [{ v: 'resource', lib: of.lib, service: of.service, type: sub.type, ids }];
          }
          return [];
        }
        if (of.v === 'instance' && fn.name !== undefined) {
          // `self.get_client()`: the method's return values.
          const cls = this.summary(of.file).scopes[of.scope];
          const defs = cls?.assigns.get(fn.name) ?? [];
          return defs.flatMap((d) => (d.k === 'def' ? this.returns(of.file, d.scope, depth) : []));
        }
        return [];
      }
      case 'def': {
        const target = this.summary(fn.file).scopes[fn.scope];
        if (target?.kind === 'class') return [{ v: 'instance', file: fn.file, scope: fn.scope }];
        return this.returns(fn.file, fn.scope, depth);
      }
      default: {
        return [];
      }
    }
  }

  private returns(file: string, scope: number, depth: number): Value[] {
    const target = this.summary(file).scopes[scope];
    return (target?.returns ?? []).flatMap((r) => this.eval(file, scope, r, depth + 1));
  }

  /** `getattr(client, 'get_object')` is `client.get_object`; with a computed name, the operation is undecided. */
  private getattr(file: string, scope: number, call: PyCall, depth: number): Value[] {
    const [objExpr, nameExpr] = call.args;
    if (!objExpr || !nameExpr) return [];
    const name = this.stringOf(file, scope, nameExpr);
    const out: Value[] = [];
    for (const obj of this.eval(file, scope, objExpr, depth + 1)) {
      if (name !== undefined) out.push(...this.attr(obj, name, depth + 1));
      else if (obj.v === 'client' || obj.v === 'resource') out.push({ v: 'method', of: obj, computed: `getattr(${exprText(objExpr)}, ${exprText(nameExpr)})` });
    }
    return out;
  }
}

const EMPTY_INPUT: InputFacts = { props: {}, statements: [], transactKinds: [], requestItemTables: [], literal: false, values: {} };

function fromIds(params: Boto3Params, ids: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = dict();
  for (const [target, id] of Object.entries(params)) out[target] = own(ids, id);
  return out;
}

/** `BucketName` -> `bucket_name` (boto3's keyword for a resource identifier). */
function snakeId(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function exprText(expr: PyExpr): string {
  switch (expr.k) {
    case 'name':
      return expr.name;
    case 'attr':
      return `${exprText(expr.obj)}.${expr.name}`;
    case 'str':
      return JSON.stringify(expr.value);
    case 'call':
      return `${expr.call.fnText}(...)`;
    case 'other':
      return expr.text;
    default:
      return '?';
  }
}

function dedupe(calls: FileCall[]): FileCall[] {
  const seen = new Set<string>();
  return calls.filter((c) => {
    const key = `${c.sdkCall}\0${c.action.join(',')}\0${c.unresolved ?? ''}\0${JSON.stringify(c.scopes ?? {})}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
