// Consul dies while a snapshot streams: the save fails with a clear error and no file (not even
// the .part) stays in the destination folder.
import { mkdtemp, readdir, readlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../src/shared/app-error'
import { saveSnapshot, verifyWithEngine, verifyWrittenFileWithEngine } from '../../src/main/services/consul'
import { startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { populateBulkKv } from '../support/consul-populate'

/** The agent's pid, found by its working directory (the helper runs it inside workDir). */
async function agentPid(agent: ConsulAgent): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (
        (await readlink(`/proc/${entry}/cwd`)) === agent.workDir &&
        (await readlink(`/proc/${entry}/exe`)).endsWith('consul')
      )
        return Number(entry)
    } catch {
      // processes come and go, or belong to other users
    }
  }
  throw new Error(`no consul process runs in ${agent.workDir}`)
}

describe('a save interrupted by Consul stopping', () => {
  let agent: ConsulAgent

  beforeAll(async () => {
    agent = await startConsulAgent()
    // Random values do not compress, so the snapshot is ~24 MB: far more than socket buffers hold.
    await populateBulkKv(agent, { keys: 6000, approxBytes: 24 * 1024 * 1024 })
  })
  afterAll(async () => {
    await agent?.stop()
  })

  it('fails with a clear error and leaves no file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ss-it-killed-'))
    const pid = await agentPid(agent)
    let killed = false
    const error = await saveSnapshot(
      {
        connection: {
          name: 'doomed',
          settings: { address: agent.httpAddr, useTls: false, tls: { insecureSkipVerify: false } },
          token: agent.token,
        },
        destinationDir: dir,
        onProgress: (p) => {
          if (!killed && p.phase === 'downloading' && p.bytes > 0) {
            killed = true
            process.kill(pid, 'SIGKILL')
          }
        },
      },
      { verify: verifyWithEngine, verifyWrittenFile: verifyWrittenFileWithEngine },
    ).catch((e: unknown) => e)

    expect(killed).toBe(true)
    expect(error).toBeInstanceOf(AppError)
    const appError = error as AppError
    expect(['CONSUL_UNREACHABLE', 'SNAPSHOT_TRUNCATED']).toContain(appError.code)
    expect(appError.message).toMatch(/broke|truncated/)
    expect(await readdir(dir)).toEqual([])
  })
})
