// Copies tree-sitter-python's WebAssembly grammar (MIT, with its license) into data/, so the
// published package ships the one 448 KB file it loads instead of depending on tree-sitter-python
// (7 MB of C sources and native prebuilds, and an install script). Run after upgrading the
// devDependency: `node scripts/gen-python-grammar.mjs`; a test checks the copy is current.
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const data = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');
copyFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'), join(data, 'tree-sitter-python.wasm'));
copyFileSync(join(dirname(require.resolve('tree-sitter-python/package.json')), 'LICENSE'), join(data, 'tree-sitter-python.LICENSE'));
