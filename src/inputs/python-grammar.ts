import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser } from 'web-tree-sitter';

/** tree-sitter-python's grammar, copied into data/ by scripts/gen-python-grammar.mjs (from src/inputs and dist/inputs alike). */
const GRAMMAR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'tree-sitter-python.wasm');

let loading: Promise<Parser> | undefined;

/**
 * Loads tree-sitter's runtime (web-tree-sitter's WebAssembly) and the Python grammar (the
 * WebAssembly of tree-sitter-python, shipped in data/; nothing is downloaded)
 * and returns the parser, which the caller hands to the code analysis (`usePython`).
 * Python code is only ever parsed, never run.
 * About 30 ms, once per process.
 */
export function loadPythonGrammar(): Promise<Parser> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const runtime = readFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'));
    await Parser.init({ wasmBinary: runtime });
    const language = await Language.load(readFileSync(GRAMMAR));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return loading;
}
