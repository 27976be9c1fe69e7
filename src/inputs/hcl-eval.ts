import { splitTemplate, traversalsIn, type TemplatePart, type Traversal } from './expressions.js';
import { HclSyntaxError, MAX_EXPRESSION_DEPTH, parseExpression, parseTemplate, type Node, type Step, type TemplatePiece } from './hcl-parse.js';
import { dict, mapDict } from '../model/dict.js';
import { isObjectValue, MAX_STRING, Opaque, valuesEqual, type EvalValue } from './hcl-value.js';
import { typeConstraintOf, type TypeSpec } from './hcl-types.js';
import { bool, callFunction, FunctionError, hasFunction, num, numberText, str, UnknownResult } from './hcl-functions.js';

/**
 * The evaluator of Terraform expressions, as configuration carries them (`${...}` strings in
 * hcl2json output and cdktf synth JSON alike): literals, templates with `%{if}` and `%{for}`
 * directives, heredocs, tuple and object constructors, operators, conditionals, `for`
 * expressions, splats, indexes, references (variables, locals, resource, data and module
 * attributes, `count.index`, `each.*`, as the caller's scope answers them), type conversions of
 * variables, and the pure functions of inputs/hcl-functions.ts (plus `try`, `can`, `file` and
 * `templatefile`, which need the evaluator). Impure functions (`timestamp`, `uuid`, ...) and
 * apply-time values become `Opaque` with a reason. An apply-time value inside a `jsonencode(...)`
 * is written into the JSON as its `${...}` text, exactly as cdktf's synth JSON carries an
 * interpolation, so analyses read the same document from every input form. Expressions are parsed
 * by inputs/hcl-parse.ts, type constraints applied by inputs/hcl-types.ts; values and the
 * operations the function library shares live in inputs/hcl-value.ts. What one run memoises
 * belongs to its `EvaluationContext`.
 */

/** What an expression can look up; every hook may return `undefined` for "not known here". */
export interface EvalScope {
  /** `var.NAME`: its default (or tfvars value); `Opaque` when set but unknown. */
  variable(name: string): EvalValue | undefined;
  /** `local.NAME`, evaluated in its own module. */
  local(name: string): EvalValue | undefined;
  /**
   * A resource or data source as an expression sees it (`base` is `aws_s3_bucket.b` or
   * `data.aws_x.y`): its object (attributes stated in the configuration; the others are known
   * after apply), a list of them with `count`, a map with `for_each`, or an `Opaque` when its
   * instances are not known. Objects in `APPLY_TIME` answer "unknown", not "no such attribute",
   * for what they do not hold.
   */
  resource?(base: string): EvalValue | undefined;
  /** `module.NAME`: the module's outputs (a list or map of them for a call with count/for_each). */
  module?(name: string): EvalValue | undefined;
  /** `count`, `each`, `path`, `terraform`, and `dynamic` block iterators, where they are defined. */
  symbol?(name: string): EvalValue | undefined;
  /** `file()` / `templatefile()`: the text of a file under the module's folder, or why it cannot be read. */
  readFile?(path: string): { text: string } | { error: string };
  /** Module prefix for recorded references (`module.net.`), empty at the root. */
  readonly prefix: string;
}

/** What a traversal naming a resource or data source names: its address and the steps after it. */
interface ResourceName {
  readonly base: string;
  readonly rest: readonly Step[];
}

/** Largest value (nodes, or string characters / 64) one evaluation may build: locals can double a value per step. */
const MAX_WEIGHT = 200_000;

// ---------------------------------------------------------------- evaluation

/** True when no part of the value is opaque. */
function isKnown(value: EvalValue): boolean {
  if (value instanceof Opaque) return false;
  if (value === null || typeof value !== 'object') return true;
  return (Array.isArray(value) ? (value as readonly EvalValue[]) : Object.values(value)).every(isKnown);
}

/**
 * What one run of the readers evaluates with: memo tables of parsed expressions (a big stack
 * repeats `${aws_vpc.main.id}` thousands of times), of the references an expression text reads,
 * of type constraints and of value sizes. Pure memoization: a fresh context gives the same
 * answers. A run drops its context when it has read its inputs, so a long-lived process (a
 * language server, the test runner, the synth-time check) does not keep one run's texts alive
 * for the next.
 */
