import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'

export interface StudioWeb {
  url: string
  stop(): Promise<void>
}

const repoRoot = path.resolve(__dirname, '..', '..', '..')
const START_DEADLINE_MS = 30_000

/** Starts `snapshot-studio web` on a free port with its own data folder; resolves with the printed URL. */
export function startStudioWeb(options: {
  dataDir: string
  saveDir: string
  env?: Record<string, string>
}): Promise<StudioWeb> {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'bin', 'snapshot-studio.js'),
      'web',
      '--port',
      '0',
      '--no-open',
      '--data-dir',
      options.dataDir,
      '--save-dir',
      options.saveDir,
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  return new Promise<StudioWeb>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`snapshot-studio web printed no URL within ${START_DEADLINE_MS} ms:\n${output}`))
    }, START_DEADLINE_MS)
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const match = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({ url: match[0], stop: () => stopChild(child) })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`snapshot-studio web exited (code ${code}) before printing a URL:\n${output}`))
    })
  })
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(killTimer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
