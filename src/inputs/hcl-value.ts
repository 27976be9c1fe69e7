/**
 * The values of the HCL evaluator: what an expression evaluates to (`EvalValue`), the apply-time
 * unknown (`Opaque`), and the value operations that both the evaluator (inputs/hcl-eval.ts) and
 * the function library (inputs/hcl-functions.ts) use: Terraform's `==`, sets and `jsonencode`.
 */

/** Longest string the evaluator builds (a template, a `jsonencode` result). */
export const MAX_STRING = 1_000_000;

/** A value the evaluator cannot know: an apply-time attribute, an unevaluated function, an unset variable. */
export class Opaque {
  constructor(
    /**
     * The value as Terraform JSON would write it: `${aws_s3_bucket.b.arn}` for a whole expression,
     * `${aws_s3_bucket.b.arn}/*` for a string with some parts known (`partial`).
     */
    readonly text: string,
    /** Resource and data source attributes the value is computed from (`aws_s3_bucket.b.arn`). */
    readonly refs: readonly string[],
    /** A string whose unknown parts are written inline as `${...}` (template, format, jsonencode). */
    readonly partial: boolean,
    /** Why it is not evaluated, when that is not "known only after apply". */
    readonly note?: string,
    /** Terraform itself would reject the expression (a function error, a missing key): `try` moves on. */
    readonly error = false,
  ) {}
}

export type EvalValue = string | number | boolean | null | Opaque | readonly EvalValue[] | { readonly [key: string]: EvalValue };

/** An object or map value (not a list, not unknown). */
export const isObjectValue = (v: EvalValue): v is { readonly [key: string]: EvalValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Opaque);

/** Deep equality as Terraform's `==`: `undefined` when an unknown part decides it. */
export function valuesEqual(a: EvalValue, b: EvalValue): boolean | undefined {
  if (a instanceof Opaque || b instanceof Opaque) return undefined;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Array.isArray(a) ? a.map((_v, i) => String(i)) : Object.keys(a);
  const kb = Array.isArray(b) ? b.map((_v, i) => String(i)) : Object.keys(b);
  if (ka.length !== kb.length) return false;
  let undecided = false;
  for (const k of ka) {
    if (!kb.includes(k)) return false;
    const same = valuesEqual((a as Record<string, EvalValue>)[k] as EvalValue, (b as Record<string, EvalValue>)[k] as EvalValue);
    if (same === false) return false;
    if (same === undefined) undecided = true;
  }
  return undecided ? undefined : true;
}

/** Terraform sets of strings (or of numbers) iterate sorted and without duplicates; unknown elements keep their order after them. */
export function toSet(list: readonly EvalValue[]): EvalValue[] | undefined {
  const strings: string[] = [];
  const numbers: number[] = [];
  const unknown: Opaque[] = [];
  const other: EvalValue[] = [];
  for (const item of list) {
    if (typeof item === 'string') strings.push(item);
    else if (typeof item === 'number') numbers.push(item);
    else if (item instanceof Opaque) unknown.push(item);
    else other.push(item);
  }
  if (other.length || (strings.length && numbers.length)) return undefined;
  const known: EvalValue[] = strings.length
    ? [...new Set(strings)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    : [...new Set(numbers)].sort((a, b) => a - b);
  return [...known, ...unknown];
}

/**
 * Terraform's `jsonencode`: object keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped as Go's
 * encoder does. An unknown part is written as its `${...}` text in a JSON string.
 */
export function jsonEncode(value: EvalValue, refs: string[]): string | undefined {
  let budget = MAX_STRING;
  const encode = (v: EvalValue): string => {
    if (--budget < 0) throw new RangeError('too large');
    if (v instanceof Opaque) {
      refs.push(...v.refs);
      return goString(v.text);
    }
    if (v === null) return 'null';
    if (typeof v === 'string') return goString(v);
    if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (Array.isArray(v)) return `[${(v as readonly EvalValue[]).map(encode).join(',')}]`;
    const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${goString(k)}:${encode((v as { readonly [key: string]: EvalValue })[k] as EvalValue)}`).join(',')}}`;
  };
  try {
    return encode(value);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

const goString = (text: string): string =>
  JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
