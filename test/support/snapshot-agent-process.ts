// `snapshot-studio agent` as a real child process for integration specs and the bench: its
// stderr (the agent's log) is collected line by line, and specs wait for log lines, never for
// fixed times. Every process started here is killed when the test process exits.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'

const repoRoot = path.resolve(path.dirname(__filename), '..', '..')
export const cliScript = path.join(repoRoot, 'bin', 'snapshot-studio.js')

export interface AgentProcess {
  child: ChildProcess
  pid: number
  /** Every stderr line so far. */
  lines: string[]
  /** Resolves with the first line (already seen or future) matching `pattern`, or rejects at the deadline. */
  waitForLine(pattern: RegExp, deadlineMs: number, from?: number): Promise<string>
  /** Resolves with the exit code. */
  exited: Promise<number | null>
  kill(signal: NodeJS.Signals): void
}

const running = new Set<ChildProcess>()
let hooked = false

export function startAgentProcess(
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; script?: string } = { cwd: repoRoot },
): AgentProcess {
  if (!hooked) {
    hooked = true
    process.on('exit', () => {
      for (const child of running) child.kill('SIGKILL')
    })
  }
  const script = opts.script ?? cliScript
  const scriptArgs = script === cliScript ? ['agent', ...args] : args
  const child = spawn(process.execPath, [script, ...scriptArgs], {
    cwd: opts.cwd,
    env: { ...withoutConsulVariables(process.env), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  const lines: string[] = []
  const waiters = new Set<() => void>()
  let buffer = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk
    const parts = buffer.split('\n')
    buffer = parts.pop() ?? ''
    lines.push(...parts)
    for (const wake of waiters) wake()
  })
  child.stdout?.resume()
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child)
      for (const wake of waiters) wake()
      resolve(code)
    })
  })
  let done = false
  void exited.then(() => (done = true))
  return {
    child,
    pid: child.pid ?? -1,
    lines,
    exited,
    kill: (signal) => child.kill(signal),
    waitForLine(pattern, deadlineMs, from = 0) {
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          const found = lines.slice(from).find((line) => pattern.test(line))
          if (found !== undefined) {
            cleanup()
            resolve(found)
          } else if (done) {
            cleanup()
            reject(new Error(`agent ${child.pid} exited before logging ${pattern}:\n${lines.join('\n')}`))
          }
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(
            new Error(
              `agent ${child.pid} did not log ${pattern} within ${deadlineMs} ms:\n${lines.join('\n')}`,
            ),
          )
        }, deadlineMs)
        const cleanup = () => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
        check()
      })
    },
  }
}

function withoutConsulVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(env))
    if (!key.startsWith('CONSUL_') && value !== undefined) out[key] = value
  return out
}
