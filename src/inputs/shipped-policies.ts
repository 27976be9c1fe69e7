import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDict } from '../model/dict.js';
import type { ParsedText } from '../model/json.js';

/**
 * The built-in policies, parsed at build time: parsing their YAML took about 70 ms of every run,
 * and loading the YAML library about 40 ms more. `npm run build` writes the cache at the root of
 * dist/ (scripts/write-compile-cache.mjs; the fast test suite's setup writes it beside the
 * transpiled sources). It is keyed by the whole text: a policy file edited since is parsed as any
 * other, never read stale, and without a cache every file is parsed.
 * @public written through dist/ by scripts/write-compile-cache.mjs
 */
export const SHIPPED_POLICY_CACHE = join(dirname(fileURLToPath(import.meta.url)), '..', 'shipped-policies.cache.json');

/** Shape of the cache file. */
export interface ShippedPolicyCacheEntry extends ParsedText {
  readonly text: string;
}

let shipped: ReadonlyMap<string, ParsedText> | undefined;

/** The cache's entries by text (objects as dicts, as a parse gives them); empty without a cache. */
export function readShippedPolicyCache(file: string = SHIPPED_POLICY_CACHE): ReadonlyMap<string, ParsedText> {
  if (file === SHIPPED_POLICY_CACHE && shipped) return shipped;
  const entries = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8'), (_key, value: unknown) => {
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) makeDict(value);
        return value;
      }) as ShippedPolicyCacheEntry[])
    : [];
  const byText = new Map(entries.map(({ text, data, positions }) => [text, { data, positions }]));
  if (file === SHIPPED_POLICY_CACHE) shipped = byText;
  return byText;
}
