// @ts-check
const js = require('@eslint/js')
const tseslint = require('typescript-eslint')
const globals = require('globals')
const prettier = require('eslint-config-prettier')

// Layering is enforced here, not by convention: a module's folder declares its runtime.
// In the main process only the entry point loads Electron; it hands Electron's modules to the
// desktop app and the transport (src/main/host/desktop-app.ts, src/main/transport/electron-*),
// which import Electron's types only, so they run under test with plain fakes.
const electronEntry = 'src/main/index.ts'
const electronOnlyHere = [electronEntry, 'src/preload/**']
const electronTypesOnly = {
  name: 'electron',
  allowTypeImports: true,
  message:
    'Only src/main/index.ts loads electron; take what you need as an argument (types may be imported).',
}

// Raw Electron primitives live in one wrapper each: links open only through the URL-checking
// function, IPC only in the transport and the preload.
// The entry point imports `shell` and `ipcMain` only to hand them over.
const banShellImport = [
  {
    selector: "ImportDeclaration[source.value='electron'] ImportSpecifier[imported.name='shell']",
    message: 'Open links only through src/main/transport/electron-open-external.ts (it checks the URL).',
  },
]
const banShell = [
  {
    selector: "MemberExpression[object.name='shell'][property.name='openExternal']",
    message: 'Open links only through src/main/transport/electron-open-external.ts (it checks the URL).',
  },
]
const banIpcImport = [
  {
    selector:
      "ImportDeclaration[source.value='electron'] ImportSpecifier[imported.name=/^(ipcMain|ipcRenderer)$/]",
    message: 'IPC lives only in src/main/transport/electron-ipc.ts and src/preload.',
  },
]
const banIpc = [
  {
    selector: 'MemberExpression[object.name=/^(ipcMain|ipcRenderer)$/]',
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
          paths: [electronTypesOnly],
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
          paths: [electronTypesOnly],
          patterns: [
            { group: ['react', 'react-dom', 'zustand'], message: 'React lives only under src/renderer.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    rules: {
      'no-restricted-syntax': ['error', ...banShellImport, ...banShell, ...banIpcImport, ...banIpc],
    },
  },
  {
    files: [electronEntry],
    rules: { 'no-restricted-syntax': ['error', ...banShell, ...banIpc] },
  },
  {
    files: ['src/main/transport/electron-open-external.ts'],
    rules: { 'no-restricted-syntax': ['error', ...banShellImport, ...banIpcImport, ...banIpc] },
  },
  {
    files: ['src/main/transport/electron-ipc.ts'],
    rules: { 'no-restricted-syntax': ['error', ...banShellImport, ...banShell, ...banIpcImport] },
  },
  {
    files: ['src/preload/**'],
    rules: { 'no-restricted-syntax': ['error', ...banShellImport, ...banShell] },
  },
)
