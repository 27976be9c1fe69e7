// Run by `npm run build`, after tsc: `node scripts/bundle-cli.mjs`. Bundles the command
// (dist/cli/main.js and everything it imports) into one CommonJS file that bin/hybridguard.js
// compiles with a V8 code cache: an ESM graph of a hundred modules cannot use one on Node 20, and
// resolving, compiling and linking it took about a tenth of a large check.
//
// Each module keeps its own `import.meta.url` (its file in dist/), so the files it finds next to
// itself (the code worker's script, data/, policies/) are the same as in the ESM build.
//
// The bundle's first line and the last line of dist/cli/main.js name the same build: `tsc` alone
// rewrites main.js without it, and bin/load-cli.js then runs the ESM build (a packed tarball keeps
// both lines; file times it does not keep). Plain JS so that it runs without tsx.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');

/** Replaces `import.meta.url` in a dist/ module with its own file's URL, computed where the bundle runs. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const fromBundle = JSON.stringify(args.path.slice(dist.length + 1).split('\\').join('/'));
      const contents = text.replaceAll('import.meta.url', `__hgDistUrl(${fromBundle})`);
      return { contents, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

const buildId = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
const stamp = `// hybridguard bundle ${buildId}\n`;
const entry = join(dist, 'cli', 'main.js');
writeFileSync(entry, readFileSync(entry, 'utf8').replace(/\/\/ hybridguard bundle \S+\n$/, '') + stamp);

const result = await build({
  stdin: {
    contents: "export { main } from './main.js';\nexport { prefetchCodeOf } from './code-prefetch.js';\n",
    resolveDir: join(dist, 'cli'),
    sourcefile: 'bundle-entry.js',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // jsonc-parser's `main` is a UMD build whose requires esbuild cannot follow; its ESM build bundles.
  mainFields: ['module', 'main'],
  // tree-sitter's runtime finds its WebAssembly next to its own files: required from node_modules.
  // (hcl2json, yaml, ajv and the TypeScript compiler are loaded through createRequire, which
  // esbuild leaves alone.)
  external: ['web-tree-sitter'],
  banner: { js: `${stamp}const __hgDistUrl = (file) => require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', file)).href;` },
  plugins: [ownImportMetaUrl],
  outfile: join(dist, 'cli', 'hybridguard.bundle.cjs'),
  logLevel: 'warning',
  write: true,
});
if (result.errors.length > 0) process.exit(1);
const bundled = readFileSync(join(dist, 'cli', 'hybridguard.bundle.cjs'), 'utf8');
// A script run from a code cache has no `import()` on Node 20 (its loader is lost on the cached
// functions): a package outside the bundle is required, never imported.
if (/[^\w$.]import\(/.test(bundled)) {
  console.error('bundle-cli: the bundle still holds an import() call, which a cached script cannot run');
  process.exit(1);
}
