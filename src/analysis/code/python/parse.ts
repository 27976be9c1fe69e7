import { Query, type Language, type Node, type Parser } from 'web-tree-sitter';

/**
 * One pass over one Python file's syntax tree (tree-sitter, never executed), recording what the
 * analysis needs: imports, and per scope (module, function, class) what each name is bound to,
 * function parameters and return values, and every call with its arguments. What the names mean
 * (across files, through parameters) is worked out later, in evaluate.ts.
 */

/** A Python expression, as far as the analysis follows it. */
export type PyExpr =
  | { readonly k: 'name'; readonly name: string }
  | { readonly k: 'attr'; readonly obj: PyExpr; readonly name: string }
  | { readonly k: 'call'; readonly call: PyCall }
  | { readonly k: 'str'; readonly value: string }
  /** `import a.b` binds `a` to module `a`; `import a.b as x` binds `x` to `a.b`. */
  | { readonly k: 'module'; readonly module: string }
  /** `from M import name` (M may be relative: `.util`, `..pkg.x`, `.`). */
  | { readonly k: 'from'; readonly module: string; readonly name: string }
  /** A `def` or `class` of this file (by scope id). */
  | { readonly k: 'def'; readonly scope: number }
  /** A dict literal with string keys (`{'InstanceType': 'ml.g5.xlarge'}`); `complete` is false with `**spread` or computed keys. */
  | { readonly k: 'dict'; readonly entries: ReadonlyMap<string, PyExpr>; readonly complete: boolean }
  /** A list or tuple literal. */
  | { readonly k: 'list'; readonly items: readonly PyExpr[] }
  /** A `for x in ITER` target: one element of ITER. */
  | { readonly k: 'item'; readonly of: PyExpr }
  | { readonly k: 'other'; readonly text: string };

export interface PyCall {
  readonly fn: PyExpr;
  readonly args: readonly PyExpr[];
  /** Keyword arguments by name (a Map: names come from the analysed code). */
  readonly kwargs: ReadonlyMap<string, PyExpr>;
  /** `*args` or `**kwargs` present: the arguments are not all visible. */
  readonly splat: boolean;
  /** Source text of the call's function part (`getattr(client, op)`, `s3.get_object`), for messages. */
  readonly fnText: string;
  readonly line: number;
  readonly column: number;
}

export interface PyScope {
  readonly id: number;
  readonly kind: 'module' | 'function' | 'class';
  readonly name: string;
  /** Enclosing scope (-1 for the module). */
  readonly parent: number;
  readonly params: readonly string[];
  readonly defaults: ReadonlyMap<string, PyExpr>;
  /** Name -> every value assigned to it in this scope (`self.x` assignments go to the class scope as `self.x`). */
  readonly assigns: Map<string, PyExpr[]>;
  readonly returns: PyExpr[];
  /** Names declared `global` here: they live in the module scope. */
  readonly globals: Set<string>;
}

export interface PyImportSite {
  /** As written: `boto3`, `sagemaker.estimator`, `.util`, `..shared.aws`. */
  readonly specifier: string;
  readonly kind: 'import' | 'from-import';
  /** For `from M import a, b`: the names (a submodule of a package may be among them). */
  readonly names: readonly string[];
  readonly line: number;
  readonly column: number;
}

export interface PyFileSummary {
  readonly file: string;
  readonly imports: readonly PyImportSite[];
  /** Scope 0 is the module. */
  readonly scopes: readonly PyScope[];
  /** Every call, with the scope it is in. */
  readonly calls: readonly { readonly scope: number; readonly call: PyCall }[];
  readonly syntaxError?: { readonly message: string; readonly line: number; readonly column: number };
}

export function summarizePython(file: string, text: string, parser: Parser): PyFileSummary {
  const tree = parser.parse(text);
  if (!tree) throw new Error(`tree-sitter returned no tree for ${file}`);
  try {
    return walk(file, tree.rootNode, text);
  } finally {
    tree.delete();
  }
}

