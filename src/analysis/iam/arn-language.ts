import { globsIntersect } from './actions.js';

/**
 * Resource sets as regular languages. An IAM Resource pattern (`arn:aws:s3:::datasets/*`) and an
 * ARN format of the service authorization reference (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`)
 * each denote a set of strings; "is there one resource of the action's types that this Allow
 * matches, the boundary lets through and no Deny matches?" is the emptiness of
 * `formats ∩ allow ∩ boundary \ deny₁ \ deny₂ ...` (a NotResource pattern is the complement).
 *
 * Each language is a small NFA (a list of token sequences). Emptiness is decided by a breadth-first
 * search over the product of their subset states (the determinisation is built lazily, only for
 * the states the search reaches), over an alphabet made of every literal character the patterns
 * name, plus `:` and one fresh character standing for every other character (they all behave
 * alike). The search returns the shortest member, which serves as a witness ARN.
 *
 * Matching follows IAM: the partition, service, region and account segments are matched one by one,
 * so a wildcard there never spans a `:`; the resource part (after the fifth `:`) is one glob whose
 * `*` spans anything. A pattern with fewer than six segments has its missing segments read as `*`.
 * Patterns that do not start with `arn:` (`*`) are one glob over the whole string. Matching is
 * case-sensitive, as ARNs are.
 */

/** `lit`: that character. `one`: any one character. `star`: any run. `colon`: may the character be `:`. */
type Token = { readonly k: 'lit'; readonly c: string } | { readonly k: 'one' | 'star'; readonly colon: boolean };

export interface ArnLanguage {
  /** Alternatives; the language is their union. */
  readonly branches: readonly (readonly Token[])[];
}

const lit = (c: string): Token => ({ k: 'lit', c });
/** A character no ARN holds: patterns use it for a value that can never match (an apply-time ARN asked against `*`). */
export const NO_ARN_CHAR = '\u0000';
const ANY_SEG: Token = { k: 'star', colon: false };
const ANY: Token = { k: 'star', colon: true };
const ONE_SEG: Token = { k: 'one', colon: false };
const ONE: Token = { k: 'one', colon: true };

function globTokens(text: string, colon: boolean, out: Token[]): void {
  for (const c of text) out.push(c === '*' ? (colon ? ANY : ANY_SEG) : c === '?' ? (colon ? ONE : ONE_SEG) : lit(c));
}

/** The first five `:`-separated segments and the rest (which may hold `:`), or undefined for a non-ARN text. */
function arnParts(text: string): string[] | undefined {
  if (!text.startsWith('arn:')) return undefined;
  const parts = text.split(':');
  const head = parts.slice(0, 5);
  while (head.length < 5) head.push('*');
  return [...head, parts.length > 5 ? parts.slice(5).join(':') : '*'];
}

/** The set of ARNs an IAM Resource/NotResource pattern matches. */
export function patternLanguage(pattern: string): ArnLanguage {
  const tokens: Token[] = [];
  const parts = arnParts(pattern);
  if (!parts) globTokens(pattern, true, tokens);
  else {
    parts.forEach((part, i) => {
      if (i > 0) tokens.push(lit(':'));
      globTokens(part, i === 5, tokens);
    });
  }
  return { branches: [tokens] };
}

/**
 * The set of ARNs of a resource type (`arn:${Partition}:sagemaker:${Region}:${Account}:model-package/${ModelPackageName}`).
 * A placeholder is one or more characters; in the first five segments (partition, region, account) it holds no `:`,
 * in the resource part it may (an S3 object key may hold `:`). `*` stands for "any resource" (actions without resource types).
 */
