/** The Python side of the code analysis, loaded by `usePython` (support.ts) only for a run that reads Python. */
export { PythonEvaluator } from './evaluate.js';
export { summarizePython } from './parse.js';
export { PythonResolver } from './resolve.js';
