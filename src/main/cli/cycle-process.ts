import { fork, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppError, toErrorPayload } from '../../shared/app-error'
import type { AgentConfig } from '../services/backups/agent-config'
import { checkDependencies, runCycleHere, type CycleRunner } from '../services/backups/snapshot-agent'
import type { CheckKind, CheckReport } from '../services/backups/agent-check-report'
import type { CheckRunner } from '../services/backups/leader-checks'
import type { CycleReport } from '../services/backups/snapshot-cycle'
import { SnapshotIdSource } from '../services/backups/snapshot-id'
import { unstoredCycleReport } from '../services/backups/unstored-cycle-report'
import { buildRuntime } from './agent-setup'
import type { CliIo } from './cli-io'

/**
 * The daemon runs each cycle in a short-lived child process of the same program. A cycle streams
 * a snapshot of any size through gzip, tar and SHA-256 and hands it to cloud SDKs; afterwards
 * V8 and the C allocator keep much of that memory resident, so a daemon that saved 100 MB sat at
 * ~126 MiB between runs. In a child it is returned to the OS when the child exits, and the daemon
 * itself (lock, registration, schedule) stays at its start size (docs/agent.md, idle cost).
 *
 * The parent sends the config it already validated, so both use the same one even if the files
 * change on disk; the child logs to the same stderr, runs the cycle and sends back its report.
 * Journal and status in Consul stay with the parent.
 */
export const CYCLE_PROCESS_ENV = 'SNAPSHOT_STUDIO_AGENT_CYCLE_PROCESS'

interface CycleRequest {
  kind: 'cycle-request'
  config: AgentConfig
  /** The newest snapshot ID so far; the child's IDs stay above it. */
  afterId: string
}

interface CycleReply {
  kind: 'cycle-report'
  report: CycleReport
}

/** A scheduled check (verify, drill) runs in a child for the same reason as a cycle. */
interface CheckRequest {
  kind: 'check-request'
  config: AgentConfig
  check: CheckKind
}

interface CheckReply {
  kind: 'check-report'
  report: CheckReport
}

export interface CycleProcessOptions {
  /** The program and arguments that lead to `agent` (the parent's own, by default). */
  script?: string
  args?: string[]
  /** After SIGTERM on cancel, how long the child may take to clean up before SIGKILL. */
  killAfterMs?: number
  /** Sees each child as it starts (specs wait on its messages). */
  onSpawn?: (child: ChildProcess) => void
}

export function cycleInChildProcess(config: AgentConfig, options: CycleProcessOptions = {}): CycleRunner {
  const script = options.script ?? process.argv[1] ?? ''
  const args = options.args ?? process.argv.slice(2)
  const killAfterMs = options.killAfterMs ?? 60_000
  return (ids, signal) =>
    reportFromChild<CycleReport, CycleRequest>({
      script,
      args,
      env: {},
      killAfterMs,
      onSpawn: options.onSpawn,
      signal,
      request: { kind: 'cycle-request', config, afterId: String(ids.lastId) },
      replyKind: 'cycle-report',
      lost: (startedAt, exit, cancelled, cause) => lostReport(ids, startedAt, exit, cancelled, cause),
    }).then((report) => {
      ids.observe(BigInt(report.id))
      return report
    })
}

/** The child's side: wait for the request, run the cycle here, send the report, exit. */
export function serveCycleRequest(io: CliIo): Promise<number> {
  return new Promise((resolve) => {
    if (!process.send) {
      io.stderr.write(`Error: ${CYCLE_PROCESS_ENV} is set but there is no parent to report to.\n`)
      resolve(1)
      return
    }
    const stop = new AbortController()
    // SIGTERM from the parent on cancel; SIGINT when Ctrl-C reaches the whole process group.
    process.once('SIGTERM', () => stop.abort())
    process.once('SIGINT', () => stop.abort())
    process.once('disconnect', () => stop.abort())
    process.once('message', (message: unknown) => {
      if (
        !hasKind<CycleRequest>(message, 'cycle-request') &&
        !hasKind<CheckRequest>(message, 'check-request')
      ) {
        resolve(1)
        return
      }
      const work: Promise<CycleReply | CheckReply> = hasKind<CheckRequest>(message, 'check-request')
        ? runCheckRequested(message, io, stop.signal).then((report) => ({ kind: 'check-report', report }))
        : runRequested(message, io, stop.signal).then((report) => ({ kind: 'cycle-report', report }))
      void work.then((reply) => {
        const code = reply.kind === 'cycle-report' ? (reply.report.ok ? 0 : 1) : 0
        process.send?.(reply, () => {
          process.disconnect?.()
          resolve(code)
          // The parent waits for this process to exit; a handle left open by a library must not
          // hold it (and with it the daemon) once the report is delivered.
          setTimeout(() => process.exit(code), 1_000).unref()
        })
      })
    })
  })
}

async function runRequested(request: CycleRequest, io: CliIo, signal: AbortSignal): Promise<CycleReport> {
  const ids = new SnapshotIdSource()
  ids.observe(BigInt(request.afterId))
  // The parent keeps the journal; a second writer would interleave lines.
  const runtime = await buildRuntime({ ...request.config, journalPath: null }, io)
  try {
    return await runCycleHere(runtime, ids, signal)
  } finally {
    await Promise.all(runtime.destinations.map((destination) => destination.close()))
    await runtime.client.close()
  }
}

