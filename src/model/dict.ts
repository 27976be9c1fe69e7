/**
 * Objects keyed by text from the input (resource names, tags, condition operators, attribute
 * keys). A plain `{}` inherits from `Object.prototype`: writing `x["__proto__"]` replaces its
 * prototype (or pollutes every object in the process), and reading `x["constructor"]` finds a
 * function. A dict has no prototype chain, so every key is an ordinary key.
 *
 * Dicts are made by a constructor whose prototype is an empty, frozen, prototype-less object:
 * the same safety as `Object.create(null)`, but V8 keeps them in fast mode.
 */
type Dict<T> = { [key: string]: T };

function NullPrototype(): void {}
NullPrototype.prototype = Object.freeze(Object.create(null) as object);
const Empty = NullPrototype as unknown as new () => Dict<never>;

/** An empty dict (copying `entries` in, when given: a literal table, or pairs). */
export function dict<T>(entries?: Readonly<Record<string, T>> | Iterable<readonly [string, T]>): Dict<T> {
  const out = new Empty() as Dict<T>;
  if (entries === undefined) return out;
  if (Symbol.iterator in entries) for (const [key, value] of entries) out[key] = value;
  else {
    const keys = Object.keys(entries);
    for (let i = 0; i < keys.length; i++) out[keys[i] as string] = entries[keys[i] as string] as T;
  }
  return out;
}

/**
 * Turns an object nobody else holds yet (fresh from `JSON.parse`) into a dict in place: its own
 * keys stay, its prototype becomes the dicts' (nothing inherited, not even from Object.prototype).
 */
export function makeDict(object: object): void {
  Object.setPrototypeOf(object, NullPrototype.prototype);
}

/** A dict of `f` applied to each own value of `object`. */
export function mapDict<T, U>(object: Readonly<Record<string, T>>, f: (value: T, key: string) => U): Dict<U> {
  const out = new Empty() as Dict<U>;
  const keys = Object.keys(object);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    out[key] = f(object[key] as T, key);
  }
  return out;
}

/** `table[key]` when `table` has its own property `key`: never an inherited `constructor` or `toString`. */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/**
 * Any value as text. `String()` throws on a dict (it has no `toString`), so values read from
 * input are turned into text here: containers as JSON, everything else as `String()` does.
 */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && (Array.isArray(value) || Object.getPrototypeOf(value) === NullPrototype.prototype)) {
    return JSON.stringify(value);
  }
  return String(value);
}

/** True for a dict or any other object literal value (not an array, not null). */
export const isDict = (value: unknown): value is Dict<unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
