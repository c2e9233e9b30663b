// A test server as a child process (Azurite, fake-gcs-server, an S3 server…): started with a
// watchdog so that it never outlives the test process, ready when its output says so, stopped
// gracefully or killed outright (to play a server that dies mid-request).
import { spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import type { Socket } from 'node:net'

export interface ServerProcess {
  readonly pid: number
  /** Everything the server wrote so far (stdout and stderr), for failure messages. */
  output(): string
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>
  /** SIGKILL at once, as a crash or a pulled cable would end it; resolves once it has exited. */
  kill(): Promise<void>
}

export interface StartServerOptions {
  /** For messages, e.g. `azurite`. */
  name: string
  command: string
  args: string[]
  env?: Record<string, string>
  /** Ready once this matches the output; the match is returned (e.g. to read the port). */
  ready: RegExp
  startDeadlineMs?: number
  /** Removed when this process exits (the caller removes them earlier when it is done). */
  tempDirs?: string[]
}

const STOP_GRACE_MS = 5_000

export async function startServerProcess(
  options: StartServerOptions,
): Promise<{ server: ServerProcess; match: RegExpMatchArray }> {
  const child = spawn(options.command, options.args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const entry = track(child, options.tempDirs ?? [])

  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(`did not become ready within ${options.startDeadlineMs ?? 60_000} ms`),
      options.startDeadlineMs ?? 60_000,
    )
    const fail = (why: string) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`${options.name} ${why}:\n${output}`))
    }
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const found = options.ready.exec(output)
      if (found) {
        clearTimeout(timer)
        resolve(found)
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('error', (error) => fail(`could not start (${error.message})`))
    child.once('exit', (code, signal) => fail(`exited before it was ready (${signal ?? code})`))
  })

  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal)
      const grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
      await exited
      clearTimeout(grace)
    }
    untrack(entry)
  }
  const server: ServerProcess = {
    pid: child.pid ?? -1,
    output: () => output,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  }
  return { server, match }
}

// --- lifetime: nothing we start may outlive this process --------------------------------------

interface Tracked {
  child: ChildProcess
  watchdog: ChildProcess
  tempDirs: string[]
}

const tracked = new Set<Tracked>()
let exitHookInstalled = false

function track(child: ChildProcess, tempDirs: string[]): Tracked {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    // 'exit' handlers must be synchronous.
    process.on('exit', () => {
      for (const entry of tracked) {
        entry.watchdog.kill('SIGKILL')
        entry.child.kill('SIGKILL')
        for (const dir of entry.tempDirs) rmSync(dir, { recursive: true, force: true })
      }
    })
  }
  const entry: Tracked = { child, watchdog: startWatchdog(child), tempDirs }
  tracked.add(entry)
  return entry
}

function untrack(entry: Tracked): void {
  entry.watchdog.kill('SIGKILL')
  tracked.delete(entry)
}

/**
 * A tiny shell that holds a pipe from us: when this process dies for any reason the pipe closes,
 * `read` returns and the shell kills the server. Node has no parent-death signal.
 */
function startWatchdog(child: ChildProcess): ChildProcess {
  const script = [
    'read _ignored',
    'kill -TERM "$1" 2>/dev/null',
    'sleep 2',
    'kill -KILL "$1" 2>/dev/null',
  ].join('\n')
  const watchdog = spawn('sh', ['-c', script, 'server-watchdog', String(child.pid ?? 0)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  })
  watchdog.unref()
  ;(watchdog.stdin as Socket | null)?.unref()
  return watchdog
}