async function runCheckRequested(
  request: CheckRequest,
  io: CliIo,
  signal: AbortSignal,
): Promise<CheckReport> {
  // Only a check process loads the verify and drill code; the daemon that forks it never does.
  const { runCheckHere } = await import('../services/backups/run-check')
  const runtime = await buildRuntime({ ...request.config, journalPath: null }, io)
  try {
    return await runCheckHere(request.check, { ...checkDependencies(runtime), env: io.env }, signal)
  } finally {
    await Promise.all(runtime.destinations.map((destination) => destination.close()))
    await runtime.client.close()
  }
}

/**
 * The daemon's side for scheduled checks: one child per run, its report back over IPC; a child
 * that ends without one (killed, crashed) gives a report that says so, as a warning.
 */
export function checkInChildProcess(config: AgentConfig, options: CycleProcessOptions = {}): CheckRunner {
  const script = options.script ?? process.argv[1] ?? ''
  const args = options.args ?? process.argv.slice(2)
  const killAfterMs = options.killAfterMs ?? 60_000
  return async (check, signal) => {
    // The child's TMPDIR is a private folder removed after it ends, whatever happened: the drill's
    // throw-away agent and Consul's own restore (which leaves a temporary file behind when it
    // refuses a snapshot) keep nothing in the operator's temporary folder.
    const temp = await mkdtemp(join(tmpdir(), 'snapshot-studio-check-'))
    try {
      return await checkInChild(check, signal, temp)
    } finally {
      await rm(temp, { recursive: true, force: true }).catch(() => undefined)
    }
  }

  function checkInChild(check: CheckKind, signal: AbortSignal, temp: string): Promise<CheckReport> {
    return reportFromChild<CheckReport, CheckRequest>({
      script,
      args,
      env: { TMPDIR: temp, TMP: temp, TEMP: temp },
      killAfterMs,
      onSpawn: options.onSpawn,
      signal,
      request: { kind: 'check-request', config, check },
      replyKind: 'check-report',
      lost: (startedAt, exit, cancelled, cause) => lostCheckReport(check, startedAt, exit, cancelled, cause),
    })
  }
}

/**
 * One piece of work in a short-lived child of this program: send the request, keep the report it
 * sends back, and when it ends without one (killed, crashed, could not start) make one with `lost`.
 * Cancel is SIGTERM, then SIGKILL after `killAfterMs`.
 */
function reportFromChild<R, Q extends { kind: string } = { kind: string }>(options: {
  script: string
  args: string[]
  env: Record<string, string>
  killAfterMs: number
  onSpawn?: (child: ChildProcess) => void
  signal?: AbortSignal
  request: Q
  replyKind: string
  lost: (startedAt: Date, exit: string, cancelled: boolean, cause: unknown) => R
}): Promise<R> {
  const { signal } = options
  return new Promise<R>((resolve) => {
    const startedAt = new Date()
    let report: R | null = null
    let killTimer: NodeJS.Timeout | undefined
    const child = fork(options.script, options.args, {
      env: { ...process.env, [CYCLE_PROCESS_ENV]: '1', ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    })
    options.onSpawn?.(child)
    const onAbort = () => {
      child.kill('SIGTERM')
      killTimer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs)
      killTimer.unref()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    child.on('message', (message: unknown) => {
      if (hasKind<{ kind: string; report: R }>(message, options.replyKind)) report = message.report
    })
    let settled = false
    const settle = (exit: string, spawnError?: unknown) => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      clearTimeout(killTimer)
      resolve(report ?? options.lost(startedAt, exit, signal?.aborted === true, spawnError))
    }
    child.on('error', (error) => settle('could not start', error))
    // 'close', not 'exit': the report may still be in the IPC channel when the process exits.
    child.on('close', (code, exitSignal) => settle(exitSignal ? `signal ${exitSignal}` : `exit code ${code}`))
    child.send(options.request, (error) => {
      if (error) child.kill('SIGKILL')
    })
  })
}

function lostCheckReport(
  check: CheckKind,
  startedAt: Date,
  exit: string,
  cancelled: boolean,
  cause: unknown,
): CheckReport {
  const endedAt = new Date()
  const error = cancelled
    ? new AppError('CANCELLED', 'The check was cancelled.')
    : new AppError('INTERNAL', `The ${check} process ended without a report (${exit}).`, {
        hint: 'The lines above say why.',
        cause,
      })
  return {
    kind: check,
    severity: 'warning',
    summary: error.message,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationMs: endedAt.getTime() - startedAt.getTime(),
    backups: [],
    error: toErrorPayload(error),
  }
}

/** A cycle whose process ended without a report (killed, crashed, could not start). */
function lostReport(
  ids: SnapshotIdSource,
  startedAt: Date,
  exit: string,
  cancelled: boolean,
  cause: unknown,
): CycleReport {
  const endedAt = new Date()
  const error = cancelled
    ? new AppError('CANCELLED', 'The snapshot was cancelled; nothing was stored.')
    : new AppError('INTERNAL', `The snapshot cycle's process ended without a report (${exit}).`, {
        hint: 'The lines above say why; a half-written file, if any, carries a temporary name.',
        cause,
      })
  return unstoredCycleReport(String(ids.next()), startedAt, endedAt, toErrorPayload(error))
}

/** Messages between the daemon and its child are told apart by their `kind`. */
function hasKind<T extends { kind: string }>(message: unknown, kind: T['kind']): message is T {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === kind
}
