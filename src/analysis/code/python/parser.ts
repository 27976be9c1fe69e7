import type { Parser } from 'web-tree-sitter';

/**
 * The Python parser (tree-sitter's Python grammar, WebAssembly). Loading WebAssembly is
 * asynchronous and reads files, so inputs/python-grammar.ts loads it before the analysis runs
 * (`check`, `audit`, `query` and `infer` with code) and the CLI hands it over here.
 */
let parser: Parser | undefined;

export function usePythonParser(loaded: Parser): void {
  parser = loaded;
}

export function pythonParser(): Parser {
  if (!parser)
    throw new Error('the Python parser is not loaded: usePythonParser(await loadPythonGrammar()) (inputs/python-grammar.ts) before analysing Python code');
  return parser;
}
