import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.data/', 'bench/out/', 'coverage/', '.build/'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      // Prettier wraps code at 140; this holds comments and the lines it cannot wrap to the same limit.
      'max-len': ['error', { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreStrings: true, ignoreTemplateLiterals: true }],
    },
  },
  {
    files: ['infra/local/**', 'tools/**', 'bench/**', 'test/**', 'infra/app.ts'],
    rules: { 'no-console': 'off' },
  },
);
