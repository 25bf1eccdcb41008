// Lint: the core never imports vscode (only src/vscode/ and src/extension.ts may).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'test-output/**', 'bench-output/**', 'out/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'off',
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only src/vscode/ and src/extension.ts may import vscode; the core is tested in plain Node.' }] }],
    },
  },
  {
    files: ['src/vscode/**/*.ts', 'src/extension.ts', 'test/unit/vscode/**/*.ts', 'test/stubs/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