class EvaluationContext {
  private readonly parsed = new Map<string, Node | null>();
  private readonly traversals = new Map<string, readonly Traversal[]>();
  private readonly refs = new Map<string, readonly string[]>();
  private readonly applyTime = new Map<string, Opaque>();
  private readonly types = new Map<string, TypeSpec | null>();
  private readonly weights = new WeakMap<object, number>();
  private readonly resourceNames = new WeakMap<Node, ResourceName | null>();

  /** Evaluates an expression text (without `${}`) in a scope. */
  expression(text: string, scope: EvalScope): EvalValue {
    const node = this.parse(text);
    if (!node) {
      const trimmed = text.trim();
      return new Opaque(`\${${trimmed}}`, this.refsOf(trimmed, scope.prefix), false, 'the expression is not valid HCL');
    }
    return new Evaluator(text, scope, this).run(node);
  }

  /** The syntax tree of an expression text, null when it is not valid HCL. */
  private parse(text: string): Node | null {
    let node = this.parsed.get(text);
    if (node === undefined) {
      if (this.parsed.size > 50_000) this.parsed.clear();
      node = parseExpression(text) ?? null;
      this.parsed.set(text, node);
    }
    return node;
  }

  /**
   * `${ADDRESS.PATH}`, an attribute the provider decides at apply time: one value per attribute
   * (a big stack reads `aws_vpc.main.id` thousands of times; values are never changed).
   */
  applyTimeAttribute(at: string): Opaque {
    let opaque = this.applyTime.get(at);
    if (opaque === undefined) {
      opaque = new Opaque(`\${${at}}`, [at], false);
      if (this.applyTime.size > 50_000) this.applyTime.clear();
      this.applyTime.set(at, opaque);
    }
    return opaque;
  }

  /** See `traversalsOf`. */
  traversalsOf(text: string): readonly Traversal[] {
    let found = this.traversals.get(text);
    if (found === undefined) {
      const node = this.parse(text);
      found = node ? traversalsIn(node, text) : [];
      if (this.traversals.size > 50_000) this.traversals.clear();
      this.traversals.set(text, found);
    }
    return found;
  }

  /**
   * The resource or data source a traversal names (`aws_s3_bucket.b`, `data.aws_x.y`) and the
   * steps after it, once per syntax tree: one address string, hashed once, for every lookup.
   */
  resourceNamed(node: Extract<Node, { kind: 'traversal' }>): ResourceName | null {
    let named = this.resourceNames.get(node);
    if (named === undefined) {
      const [first, second] = node.steps;
      if (node.root !== 'data') named = first?.kind === 'attr' ? { base: `${node.root}.${first.name}`, rest: node.steps.slice(1) } : null;
      else if (first?.kind === 'attr' && second?.kind === 'attr') named = { base: `data.${first.name}.${second.name}`, rest: node.steps.slice(2) };
      else named = null;
      this.resourceNames.set(node, named);
    }
    return named;
  }