function walk(file: string, root: Node, source: string): PyFileSummary {
  // Indices are UTF-16 offsets into `source`: slicing it is cheaper than asking tree-sitter for text.
  const textOf = (node: Node): string => source.slice(node.startIndex, node.endIndex);
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const imports: PyImportSite[] = [];
  const scopes: PyScope[] = [];
  const calls: { scope: number; call: PyCall }[] = [];
  const newScope = (kind: PyScope['kind'], name: string, parent: number, params: string[] = [], defaults = new Map<string, PyExpr>()): PyScope => {
    const scope: PyScope = { id: scopes.length, kind, name, parent, params, defaults, assigns: new Map(), returns: [], globals: new Set() };
    scopes.push(scope);
    return scope;
  };
  newScope('module', '<module>', -1);
  const assign = (scope: PyScope, name: string, value: PyExpr) => {
    const target = scope.globals.has(name) ? scopes[0]! : scope;
    const list = target.assigns.get(name);
    if (list) list.push(value);
    else target.assigns.set(name, [value]);
  };
  /** The class a method's `self.x` belongs to. */
  const classOf = (scope: PyScope): PyScope | undefined => {
    const parent = scopes[scope.parent];
    return scope.kind === 'function' && parent?.kind === 'class' ? parent : undefined;
  };

  const seenCalls = new Set<number>();
  const where = (node: Node) => {
    const at = node.startIndex;
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - lineStarts[lo]! + 1 };
  };

  const stringValue = (node: Node): string | undefined => {
    if (node.type === 'concatenated_string') {
      let out = '';
      for (const part of node.namedChildren) {
        const v = part ? stringValue(part) : undefined;
        if (v === undefined) return undefined;
        out += v;
      }
      return out;
    }
    // Read from the source text: cheaper than three syntax nodes per string.
    return node.type === 'string' ? literalValue(textOf(node)) : undefined;
  };

  const expr = (node: Node | null, scope: PyScope): PyExpr => {
    if (!node) return { k: 'other', text: '' };
    switch (node.type) {
      case 'identifier':
        return { k: 'name', name: textOf(node) };
      case 'attribute': {
        const obj = node.childForFieldName('object');
        const name = node.childForFieldName('attribute');
        return name ? { k: 'attr', obj: expr(obj, scope), name: textOf(name) } : { k: 'other', text: clip(textOf(node)) };
      }
      case 'call':
        return { k: 'call', call: callOf(node, scope) };
      case 'string':
      case 'concatenated_string': {
        const value = stringValue(node);
        return value === undefined ? { k: 'other', text: clip(textOf(node)) } : { k: 'str', value };
      }
      case 'dictionary': {
        const entries = new Map<string, PyExpr>();
        let complete = true;
        for (const pair of node.namedChildren) {
          if (pair?.type !== 'pair') {
            if (pair && pair.type !== 'comment') complete = false;
            continue;
          }
          const keyNode = pair.childForFieldName('key');
          const key = keyNode ? stringValue(keyNode) : undefined;
          const value = expr(pair.childForFieldName('value'), scope);
          if (key === undefined) complete = false;
          else entries.set(key, value);
        }
        return { k: 'dict', entries, complete };
      }
      case 'list':
      case 'tuple':
        return { k: 'list', items: node.namedChildren.filter((c) => c !== null && c.type !== 'comment').map((c) => expr(c, scope)) };
      case 'parenthesized_expression':
      case 'await':
        return expr(node.namedChildren[0] ?? null, scope);
      case 'as_pattern':
        return expr(node.namedChildren[0] ?? null, scope);
      default:
        return { k: 'other', text: clip(textOf(node)) };
    }
  };

  const callOf = (node: Node, scope: PyScope): PyCall => {
    const fnNode = node.childForFieldName('function');
    const fn = expr(fnNode, scope);
    const args: PyExpr[] = [];
    const kwargs = new Map<string, PyExpr>();
    let splat = false;
    const argList = node.childForFieldName('arguments');
    if (argList) {
      for (const arg of argList.namedChildren) {
        if (!arg) continue;
        if (arg.type === 'keyword_argument') {
          const name = arg.childForFieldName('name');
          const value = expr(arg.childForFieldName('value'), scope);
          if (name) kwargs.set(textOf(name), value);
        } else if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') {
          splat = true;
        } else if (arg.type !== 'comment') {
          args.push(expr(arg, scope));
        }
      }
    }
    const call: PyCall = { fn, args, kwargs, splat, fnText: fnNode ? textOf(fnNode) : '', ...where(node) };
    calls.push({ scope: scope.id, call });
    seenCalls.add(node.id);
    return call;
  };

  /** Binds an assignment target (`x`, `self.x`, `a, b`) to a value. */
  const bind = (target: Node | null, value: PyExpr, scope: PyScope) => {
    if (!target) return;
    if (target.type === 'identifier') {
      assign(scope, textOf(target), value);
    } else if (target.type === 'attribute') {
      const obj = target.childForFieldName('object');
      const name = target.childForFieldName('attribute');
      const cls = classOf(scope);
      if (obj?.type === 'identifier' && textOf(obj) === 'self' && name && cls) assign(cls, `self.${textOf(name)}`, value);
    } else if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'tuple' || target.type === 'list_pattern') {
      // `a, b = f()` binds nothing we can follow (`a, b = x, y` is paired up by the caller).
      for (const element of target.namedChildren) bind(element, { k: 'other', text: element ? clip(textOf(element)) : '' }, scope);
    }
  };

  const params = (node: Node | null, scope: PyScope): { names: string[]; defaults: Map<string, PyExpr> } => {
    const names: string[] = [];
    const defaults = new Map<string, PyExpr>();
    for (const p of node?.namedChildren ?? []) {
      if (!p) continue;
      if (p.type === 'identifier') names.push(textOf(p));
      else if (p.type === 'typed_parameter') {
        const id = p.namedChildren.find((c) => c?.type === 'identifier');
        if (id) names.push(textOf(id));
      } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
        const name = p.childForFieldName('name');
        if (name) {
          names.push(textOf(name));
          defaults.set(textOf(name), expr(p.childForFieldName('value'), scope));
        }
      } else {
        names.push(`*${textOf(p)}`); // *args, **kwargs, `/`, `*`: hold a position, bind nothing
      }
    }
    return { names, defaults };
  };

  /** Open scopes (a def's or class's body), innermost last. */
  const open: { scope: PyScope; start: number; end: number }[] = [{ scope: scopes[0]!, start: 0, end: Number.POSITIVE_INFINITY }];
  const scopeAt = (index: number): PyScope => {
    while (open.length > 1 && open[open.length - 1]!.end <= index) open.pop();
    for (let i = open.length - 1; i >= 0; i--) if (open[i]!.start <= index) return open[i]!.scope;
    return scopes[0]!;
  };

  const handle = (kind: string, node: Node, scope: PyScope): void => {
    switch (kind) {
      case 'import': {
        for (const item of node.namedChildren) {
          if (!item) continue;
          if (item.type === 'dotted_name') {
            const module = textOf(item).replace(/\s+/g, '');
            imports.push({ specifier: module, kind: 'import', names: [], ...where(node) });
            const top = module.split('.')[0]!;
            assign(scope, top, { k: 'module', module: top });
          } else if (item.type === 'aliased_import') {
            const nameNode = item.childForFieldName('name');
            const module = nameNode ? textOf(nameNode).replace(/\s+/g, '') : '';
            const aliasNode = item.childForFieldName('alias');
            const alias = aliasNode ? textOf(aliasNode) : undefined;
            imports.push({ specifier: module, kind: 'import', names: [], ...where(node) });
            if (alias) assign(scope, alias, { k: 'module', module });
          }
        }
        return;
      }
      case 'from': {
        const moduleNode = node.childForFieldName('module_name');
        const module = moduleNode ? textOf(moduleNode).replace(/\s+/g, '') : '';
        const names: string[] = [];
        for (const item of node.childrenForFieldName('name')) {
          if (!item) continue;
          if (item.type === 'dotted_name') {
            const name = textOf(item);
            names.push(name);
            assign(scope, name, { k: 'from', module, name });
          } else if (item.type === 'aliased_import') {
            const nameNode = item.childForFieldName('name');
            const aliasNode = item.childForFieldName('alias');
            const name = nameNode ? textOf(nameNode) : '';
            const alias = aliasNode ? textOf(aliasNode) : undefined;
            names.push(name);
            if (alias) assign(scope, alias, { k: 'from', module, name });
          }
        }
        if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) names.push('*');
        imports.push({ specifier: module, kind: 'from-import', names, ...where(node) });
        return;
      }
      case 'global':
        for (const id of node.namedChildren) if (id?.type === 'identifier') scope.globals.add(textOf(id));
        return;
      case 'def':
      case 'class': {
        const body = node.childForFieldName('body');
        const nameNode = node.childForFieldName('name');
        const name = nameNode ? textOf(nameNode) : '<anonymous>';
        let inner: PyScope;
        if (kind === 'def') {
          const parameters = params(node.childForFieldName('parameters'), scope);
          inner = newScope('function', name, scope.id, parameters.names, parameters.defaults);
        } else {
          inner = newScope('class', name, scope.id);
        }
        assign(scope, name, { k: 'def', scope: inner.id });
        if (body) open.push({ scope: inner, start: body.startIndex, end: body.endIndex });
        return;
      }
      case 'assign': {
        const left = node.childForFieldName('left');
        let right = node.childForFieldName('right');
        // `a = b = boto3.client('s3')`: the inner assignment is captured on its own.
        while (right?.type === 'assignment') right = right.childForFieldName('right');
        if (!right) return;
        if ((left?.type === 'pattern_list' || left?.type === 'tuple_pattern') && (right.type === 'expression_list' || right.type === 'tuple')) {
          const targets = left.namedChildren;
          const values = right.namedChildren;
          if (targets.length === values.length) {
            targets.forEach((t, i) => bind(t, expr(values[i] ?? null, scope), scope));
            return;
          }
        }
        bind(left, expr(right, scope), scope);
        return;
      }
      case 'with': {
        const value = node.childForFieldName('value');
        if (value?.type !== 'as_pattern') return;
        // `with session.client('s3') as s3` / `async with ... as s3`: s3 is the client.
        const target = value.childForFieldName('alias');
        bind(target?.namedChildren[0] ?? target, expr(value.namedChildren[0] ?? null, scope), scope);
        return;
      }
      case 'for':
        bind(node.childForFieldName('left'), { k: 'item', of: expr(node.childForFieldName('right'), scope) }, scope);
        return;
      case 'return': {
        const value = node.namedChildren[0];
        if (value) scope.returns.push(expr(value, scope));
        return;
      }
      case 'call':
        if (!seenCalls.has(node.id)) callOf(node, scope);
        return;
    }
  };

  // The query runs in tree-sitter itself and hands back only the nodes that matter, in source
  // order: walking every node from JavaScript costs more than parsing.
  for (const { name, node } of queryFor(root).captures(root)) handle(name, node, scopeAt(node.startIndex));
  const error = root.hasError ? firstError(root) : undefined;
  return { file, imports, scopes, calls, ...(error ? { syntaxError: { message: error.message, ...where(error.node) } } : {}) };
}

