import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

let loading: Promise<Parser> | undefined;

/**
 * Loads tree-sitter's runtime and its Python grammar from the installed packages
 * (web-tree-sitter, tree-sitter-python: both ship their WebAssembly; nothing is downloaded)
 * and returns the parser, which the caller hands to the code analysis (`usePythonParser`).
 * Python code is only ever parsed, never run.
 * About 30 ms, once per process.
 */
export function loadPythonGrammar(): Promise<Parser> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const runtime = readFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'));
    await Parser.init({ wasmBinary: runtime });
    const language = await Language.load(readFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm')));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return loading;
}