  /** See `evaluateTemplate`. */
  template(parts: readonly TemplatePart[], scope: EvalScope): EvalValue {
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only && 'expr' in only) return this.expression(only.expr, scope);
    let text = '';
    let known = true;
    const refs: string[] = [];
    for (const part of parts) {
      if ('literal' in part) {
        text += part.literal;
        continue;
      }
      const value = this.expression(part.expr, scope);
      if (value instanceof Opaque) {
        known = false;
        text += value.text;
        refs.push(...value.refs);
      } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') text += String(value);
      else {
        known = false;
        text += `\${${part.expr.trim()}}`;
        refs.push(...this.refsOf(part.expr, scope.prefix));
      }
      if (text.length > MAX_STRING) return new Opaque(text.slice(0, 200), refs, false, 'the string is too large to evaluate');
    }
    return known ? text : new Opaque(text, [...new Set(refs)], true);
  }

  /** See `evaluateRaw`. */
  raw(value: unknown, scope: EvalScope, depth: number): EvalValue {
    if (typeof value === 'string') {
      if (!value.includes('${')) return value;
      const parts = splitTemplate(value);
      return parts ? this.template(parts, scope) : value;
    }
    if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
    if (depth > MAX_EXPRESSION_DEPTH) return new Opaque('${...}', [], false, 'value nested too deeply');
    if (Array.isArray(value)) return value.map((v: unknown) => this.raw(v, scope, depth + 1));
    if (typeof value === 'object') {
      return mapDict(value as Record<string, unknown>, (v) => this.raw(v, scope, depth + 1));
    }
    return null;
  }

  /** See `parseTypeConstraint`. */
  typeConstraint(text: string): TypeSpec | undefined {
    const cached = this.types.get(text);
    if (cached !== undefined) return cached ?? undefined;
    const node = parseExpression(text);
    const spec = node ? typeConstraintOf(node, (fallback) => new Evaluator(text, TEMPLATE_SCOPE, this).run(fallback)) : undefined;
    if (this.types.size > 5_000) this.types.clear();
    this.types.set(text, spec ?? null);
    return spec;
  }

  /** Resource attributes an expression text reads (the same reference recurs across a stack). */
  refsOf(text: string, prefix: string): readonly string[] {
    const key = `${prefix}\u0000${text}`;
    const cached = this.refs.get(key);
    if (cached) return cached;
    const out = new Set<string>();
    for (const t of this.traversalsOf(text)) out.add(`${prefix}${t.base}${t.attribute ? `.${t.attribute}` : ''}`);
    if (this.refs.size > 50_000) this.refs.clear();
    const refs = [...out];
    this.refs.set(key, refs);
    return refs;
  }

  /** Size of a value as a tree (what converting or encoding it would cost), memoised per container. */
  weightOf(value: EvalValue): number {
    if (typeof value === 'string') return 1 + (value.length >> 6);
    if (value === null || typeof value !== 'object') return 1;
    if (value instanceof Opaque) return 1 + (value.text.length >> 6);
    const known = this.weights.get(value);
    if (known !== undefined) return known;
    let total = 1;
    for (const item of Array.isArray(value) ? (value as readonly EvalValue[]) : Object.values(value)) {
      total += this.weightOf(item);
      if (total > MAX_WEIGHT) break;
    }
    this.weights.set(value, total);
    return total;
  }
}

/**
 * The context of the run reading inputs now. The readers' entry points below use it, since
 * config.ts calls them without a context; `clearEvaluationCaches` ends the run's context.
 */
let current = new EvaluationContext();

/** Drops the memo tables of the run that has read its inputs (see EvaluationContext). */
export function clearEvaluationCaches(): void {
  current = new EvaluationContext();
}

/** Evaluates an expression text (without `${}`) in a scope. */
export function evaluateExpression(text: string, scope: EvalScope): EvalValue {
  return current.expression(text, scope);
}

/**
 * Evaluates a Terraform JSON string (`arn:${aws_s3_bucket.b.arn}/*`, or a whole `${expr}`) already
 * split into parts. A string that is one interpolation is that expression's value, of any type.
 */
export function evaluateTemplate(parts: readonly TemplatePart[], scope: EvalScope): EvalValue {
  return current.template(parts, scope);
}

/**
 * Evaluates a raw configuration value as Terraform JSON reads it (a local's or variable's value,
 * a module argument): strings holding `${...}` are templates, containers are walked.
 */
export function evaluateRaw(value: unknown, scope: EvalScope): EvalValue {
  return current.raw(value, scope, 0);
}

/** The resource and data traversals of an expression text (see `findTraversals`), from the parse the evaluation uses. */
export function traversalsOf(text: string): readonly Traversal[] {
  return current.traversalsOf(text);
}

/** Parses a type constraint (`map(object({ create = optional(bool, true) }))`); undefined when it is not one. */
export function parseTypeConstraint(text: string): TypeSpec | undefined {
  return current.typeConstraint(text);
}

/** Applies a type constraint; here beside `parseTypeConstraint` for the configuration reader. */
export { convertToType } from './hcl-types.js';