/** What the summary reads, as one tree-sitter query (compiled once per grammar). */
const QUERY_SOURCE = `
(import_statement) @import
(import_from_statement) @from
(global_statement) @global
(function_definition) @def
(class_definition) @class
(assignment) @assign
(with_item) @with
(for_statement) @for
(return_statement) @return
(call) @call
`;
let compiled: { language: Language; query: Query } | undefined;
function queryFor(root: Node): Query {
  const language = root.tree.language;
  if (compiled?.language !== language) compiled = { language, query: new Query(language, QUERY_SOURCE) };
  return compiled.query;
}

const clip = (text: string): string => (text.length > 80 ? `${text.slice(0, 77)}...` : text);

function firstError(node: Node): { node: Node; message: string } | undefined {
  if (node.type === 'ERROR') return { node, message: `unexpected ${JSON.stringify(node.text.split('\n')[0]!.slice(0, 40))}` };
  if (node.isMissing) return { node, message: `missing ${node.type}` };
  for (const child of node.children) {
    if (child && (child.hasError || child.isMissing)) {
      const found = firstError(child);
      if (found) return found;
    }
  }
  return undefined;
}

const ESCAPES: ReadonlyMap<string, string> = new Map([['n', '\n'], ['t', '\t'], ['r', '\r'], ['\\', '\\'], ["'", "'"], ['"', '"'], ['\n', '']]);

