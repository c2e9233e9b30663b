#!/usr/bin/env node
// `npm start`: build if needed, then the desktop app when Electron can open a window here, or
// browser mode (`snapshot-studio web`), saying why. The decision (including fetching Electron's
// binary, which Electron 45 only does on first use) is src/main/launcher, built to
// out/main/launcher.js; this file keeps the spawning.
'use strict'
const { spawn, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const passThrough = process.argv.slice(2)

function ensureBuilt() {
  const needed = [
    'out/main/index.js',
    'out/main/cli.js',
    'out/main/launcher.js',
    'out/preload/index.js',
    'out/renderer/index.html',
  ]
  if (needed.every((file) => fs.existsSync(path.join(root, file)))) return
  process.stdout.write('Building Snapshot Studio (electron-vite build)…\n')
  const built = spawnSync(
    process.execPath,
    // electron-vite's package exports do not include its bin script; find it beside package.json.
    [
      path.join(
        path.dirname(require.resolve('electron-vite/package.json', { paths: [root] })),
        'bin',
        'electron-vite.js',
      ),
      'build',
    ],
    { cwd: root, stdio: 'inherit' },
  )
  if (built.status !== 0) {
    process.stderr.write('Error: the build failed; fix the errors above and run `npm start` again.\n')
    process.exit(built.status ?? 1)
  }
}

/** Runs a child in the foreground: its exit code becomes ours, and termination reaches it. */
function runForeground(command, args, env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

async function main() {
  ensureBuilt()
  const { startDesktopOrBrowser } = require(path.join(root, 'out', 'main', 'launcher.js'))
  await startDesktopOrBrowser({
    root,
    env: process.env,
    platform: process.platform,
    arch: process.arch,
    nodeVersion: process.versions.node,
    output: process.stdout,
    startDesktop(executable) {
      const env = { ...process.env }
      delete env.ELECTRON_RUN_AS_NODE
      runForeground(executable, [root, ...passThrough], env)
    },
    startBrowser() {
      runForeground(
        process.execPath,
        [path.join(__dirname, 'snapshot-studio.js'), 'web', ...passThrough],
        process.env,
      )
    },
  })
}

main().catch((error) => {
  process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
