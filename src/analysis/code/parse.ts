import type { ts } from 'ts-morph';
import { typescript } from './typescript.js';
import { dict, own } from '../../model/dict.js';

/**
 * One pass over one file's syntax tree (no type checker, no program), recording what the code
 * analysis needs: runtime imports, imported bindings, exports, client instances held in
 * variables, and every `new X(...)` / `x.method(...)` that may be an SDK call. Resolving what
 * those names mean (across files, through re-exports) happens later, in project.ts.
 */

export interface ImportSite {
  readonly specifier: string;
  readonly kind: 'import' | 'export-from' | 'require' | 'dynamic-import';
  readonly line: number;
  readonly column: number;
}

/** A name bound by an import: `{ module, name }`, `name` = `*` for a namespace, `default`. */
export interface SymbolRef {
  readonly module: string;
  readonly name: string;
}

export type ExportTarget = { readonly kind: 'local'; readonly local: string } | { readonly kind: 'reexport'; readonly module: string; readonly name: string };

/** `AWS.DynamoDB.DocumentClient` -> root `AWS`, path `[DynamoDB, DocumentClient]`; `this.s3` -> root `this`. */
export interface ExprRef {
  readonly root: string;
  readonly path: readonly string[];
}

/** How a client instance is made: `new X(...)` or `X.from(...)` (lib-dynamodb). */
export interface Construct {
  readonly callee: ExprRef;
  readonly via: 'new' | 'from';
}

export type Receiver = { readonly kind: 'ref'; readonly ref: ExprRef } | { readonly kind: 'construct'; readonly construct: Construct };

/** Literal facts about a call's input object, for resource scoping and refinement. */
export interface InputFacts {
  /** Top-level properties whose value is a visible string (literal, or a const of one). */
  readonly props: Readonly<Record<string, string>>;
  /** PartiQL statements visible anywhere in the input. */
  readonly statements: readonly string[];
  /** Transaction item kinds visible (`Put`, `Update`, `Delete`, `ConditionCheck`). */
  readonly transactKinds: readonly string[];
  /** Table names used as keys of `RequestItems`. */
  readonly requestItemTables: readonly string[];
  /** False when the input is not an object literal (a variable, a spread): nothing can be narrowed. */
  readonly literal: boolean;
  /** Every visible string value at any depth, by property name (`InstanceType` inside `ResourceConfig`). */
  readonly values: Readonly<Record<string, readonly string[]>>;
}

export interface Site {
  readonly kind: 'new' | 'method';
  /** `new` sites: the constructor. */
  readonly callee?: ExprRef;
  /** `method` sites: what the method is called on, and the method. */
  readonly receiver?: Receiver;
  readonly method?: string;
  readonly input: InputFacts;
  /** v2 `s3.getSignedUrl('getObject', ...)`: the operation named by the first argument. */
  readonly operationArg?: string;
  readonly line: number;
  readonly column: number;
}

export interface FileSummary {
  readonly file: string;
  readonly imports: readonly ImportSite[];
  readonly bindings: ReadonlyMap<string, SymbolRef>;
  readonly exports: ReadonlyMap<string, ExportTarget>;
  readonly starExports: readonly string[];
  /** Variables (and `this.x` properties) that hold a constructed client. */
  readonly instances: ReadonlyMap<string, Construct>;
  /** Local aliases of another name (`const Cmd = s3.GetObjectCommand`). */
  readonly aliases: ReadonlyMap<string, ExprRef>;
  readonly sites: readonly Site[];
  readonly syntaxError?: { readonly message: string; readonly line: number; readonly column: number };
}

const EMPTY_INPUT: InputFacts = { props: {}, statements: [], transactKinds: [], requestItemTables: [], literal: false, values: {} };

type RawValue = { readonly literal: string } | { readonly ident: string };

/**
 * A summary as it arrives from another thread: structured cloning gives the input tables an
 * `Object.prototype` again, so they are made dicts once more (keys come from the code under analysis).
 */
