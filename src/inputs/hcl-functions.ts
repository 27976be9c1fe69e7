import { dict } from '../model/dict.js';
import { jsonEncode, Opaque, toSet, valuesEqual, type EvalValue } from './hcl-value.js';

/**
 * Terraform's built-in functions, with Terraform's semantics on the value model of hcl-eval.ts:
 * lists and sets are arrays (sets sorted, without duplicates), maps and objects are plain objects
 * made with `dict` (no prototype: a `__proto__` key stays a key), numbers are JS numbers. Arguments
 * convert as Terraform converts them (a number where a string is wanted becomes its text, "true"
 * where a bool is wanted becomes true). A call Terraform would reject throws `FunctionError`
 * (the caller makes the value unknown with that reason); a call whose result depends on a value
 * known only after apply throws `UnknownResult`.
 *
 * `try`, `can`, `templatefile` and `file` need the evaluator itself and live there.
 */

/** Terraform would fail the plan on this call: the message says why. */
export class FunctionError extends Error {}
/** The result depends on a value known only after apply. */
export class UnknownResult extends Error {}

type Obj = { readonly [key: string]: EvalValue };
const isObj = (v: EvalValue): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Opaque);
const fail = (message: string): never => {
  throw new FunctionError(message);
};
const unknown = (): never => {
  throw new UnknownResult();
};
const object = (entries: Iterable<readonly [string, EvalValue]>): Obj => dict(entries);

/** Terraform's number-to-string: integers without a fraction, others in shortest form. */
export function numberText(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? n.toFixed(0) : String(n);
}

export function str(v: EvalValue | undefined, what = 'a string'): string {
  if (v instanceof Opaque) return unknown();
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return fail(v === null ? `${what} is required, not null` : `${what} is required`);
}

export function num(v: EvalValue | undefined, what = 'a number'): number {
  if (v instanceof Opaque) return unknown();
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v.trim())) return Number(v);
  return fail(`${what} is required`);
}

function int(v: EvalValue | undefined, what = 'a whole number'): number {
  const n = num(v, what);
  if (!Number.isInteger(n)) fail(`${what} is required, not ${n}`);
  return n;
}

export function bool(v: EvalValue | undefined, what = 'a bool'): boolean {
  if (v instanceof Opaque) return unknown();
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return fail(v === null ? `${what} is required, not null` : `${what} is required`);
}

function list(v: EvalValue | undefined, what = 'a list'): readonly EvalValue[] {
  if (v instanceof Opaque) return unknown();
  if (Array.isArray(v)) return v as readonly EvalValue[];
  return fail(`${what} is required`);
}

function map(v: EvalValue | undefined, what = 'a map'): Obj {
  if (v instanceof Opaque) return unknown();
  if (v !== undefined && isObj(v)) return v;
  return fail(`${what} is required`);
}

/** A string with apply-time parts (`arn:${...}:logs`): a string all the same, whose text is not all known. */
const isPartial = (v: EvalValue): boolean => v instanceof Opaque && v.partial;

/** A list whose elements must all be known (their values decide the result); partial strings count as strings. */
function knownList(v: EvalValue | undefined, what?: string): readonly EvalValue[] {
  const items = list(v, what);
  if (items.some((item) => item instanceof Opaque && !item.partial)) unknown();
  return items;
}

const sortedKeys = (o: Obj): string[] => Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function setOf(items: readonly EvalValue[]): EvalValue[] {
  const set = toSet(items);
  if (set) return set;
  // Sets of objects or lists: duplicates removed, order kept.
  const out: EvalValue[] = [];
  for (const item of items) if (!out.some((o) => valuesEqual(o, item) === true)) out.push(item);
  return out;
}

function arity(args: readonly EvalValue[], min: number, max = min): void {
  if (args.length >= min && args.length <= max) return;
  fail(max === min ? `takes ${min} argument${min === 1 ? '' : 's'}` : `takes ${min} to ${max === Infinity ? 'any number of' : max} arguments`);
}

// ---- IP addresses (cidrsubnet, cidrhost): IPv4 and IPv6, as BigInt.