export function formatLanguage(format: string): ArnLanguage {
  if (format === '*') return { branches: [[lit('*')]] };
  const tokens: Token[] = [];
  const segments = format.split(':');
  const head = segments.slice(0, 5);
  const rest = segments.slice(5).join(':');
  const placeholders = (text: string, colon: boolean) => {
    for (const piece of text.split(/(\$\{[^}]*\})/)) {
      if (piece.startsWith('${')) tokens.push(colon ? ONE : ONE_SEG, colon ? ANY : ANY_SEG);
      else for (const c of piece) tokens.push(lit(c));
    }
  };
  head.forEach((segment, i) => {
    if (i > 0) tokens.push(lit(':'));
    placeholders(segment, false);
  });
  if (segments.length > 5) {
    tokens.push(lit(':'));
    placeholders(rest, true);
  }
  return { branches: [tokens] };
}

export const union = (languages: readonly ArnLanguage[]): ArnLanguage => ({ branches: languages.flatMap((l) => l.branches) });

/** Position kinds in `Nfa.kinds`: the end of a branch (accepting), a literal character, `one`, `star`. */
const END = 0;
const LIT = 1;
const ONE_KIND = 2;
const STAR = 3;
const COLON = 58; // ':'

/**
 * NFA positions of one language: (branch, index) flattened; index === length is accepting. Positions
 * are numbers in typed arrays, not token objects: tokens come in three shapes, and a search reading
 * them in a hot loop was optimized, met another shape, was thrown away and optimized again.
 */
class Nfa {
  readonly starts: number[] = [];
  /** Per position: END, LIT, ONE_KIND or STAR. */
  readonly kinds: Uint8Array;
  /** A literal's code point (0 for NO_ARN_CHAR). */
  readonly codes: Int32Array;
  /** 1 where a wildcard may read `:`. */
  readonly colons: Uint8Array;
  constructor(language: ArnLanguage) {
    let n = 0;
    for (const branch of language.branches) n += branch.length + 1;
    this.kinds = new Uint8Array(n);
    this.codes = new Int32Array(n);
    this.colons = new Uint8Array(n);
    let p = 0;
    for (const branch of language.branches) {
      this.starts.push(p);
      for (const t of branch) {
        if (t.k === 'lit') {
          this.kinds[p] = LIT;
          this.codes[p] = t.c.codePointAt(0) ?? 0;
        } else {
          this.kinds[p] = t.k === 'star' ? STAR : ONE_KIND;
          this.colons[p] = t.colon ? 1 : 0;
        }
        p++;
      }
      p++; // END
    }
  }
  /** Adds `p` and every position reachable by letting stars match nothing. */
  close(set: Set<number>, p: number): void {
    for (;;) {
      if (set.has(p)) return;
      set.add(p);
      if (this.kinds[p] !== STAR) return;
      p++;
    }
  }
  start(): number[] {
    const set = new Set<number>();
    for (const s of this.starts) this.close(set, s);
    return [...set].sort((a, b) => a - b);
  }
  private readonly steps = new Map<string, number[]>();
  /** The positions after reading code point `c`. */
  step(state: readonly number[], c: number): number[] {
    const memo = `${state.join(',')}|${c}`;
    const known = this.steps.get(memo);
    if (known) return known;
    const result = this.stepUncached(state, c);
    if (this.steps.size < 50_000) this.steps.set(memo, result);
    return result;
  }
  stepUncached(state: readonly number[], c: number): number[] {
    const next = new Set<number>();
    for (const p of state) {
      const kind = this.kinds[p];
      if (kind === END) continue;
      if (kind === LIT) {
        if (this.codes[p] === c) this.close(next, p + 1);
      } else if (this.colons[p] === 1 || c !== COLON) {
        this.close(next, kind === STAR ? p : p + 1);
      }
    }
    return [...next].sort((a, b) => a - b);
  }
  accepting(state: readonly number[]): boolean {
    return state.some((p) => this.kinds[p] === END);
  }
  /** Adds the code points of its literals (NO_ARN_CHAR aside). */
  letters(into: Set<number>): void {
    for (let p = 0; p < this.kinds.length; p++) if (this.kinds[p] === LIT && this.codes[p] !== 0) into.add(this.codes[p] as number);
  }
}