export function revivedSummary(summary: FileSummary): FileSummary {
  const sites = summary.sites.map((site) => ({ ...site, input: { ...site.input, props: dict(site.input.props), values: dict(site.input.values) } }));
  return { ...summary, sites };
}

function scriptKindFor(file: string, t: typeof ts): ts.ScriptKind {
  if (file.endsWith('.tsx')) return t.ScriptKind.TSX;
  if (file.endsWith('.jsx')) return t.ScriptKind.JSX;
  if (/\.(c|m)?js$/.test(file)) return t.ScriptKind.JS;
  return t.ScriptKind.TS;
}

export function summarizeFile(file: string, text: string): FileSummary {
  const t = typescript();
  const K = t.SyntaxKind;
  // JSDoc means nothing here: skipping it parses JSDoc-heavy files up to 45% faster.
  const options = { languageVersion: t.ScriptTarget.Latest, jsDocParsingMode: t.JSDocParsingMode.ParseNone };
  const source = t.createSourceFile(file, text, options, false, scriptKindFor(file, t));
  const where = (node: ts.Node): { line: number; column: number } => {
    const pos = source.getLineAndCharacterOfPosition(node.getStart(source));
    return { line: pos.line + 1, column: pos.character + 1 };
  };

  const diagnostics = (source as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const first = diagnostics[0];
  const syntaxError = first
    ? (() => {
        const pos = source.getLineAndCharacterOfPosition(first.start);
        return { message: t.flattenDiagnosticMessageText(first.messageText, ' '), line: pos.line + 1, column: pos.character + 1 };
      })()
    : undefined;

  const imports: ImportSite[] = [];
  const bindings = new Map<string, SymbolRef>();
  const exportsMap = new Map<string, ExportTarget>();
  const starExports: string[] = [];
  const instances = new Map<string, Construct>();
  const aliases = new Map<string, ExprRef>();
  const consts = new Map<string, string | null>();
  const rawSites: { site: Omit<Site, 'input'>; raw: RawInput | undefined }[] = [];

  const addImport = (specifier: string, kind: ImportSite['kind'], node: ts.Node) => imports.push({ specifier, kind, ...where(node) });
  const isExported = (node: ts.Node): boolean =>
    t.canHaveModifiers(node) && (t.getModifiers(node) ?? []).some((m) => m.kind === K.ExportKeyword);

  /** `require('x')`, `await import('x')`, `require('x').Y`: module and optional member. */
  const moduleLoad = (expr: ts.Expression): { module: string; member?: string } | undefined => {
    let e = expr;
    while (t.isAwaitExpression(e) || t.isParenthesizedExpression(e)) e = e.expression;
    if (t.isPropertyAccessExpression(e)) {
      const inner = moduleLoad(e.expression);
      return inner && inner.member === undefined ? { module: inner.module, member: e.name.text } : undefined;
    }
    if (t.isCallExpression(e) && e.arguments.length >= 1) {
      const arg = e.arguments[0]!;
      const literal = t.isStringLiteralLike(arg) ? arg.text : undefined;
      if (literal === undefined) return undefined;
      if (e.expression.kind === K.ImportKeyword) return { module: literal };
      if (t.isIdentifier(e.expression) && e.expression.text === 'require') return { module: literal };
    }
    return undefined;
  };

  const exprRef = (expr: ts.Expression): ExprRef | undefined => {
    const path: string[] = [];
    let e: ts.Expression = expr;
    for (;;) {
      if (t.isParenthesizedExpression(e) || t.isNonNullExpression(e) || t.isAsExpression(e) || t.isSatisfiesExpression(e)) {
        e = e.expression;
      } else if (t.isPropertyAccessExpression(e)) {
        path.unshift(e.name.text);
        e = e.expression;
      } else if (t.isIdentifier(e)) {
        return { root: e.text, path };
      } else if (e.kind === K.ThisKeyword) {
        return { root: 'this', path };
      } else {
        return undefined;
      }
    }
  };

  const constructOf = (expr: ts.Expression): Construct | undefined => {
    let e = expr;
    while (t.isParenthesizedExpression(e) || t.isAwaitExpression(e) || t.isAsExpression(e) || t.isNonNullExpression(e)) e = e.expression;
    if (t.isNewExpression(e)) {
      const callee = exprRef(e.expression);
      return callee ? { callee, via: 'new' } : undefined;
    }
    if (t.isCallExpression(e) && t.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'from') {
      const callee = exprRef(e.expression.expression);
      return callee ? { callee, via: 'from' } : undefined;
    }
    return undefined;
  };

  const bindPattern = (name: ts.BindingName, module: string, member: string | undefined) => {
    if (t.isIdentifier(name)) {
      bindings.set(name.text, { module, name: member ?? '*' });
      return;
    }
    if (t.isObjectBindingPattern(name)) {
      for (const element of name.elements) {
        if (element.dotDotDotToken || !t.isIdentifier(element.name)) continue;
        const prop =
          element.propertyName && (t.isIdentifier(element.propertyName) || t.isStringLiteral(element.propertyName))
            ? element.propertyName.text
            : element.name.text;
        // `const { S3 } = require('aws-sdk')` binds S3; `const { S3 } = require('x').y` binds y.S3 (as a path).
        bindings.set(element.name.text, member === undefined ? { module, name: prop } : { module, name: `${member}.${prop}` });
      }
    }
  };

  // No parent pointers (cheaper parse): remember whether the declaration list being walked is `const`.
  let inConstList = false;
  const visit = (node: ts.Node): void => {
    switch (node.kind) {
      case K.VariableDeclarationList: {
        const saved = inConstList;
        inConstList = (node.flags & t.NodeFlags.Const) !== 0;
        t.forEachChild(node, visit);
        inConstList = saved;
        return;
      }
      case K.ImportDeclaration: {
        const decl = node as ts.ImportDeclaration;
        if (!t.isStringLiteral(decl.moduleSpecifier)) break;
        const module = decl.moduleSpecifier.text;
        const clause = decl.importClause;
        if (!clause) {
          addImport(module, 'import', decl);
          return;
        }
        if (clause.phaseModifier === t.SyntaxKind.TypeKeyword) return;
        let runtime = false;
        if (clause.name) {
          bindings.set(clause.name.text, { module, name: 'default' });
          runtime = true;
        }
        const named = clause.namedBindings;
        if (named && t.isNamespaceImport(named)) {
          bindings.set(named.name.text, { module, name: '*' });
          runtime = true;
        } else if (named) {
          for (const element of named.elements) {
            if (element.isTypeOnly) continue;
            bindings.set(element.name.text, { module, name: (element.propertyName ?? element.name).text });
            runtime = true;
          }
          // `import {} from 'x'` still loads x.
          if (named.elements.length === 0) runtime = true;
        }
        if (runtime) addImport(module, 'import', decl);
        return;
      }
      case K.ImportEqualsDeclaration: {
        const decl = node as ts.ImportEqualsDeclaration;
        if (decl.isTypeOnly) return;
        if (t.isExternalModuleReference(decl.moduleReference) && t.isStringLiteral(decl.moduleReference.expression)) {
          const module = decl.moduleReference.expression.text;
          bindings.set(decl.name.text, { module, name: '*' });
          addImport(module, 'require', decl);
        }
        return;
      }
      case K.ExportDeclaration: {
        const decl = node as ts.ExportDeclaration;
        if (decl.isTypeOnly) return;
        const module = decl.moduleSpecifier && t.isStringLiteral(decl.moduleSpecifier) ? decl.moduleSpecifier.text : undefined;
        const clause = decl.exportClause;
        if (module === undefined) {
          if (clause && t.isNamedExports(clause)) {
            for (const element of clause.elements) {
              if (element.isTypeOnly) continue;
              exportsMap.set(element.name.text, { kind: 'local', local: (element.propertyName ?? element.name).text });
            }
          }
          return;
        }
        if (!clause) {
          starExports.push(module);
          addImport(module, 'export-from', decl);
        } else if (t.isNamespaceExport(clause)) {
          exportsMap.set(clause.name.text, { kind: 'reexport', module, name: '*' });
          addImport(module, 'export-from', decl);
        } else {
          let runtime = false;
          for (const element of clause.elements) {
            if (element.isTypeOnly) continue;
            exportsMap.set(element.name.text, { kind: 'reexport', module, name: (element.propertyName ?? element.name).text });
            runtime = true;
          }
          if (runtime) addImport(module, 'export-from', decl);
        }
        return;
      }
      case K.ExportAssignment: {
        const decl = node as ts.ExportAssignment;
        if (t.isIdentifier(decl.expression)) exportsMap.set('default', { kind: 'local', local: decl.expression.text });
        break;
      }
      case K.InterfaceDeclaration:
      case K.TypeAliasDeclaration:
        return; // types only: nothing here runs
      case K.FunctionDeclaration:
      case K.ClassDeclaration: {
        const decl = node as ts.FunctionDeclaration | ts.ClassDeclaration;
        if (decl.name && isExported(decl)) exportsMap.set(decl.name.text, { kind: 'local', local: decl.name.text });
        break;
      }
      case K.VariableStatement: {
        const statement = node as ts.VariableStatement;
        if (isExported(statement)) {
          for (const d of statement.declarationList.declarations) {
            if (t.isIdentifier(d.name)) exportsMap.set(d.name.text, { kind: 'local', local: d.name.text });
          }
        }
        break;
      }
      case K.VariableDeclaration: {
        const decl = node as ts.VariableDeclaration;
        const init = decl.initializer;
        if (!init) break;
        const load = moduleLoad(init);
        if (load) {
          bindPattern(decl.name, load.module, load.member);
          break;
        }
        if (!t.isIdentifier(decl.name)) break;
        const name = decl.name.text;
        const construct = constructOf(init);
        if (construct) {
          instances.set(name, construct);
          break;
        }
        const text = stringValue(init);
        if (text !== undefined && inConstList) {
          // The same name bound to two values (in two scopes) is ambiguous: forget it.
          consts.set(name, consts.has(name) && consts.get(name) !== text ? null : text);
          break;
        }
        const ref = t.isPropertyAccessExpression(init) || t.isIdentifier(init) ? exprRef(init) : undefined;
        if (ref) aliases.set(name, ref);
        break;
      }
      case K.PropertyDeclaration: {
        const decl = node as ts.PropertyDeclaration;
        const construct = decl.initializer ? constructOf(decl.initializer) : undefined;
        if (construct && (t.isIdentifier(decl.name) || t.isPrivateIdentifier(decl.name))) instances.set(`this.${decl.name.text}`, construct);
        break;
      }
      case K.BinaryExpression: {
        const expr = node as ts.BinaryExpression;
        if (expr.operatorToken.kind !== K.EqualsToken) break;
        const target = exprRef(expr.left);
        if (!target) break;
        const construct = constructOf(expr.right);
        const key = [target.root, ...target.path].join('.');
        if (construct) instances.set(key, construct);
        // CommonJS exports: `exports.x = y`, `module.exports.x = y`, `module.exports = { x, y: z }`.
        const exportName =
          target.root === 'exports' && target.path.length === 1
            ? target.path[0]
            : target.root === 'module' && target.path[0] === 'exports' && target.path.length === 2
              ? target.path[1]
              : undefined;
        if (exportName !== undefined) {
          if (construct) instances.set(exportName, construct);
          if (t.isIdentifier(expr.right)) exportsMap.set(exportName, { kind: 'local', local: expr.right.text });
          else exportsMap.set(exportName, { kind: 'local', local: exportName });
        } else if (key === 'module.exports' && t.isObjectLiteralExpression(expr.right)) {
          for (const prop of expr.right.properties) {
            if (t.isShorthandPropertyAssignment(prop)) exportsMap.set(prop.name.text, { kind: 'local', local: prop.name.text });
            else if (t.isPropertyAssignment(prop) && t.isIdentifier(prop.name) && t.isIdentifier(prop.initializer)) {
              exportsMap.set(prop.name.text, { kind: 'local', local: prop.initializer.text });
            }
          }
        }
        break;
      }
      case K.CallExpression: {
        const call = node as ts.CallExpression;
        const first = call.arguments[0];
        if (call.expression.kind === K.ImportKeyword) {
          if (first && t.isStringLiteralLike(first)) addImport(first.text, 'dynamic-import', call);
          break;
        }
        if (t.isIdentifier(call.expression) && call.expression.text === 'require') {
          if (first && t.isStringLiteralLike(first)) addImport(first.text, 'require', call);
          break;
        }
        if (t.isPropertyAccessExpression(call.expression) || t.isPropertyAccessChain(call.expression)) {
          const access = call.expression;
          const method = access.name.text;
          const construct = constructOf(access.expression);
          const ref = construct ? undefined : exprRef(access.expression);
          if (construct || ref) {
            const operationArg = first && t.isStringLiteralLike(first) ? first.text : undefined;
            const input = operationArg !== undefined ? call.arguments[1] : first;
            rawSites.push({
              site: {
                kind: 'method',
                receiver: construct ? { kind: 'construct', construct } : { kind: 'ref', ref: ref! },
                method,
                ...(operationArg !== undefined ? { operationArg } : {}),
                ...where(access.name),
              },
              raw: input ? rawInput(input) : undefined,
            });
          }
        }
        break;
      }
      case K.NewExpression: {
        const expr = node as ts.NewExpression;
        const callee = exprRef(expr.expression);
        if (callee) {
          const first = expr.arguments?.[0];
          rawSites.push({ site: { kind: 'new', callee, ...where(expr) }, raw: first ? rawInput(first) : undefined });
        }
        break;
      }
      default:
        // Type annotations and type parameters: nothing in them runs.
        if ((node.kind >= K.FirstTypeNode && node.kind <= K.LastTypeNode) || node.kind === K.TypeParameter) return;
        break;
    }
    t.forEachChild(node, visit);
  };

  interface RawInput {
    readonly props: ReadonlyMap<string, RawValue>;
    readonly statements: readonly RawValue[];
    readonly transactKinds: readonly string[];
    readonly requestItemTables: readonly RawValue[];
    readonly literal: boolean;
    readonly deep: readonly (readonly [string, RawValue])[];
  }

  function stringValue(expr: ts.Expression): string | undefined {
    if (t.isStringLiteralLike(expr)) return expr.text;
    if (t.isParenthesizedExpression(expr) || t.isAsExpression(expr) || t.isSatisfiesExpression(expr)) return stringValue(expr.expression);
    return undefined;
  }

  function rawValue(expr: ts.Expression): RawValue | undefined {
    const text = stringValue(expr);
    if (text !== undefined) return { literal: text };
    if (t.isIdentifier(expr)) return { ident: expr.text };
    return undefined;
  }

  function propName(name: ts.PropertyName): string | undefined {
    return t.isIdentifier(name) || t.isStringLiteral(name) ? name.text : undefined;
  }

  function rawInput(expr: ts.Expression): RawInput {
    let e = expr;
    while (t.isParenthesizedExpression(e) || t.isAsExpression(e) || t.isSatisfiesExpression(e)) e = e.expression;
    const props = new Map<string, RawValue>();
    const statements: RawValue[] = [];
    const transactKinds: string[] = [];
    const requestItemTables: RawValue[] = [];
    const deep: [string, RawValue][] = [];
    if (!t.isObjectLiteralExpression(e)) return { props, statements, transactKinds, requestItemTables, literal: false, deep };
    collectDeep(e, deep, 0);
    let literal = true;
    for (const prop of e.properties) {
      if (t.isSpreadAssignment(prop)) literal = false;
      if (t.isShorthandPropertyAssignment(prop)) {
        props.set(prop.name.text, { ident: prop.name.text });
        continue;
      }
      if (!t.isPropertyAssignment(prop)) continue;
      const name = propName(prop.name);
      if (name === undefined) continue;
      const value = rawValue(prop.initializer);
      if (value) props.set(name, value);
      if (name === 'TransactItems' || name === 'Statements' || name === 'TransactStatements') {
        if (!t.isArrayLiteralExpression(prop.initializer)) literal = false;
        else {
          for (const item of prop.initializer.elements) {
            if (!t.isObjectLiteralExpression(item)) {
              literal = false;
              continue;
            }
            for (const inner of item.properties) {
              const key = t.isPropertyAssignment(inner) || t.isShorthandPropertyAssignment(inner) ? propName(inner.name) : undefined;
              if (key === undefined) {
                literal = false;
                continue;
              }
              if (name === 'TransactItems') transactKinds.push(key);
              else if (key === 'Statement' && t.isPropertyAssignment(inner)) {
                const v = rawValue(inner.initializer);
                if (v) statements.push(v);
                else literal = false;
              }
            }
          }
        }
      }
      if (name === 'Statement') {
        if (!value) literal = false;
        else statements.push(value);
      }
      // lib-storage `new Upload({ client, params: { Bucket, Key, Body } })`.
      if (name === 'params' && t.isObjectLiteralExpression(prop.initializer)) {
        for (const inner of prop.initializer.properties) {
          if (t.isPropertyAssignment(inner)) {
            const key = propName(inner.name);
            const v = rawValue(inner.initializer);
            if (key !== undefined && v && !props.has(key)) props.set(key, v);
          } else if (t.isShorthandPropertyAssignment(inner) && !props.has(inner.name.text)) {
            props.set(inner.name.text, { ident: inner.name.text });
          }
        }
      }
      if (name === 'RequestItems' && t.isObjectLiteralExpression(prop.initializer)) {
        for (const inner of prop.initializer.properties) {
          if (!t.isPropertyAssignment(inner) && !t.isShorthandPropertyAssignment(inner)) continue;
          if (t.isComputedPropertyName(inner.name) && t.isIdentifier(inner.name.expression)) requestItemTables.push({ ident: inner.name.expression.text });
          else {
            const key = propName(inner.name);
            if (key !== undefined) requestItemTables.push({ literal: key });
          }
        }
      }
    }
    return { props, statements, transactKinds, requestItemTables, literal, deep };
  }

  /** Named string values anywhere inside an object literal (bounded depth: inputs are shallow). */
  function collectDeep(expr: ts.Expression, out: [string, RawValue][], depth: number): void {
    if (depth > 6) return;
    if (t.isArrayLiteralExpression(expr)) {
      for (const element of expr.elements) collectDeep(element, out, depth + 1);
      return;
    }
    if (!t.isObjectLiteralExpression(expr)) return;
    for (const prop of expr.properties) {
      if (!t.isPropertyAssignment(prop)) continue;
      const name = propName(prop.name);
      if (name === undefined) continue;
      const value = rawValue(prop.initializer);
      if (value) out.push([name, value]);
      else collectDeep(prop.initializer, out, depth + 1);
    }
  }

  t.forEachChild(source, visit);

  const resolveValue = (value: RawValue): string | undefined => ('literal' in value ? value.literal : (consts.get(value.ident) ?? undefined));
  const sites: Site[] = rawSites.map(({ site, raw }) => {
    if (!raw) return { ...site, input: EMPTY_INPUT };
    const props: Record<string, string> = dict();
    for (const [key, value] of raw.props) {
      const text = resolveValue(value);
      if (text !== undefined) props[key] = text;
    }
    const values: Record<string, string[]> = dict();
    for (const [key, value] of raw.deep) {
      const text = resolveValue(value);
      if (text !== undefined) (own(values, key) ?? (values[key] = [])).push(text);
    }
    const statements = raw.statements.map(resolveValue);
    const tables = raw.requestItemTables.map(resolveValue);
    return {
      ...site,
      input: {
        props,
        statements: statements.filter((s): s is string => s !== undefined),
        transactKinds: raw.transactKinds,
        requestItemTables: tables.filter((s): s is string => s !== undefined),
        literal: raw.literal && statements.every((s) => s !== undefined),
        values,
      },
    };
  });

  return {
    file,
    imports,
    bindings,
    exports: exportsMap,
    starExports,
    instances,
    aliases,
    sites,
    ...(syntaxError ? { syntaxError } : {}),
  };
}
