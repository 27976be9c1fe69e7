/**
 * The architecture as dependency rules (`npm run lint` runs `depcruise src`). Type-only imports
 * count like any other: a type shared by several layers lives in the leaf (model/), and `Facts`
 * belongs to rules/, which read it.
 *
 *   model/ errors.ts        the leaf: the resource graph and the contracts every layer shares
 *   inputs/  analysis/      read files / compute facts, over the model
 *   rules/                  one check per file, over analysis facts
 *   policy/                 load and validate policies (knows the checks' parameter schemas)
 *   engine/                 evaluate policies over facts into results
 *   report/                 pure: results in, text out (model only)
 *   api/                    the programmatic API (check a project) that cli/ and constructs/ call
 *   constructs/  cli/       the two front doors
 */
const LAYERS = ['model', 'inputs', 'analysis', 'rules', 'policy', 'engine', 'report', 'api', 'constructs', 'cli'];

/** What each layer may import, besides itself. */
const ALLOWED = {
  model: [],
  inputs: ['model'],
  analysis: ['model'],
  rules: ['analysis', 'model'],
  policy: ['rules', 'model'],
  engine: ['policy', 'rules', 'analysis', 'model'],
  report: ['model'],
  api: ['engine', 'report', 'policy', 'rules', 'analysis', 'inputs', 'model'],
  constructs: ['api', 'engine', 'report', 'policy', 'inputs', 'model'],
  cli: ['api', 'engine', 'report', 'policy', 'rules', 'analysis', 'inputs', 'model'],
};

const folder = (layer) => (layer === 'model' ? '^src/(model/|errors\\.ts$)' : `^src/${layer}/`);

const layerRules = LAYERS.map((layer) => ({
  name: `layer-${layer}`,
  comment: `${layer} may import only ${[layer, ...ALLOWED[layer]].join(', ')} (type-only imports included)`,
  severity: 'error',
  from: { path: folder(layer) },
  to: {
    path: '^src/',
    pathNot: [layer, ...ALLOWED[layer]].map(folder),
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'Modules that import each other (types included) cannot be understood or moved one at a time.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports is dead code (entry points excepted).',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: ['^src/cli/main\\.ts$', '^src/constructs/index\\.ts$', '\\.d\\.ts$'] },
      to: {},
    },
    {
      name: 'not-to-dev-dep',
      comment:
        'src/ ships to users: it may not import a devDependency (users do not install them). ' +
        'A peer dependency (cdktf for constructs/) is also a devDependency so our tests run.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['npm-peer'] },
    },
    {
      name: 'cdktf-only-in-constructs',
      comment: 'Only constructs/ imports cdktf, so a switch to its successor (CDK Terrain) is one folder\'s change.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/constructs/' },
      to: { path: '^node_modules/(cdktf|constructs|@cdktf/provider-aws)/' },
    },
    {
      name: 'chalk-only-in-report-text',
      comment: 'Colour is the text reporter\'s business; every other output is plain.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/report/text/' },
      to: { path: '^node_modules/chalk/' },
    },
    {
      name: 'fs-only-in-inputs-and-cli',
      comment:
        'Only inputs/ and cli/ touch the file system or other processes ' +
        '(analysis/code/typescript.ts reads the compiler, hybridguard\'s own dependency, as require would).',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(inputs|cli)/', '^src/analysis/code/typescript\\.ts$'] },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|child_process|worker_threads)$' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing fails at run time.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
