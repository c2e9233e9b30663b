#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is present and can run here; otherwise
// browser mode (`snapshot-studio web`), saying why. It never `require('electron')`: in Electron
// 42+ that starts a download when the binary is missing, which is exactly the case to avoid.
'use strict'
const { spawn, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const passThrough = process.argv.slice(2)

/** The Electron executable, or the reason it cannot be used. */
function findElectron() {
  const packageDir = path.join(root, 'node_modules', 'electron')
  if (process.env.SNAPSHOT_STUDIO_BROWSER === '1')
    return { reason: 'SNAPSHOT_STUDIO_BROWSER=1 asks for browser mode' }
  if (!fs.existsSync(packageDir)) return { reason: 'the electron package is not installed' }
  const pathFile = path.join(packageDir, 'path.txt')
  if (!fs.existsSync(pathFile))
    return { reason: "Electron's binary was never downloaded (node_modules/electron/path.txt is missing)" }
  const executable = path.join(packageDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim())
  if (!fs.existsSync(executable)) return { reason: `Electron's binary is missing (${executable})` }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' }
  }
  const probe = spawnSync(executable, ['--version'], {
    encoding: 'utf8',
    timeout: 15_000,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  })
  if (probe.error || probe.status !== 0) {
    return {
      reason: `Electron's binary does not run here (${probe.error ? probe.error.message : `exit code ${probe.status}`})`,
    }
  }
  return { executable }
}

function ensureBuilt() {
  const needed = ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.js', 'out/renderer/index.html']
  if (needed.every((file) => fs.existsSync(path.join(root, file)))) return
  process.stdout.write('Building Snapshot Studio (electron-vite build)…\n')
  const built = spawnSync(
    process.execPath,
    [require.resolve('electron-vite/bin/electron-vite.js', { paths: [root] }), 'build'],
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

function main() {
  ensureBuilt()
  const electron = findElectron()
  if (electron.executable) {
    const env = { ...process.env }
    delete env.ELECTRON_RUN_AS_NODE
    runForeground(electron.executable, [root, ...passThrough], env)
    return
  }
  process.stdout.write(
    `The desktop window cannot open because ${electron.reason}.\nStarting browser mode instead (snapshot-studio web).\n\n`,
  )
  runForeground(
    process.execPath,
    [path.join(__dirname, 'snapshot-studio.js'), 'web', ...passThrough],
    process.env,
  )
}

main()
