// @ts-check
const js = require('@eslint/js')
const tseslint = require('typescript-eslint')
const globals = require('globals')
const prettier = require('eslint-config-prettier')

// Layering is enforced here, not by convention: a module's folder declares its runtime.
const electronOnlyHere = ['src/main/index.ts', 'src/main/transport/electron-*.ts', 'src/preload/**']

// Raw Electron primitives live in one wrapper each: links open only through the URL-checking
// function, IPC only in the transport and the preload.
const banShell = [
  {
    selector: "ImportDeclaration[source.value='electron'] ImportSpecifier[imported.name='shell']",
    message: 'Open links only through src/main/transport/electron-open-external.ts (it checks the URL).',
  },
  {
    selector: "MemberExpression[object.name='shell'][property.name='openExternal']",
    message: 'Open links only through src/main/transport/electron-open-external.ts (it checks the URL).',
  },
]
const banIpc = [
  {
    selector:
      "ImportDeclaration[source.value='electron'] ImportSpecifier[imported.name=/^(ipcMain|ipcRenderer)$/]",
    message: 'IPC lives only in src/main/transport/electron-ipc.ts and src/preload.',
  },
]

module.exports = tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test/consul/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
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
        {
          paths: [
            {
              name: 'electron',
              message: 'Only src/main/index.ts and src/main/transport/electron-* may import electron.',
            },
          ],
        },
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
            {
              group: ['node:*', 'electron', 'react', 'react-dom', 'undici', 'tar-stream'],
              message: 'src/shared is pure TypeScript: no runtime imports.',
            },
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
          paths: [
            {
              name: 'electron',
              message: 'Only src/main/index.ts and src/main/transport/electron-* may import electron.',
            },
          ],
          patterns: [
            { group: ['react', 'react-dom', 'zustand'], message: 'React lives only under src/renderer.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    rules: { 'no-restricted-syntax': ['error', ...banShell, ...banIpc] },
  },
  {
    files: ['src/main/transport/electron-open-external.ts'],
    rules: { 'no-restricted-syntax': ['error', ...banIpc] },
  },
  {
    files: ['src/main/transport/electron-ipc.ts', 'src/preload/**'],
    rules: { 'no-restricted-syntax': ['error', ...banShell] },
  },
)