/** One NFA per language, built once (languages are cached by their pattern text upstream). */
const nfas = new WeakMap<ArnLanguage, Nfa>();
const nfaOf = (language: ArnLanguage): Nfa => {
  let n = nfas.get(language);
  if (!n) nfas.set(language, (n = new Nfa(language)));
  return n;
};

const branchCache = new WeakMap<ArnLanguage, ArnLanguage[]>();
const branchesOf = (language: ArnLanguage): ArnLanguage[] => {
  let list = branchCache.get(language);
  if (!list) branchCache.set(language, (list = language.branches.map((b) => ({ branches: [b] }))));
  return list;
};

/** The first five `:`-separated segments of each branch as globs (`*` for a placeholder); undefined for a non-ARN branch. */
const headCache = new WeakMap<ArnLanguage, (string[] | undefined)[]>();
function headsOf(language: ArnLanguage): (string[] | undefined)[] {
  let heads = headCache.get(language);
  if (heads) return heads;
  heads = language.branches.map((tokens) => {
    const segments: string[] = [''];
    for (const t of tokens) {
      if (segments.length > 5) break;
      if (t.k === 'lit' && t.c === ':') segments.push('');
      else segments[segments.length - 1]! += t.k === 'lit' ? (t.c === '*' || t.c === '?' ? '\u0001' : t.c) : t.k === 'one' ? '?' : '*';
    }
    return segments.length > 5 && segments[0] === 'arn' ? segments.slice(0, 5) : undefined;
  });
  headCache.set(language, heads);
  return heads;
}
/** Do some branches of all the languages agree segment by segment on the ARN head? (A necessary condition for a common member.) */
function headsMeet(languages: readonly ArnLanguage[]): boolean {
  let pool: (string[] | undefined)[] = [undefined];
  for (const language of languages) {
    const next: (string[] | undefined)[] = [];
    for (const h of headsOf(language)) {
      for (const p of pool) {
        if (!h) next.push(p);
        else if (!p) next.push(h);
        else if (h.every((seg, i) => segmentsMeet(seg, p[i] ?? ''))) next.push(h.length >= p.length ? h : p);
      }
      if (next.length > 64) return true; // too many combinations for a cheap test: let the search decide
    }
    if (next.length === 0) return false;
    pool = next;
  }
  return true;
}
const segmentsMeet = (a: string, b: string): boolean => !/[*?]/.test(a) && !/[*?]/.test(b) ? a === b : globsIntersect(a, b);

/** With one ARN written without wildcards (a table, a topic, a model) among `include`: the only possible member, checked. */
function literalMember(include: readonly ArnLanguage[], exclude: readonly ArnLanguage[]): WitnessResult | undefined {
  const one = include.map(literalOf).find((text) => text !== undefined);
  if (one === undefined) return undefined;
  // No real ARN holds NO_ARN_CHAR (the search never reads it either).
  const member = !one.includes(NO_ARN_CHAR) && include.every((l) => accepts(l, one)) && !exclude.some((l) => accepts(l, one));
  return member ? { kind: 'member', witness: one } : { kind: 'empty' };
}

/** The one string a language holds when it is a single branch of literal characters. */
const literals = new WeakMap<ArnLanguage, string | null>();
function literalOf(language: ArnLanguage): string | undefined {
  let text = literals.get(language);
  if (text === undefined) {
    const [branch, ...others] = language.branches;
    text = branch && others.length === 0 && branch.every((t) => t.k === 'lit') ? branch.map((t) => t.c).join('') : null;
    literals.set(language, text);
  }
  return text ?? undefined;
}

const FRESH_CANDIDATES = Array.from('xyzqkwjv0123456789_-abcdefghilmnoprstu', (c) => c.charCodeAt(0));