/** Functions that read the machine running Terraform or the clock: named in the reason, never run. */
const IMPURE = new Set([
  ...['filebase64', 'fileset', 'fileexists', 'filemd5', 'filesha1', 'filesha256', 'filesha512', 'filebase64sha256', 'filebase64sha512'],
  ...['timestamp', 'uuid', 'plantimestamp', 'bcrypt', 'abspath', 'pathexpand', 'uuidv5'],
]);

/**
 * Objects standing for resources and data sources (and everything inside them): an attribute
 * they do not hold, or hold as null, is decided by the provider at apply time, so reading it is
 * unknown rather than an error.
 */
export const APPLY_TIME = new WeakMap<object, string>();

/** Every opaque part of a value, for the references of a result computed from it. */
function refsIn(values: readonly EvalValue[], out: string[] = [], depth = 0): string[] {
  for (const v of values) {
    if (v instanceof Opaque) out.push(...v.refs);
    else if (v !== null && typeof v === 'object' && depth < 32) refsIn(Array.isArray(v) ? (v as readonly EvalValue[]) : Object.values(v), out, depth + 1);
  }
  return out;
}

/** The first error inside a value (a failed part makes the whole `try` argument fail). */
function errorIn(v: EvalValue, depth = 0): Opaque | undefined {
  if (v instanceof Opaque) return v.error ? v : undefined;
  if (v === null || typeof v !== 'object' || depth > 32) return undefined;
  for (const item of Array.isArray(v) ? (v as readonly EvalValue[]) : Object.values(v)) {
    const found = errorIn(item, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const EMPTY_BINDINGS: ReadonlyMap<string, EvalValue> = new Map();

class Evaluator {
  depth = 0;
  /** Names bound by `for` expressions, template `%{for}` and templatefile variables. */
  bindings: ReadonlyMap<string, EvalValue> = EMPTY_BINDINGS;
  constructor(
    readonly src: string,
    readonly scope: EvalScope,
    private readonly context: EvaluationContext,
  ) {}

  run(node: Node): EvalValue {
    const value = this.eval(node);
    return this.context.weightOf(value) > MAX_WEIGHT ? this.opaque(node, 'the value is too large to evaluate') : value;
  }

  private textOf(node: Node): string {
    return this.src.slice(node.start, node.end).trim();
  }

  /** The node as an unknown value; `from` are the values it was computed from (their references are kept). */
  private opaque(node: Node, note?: string, from: readonly EvalValue[] = [], error = false): Opaque {
    const text = this.textOf(node);
    const refs = this.context.refsOf(text, this.scope.prefix);
    const inner = from.length ? refsIn(from) : [];
    // Only a Terraform error is worth repeating on what is computed from it; "known after apply" is not.
    const fromNote = note ?? from.map((v) => (v instanceof Opaque && v.error ? v.note : undefined)).find((n) => n !== undefined);
    const failed = error || from.some((v) => v instanceof Opaque && v.error);
    return new Opaque(`\${${text}}`, inner.length ? [...new Set([...refs, ...inner])] : refs, false, fromNote, failed);
  }

  private failure(node: Node, note: string): Opaque {
    return this.opaque(node, note, [], true);
  }

  private eval(node: Node): EvalValue {
    if (++this.depth > MAX_EXPRESSION_DEPTH) {
      this.depth--;
      return this.opaque(node, 'expression nested too deeply');
    }
    try {
      return this.evalNode(node);
    } finally {
      this.depth--;
    }
  }

  private evalNode(node: Node): EvalValue {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'template':
        return this.template(node.parts);
      case 'tuple':
        return node.items.map((item) => this.eval(item));
      case 'object': {
        const entries: [string, EvalValue][] = [];
        for (const { key, value } of node.items) {
          const k = this.eval(key);
          if (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'boolean') {
            return this.opaque(node, k instanceof Opaque ? 'an object key is known only after apply' : 'an object key must be a string', [k]);
          }
          entries.push([typeof k === 'number' ? numberText(k) : String(k), this.eval(value)]);
        }
        return dict(entries);
      }
      case 'traversal':
        return this.traversal(node);
      case 'index': {
        const target = this.eval(node.target);
        return this.steps(target, node.steps, node);
      }
      case 'call':
        return this.call(node);
      case 'heredoc': {
        let parts: TemplatePiece[];
        try {
          parts = parseTemplate(node.body);
        } catch (error) {
          if (error instanceof HclSyntaxError) return this.opaque(node, error.message);
          throw error;
        }
        const inner = new Evaluator(node.body, this.scope, this.context);
        inner.depth = this.depth;
        inner.bindings = this.bindings;
        return inner.template(parts);
      }
      case 'binary':
        return this.binary(node);
      case 'unary': {
        const v = this.eval(node.operand);
        if (v instanceof Opaque) return this.opaque(node, undefined, [v]);
        return this.attempt(node, () => (node.op === '!' ? !bool(v) : -num(v)));
      }
      case 'conditional': {
        const cond = this.eval(node.cond);
        if (cond instanceof Opaque) return this.opaque(node, cond.error ? cond.note : 'the condition is known only after apply', [cond]);
        let chosen: boolean;
        try {
          chosen = bool(cond, 'a bool condition');
        } catch (error) {
          return this.caught(node, error, [cond]);
        }
        return this.eval(chosen ? node.then : node.else);
      }
      case 'for':
        return this.forExpression(node);
      case 'template-if': {
        const cond = this.eval(node.cond);
        if (cond instanceof Opaque) return this.opaque(node.cond, 'a template condition is known only after apply', [cond]);
        try {
          return this.template(bool(cond, 'a bool condition') ? node.then : node.else, true);
        } catch (error) {
          return this.caught(node.cond, error, [cond]);
        }
      }
      case 'template-for': {
        const collection = this.eval(node.collection);
        const pairs = this.iterate(node.collection, collection);
        if (pairs instanceof Opaque) return pairs;
        const pieces: EvalValue[] = [];
        for (const [k, v] of pairs) pieces.push(this.withBindings(node.keyVar, k, node.valueVar, v, () => this.template(node.body, true)));
        return this.concatenate(pieces);
      }
    }
  }

  /** Runs `fn` with loop variables bound. */
  private withBindings<T>(keyVar: string | undefined, key: EvalValue, valueVar: string, value: EvalValue, fn: () => T): T {
    const saved = this.bindings;
    const next = new Map(saved);
    if (keyVar !== undefined) next.set(keyVar, key);
    next.set(valueVar, value);
    this.bindings = next;
    try {
      return fn();
    } finally {
      this.bindings = saved;
    }
  }

  /** Key/value pairs of a collection, as `for` visits them (maps in key order); Opaque when unknown or not a collection. */
  private iterate(node: Node, collection: EvalValue): [EvalValue, EvalValue][] | Opaque {
    if (collection instanceof Opaque) return this.opaque(node, collection.error ? collection.note : undefined, [collection]);
    if (Array.isArray(collection)) return (collection as readonly EvalValue[]).map((v, i) => [i, v]);
    if (isObjectValue(collection)) return Object.keys(collection).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((k) => [k, collection[k] as EvalValue]);
    return this.failure(node, collection === null ? 'cannot iterate over null' : 'a for expression needs a list, set, map or object');
  }

  private forExpression(node: Extract<Node, { kind: 'for' }>): EvalValue {
    const pairs = this.iterate(node.collection, this.eval(node.collection));
    if (pairs instanceof Opaque) return this.opaque(node, pairs.note, [pairs]);
    const items: EvalValue[] = [];
    const groups = new Map<string, EvalValue[]>();
    const entries = new Map<string, EvalValue>();
    for (const [k, v] of pairs) {
      const outcome = this.withBindings(node.keyVar, k, node.valueVar, v, (): Opaque | undefined => {
        if (node.cond) {
          const keep = this.eval(node.cond);
          if (keep instanceof Opaque) return this.opaque(node, keep.error ? keep.note : 'a for expression condition is known only after apply', [keep]);
          try {
            if (!bool(keep, 'a bool condition')) return undefined;
          } catch (error) {
            return this.caught(node, error, [keep]);
          }
        }
        const value = this.eval(node.value);
        if (!node.object || !node.key) {
          items.push(value);
          return undefined;
        }
        const key = this.eval(node.key);
        if (key instanceof Opaque) return this.opaque(node, key.error ? key.note : 'a key is known only after apply', [key]);
        let text: string;
        try {
          text = str(key, 'a string key');
        } catch (error) {
          return this.caught(node, error, [key]);
        }
        if (node.group) groups.set(text, [...(groups.get(text) ?? []), value]);
        else if (entries.has(text)) return this.failure(node, `duplicate key ${JSON.stringify(text)} (use ... to group values by key)`);
        else entries.set(text, value);
        return undefined;
      });
      if (outcome) return outcome;
    }
    if (!node.object) return items;
    return dict(node.group ? groups : entries);
  }

  private binary(node: Extract<Node, { kind: 'binary' }>): EvalValue {
    const { op } = node;
    const left = this.eval(node.left);
    // A known left side decides `&&` / `||` alone.
    if ((op === '&&' && left === false) || (op === '||' && left === true)) return left;
    const right = this.eval(node.right);
    if (op === '==' || op === '!=') {
      const same = valuesEqual(left, right);
      if (same === undefined) return this.opaque(node, undefined, [left, right]);
      return op === '==' ? same : !same;
    }
    if (left instanceof Opaque || right instanceof Opaque) {
      if ((op === '&&' && right === false) || (op === '||' && right === true)) return right;
      return this.opaque(node, undefined, [left, right]);
    }
    return this.attempt(node, () => {
      switch (op) {
        case '&&':
          return bool(left) && bool(right);
        case '||':
          return bool(left) || bool(right);
        case '<':
          return num(left) < num(right);
        case '<=':
          return num(left) <= num(right);
        case '>':
          return num(left) > num(right);
        case '>=':
          return num(left) >= num(right);
        case '+':
          return num(left) + num(right);
        case '-':
          return num(left) - num(right);
        case '*':
          return num(left) * num(right);
        case '/': {
          const d = num(right);
          if (d === 0) throw new FunctionError('division by zero');
          return num(left) / d;
        }
        case '%': {
          const d = num(right);
          if (d === 0) throw new FunctionError('division by zero');
          return num(left) % d;
        }
      }
      throw new FunctionError(`operator ${op} is not known`);
    });
  }

  /** Runs a computation that may hit a Terraform error or an unknown operand. */
  private attempt(node: Node, fn: () => EvalValue, from: readonly EvalValue[] = []): EvalValue {
    try {
      return fn();
    } catch (error) {
      return this.caught(node, error, from);
    }
  }

  private caught(node: Node, error: unknown, from: readonly EvalValue[]): Opaque {
    if (error instanceof FunctionError) return this.failure(node, error.message);
    if (error instanceof UnknownResult) return this.opaque(node, undefined, from);
    if (error instanceof RangeError) return this.opaque(node, 'the value is too large to evaluate');
    throw error;
  }

  /** Joins template pieces: known text, or a partial string with the unknown parts as `${...}`. */
  private concatenate(pieces: readonly EvalValue[]): EvalValue {
    let text = '';
    let known = true;
    const refs: string[] = [];
    for (const value of pieces) {
      if (value instanceof Opaque) {
        known = false;
        text += value.text;
        refs.push(...value.refs);
      } else if (typeof value === 'string') text += value;
      else if (typeof value === 'number') text += numberText(value);
      else if (typeof value === 'boolean') text += String(value);
      else {
        const note = value === null ? 'a null value cannot be written into a string' : 'a collection cannot be written into a string';
        return new Opaque('${...}', refs, false, note, true);
      }
      if (text.length > MAX_STRING) return new Opaque(text.slice(0, 200), refs, false, 'the string is too large to evaluate');
    }
    return known ? text : new Opaque(text, [...new Set(refs)], true);
  }

  template(parts: readonly TemplatePiece[], nested = false): EvalValue {
    // `"${x}"` alone is x itself (a number stays a number, a reference keeps its type).
    const only = parts.length === 1 ? parts[0] : undefined;
    if (!nested && only !== undefined && typeof only !== 'string' && only.kind !== 'template-if' && only.kind !== 'template-for') return this.eval(only);
    const pieces: EvalValue[] = [];
    for (const part of parts) {
      if (typeof part === 'string') {
        pieces.push(part);
        continue;
      }
      const value = this.eval(part);
      if (value === null || (typeof value === 'object' && !(value instanceof Opaque))) {
        // null or a collection in a template is an error Terraform reports.
        pieces.push(this.failure(part, value === null ? 'a null value cannot be written into a string' : 'a collection cannot be written into a string'));
      } else pieces.push(value);
    }
    return this.concatenate(pieces);
  }

  private traversal(node: Extract<Node, { kind: 'traversal' }>): EvalValue {
    const { root, steps } = node;
    const first = steps[0];
    const bound = this.bindings.get(root);
    if (bound !== undefined) return this.steps(bound, steps, node);
    if (root === 'var' || root === 'local') {
      if (first?.kind !== 'attr') return this.opaque(node);
      const value = root === 'var' ? this.scope.variable(first.name) : this.scope.local(first.name);
      if (value === undefined) return this.opaque(node, root === 'var' ? `variable ${first.name} has no default value` : `local ${first.name} is not defined`);
      return this.steps(value, steps.slice(1), node);
    }
    if (root === 'module') {
      if (first?.kind !== 'attr') return this.opaque(node);
      const value = this.scope.module?.(first.name);
      return value === undefined ? this.opaque(node) : this.steps(value, steps.slice(1), node);
    }
    if (
      root !== 'data' &&
      (root === 'count' ||
        root === 'each' ||
        root === 'path' ||
        root === 'terraform' ||
        root === 'self' ||
        !/^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(root) ||
        first?.kind !== 'attr')
    ) {
      const value = this.scope.symbol?.(root);
      return value === undefined ? this.opaque(node) : this.steps(value, steps, node);
    }
    // A resource (`aws_s3_bucket.b.arn`) or data source (`data.aws_x.y.json`).
    const named = this.context.resourceNamed(node);
    if (!named) return this.opaque(node);
    const { base, rest } = named;
    const value = this.scope.resource?.(base);
    return value === undefined ? this.opaque(node) : this.steps(value, rest, node);
  }

  /** `.name`, `[key]` and splats applied to a value that is already evaluated. */
  private steps(value: EvalValue, steps: readonly Step[], node: Node): EvalValue {
    let current = value;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as Step;
      if (current instanceof Opaque) return this.opaque(node, undefined, [current]);
      if (step.kind === 'splat') {
        // `[*]` applies every following step to each element; `.*` only the attribute steps after it.
        let end = steps.length;
        if (step.legacy) {
          end = i + 1;
          while (end < steps.length && steps[end]?.kind === 'attr') end++;
        }
        const rest = steps.slice(i + 1, end);
        const items = current === null ? [] : Array.isArray(current) ? (current as readonly EvalValue[]) : [current];
        current = items.map((item) => this.steps(item, rest, node));
        i = end - 1;
        continue;
      }
      const applyTime = typeof current === 'object' && current !== null && APPLY_TIME.has(current);
      // An attribute the provider decides: unknown, named by the instance's own address.
      const decidedLater = (path: string): Opaque => {
        const owner = APPLY_TIME.get(current as object);
        if (owner === undefined || owner === '') return this.opaque(node);
        return this.context.applyTimeAttribute(`${owner}${path}`);
      };
      let key: EvalValue;
      if (step.kind === 'attr') key = step.name;
      else key = this.eval(step.key);
      if (key instanceof Opaque) return this.opaque(node, undefined, [key]);
      if (Array.isArray(current)) {
        const n = typeof key === 'number' ? key : typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : NaN;
        if (!Number.isInteger(n)) return this.failure(node, `a list index must be a whole number`);
        const next = (current as readonly EvalValue[])[n];
        const length = (current as readonly EvalValue[]).length;
        if (next === undefined) return applyTime ? decidedLater(`[${n}]`) : this.failure(node, `index ${n} out of range for a list of ${length}`);
        current = next;
      } else if (isObjectValue(current)) {
        const k = typeof key === 'number' ? numberText(key) : key;
        if (typeof k !== 'string') return this.failure(node, 'an object key must be a string');
        if (!Object.prototype.hasOwnProperty.call(current, k)) {
          return applyTime ? decidedLater(`.${k}`) : this.failure(node, `no attribute or key ${JSON.stringify(k)}`);
        }
        const owner = current;
        current = current[k] as EvalValue;
        // A null attribute of a resource is unset: the provider decides it at apply time.
        if (current === null && applyTime) {
          current = owner;
          return decidedLater(`.${k}`);
        }
      } else if (current === null) return this.failure(node, 'attempt to read from a null value');
      else return this.failure(node, `cannot read ${step.kind === 'attr' ? `.${step.name}` : '[...]'} from a ${typeof current}`);
    }
    return current;
  }

  private call(node: Extract<Node, { kind: 'call' }>): EvalValue {
    const { name } = node;
    if (name.includes('::')) return this.opaque(node, 'provider functions are not evaluated');
    if (IMPURE.has(name)) return this.opaque(node, `${name}() reads the machine running Terraform and is not evaluated`);
    if (name === 'try' || name === 'can') return this.tryCall(node);
    if (name !== 'file' && name !== 'templatefile' && !hasFunction(name)) return this.opaque(node, `function ${name}() is not evaluated`);
    let args = node.args.map((a) => this.eval(a));
    if (node.expand) {
      const last = args[args.length - 1];
      if (last instanceof Opaque) return this.opaque(node, undefined, [last]);
      if (last === undefined || !Array.isArray(last)) return this.failure(node, 'the expanded argument must be a list');
      args = [...args.slice(0, -1), ...(last as readonly EvalValue[])];
    }
    const failed = args.map((a) => errorIn(a)).find((e) => e !== undefined);
    if (failed) return this.opaque(node, failed.note, [failed]);
    if (name === 'file' || name === 'templatefile') return this.fileCall(node, args);
    try {
      return callFunction(name, args);
    } catch (error) {
      if (error instanceof FunctionError) return this.failure(node, `${name}(): ${error.message}`);
      return this.caught(node, error, args);
    }
  }

  /** `try(a, b, ...)`: the first argument that evaluates without an error; `can(x)`: whether x does. */
  private tryCall(node: Extract<Node, { kind: 'call' }>): EvalValue {
    for (const arg of node.args) {
      const value = this.eval(arg);
      const failed = errorIn(value);
      if (failed) continue;
      if (!isKnown(value) && node.name === 'can') return this.opaque(node, undefined, [value]);
      // An unknown part might still fail at apply time; Terraform then says unknown too.
      if (value instanceof Opaque) return this.opaque(node, undefined, [value]);
      return node.name === 'can' ? true : value;
    }
    return node.name === 'can' ? false : this.failure(node, 'no argument of try() could be evaluated');
  }

  /** `file(path)` and `templatefile(path, vars)`: only files under the module's folder are read. */
  private fileCall(node: Extract<Node, { kind: 'call' }>, args: readonly EvalValue[]): EvalValue {
    const [pathArg, vars] = args;
    if (typeof pathArg !== 'string') {
      return pathArg instanceof Opaque ? this.opaque(node, undefined, [pathArg]) : this.failure(node, `${node.name}(): a path is required`);
    }
    if (!this.scope.readFile) return this.opaque(node, `${node.name}() reads the machine running Terraform and is not evaluated`);
    const read = this.scope.readFile(pathArg);
    if ('error' in read) return this.opaque(node, `${node.name}(): ${read.error}`);
    if (node.name === 'file') return read.text;
    if (vars !== undefined && !isObjectValue(vars)) {
      return vars instanceof Opaque ? this.opaque(node, undefined, [vars]) : this.failure(node, 'templatefile(): the variables must be an object');
    }
    let parts: TemplatePiece[];
    try {
      parts = parseTemplate(read.text);
    } catch (error) {
      if (error instanceof HclSyntaxError) return this.failure(node, `templatefile(): ${error.message}`);
      throw error;
    }
    // The template sees only its variables and the functions: not the module's vars or resources.
    const inner = new Evaluator(read.text, TEMPLATE_SCOPE, this.context);
    inner.depth = this.depth;
    inner.bindings = new Map(Object.entries(vars ?? {}));
    const value = inner.template(parts);
    return value instanceof Opaque && !value.partial ? this.opaque(node, value.note, [value]) : value;
  }
}

const TEMPLATE_SCOPE: EvalScope = { prefix: '', variable: () => undefined, local: () => undefined };