/**
 * The value of a Python string literal as written (`'s3'`, `"a" `, `r'x'`, `'''doc'''`), or
 * undefined when it is computed (an f-string with a value) or holds an escape we do not decode.
 */
export function literalValue(text: string): string | undefined {
  const prefix = /^[rRbBuUfF]*/.exec(text)![0].toLowerCase();
  const rest = text.slice(prefix.length);
  const quote = rest.startsWith('"""') || rest.startsWith("'''") ? rest.slice(0, 3) : rest.slice(0, 1);
  if ((quote !== '"' && quote !== "'" && quote.length !== 3) || !rest.endsWith(quote) || rest.length < quote.length * 2) return undefined;
  const body = rest.slice(quote.length, rest.length - quote.length);
  if (prefix.includes('f') && /\{(?!\{)/.test(body.replace(/\{\{/g, ''))) return undefined;
  const unbraced = prefix.includes('f') ? body.replace(/\{\{/g, '{').replace(/\}\}/g, '}') : body;
  if (prefix.includes('r') || !unbraced.includes('\\')) return unbraced;
  let out = '';
  for (let i = 0; i < unbraced.length; i++) {
    const c = unbraced[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = unbraced[++i] ?? '';
    const decoded = ESCAPES.get(next);
    if (decoded === undefined) return undefined;
    out += decoded;
  }
  return out;
}