/** The literals of the NFAs and `:`, and one character none of them names, standing for every other (code points). */
function lettersOf(nfas: readonly Nfa[]): { letters: Set<number>; fresh: number } {
  const letters = new Set<number>([COLON]);
  for (const n of nfas) n.letters(letters);
  return { letters, fresh: FRESH_CANDIDATES.find((c) => !letters.has(c)) ?? 0xa7 };
}

export type WitnessResult = { readonly kind: 'member'; readonly witness: string } | { readonly kind: 'empty' } | { readonly kind: 'too-large' };

/**
 * A member of `include₁ ∩ include₂ ∩ ... \ exclude₁ \ exclude₂ ...`, or `empty` when there is none.
 * `too-large` only if the search exceeds `limit` product states (never seen on real policies: the
 * states are bounded by the product of pattern lengths).
 */
export function findMember(include: readonly ArnLanguage[], exclude: readonly ArnLanguage[], limit = 200_000): WitnessResult {
  if (include.length === 0) return { kind: 'empty' };
  // (A ∪ B) ∩ X = (A ∩ X) ∪ (B ∩ X): a union of formats is searched one format at a time (smaller subset states).
  const [first, ...rest] = include;
  if (first && first.branches.length > 1) {
    let tooLarge = false;
    for (const branch of branchesOf(first)) {
      const r = findMember([branch, ...rest], exclude, limit);
      if (r.kind === 'member') return r;
      if (r.kind === 'too-large') tooLarge = true;
    }
    return tooLarge ? { kind: 'too-large' } : { kind: 'empty' };
  }
  const literal = literalMember(include, exclude);
  if (literal) return literal;
  // Cheap refusal first: languages whose partition/service/region/account segments cannot meet.
  if (!headsMeet(include)) return { kind: 'empty' };
  // Without complements no subset construction is needed: the product of the NFAs' positions suffices.
  if (exclude.length === 0) return productMember(include.map(nfaOf), limit);
  const inc = include.map(nfaOf);
  const exc = exclude.map(nfaOf);
  const { letters, fresh } = lettersOf([...inc, ...exc]);
  // The fresh character first and `:` last: the shortest witness then reads `model-package/x`, not
  // `model-package/:`. The literals in between in UTF-16 order, as strings sort.
  const utf16 = (c: number) => String.fromCodePoint(c);
  const alphabet = [fresh, ...[...letters].filter((c) => c !== COLON).sort((a, b) => (utf16(a) < utf16(b) ? -1 : utf16(a) > utf16(b) ? 1 : 0)), COLON];
  const all = [...inc, ...exc];
  const keyOf = (states: readonly (readonly number[])[]) => states.map((s) => s.join(',')).join('|');
  const accepts = (states: readonly (readonly number[])[]) =>
    inc.every((n, i) => n.accepting(states[i] ?? [])) && exc.every((n, i) => !n.accepting(states[inc.length + i] ?? []));

  const start = all.map((n) => n.start());
  if (inc.some((_, i) => (start[i] ?? []).length === 0)) return { kind: 'empty' };
  /** State tuple -> the tuple it was reached from and the code point read. */
  const parents = new Map<string, { from: string; c: number } | null>([[keyOf(start), null]]);
  let frontier: (readonly number[])[][] = [start];
  while (frontier.length > 0) {
    const next: (readonly number[])[][] = [];
    for (const states of frontier) {
      const key = keyOf(states);
      if (accepts(states)) {
        const read: number[] = [];
        for (let parent = parents.get(key); parent; parent = parents.get(parent.from)) read.push(parent.c);
        return { kind: 'member', witness: String.fromCodePoint(...read.reverse()) };
      }
      // Characters that behave differently here: the literals some NFA expects next, `:`, and one fresh
      // character for all the others (exact: a character no current position names moves every NFA alike).
      const here = new Set<number>([fresh]);
      all.forEach((n, i) => {
        for (const p of states[i] ?? []) if (n.kinds[p] === LIT && n.codes[p] !== 0) here.add(n.codes[p] as number);
      });
      here.add(COLON);
      for (const c of alphabet) {
        if (!here.has(c)) continue;
        const stepped = all.map((n, i) => n.step(states[i] ?? [], c));
        if (inc.some((_, i) => (stepped[i] ?? []).length === 0)) continue;
        const k = keyOf(stepped);
        if (parents.has(k)) continue;
        parents.set(k, { from: key, c });
        if (parents.size > limit) return { kind: 'too-large' };
        next.push(stepped);
      }
    }
    frontier = next;
  }
  return { kind: 'empty' };
}

