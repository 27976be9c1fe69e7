// ESLint 9 flat config: typescript-eslint strict + type-checked over everything tsc checks
// (`npm run lint:eslint`). Rules turned off or tuned below say why.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/', '.test-dist/', 'node_modules/', 'fixtures/', 'test/corpus/', 'test/realworld/', 'data/', 'schema/', 'app/', 'docs/', 'cdktf.out/', 'examples/',
      // generated: the benchmark's stacks and handlers (npm run bench), coverage reports
      '.bench/', 'coverage/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      'max-len': ['error', { code: 160, ignoreUrls: true, ignoreRegExpLiterals: true }],
      // TypeScript resolves names itself; the core rule does not know Node's and TS's globals.
      'no-undef': 'off',
      // With noUncheckedIndexedAccess, `x[i]!` after a bounds check is how the code says "checked".
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Numbers and booleans read naturally in messages; objects and unknowns still need a conversion.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // A leading underscore marks a parameter kept for its position, or a property left out of a rest copy.
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true,
      }],
      // `() => call()` callbacks and `return explain(...)` early exits from void functions are how the code is written.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      // typescript-eslint 8.74 overflows its stack on our recursive value types (src/rules/resource/attribute-condition.ts).
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  // The JSON scanner compares char codes with a const enum of the characters it looks for (tsc inlines it).
  { files: ['src/inputs/json.ts'], rules: { '@typescript-eslint/no-unsafe-enum-comparison': 'off' } },
  // Tests read parsed output (SARIF, JSON reports, synth JSON) as untyped data: a wrong path fails the assertion.
  {
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // Generated tables hold one record a line.
  { files: ['**/*.generated.ts'], rules: { 'max-len': 'off' } },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
);
