import { isAscii } from 'node:buffer';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedDataVersionTag } from 'node:v8';
import { Script } from 'node:vm';
import type { ts as TS } from 'ts-morph';

type TypeScript = typeof TS;

let loaded: TypeScript | undefined;
let fromCodeCache = false;

/**
 * The TypeScript compiler API that ts-morph bundles, loaded on first use: a run without `--code`
 * never needs it. Only the parser is used (no program, no type checker): the code under analysis
 * is read, never executed or imported.
 *
 * The 9 MB compiler is loaded from its own file rather than through `ts-morph`, whose Project
 * layer we do not use (about 250 ms less), and compiled with a V8 code cache written at build
 * time when one matches this Node and this compiler (about 150 ms less). V8 rejects a cache from
 * another V8 version; the key below also rejects one from another compiler file.
 */
export function typescript(): TypeScript {
  loaded ??= loadCompiler().exports as TypeScript;
  return loaded;
}

/**
 * Whether the compiler was loaded with the build-time code cache (false until it is loaded).
 * @public read by test/installed.test.ts through dist/
 */
export const typescriptFromCodeCache = (): boolean => fromCodeCache;

/**
 * V8 accepts a cache only from the same V8 and the same flags (bin/hybridguard.js raises the
 * interrupt budget; a program using the API keeps the defaults): one cache per version tag.
 */
const cacheFile = (): string => join(dirname(fileURLToPath(import.meta.url)), `typescript.${cachedDataVersionTag()}.v8-cache`);

function compilerFile(): string {
  const fromTsMorph = createRequire(createRequire(import.meta.url).resolve('ts-morph'));
  return fromTsMorph.resolve('@ts-morph/common/dist/typescript.js');
}

/** What a cache must have been made for: this Node (V8) and this exact compiler file. */
function cacheKey(file: string): string {
  const { version } = JSON.parse(readFileSync(join(dirname(file), '..', 'package.json'), 'utf8')) as { version: string };
  return `${process.version} ${process.arch} @ts-morph/common@${version} ${statSync(file).size}\n`;
}

function readCache(key: string): Buffer | undefined {
  const file = cacheFile();
  if (!existsSync(file)) return undefined;
  const data = readFileSync(file);
  const newline = data.indexOf(10);
  return data.subarray(0, newline + 1).toString() === key ? data.subarray(newline + 1) : undefined;
}

/**
 * The compiler's source. It is ASCII: read as Latin-1, the 9 MB need no UTF-8 decoding and stay
 * outside the JavaScript heap (about a third less time than a UTF-8 read); the same text either way.
 */
function sourceText(file: string): string {
  const bytes = readFileSync(file);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** Runs the compiler's CommonJS file as `require` would, with the code cache when it matches. */
function loadCompiler(): { exports: unknown; script: Script; key: string } {
  const file = compilerFile();
  const key = cacheKey(file);
  const cachedData = readCache(key);
  const script = new Script(Module.wrap(sourceText(file)), { filename: file, cachedData });
  fromCodeCache = cachedData !== undefined && !script.cachedDataRejected;
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script, key };
}

/**
 * Writes the code cache for the V8 flags in effect (run by `npm run build`, for the defaults and
 * for the command's tuning). The compiler first parses a small handler so that the parser's
 * functions, compiled lazily, are in the cache too.
 * @public called through dist/ by scripts/write-compile-cache.mjs (and by the fast suite's setup)
 */
export function writeTypeScriptCodeCache(): void {
  const { exports, script, key } = loadCompiler();
  const ts = exports as TypeScript;
  const sample = `import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
export const handler = async (event: { key: string }): Promise<string> => {
  const s3 = new S3Client({});
  const out = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: event.key }));
  return String(out.Body ?? '');
};`;
  ts.createSourceFile('sample.ts', sample, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  writeFileSync(cacheFile(), Buffer.concat([Buffer.from(key), script.createCachedData()]));
}
