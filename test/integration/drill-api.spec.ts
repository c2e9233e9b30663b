// snapshot.drill over the API against a real Consul: the page names only the file; the host runs
// its own consul (CONSUL_BIN), reports the drill's phases and answers the verdict.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createHandlers } from '../../src/main/api/create-handlers'
import { createDispatcher } from '../../src/main/api/dispatcher'
import { createFakeHostServices } from '../unit/api/fake-host-services'
import { findConsulBinary, startConsulAgent, type ConsulAgent } from '../support/consul-agent'

describe('snapshot.drill over the API', () => {
  let source: ConsulAgent
  let file: string

  beforeAll(async () => {
    source = await startConsulAgent()
    const put = await fetch(`${source.httpAddr}/v1/kv/app/config/port`, {
      method: 'PUT',
      body: '8080',
      headers: { 'X-Consul-Token': source.token },
    })
    expect(put.status).toBe(200)
    file = join(await mkdtemp(join(tmpdir(), 'ss-it-drill-api-')), 'backup.snap')
    const res = await fetch(`${source.httpAddr}/v1/snapshot`, { headers: { 'X-Consul-Token': source.token } })
    expect(res.status).toBe(200)
    await writeFile(file, Buffer.from(await res.arrayBuffer()))
  })
  afterAll(async () => {
    vi.unstubAllEnvs()
    await source?.stop()
  })

  it('restores the file with the host consul and answers a pass with the counts', async () => {
    vi.stubEnv('CONSUL_BIN', await findConsulBinary())
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(createFakeHostServices({ sources: { resolve: async () => file } })),
      progressIntervalMs: 0,
    })
    const events: unknown[] = []
    dispatcher.connect({ id: 'c1', send: (_event, payload) => events.push(payload) })

    const reply = await dispatcher.dispatch('c1', 'snapshot.drill', {
      operationId: 'op-drill-0001',
      source: { kind: 'upload', uploadId: 'b'.repeat(32) },
    })

    if (!reply.ok) throw new Error(`drill did not run: ${JSON.stringify(reply.error)}`)
    expect(reply.value).toMatchObject({ passed: true, failure: null, differences: [] })
    const counts = (reply.value as { counts: Array<{ kind: string; file: number; agent: number | null }> })
      .counts
    expect(counts.find((c) => c.kind === 'kv')).toMatchObject({ file: 1, agent: 1 })
    expect(events).toContainEqual({
      operationId: 'op-drill-0001',
      progress: { kind: 'drill', phase: 'restoring' },
    })
  })
})
