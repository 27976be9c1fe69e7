import type { Node, Parser } from 'web-tree-sitter';

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
    return walk(file, tree.rootNode);
  } finally {
    tree.delete();
  }
}

function walk(file: string, root: Node): PyFileSummary {
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

  const where = (node: Node) => ({ line: node.startPosition.row + 1, column: node.startPosition.column + 1 });

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
    if (node.type !== 'string') return undefined;
    let out = '';
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'string_content') out += child.text;
      else if (child.type === 'interpolation') return undefined; // an f-string with a value: computed
      else if (child.type === 'escape_sequence') out += unescape(child.text);
    }
    return out;
  };

  const expr = (node: Node | null, scope: PyScope): PyExpr => {
    if (!node) return { k: 'other', text: '' };
    switch (node.type) {
      case 'identifier':
        return { k: 'name', name: node.text };
      case 'attribute': {
        const obj = node.childForFieldName('object');
        const name = node.childForFieldName('attribute');
        return name ? { k: 'attr', obj: expr(obj, scope), name: name.text } : { k: 'other', text: node.text };
      }
      case 'call':
        return { k: 'call', call: callOf(node, scope) };
      case 'string':
      case 'concatenated_string': {
        const value = stringValue(node);
        // An f-string with values is still walked for the calls inside it.
        if (value === undefined) visitChildren(node, scope);
        return value === undefined ? { k: 'other', text: node.text } : { k: 'str', value };
      }
      case 'dictionary': {
        const entries = new Map<string, PyExpr>();
        let complete = true;
        for (const pair of node.namedChildren) {
          if (pair?.type !== 'pair') {
            if (pair && pair.type !== 'comment') {
              complete = false;
              visit(pair, scope);
            }
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
        visit(node, scope);
        return { k: 'other', text: node.text.length > 80 ? `${node.text.slice(0, 77)}...` : node.text };
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
          if (name) kwargs.set(name.text, value);
        } else if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') {
          splat = true;
          visit(arg, scope);
        } else if (arg.type !== 'comment') {
          args.push(expr(arg, scope));
        }
      }
    }
    const call: PyCall = { fn, args, kwargs, splat, fnText: fnNode?.text ?? '', ...where(node) };
    calls.push({ scope: scope.id, call });
    return call;
  };

  /** Binds an assignment target (`x`, `self.x`, `a, b`) to a value. */
  const bind = (target: Node | null, value: PyExpr, scope: PyScope) => {
    if (!target) return;
    if (target.type === 'identifier') {
      assign(scope, target.text, value);
    } else if (target.type === 'attribute') {
      const obj = target.childForFieldName('object');
      const name = target.childForFieldName('attribute');
      const cls = classOf(scope);
      if (obj?.type === 'identifier' && obj.text === 'self' && name && cls) assign(cls, `self.${name.text}`, value);
      else visit(target, scope);
    } else if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'tuple' || target.type === 'list_pattern') {
      // `a, b = f()` binds nothing we can follow (`a, b = x, y` is paired up by the caller).
      for (const element of target.namedChildren) bind(element, { k: 'other', text: element?.text ?? '' }, scope);
    } else {
      visit(target, scope);
    }
  };

  const params = (node: Node | null, scope: PyScope): { names: string[]; defaults: Map<string, PyExpr> } => {
    const names: string[] = [];
    const defaults = new Map<string, PyExpr>();
    for (const p of node?.namedChildren ?? []) {
      if (!p) continue;
      if (p.type === 'identifier') names.push(p.text);
      else if (p.type === 'typed_parameter') {
        const id = p.namedChildren.find((c) => c?.type === 'identifier');
        if (id) names.push(id.text);
      } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
        const name = p.childForFieldName('name');
        if (name) {
          names.push(name.text);
          defaults.set(name.text, expr(p.childForFieldName('value'), scope));
        }
      } else {
        names.push(`*${p.text}`); // *args, **kwargs, `/`, `*`: hold a position, bind nothing
      }
    }
    return { names, defaults };
  };

  const visitChildren = (node: Node, scope: PyScope) => {
    for (const child of node.namedChildren) if (child) visit(child, scope);
  };

  const visit = (node: Node, scope: PyScope): void => {
    switch (node.type) {
      case 'import_statement': {
        for (const item of node.namedChildren) {
          if (!item) continue;
          if (item.type === 'dotted_name') {
            const module = item.text.replace(/\s+/g, '');
            imports.push({ specifier: module, kind: 'import', names: [], ...where(node) });
            const top = module.split('.')[0]!;
            assign(scope, top, { k: 'module', module: top });
          } else if (item.type === 'aliased_import') {
            const module = item.childForFieldName('name')?.text.replace(/\s+/g, '') ?? '';
            const alias = item.childForFieldName('alias')?.text;
            imports.push({ specifier: module, kind: 'import', names: [], ...where(node) });
            if (alias) assign(scope, alias, { k: 'module', module });
          }
        }
        return;
      }
      case 'import_from_statement': {
        const moduleNode = node.childForFieldName('module_name');
        const module = moduleNode?.text.replace(/\s+/g, '') ?? '';
        const names: string[] = [];
        for (const item of node.childrenForFieldName('name')) {
          if (!item) continue;
          if (item.type === 'dotted_name') {
            names.push(item.text);
            assign(scope, item.text, { k: 'from', module, name: item.text });
          } else if (item.type === 'aliased_import') {
            const name = item.childForFieldName('name')?.text ?? '';
            const alias = item.childForFieldName('alias')?.text;
            names.push(name);
            if (alias) assign(scope, alias, { k: 'from', module, name });
          }
        }
        if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) names.push('*');
        imports.push({ specifier: module, kind: 'from-import', names, ...where(node) });
        return;
      }
      case 'future_import_statement':
        return;
      case 'global_statement':
        for (const id of node.namedChildren) if (id?.type === 'identifier') scope.globals.add(id.text);
        return;
      case 'decorated_definition': {
        for (const d of node.namedChildren) if (d?.type === 'decorator') visitChildren(d, scope);
        const def = node.childForFieldName('definition');
        if (def) visit(def, scope);
        return;
      }
      case 'function_definition': {
        const name = node.childForFieldName('name')?.text ?? '<lambda>';
        const parameters = params(node.childForFieldName('parameters'), scope);
        const fnScope = newScope('function', name, scope.id, parameters.names, parameters.defaults);
        assign(scope, name, { k: 'def', scope: fnScope.id });
        const body = node.childForFieldName('body');
        if (body) visitChildren(body, fnScope);
        return;
      }
      case 'class_definition': {
        const name = node.childForFieldName('name')?.text ?? '<class>';
        const supers = node.childForFieldName('superclasses');
        if (supers) visitChildren(supers, scope);
        const clsScope = newScope('class', name, scope.id);
        assign(scope, name, { k: 'def', scope: clsScope.id });
        const body = node.childForFieldName('body');
        if (body) visitChildren(body, clsScope);
        return;
      }
      case 'assignment': {
        const right = node.childForFieldName('right');
        const left = node.childForFieldName('left');
        if (!right) {
          if (left) visit(left, scope);
          return;
        }
        if (right.type === 'assignment') {
          // `a = b = boto3.client('s3')`
          visit(right, scope);
          bind(left, expr(right.childForFieldName('right'), scope), scope);
          return;
        }
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
      case 'with_statement': {
        for (const clause of node.namedChildren) {
          if (clause?.type !== 'with_clause') continue;
          for (const item of clause.namedChildren) {
            const value = item?.childForFieldName('value');
            if (!value) continue;
            if (value.type === 'as_pattern') {
              const target = value.childForFieldName('alias');
              // `with session.client('s3') as s3` / `async with ... as s3`: s3 is the client.
              bind(target?.namedChildren[0] ?? target, expr(value.namedChildren[0] ?? null, scope), scope);
            } else {
              expr(value, scope);
            }
          }
        }
        const body = node.childForFieldName('body');
        if (body) visitChildren(body, scope);
        return;
      }
      case 'for_statement': {
        const iter = expr(node.childForFieldName('right'), scope);
        bind(node.childForFieldName('left'), { k: 'item', of: iter }, scope);
        const body = node.childForFieldName('body');
        if (body) visitChildren(body, scope);
        const alt = node.childForFieldName('alternative');
        if (alt) visitChildren(alt, scope);
        return;
      }
      case 'return_statement': {
        const value = node.namedChildren[0];
        if (value) scope.returns.push(expr(value, scope));
        return;
      }
      case 'call':
        callOf(node, scope);
        return;
      case 'attribute':
      case 'parenthesized_expression':
      case 'await':
        expr(node, scope);
        return;
      case 'comment':
      case 'string':
        if (node.type === 'string') expr(node, scope);
        return;
      default:
        visitChildren(node, scope);
    }
  };

  visitChildren(root, scopes[0]!);
  const error = root.hasError ? firstError(root) : undefined;
  return { file, imports, scopes, calls, ...(error ? { syntaxError: { message: error.message, ...where(error.node) } } : {}) };
}

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

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
function unescape(text: string): string {
  return ESCAPES[text.slice(1)] ?? text;
}