function parseIp(text: string): { value: bigint; bits: number } {
  if (text.includes(':')) {
    const [head = '', tail] = text.split('::');
    const groups = (part: string) => (part ? part.split(':') : []);
    const h = groups(head);
    const t = tail === undefined ? [] : groups(tail);
    const fill = tail === undefined ? 0 : 8 - h.length - t.length;
    const all = [...h, ...Array<string>(Math.max(fill, 0)).fill('0'), ...t];
    if (all.length !== 8 || all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) fail(`invalid IP address ${JSON.stringify(text)}`);
    return { value: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), bits: 128 };
  }
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) fail(`invalid IP address ${JSON.stringify(text)}`);
  return { value: parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n), bits: 32 };
}

function formatIp(value: bigint, bits: number): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  // Longest run of zero groups becomes `::` (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function parseCidr(text: string): { base: bigint; prefix: number; bits: number } {
  const slash = text.indexOf('/');
  if (slash < 0) fail(`invalid CIDR address ${JSON.stringify(text)}`);
  const ip = parseIp(text.slice(0, slash));
  const prefix = Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > ip.bits) fail(`invalid CIDR prefix in ${JSON.stringify(text)}`);
  const hostBits = BigInt(ip.bits - prefix);
  return { base: (ip.value >> hostBits) << hostBits, prefix, bits: ip.bits };
}

