/**
 * `node bin/snapshot-studio.js web` as a child process, for specs about the running host: what
 * it prints, what survives a request, what it leaves on disk after a signal. Resolves once the
 * URL is printed (the host is listening then).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'

export interface StudioWebProcess {
  url: string
  port: number
  token: string
  pid: number
  child: ChildProcess
  /** Everything printed so far, stdout and stderr. */
  output(): string
  /** Sends a signal and resolves with how the process ended. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Resolves when the process ends by itself (or at once if it already has). */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const repoRoot = path.resolve(__dirname, '..', '..')

export function startStudioWebProcess(options: {
  dataDir: string
  saveDir?: string
  env?: Record<string, string>
  args?: string[]
  startDeadlineMs?: number
}): Promise<StudioWebProcess> {
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
      ...(options.saveDir === undefined ? [] : ['--save-dir', options.saveDir]),
      ...(options.args ?? []),
    ],
    { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const deadline = options.startDeadlineMs ?? 30_000
  return new Promise<StudioWebProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`snapshot-studio web printed no URL within ${deadline} ms:\n${output}`))
    }, deadline)
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const match = /http:\/\/127\.0\.0\.1:(\d+)\/[#?]token=([\w-]+)/.exec(output)
      if (match === null) return
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.stdout?.on('data', (more: Buffer) => (output += more.toString('utf8')))
      resolve({
        url: match[0],
        port: Number(match[1]),
        token: match[2] as string,
        pid: child.pid as number,
        child,
        output: () => output,
        exited: () => ended,
        kill: (signal) => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal)
          return ended
        },
      })
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`snapshot-studio web exited (code ${code}) before printing a URL:\n${output}`))
    })
  })
}
