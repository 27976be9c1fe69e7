// Run by `npm run build`, after tsc: writes the V8 code cache that makes loading the TypeScript
// parser faster (see dist/analysis/code/typescript.js). Plain JS so that it runs without tsx.
import { writeTypeScriptCodeCache } from '../dist/analysis/code/typescript.js';

writeTypeScriptCodeCache();