// Made on first use: creating a segmenter loads ICU data (about 20 ms), which most runs never need.
let segmenter: Intl.Segmenter | undefined;
/** Terraform's length, substr and strrev count grapheme clusters (cty uses Unicode text segmentation): `e` + U+0301 is one. */
const graphemes = (text: string): string[] =>
  Array.from((segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' })).segment(text), (s) => s.segment);

/** A capture group that took no part in the match is undefined at run time (lib.d.ts types it string); HCL gives null. */
const captured = (group: string | undefined): EvalValue => group ?? null;

// ---- format: the verbs real configuration uses.

function formatString(spec: string, args: readonly EvalValue[]): EvalValue {
  let out = '';
  let next = 0;
  let partial = false;
  const refs: string[] = [];
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const m = /^(%|[-+ #0]*(\d+)?(?:\.(\d+))?([a-zA-Z]))/.exec(spec.slice(i + 1));
    if (!m) fail('invalid format verb');
    const match = m as RegExpExecArray;
    i += match[0].length;
    if (match[1] === '%') {
      out += '%';
      continue;
    }
    const verb = match[4];
    const precision = match[3] !== undefined ? Number(match[3]) : undefined;
    const width = match[2] !== undefined ? Number(match[2]) : 0;
    const zero = match[0].includes('0') && !match[0].startsWith('.') && /^[-+ #]*0/.test(match[0]);
    const arg = args[next++];
    if (arg === undefined) fail('too few arguments for the format string');
    let text: string;
    if (arg instanceof Opaque) {
      if (verb !== 's' && verb !== 'v') unknown();
      partial = true;
      refs.push(...arg.refs);
      out += arg.text;
      continue;
    }
    switch (verb) {
      case 's':
      case 'v':
        if (typeof arg !== 'object' || arg === null) text = str(arg);
        else text = verb === 'v' ? (jsonEncode(arg, refs) ?? fail('value too large')) : fail('%s needs a string');
        break;
      case 'd':
        text = numberText(int(arg));
        break;
      case 'f':
      case 'g':
        text = verb === 'f' ? num(arg).toFixed(precision ?? 6) : String(num(arg));
        break;
      case 'x':
      case 'X':
        text = Math.trunc(num(arg)).toString(16);
        if (verb === 'X') text = text.toUpperCase();
        break;
      case 'o':
        text = Math.trunc(num(arg)).toString(8);
        break;
      case 'b':
        text = Math.trunc(num(arg)).toString(2);
        break;
      case 'q':
        text = JSON.stringify(str(arg));
        break;
      case 't':
        text = String(bool(arg));
        break;
      default:
        return fail(`unsupported format verb %${verb ?? ''}`);
    }
    if (verb === 's' && precision !== undefined) text = text.slice(0, precision);
    if (text.length < width) text = match[0].includes('-') ? text.padEnd(width) : zero ? text.padStart(width, '0') : text.padStart(width);
    out += text;
  }
  if (next < args.length) fail('too many arguments for the format string');
  return partial ? new Opaque(out, [...new Set(refs)], true) : out;
}

/** Go's RE2 syntax is close to JavaScript's for what configuration uses; named groups differ in spelling. */
function regexOf(pattern: string): RegExp {
  try {
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'), 'gu');
  } catch {
    return fail(`invalid regular expression ${JSON.stringify(pattern)}`);
  }
}

type Fn = (args: readonly EvalValue[]) => EvalValue;

const FUNCTIONS: ReadonlyMap<string, Fn> = new Map<string, Fn>([
  // ---- collections
  ['length', (a) => {
    arity(a, 1);
    const [v] = a as [EvalValue];
    if (v instanceof Opaque) return unknown();
    if (typeof v === 'string') return graphemes(v).length;
    if (Array.isArray(v)) return v.length;
    if (isObj(v)) return Object.keys(v).length;
    return fail('length needs a string, list, set, map or object');
  }],
  ['compact', (a) => {
    arity(a, 1);
    return knownList(a[0]).filter((v) => v !== null).map((v) => (isPartial(v) ? v : str(v))).filter((v) => v !== '');
  }],
  ['flatten', (a) => {
    arity(a, 1);
    const out: EvalValue[] = [];
    const walk = (items: readonly EvalValue[], depth: number) => {
      if (depth > 64) fail('list nested too deeply');
      for (const item of items) {
        if (item instanceof Opaque && !item.partial) unknown();
        if (Array.isArray(item)) walk(item as readonly EvalValue[], depth + 1);
        else out.push(item);
      }
    };
    walk(list(a[0]), 0);
    return out;
  }],
  ['concat', (a) => {
    const out: EvalValue[] = [];
    for (const v of a) out.push(...list(v, 'a list for every argument'));
    return out;
  }],
  ['element', (a) => {
    arity(a, 2);
    const items = list(a[0]);
    const i = int(a[1], 'an index');
    if (!items.length) fail('cannot use element function with an empty list');
    if (i < 0) fail('element index must not be negative');
    return items[i % items.length] as EvalValue;
  }],
  ['index', (a) => {
    arity(a, 2);
    const items = list(a[0]);
    for (let i = 0; i < items.length; i++) {
      const same = valuesEqual(items[i] as EvalValue, a[1] as EvalValue);
      if (same === undefined) unknown();
      if (same) return i;
    }
    return fail('item not found');
  }],
  ['coalesce', (a) => {
    if (!a.length) fail('takes at least one argument');
    for (const v of a) {
      if (v instanceof Opaque) return unknown();
      if (v === null || v === '') continue;
      // Arguments unify to one type: mixed strings and numbers become strings.
      const strings = a.some((x) => typeof x === 'string');
      return strings && typeof v !== 'string' && typeof v !== 'object' ? str(v) : v;
    }
    return fail('no non-null, non-empty-string arguments');
  }],
  ['coalescelist', (a) => {
    if (!a.length) fail('takes at least one argument');
    for (const v of a) {
      const items = list(v, 'a list for every argument');
      if (items.length) return items;
    }
    return [];
  }],
  ['lookup', (a) => {
    arity(a, 2, 3);
    const m = map(a[0]);
    const key = str(a[1], 'a key');
    if (Object.prototype.hasOwnProperty.call(m, key)) return m[key] as EvalValue;
    if (a.length === 3) return a[2] as EvalValue;
    return fail(`the given map has no key ${JSON.stringify(key)}`);
  }],
  ['keys', (a) => {
    arity(a, 1);
    return sortedKeys(map(a[0]));
  }],
  ['values', (a) => {
    arity(a, 1);
    const m = map(a[0]);
    return sortedKeys(m).map((k) => m[k] as EvalValue);
  }],
  ['distinct', (a) => {
    arity(a, 1);
    const out: EvalValue[] = [];
    for (const item of knownList(a[0])) {
      const seen = out.map((o) => valuesEqual(o, item));
      if (seen.includes(undefined)) unknown();
      if (!seen.includes(true)) out.push(item);
    }
    return out;
  }],
  ['contains', (a) => {
    arity(a, 2);
    let undecided = false;
    for (const item of list(a[0])) {
      const same = valuesEqual(item, a[1] as EvalValue);
      if (same === true) return true;
      if (same === undefined) undecided = true;
    }
    return undecided ? unknown() : false;
  }],
  ['zipmap', (a) => {
    arity(a, 2);
    const keys = knownList(a[0]).map((k) => str(k, 'a string key'));
    const values = list(a[1]);
    if (keys.length !== values.length) fail(`${keys.length} keys but ${values.length} values`);
    return object(keys.map((k, i) => [k, values[i] as EvalValue]));
  }],
  ['range', (a) => {
    arity(a, 1, 3);
    const n = a.map((v) => num(v));
    const [first, second] = [n[0] as number, n[1] as number];
    const [start, limit, step] = n.length === 1 ? [0, first, 1] : [first, second, n[2] ?? (first <= second ? 1 : -1)];
    if (step === 0) fail('step must not be zero');
    if ((step > 0 && start > limit) || (step < 0 && start < limit)) fail('step goes the wrong way for the given start and limit');
    const out: number[] = [];
    for (let v = start; step > 0 ? v < limit : v > limit; v += step) {
      out.push(v);
      if (out.length > 1024) fail('more than 1024 values');
    }
    return out;
  }],
  ['slice', (a) => {
    arity(a, 3);
    const items = list(a[0]);
    const start = int(a[1], 'a start index');
    const end = int(a[2], 'an end index');
    if (start < 0 || end > items.length || start > end) fail(`slice indexes ${start}..${end} out of range for ${items.length} elements`);
    return items.slice(start, end);
  }],
  ['one', (a) => {
    arity(a, 1);
    const items = list(a[0]);
    if (items.length > 1) fail(`must be a list with at most one element, not ${items.length}`);
    return items[0] ?? null;
  }],
  ['reverse', (a) => [...list(a[0])].reverse()],
  ['sort', (a) => {
    arity(a, 1);
    return knownList(a[0]).map((v) => str(v)).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  }],
  ['merge', (a) => {
    const entries: [string, EvalValue][] = [];
    for (const v of a) {
      if (v === null) continue;
      entries.push(...Object.entries(map(v, 'a map or object for every argument')));
    }
    return object(entries);
  }],
  ['chunklist', (a) => {
    arity(a, 2);
    const items = list(a[0]);
    const size = int(a[1]);
    if (size < 0) fail('chunk size must not be negative');
    if (size === 0) return [items];
    const out: EvalValue[] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  }],
  ['setunion', (a) => setOf(a.flatMap((v) => knownList(v, 'a set for every argument')))],
  ['setintersection', (a) => {
    if (!a.length) fail('takes at least one argument');
    const [first, ...rest] = a.map((v) => setOf(knownList(v, 'a set for every argument')));
    return (first ?? []).filter((item) => rest.every((s) => s.some((o) => valuesEqual(o, item) === true)));
  }],
  ['setsubtract', (a) => {
    arity(a, 2);
    const other = setOf(knownList(a[1]));
    return setOf(knownList(a[0])).filter((item) => !other.some((o) => valuesEqual(o, item) === true));
  }],
  ['alltrue', (a) => knownList(a[0]).every((v) => bool(v))],
  ['anytrue', (a) => knownList(a[0]).some((v) => bool(v))],
  ['sum', (a) => {
    const items = knownList(a[0]);
    if (!items.length) fail('cannot sum an empty list');
    return items.reduce((acc: number, v) => acc + num(v), 0);
  }],
  ['transpose', (a) => {
    const m = map(a[0]);
    const out = new Map<string, string[]>();
    for (const k of sortedKeys(m)) for (const v of knownList(m[k])) {
      const key = str(v);
      out.set(key, [...(out.get(key) ?? []), k]);
    }
    return object([...out].map(([k, v]) => [k, v]));
  }],
  // ---- strings
  ['join', (a) => {
    if (a.length < 2) fail('takes a separator and at least one list');
    const sep = str(a[0], 'a separator');
    const parts: EvalValue[] = a.slice(1).flatMap((v) => [...list(v)]);
    let text = '';
    let partial = false;
    const refs: string[] = [];
    for (const [i, p] of parts.entries()) {
      if (i) text += sep;
      if (p instanceof Opaque) {
        partial = true;
        text += p.text;
        refs.push(...p.refs);
      } else text += str(p, 'a string element');
    }
    return partial ? new Opaque(text, [...new Set(refs)], true) : text;
  }],
  ['split', (a) => {
    arity(a, 2);
    const sep = str(a[0], 'a separator');
    const s = str(a[1]);
    return s === '' ? [''] : s.split(sep);
  }],
  ['replace', (a) => {
    arity(a, 3);
    const [s, search, repl] = [str(a[0]), str(a[1]), str(a[2])];
    if (search.length > 1 && search.startsWith('/') && search.endsWith('/')) {
      return s.replace(regexOf(search.slice(1, -1)), repl.replace(/\$\{(\w+)\}/g, (_m, g: string) => (/^\d+$/.test(g) ? `$${g}` : `$<${g}>`)));
    }
    return search === '' ? s : s.split(search).join(repl);
  }],
  ['regex', (a) => {
    arity(a, 2);
    const re = regexOf(str(a[0]));
    const m = re.exec(str(a[1]));
    if (!m) return fail('pattern did not match');
    if (m.groups) return object(Object.entries(m.groups).map(([k, v]) => [k, captured(v)]));
    return m.length > 1 ? m.slice(1).map(captured) : m[0];
  }],
  ['regexall', (a) => {
    arity(a, 2);
    const s = str(a[1]);
    return [...s.matchAll(regexOf(str(a[0])))].map((m) =>
      m.groups ? object(Object.entries(m.groups).map(([k, v]) => [k, captured(v)])) : m.length > 1 ? m.slice(1).map(captured) : m[0],
    );
  }],
  ['lower', (a) => str(a[0]).toLowerCase()],
  ['upper', (a) => str(a[0]).toUpperCase()],
  ['title', (a) => str(a[0]).replace(/(^|[^\p{L}\p{N}])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase())],
  ['trimspace', (a) => str(a[0]).trim()],
  ['chomp', (a) => str(a[0]).replace(/(\r?\n)+$/, '')],
  ['trim', (a) => {
    // Terraform trims a set of code points (Go's strings.Trim), not of grapheme clusters.
    // eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points are meant here
    const chars = [...str(a[1])];
    let s = str(a[0]);
    while (s && chars.some((c) => s.startsWith(c))) s = s.slice(1);
    while (s && chars.some((c) => s.endsWith(c))) s = s.slice(0, -1);
    return s;
  }],
  ['trimprefix', (a) => {
    const [s, p] = [str(a[0]), str(a[1])];
    return p && s.startsWith(p) ? s.slice(p.length) : s;
  }],
  ['trimsuffix', (a) => {
    const [s, p] = [str(a[0]), str(a[1])];
    return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
  }],
  ['startswith', (a) => str(a[0]).startsWith(str(a[1]))],
  ['endswith', (a) => str(a[0]).endsWith(str(a[1]))],
  ['strrev', (a) => graphemes(str(a[0])).reverse().join('')],
  ['substr', (a) => {
    arity(a, 3);
    const chars = graphemes(str(a[0]));
    let offset = int(a[1], 'an offset');
    const length = int(a[2], 'a length');
    if (offset < 0) offset += chars.length;
    if (offset < 0 || offset > chars.length) fail('offset out of range');
    return chars.slice(offset, length < 0 ? undefined : offset + length).join('');
  }],
  ['format', (a) => {
    if (!a.length) fail('takes a format string');
    return formatString(str(a[0], 'a format string'), a.slice(1));
  }],
  ['formatlist', (a) => {
    if (!a.length) fail('takes a format string');
    const spec = str(a[0], 'a format string');
    const rest = a.slice(1);
    let n: number | undefined;
    for (const v of rest) {
      if (v instanceof Opaque) unknown();
      if (Array.isArray(v)) {
        if (n !== undefined && n !== v.length) fail('all lists must have the same length');
        n = v.length;
      }
    }
    const count = n ?? 1;
    const out: EvalValue[] = [];
    for (let i = 0; i < count; i++) out.push(formatString(spec, rest.map((v) => (Array.isArray(v) ? ((v as readonly EvalValue[])[i] as EvalValue) : v))));
    return out;
  }],
  ['indent', (a) => {
    const pad = ' '.repeat(int(a[0]));
    return str(a[1]).replace(/\n/g, `\n${pad}`);
  }],
  ['base64encode', (a) => Buffer.from(str(a[0]), 'utf8').toString('base64')],
  ['base64decode', (a) => Buffer.from(str(a[0]), 'base64').toString('utf8')],
  ['urlencode', (a) => encodeURIComponent(str(a[0]))],
  // ---- numbers
  ['abs', (a) => Math.abs(num(a[0]))],
  ['ceil', (a) => Math.ceil(num(a[0]))],
  ['floor', (a) => Math.floor(num(a[0]))],
  ['signum', (a) => Math.sign(num(a[0]))],
  ['pow', (a) => num(a[0]) ** num(a[1])],
  ['log', (a) => Math.log(num(a[0])) / Math.log(num(a[1]))],
  ['parseint', (a) => {
    const n = parseInt(str(a[0]), int(a[1]));
    return Number.isNaN(n) ? fail('cannot parse the number') : n;
  }],
  ['min', (a) => {
    if (!a.length) fail('takes at least one number');
    return Math.min(...a.map((v) => num(v)));
  }],
  ['max', (a) => {
    if (!a.length) fail('takes at least one number');
    return Math.max(...a.map((v) => num(v)));
  }],
  // ---- encoding and conversion
  ['jsonencode', (a) => {
    arity(a, 1);
    const [v] = a as [EvalValue];
    if (v instanceof Opaque) return unknown();
    const refs: string[] = [];
    const text = jsonEncode(v, refs);
    if (text === undefined) return fail('the value is too large to encode');
    return refs.length ? new Opaque(text, [...new Set(refs)], true) : text;
  }],
  ['jsondecode', (a) => {
    arity(a, 1);
    let parsed: unknown;
    try {
      parsed = JSON.parse(str(a[0]));
    } catch {
      return fail('the string is not valid JSON');
    }
    return fromJson(parsed, 0);
  }],
  ['tostring', (a) => {
    if (a[0] === null) return null;
    return typeof a[0] === 'object' && !(a[0] instanceof Opaque) ? fail('cannot convert a collection to a string') : str(a[0]);
  }],
  ['tonumber', (a) => (a[0] === null ? null : num(a[0]))],
  ['tobool', (a) => (a[0] === null ? null : bool(a[0]))],
  ['tolist', (a) => (a[0] === null ? null : list(a[0]))],
  ['toset', (a) => (a[0] === null ? null : setOf(knownList(a[0])))],
  ['tomap', (a) => (a[0] === null ? null : map(a[0]))],
  ['sensitive', (a) => a[0] ?? null],
  ['nonsensitive', (a) => a[0] ?? null],
  // ---- networks
  ['cidrsubnet', (a) => {
    arity(a, 3);
    const { base, prefix, bits } = parseCidr(str(a[0], 'a CIDR prefix'));
    const newbits = int(a[1], 'newbits');
    const netnum = BigInt(int(a[2], 'netnum'));
    const length = prefix + newbits;
    if (newbits < 0 || length > bits) fail(`insufficient address space to extend prefix of ${prefix} by ${newbits}`);
    if (netnum < 0n || netnum >= 1n << BigInt(newbits)) fail(`prefix extension of ${newbits} does not accommodate a subnet numbered ${netnum}`);
    return `${formatIp(base | (netnum << BigInt(bits - length)), bits)}/${length}`;
  }],
  ['cidrhost', (a) => {
    arity(a, 2);
    const { base, prefix, bits } = parseCidr(str(a[0], 'a CIDR prefix'));
    let host = BigInt(int(a[1], 'hostnum'));
    const size = 1n << BigInt(bits - prefix);
    if (host < 0n) host += size;
    if (host < 0n || host >= size) fail(`prefix of ${prefix} does not accommodate a host numbered ${a[1] as number}`);
    return formatIp(base | host, bits);
  }],
  ['cidrnetmask', (a) => {
    const { prefix, bits } = parseCidr(str(a[0], 'a CIDR prefix'));
    if (bits !== 32) fail('only IPv4 networks have a netmask');
    return formatIp(((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix)) - 1n), 32);
  }],
]);

function fromJson(value: unknown, depth: number): EvalValue {
  if (depth > 64) fail('JSON nested too deeply');
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => fromJson(v, depth + 1));
  return object(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromJson(v, depth + 1)]));
}

/** True when `name` is a built-in this file evaluates. */
export const hasFunction = (name: string): boolean => FUNCTIONS.has(name);

/** Calls a built-in; throws `FunctionError` or `UnknownResult` (see above). */
export function callFunction(name: string, args: readonly EvalValue[]): EvalValue {
  const fn = FUNCTIONS.get(name);
  if (!fn) throw new FunctionError(`function ${name}() is not evaluated`);
  const result = fn(args);
  // NaN and infinities are not Terraform numbers.
  if (typeof result === 'number' && !Number.isFinite(result)) fail('the result is not a finite number');
  return result;
}

