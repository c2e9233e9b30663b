// @ts-check
const js = require('@eslint/js')
const tseslint = require('typescript-eslint')
const globals = require('globals')
const prettier = require('eslint-config-prettier')

// Layering is enforced here, not by convention: a module's folder declares its runtime.
const electronOnlyHere = ['src/main/index.ts', 'src/main/transport/electron-*.ts', 'src/preload/**']

module.exports = tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test/consul/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: electronOnlyHere,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only src/main/index.ts and src/main/transport/electron-* may import electron.' }] },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'electron', 'react', 'react-dom', 'undici', 'tar-stream'], message: 'src/shared is pure TypeScript: no runtime imports.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: electronOnlyHere,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only src/main/index.ts and src/main/transport/electron-* may import electron.' }],
          patterns: [{ group: ['react', 'react-dom', 'zustand'], message: 'React lives only under src/renderer.' }],
        },
      ],
    },
  },
)
