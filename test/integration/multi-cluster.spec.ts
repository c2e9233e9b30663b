// "Back up all production clusters": two real agents saved in one run through saved profiles,
// each with its own progress and result, while a third, unreachable profile fails on its own.
import { mkdtemp, readdir } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SaveManyEntry } from '../../src/shared/consul-types'
import { ConsulSnapshotService, verifyWithEngine } from '../../src/main/services/consul'
import { FileSecretStore, ProfileService } from '../../src/main/services/profiles'
import { startConsulAgent, type ConsulAgent } from '../support/consul-agent'

describe('saving several clusters in one run', () => {
  let east: ConsulAgent
  let west: ConsulAgent

  beforeAll(async () => {
    ;[east, west] = await Promise.all([
      startConsulAgent({ datacenter: 'east' }),
      startConsulAgent({ datacenter: 'west' }),
    ])
  })
  afterAll(async () => {
    await Promise.all([east?.stop(), west?.stop()])
  })

  it('saves every selected profile in parallel; one failure does not stop the others', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ss-it-profiles-'))
    const { service: profiles } = await ProfileService.open({
      dataDir,
      secrets: new FileSecretStore(join(dataDir, 'secrets.json')),
    })
    const make = (name: string, address: string, token: string) =>
      profiles.create({
        name,
        environment: { label: 'production', colour: 'red' },
        connection: { address, useTls: false, tls: { insecureSkipVerify: false } },
        token: { kind: 'set', value: token },
      })
    const a = await make('prod-east', east.httpAddr, east.token)
    const b = await make('prod-west', west.httpAddr, west.token)
    const gone = await make('prod-gone', `127.0.0.1:${await freePort()}`, 'x')
    const consul = new ConsulSnapshotService({ profiles, verify: verifyWithEngine })
    const dir = await mkdtemp(join(tmpdir(), 'ss-it-many-'))
    const progressFor = new Set<string>()
    const finished: SaveManyEntry[] = []

    const entries = await consul.saveMany({
      profileIds: [a.id, gone.id, b.id],
      destinationDir: dir,
      concurrency: 2,
      onProgress: (id) => progressFor.add(id),
      onResult: (entry) => finished.push(entry),
    })

    expect(entries.map((e) => [e.profileName, e.ok])).toEqual([
      ['prod-east', true],
      ['prod-gone', false],
      ['prod-west', true],
    ])
    const failed = entries[1]
    expect(failed?.ok === false && failed.error.code).toBe('CONSUL_REFUSED')
    expect(progressFor).toEqual(new Set([a.id, b.id, gone.id]))
    expect(finished).toHaveLength(3)
    const names = (await readdir(dir)).filter((n) => n.endsWith('.snap')).sort()
    expect(names).toHaveLength(2)
    expect(names[0]).toMatch(/^prod-east-east-1\.14\.8-\d+-\d{8}T\d{6}Z\.snap$/)
    expect(names[1]).toMatch(/^prod-west-west-1\.14\.8-\d+-\d{8}T\d{6}Z\.snap$/)
  })
})

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}
