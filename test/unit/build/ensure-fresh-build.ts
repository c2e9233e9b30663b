/**
 * Specs that check or load the built app (out/) call this first: it runs `electron-vite build`
 * when out/ is missing or older than src/, once, even when several spec files ask at the same
 * moment (vitest runs files in parallel): a lock folder serialises them, and the check is
 * repeated after the lock is taken so only the first one builds.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const repositoryRoot = resolve(__dirname, '../../..')

const outputs = [
  'out/main/index.js',
  'out/main/cli.js',
  'out/main/inspect-worker.js',
  'out/main/verify-stream-worker.js',
  'out/main/catalogue-worker.js',
  'out/preload/index.js',
  'out/renderer/index.html',
]

function newest(folder: string): number {
  let time = 0
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name)
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return time
}

function isFresh(): boolean {
  const sources = Math.max(
    newest(join(repositoryRoot, 'src', 'main')),
    newest(join(repositoryRoot, 'src', 'shared')),
    newest(join(repositoryRoot, 'src', 'preload')),
    newest(join(repositoryRoot, 'src', 'renderer')),
    statSync(join(repositoryRoot, 'electron.vite.config.ts')).mtimeMs,
  )
  return outputs.every(
    (file) =>
      existsSync(join(repositoryRoot, file)) && statSync(join(repositoryRoot, file)).mtimeMs >= sources,
  )
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

export function ensureFreshBuild(): void {
  if (isFresh()) return
  // Outside out/: the build empties that folder.
  const lock = join(
    tmpdir(),
    `snapshot-studio-build-${Buffer.from(repositoryRoot).toString('base64url')}.lock`,
  )
  const deadline = Date.now() + 300_000
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // Another spec file is building; a lock older than the deadline is a crashed run's.
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true })
      sleepSync(200)
    }
  }
  try {
    if (isFresh()) return
    execFileSync(
      process.execPath,
      [join(repositoryRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
      { cwd: repositoryRoot, stdio: 'pipe', timeout: 240_000 },
    )
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}
