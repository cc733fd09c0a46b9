// The safety rules of STYLE.md rule 8, type-aware, on every TypeScript file of the monorepo, and the import
// boundaries of rule 9 (eslint.boundaries.js, shared with apps/api/src/common/import-boundaries.spec.ts).
import tseslint from 'typescript-eslint';
import boundaries from './eslint.boundaries.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'bench/**', 'scripts/**', '**/*.js', '**/*.mjs'] },
  {
    // apps/console (.ts and .tsx) is typed by its own tsconfig.json, which the project service finds beside it
    files: ['**/*.ts', 'apps/console/**/*.tsx'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/promise-function-async': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      'no-lone-blocks': 'error',
      curly: 'error',
    },
  },
  ...boundaries.configs,
);
