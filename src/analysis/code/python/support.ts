import type { Parser } from 'web-tree-sitter';
import type * as PythonModules from './modules.js';

/**
 * What reads Python: tree-sitter's parser with the Python grammar, and the modules over its trees
 * (the boto3 tables among them). Loading WebAssembly is asynchronous and reads files, so
 * inputs/python-grammar.ts loads the grammar, and the caller hands it over here before analysing
 * Python code (`check`, `audit`, `query` and `infer` with code, when a handler is Python). A run
 * without Python loads neither.
 */
interface PythonSupport {
  readonly parser: Parser;
  readonly modules: typeof PythonModules;
}

let support: PythonSupport | undefined;

/** Takes the parser with the Python grammar and loads the Python modules with it. */
export async function usePython(parser: Parser): Promise<void> {
  support = { parser, modules: await import('./modules.js') };
}

export function python(): PythonSupport {
  if (!support)
    throw new Error('Python support is not loaded: await usePython(await loadPythonGrammar()) (inputs/python-grammar.ts) before analysing Python code');
  return support;
}
