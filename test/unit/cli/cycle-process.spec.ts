import type { ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AgentConfig } from '../../../src/main/services/backups/agent-config'
import { SnapshotIdSource } from '../../../src/main/services/backups/snapshot-id'
import { cycleInChildProcess, type CycleProcessOptions } from '../../../src/main/cli/cycle-process'

const fixture = resolve(__dirname, '../../fixtures/agent/cycle-child.cjs')
// Only what the fixture reads; the real child builds its runtime from the whole config.
const config = { datacenter: 'dc-test' } as AgentConfig

function runner(mode: string, extra: CycleProcessOptions = {}) {
  process.env.CYCLE_FIXTURE = mode
  return cycleInChildProcess(config, { script: fixture, args: [], ...extra })
}

function waitingChild(): { onSpawn: (child: ChildProcess) => void; ready: Promise<ChildProcess> } {
  let onSpawn: (child: ChildProcess) => void = () => undefined
  const ready = new Promise<ChildProcess>((done) => {
    onSpawn = (child) =>
      child.on('message', (message: { kind?: string }) => {
        if (message.kind === 'waiting') done(child)
      })
  })
  return { onSpawn, ready }
}

describe('the daemon’s cycles in a child process', () => {
  it('sends the validated config and the last ID, and returns the child’s report', async () => {
    const ids = new SnapshotIdSource()
    ids.observe(1_000n)

    const report = await runner('report')(ids, undefined)

    expect(report).toMatchObject({ ok: true, id: '1001', datacenter: 'dc-test', index: 42 })
    // The next ID the daemon hands out stays above the child's.
    expect(ids.lastId).toBe(1_001n)
  })

  it('turns a child that died without a report into a failed cycle that says how it ended', async () => {
    const report = await runner('crash')(new SnapshotIdSource(), undefined)

    expect(report.ok).toBe(false)
    expect(report.error?.code).toBe('INTERNAL')
    expect(report.error?.message).toContain('exit code 3')
    expect(report.name).toBeNull()
  })

  it('on cancel asks the child to stop (SIGTERM) and returns the report it sends while stopping', async () => {
    const stop = new AbortController()
    const child = waitingChild()
    const pending = runner('honour-sigterm', { onSpawn: child.onSpawn })(new SnapshotIdSource(), stop.signal)
    await child.ready

    stop.abort()
    const report = await pending
    expect(report.error).toEqual({ code: 'CANCELLED', message: 'cancelled by the fixture' })
  })

  it('kills a child that ignores SIGTERM after the grace period, and reports the cycle cancelled', async () => {
    const stop = new AbortController()
    const child = waitingChild()
    const pending = runner('ignore-sigterm', { onSpawn: child.onSpawn, killAfterMs: 200 })(
      new SnapshotIdSource(),
      stop.signal,
    )
    const started = await child.ready

    stop.abort()
    const report = await pending
    expect(report.error?.code).toBe('CANCELLED')
    expect(started.signalCode).toBe('SIGKILL')
  })
})
