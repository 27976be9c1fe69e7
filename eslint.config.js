// ESLint 9 flat config: typescript-eslint strict + type-checked over everything tsc checks
// (`npm run lint:eslint`). Rules turned off or tuned below say why.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/', '.test-dist/', 'node_modules/', 'fixtures/', 'test/corpus/', 'test/realworld/', 'data/', 'schema/', 'app/', 'docs/', 'cdktf.out/', 'examples/'],
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
      // typescript-eslint 8.74 overflows its stack on our recursive value types (src/rules/resource/attribute-condition.ts).
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  // Generated tables hold one record a line.
  { files: ['**/*.generated.ts'], rules: { 'max-len': 'off' } },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
);