/**
 * A shortest common member of NFAs, by a 0-1 breadth-first search over tuples of positions (a star
 * may be left without reading a character: a free move). Exact, and linear in the reachable tuples.
 * A tuple is one number (mixed radix) throughout: the search allocates nothing per state but its
 * map entries (it runs for every Allow pattern of every role). Characters are code points.
 */
function productMember(nfas: readonly Nfa[], limit: number): WitnessResult {
  const { fresh } = lettersOf(nfas);
  // Plain loops, not `map`: arrays of one shape keep the optimized search from being thrown away.
  const k = nfas.length;
  const kinds: Uint8Array[] = [];
  const codes: Int32Array[] = [];
  const colons: Uint8Array[] = [];
  for (const n of nfas) {
    kinds.push(n.kinds);
    codes.push(n.codes);
    colons.push(n.colons);
  }
  /** Place values: position i of a tuple counts `weight[i]` (an NFA of n positions has n + 1 digits). */
  const weight = new Float64Array(k);
  let tuples = 1;
  for (let i = k - 1; i >= 0; i--) {
    weight[i] = tuples;
    tuples *= (kinds[i] as Uint8Array).length + 1;
  }
  if (tuples > Number.MAX_SAFE_INTEGER) return { kind: 'too-large' };
  const state = new Int32Array(k);
  const decode = (key: number): void => {
    for (let i = 0; i < k; i++) {
      const w = weight[i] ?? 1;
      let p = Math.floor(key / w);
      // Integers below 2^53 are exact, a quotient may round up: correct it.
      if (p * w > key) p--;
      state[i] = p;
      key -= p * w;
    }
  };
  /** Tuple -> the tuple it was reached from (-1 for a start) and the code point read (-1 for a free move). */
  const parents = new Map<number, number>();
  const reads = new Map<number, number>();
  const deque: number[] = [];
  let starts: number[] = [0];
  nfas.forEach((n, i) => {
    const next: number[] = [];
    for (const prefix of starts) for (const s of n.starts) next.push(prefix + s * (weight[i] ?? 1));
    starts = next;
  });
  for (const key of starts) {
    if (parents.has(key)) continue;
    parents.set(key, -1);
    deque.push(key);
  }
  const witnessOf = (key: number): string => {
    const read: number[] = [];
    for (let at = key; (parents.get(at) ?? -1) >= 0; at = parents.get(at) ?? -1) {
      const c = reads.get(at) ?? -1;
      if (c >= 0) read.push(c);
    }
    return String.fromCodePoint(...read.reverse());
  };
  const reach = (key: number, from: number, c: number): boolean => {
    if (parents.has(key)) return false;
    parents.set(key, from);
    reads.set(key, c);
    return true;
  };
  // Free moves go to the front, reading moves to the back: tuples leave in order of witness length.
  let head = 0;
  const front: number[] = [];
  const here: number[] = [];
  while (front.length > 0 || head < deque.length) {
    const key = front.length > 0 ? (front.pop() as number) : (deque[head++] as number);
    decode(key);
    let accepting = true;
    for (let i = 0; i < k; i++) if ((kinds[i] as Uint8Array)[state[i] as number] !== END) accepting = false;
    if (accepting) return { kind: 'member', witness: witnessOf(key) };
    // Free moves: one star left behind.
    for (let i = 0; i < k; i++) {
      if ((kinds[i] as Uint8Array)[state[i] as number] !== STAR) continue;
      const moved = key + (weight[i] as number);
      if (reach(moved, key, -1)) front.push(moved);
    }
    // Reading moves: the characters that matter here (the fresh one, `:`, the literals some NFA expects).
    here.length = 0;
    here.push(fresh, COLON);
    for (let i = 0; i < k; i++) {
      const p = state[i] as number;
      const c = (codes[i] as Int32Array)[p] as number;
      if ((kinds[i] as Uint8Array)[p] === LIT && c !== 0 && !here.includes(c)) here.push(c);
    }
    for (const c of here) {
      let next = 0;
      let dead = false;
      for (let i = 0; i < k && !dead; i++) {
        const p = state[i] as number;
        const kind = (kinds[i] as Uint8Array)[p];
        let moved = p;
        if (kind === END) dead = true;
        else if (kind === LIT) {
          if ((codes[i] as Int32Array)[p] === c) moved = p + 1;
          else dead = true;
        } else if (c === COLON && (colons[i] as Uint8Array)[p] === 0) dead = true;
        else if (kind === ONE_KIND) moved = p + 1;
        next += moved * (weight[i] as number);
      }
      if (dead || !reach(next, key, c)) continue;
      if (parents.size > limit) return { kind: 'too-large' };
      deque.push(next);
    }
  }
  return { kind: 'empty' };
}

