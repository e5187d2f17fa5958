import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.data/', 'bench/out/', 'coverage/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['infra/local/**', 'infra/openapi/cli.ts', 'infra/admin/**', 'scripts/**', 'bench/**', 'test/**', 'infra/app.ts'],
    rules: { 'no-console': 'off' },
  },
);
