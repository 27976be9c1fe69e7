import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';
import { usePythonParser } from '../analysis/code/python/parser.js';

let loading: Promise<void> | undefined;

/**
 * Loads tree-sitter's runtime and its Python grammar from the installed packages
 * (web-tree-sitter, tree-sitter-python: both ship their WebAssembly; nothing is downloaded)
 * and gives the parser to the code analysis. Python code is only ever parsed, never run.
 * About 30 ms, once per process.
 */
export function loadPythonGrammar(): Promise<void> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const runtime = readFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'));
    await Parser.init({ wasmBinary: runtime });
    const language = await Language.load(readFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm')));
    const parser = new Parser();
    parser.setLanguage(language);
    usePythonParser(parser);
  })();
  return loading;
}