/** Is `text` in the language? (The NFA run over its live positions: asked for every Deny and boundary part of a decision.) */
export function accepts(language: ArnLanguage, text: string): boolean {
  const { kinds, codes, colons, starts } = nfaOf(language);
  const n = kinds.length;
  /** `seen[p] === step`: position p is already live after the current character. */
  const seen = new Uint32Array(n);
  let step = 1;
  let live = new Int32Array(n);
  let next = new Int32Array(n);
  /** Adds `p` and every position reachable by letting stars match nothing to `into`, which holds `count`; the new count. */
  const close = (into: Int32Array, count: number, p: number): number => {
    for (; seen[p] !== step; p++) {
      seen[p] = step;
      into[count++] = p;
      if (kinds[p] !== STAR) break;
    }
    return count;
  };
  let liveCount = 0;
  for (const s of starts) liveCount = close(live, liveCount, s);
  for (let j = 0; j < text.length; ) {
    const c = text.codePointAt(j) as number;
    j += c > 0xffff ? 2 : 1;
    step++;
    let nextCount = 0;
    for (let i = 0; i < liveCount; i++) {
      const p = live[i] as number;
      const kind = kinds[p];
      if (kind === END || (kind === LIT ? codes[p] !== c : c === COLON && colons[p] === 0)) continue;
      nextCount = close(next, nextCount, kind === STAR ? p : p + 1);
    }
    if (nextCount === 0) return false;
    [live, next, liveCount] = [next, live, nextCount];
  }
  for (let i = 0; i < liveCount; i++) if (kinds[live[i] as number] === END) return true;
  return false;
}

/**
 * A witness read more easily: partition `aws`, region `us-east-1`, account `123456789012` where the
 * witness has some other value there and the constraints still hold.
 */
export function prettyWitness(witness: string, holds: (candidate: string) => boolean): string {
  const parts = witness.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return witness;
  let best = witness;
  const tries: [number, string][] = [
    [1, 'aws'],
    [3, 'us-east-1'],
    [4, '123456789012'],
  ];
  // A name that ends the ARN is easier to read non-empty (`model-package/team/x`, not `model-package/team/`).
  if (/[/:]$/.test(best) && holds(`${best}x`)) best = `${best}x`;
  for (const [i, value] of tries) {
    const current = best.split(':');
    if (current[i] === '' || current[i] === value) continue;
    current[i] = value;
    const candidate = current.join(':');
    if (holds(candidate)) best = candidate;
  }
  return best;
}
