// The GUI takes the CLI's paths: through the hosts' composition a save verifies while it
// downloads (the finished file is never read again), and the restore wizard's inspection is the
// verification its preflight and restore use while the file is unchanged.
import { readFileSync } from 'node:fs'
import { copyFile, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHostServices, type HostServicesHandle } from '../../../src/main/host/create-host-services'
import type { InspectRunner } from '../../../src/main/host/host-services'
import { createInProcessInspectRunner } from '../../../src/main/host/workers/in-process-inspect-runner'
import { FileSecretStore } from '../../../src/main/services/profiles'
import { repositoryRoot } from '../build/ensure-fresh-build'
import { json, startLocalServer, text, type LocalServer } from '../consul/local-http-server'

const SAMPLE = join(repositoryRoot, 'resources', 'sample', 'sample.snap')
const sampleBytes = readFileSync(SAMPLE)

/** The in-process runner, counting every file it reads through. */
function countingRunner(): { runner: InspectRunner; reads: string[] } {
  const inner = createInProcessInspectRunner()
  const reads: string[] = []
  return {
    reads,
    runner: {
      inspect: (path, options, work) => {
        reads.push(`inspect ${path}`)
        return inner.inspect(path, options, work)
      },
      verify: (path, work) => {
        reads.push(`verify ${path}`)
        return inner.verify(path, work)
      },
    },
  }
}

let agent: LocalServer | undefined
let host: HostServicesHandle | undefined
let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-host-consul-'))
})
afterEach(async () => {
  await host?.dispose()
  await agent?.close()
  host = undefined
  agent = undefined
})

/** Enough of an agent for a save, a preflight and a restore; not a Consul stand-in beyond that. */
async function startAgent(): Promise<{ uploads: () => number }> {
  let uploaded = 0
  agent = await startLocalServer((req, res, body) => {
    const url = req.url ?? ''
    if (url.startsWith('/v1/status/leader')) return json(res, 200, '127.0.0.1:8300')
    if (url.startsWith('/v1/agent/self'))
      return json(res, 200, {
        Config: { Version: '1.14.8', Datacenter: 'dc1', NodeName: 'n1', Server: true },
        Stats: { raft: { last_log_index: '5' } },
      })
    if (url.startsWith('/v1/operator/autopilot/health')) return json(res, 200, { Healthy: true, Servers: [] })
    if (url.startsWith('/v1/kv/')) return json(res, 404, null, { 'x-consul-index': '6' })
    if (url.startsWith('/v1/snapshot') && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/x-gzip', 'x-consul-index': '13' })
      res.end(sampleBytes)
      return
    }
    if (url.startsWith('/v1/snapshot') && req.method === 'PUT') {
      uploaded += body.length
      return text(res, 200, '')
    }
    text(res, 404, 'not found')
  })
  return { uploads: () => uploaded }
}

async function hostWith(runner: InspectRunner): Promise<{ host: HostServicesHandle; profileId: string }> {
  const handle = await createHostServices({
    kind: 'browser',
    version: '0.0.0-test',
    platform: 'linux',
    dataDir: dir,
    env: {},
    defaultSaveFolder: dir,
    secrets: new FileSecretStore(join(dir, 'secrets.json')),
    inspect: runner,
  })
  host = handle
  const profile = await handle.services.profiles!.create({
    name: 'prod',
    environment: { label: 'production', colour: 'red' },
    connection: { address: agent!.address, useTls: false, tls: { insecureSkipVerify: false } },
    token: { kind: 'set', value: 'secret-token' },
  })
  return { host: handle, profileId: profile.id }
}

const work = <P>() => ({ signal: new AbortController().signal, onProgress: (_: P) => undefined })

describe('the hosts\u2019 save and restore paths', () => {
  it('a save from the app verifies while it downloads: the saved file is not read again', async () => {
    await startAgent()
    const { runner, reads } = countingRunner()
    const { host, profileId } = await hostWith(runner)

    const [entry] = await host.services.save!.saveMany(
      { profileIds: [profileId], folder: dir, stale: false },
      work(),
    )

    expect(entry?.ok).toBe(true)
    expect(entry?.ok && readFileSync(entry.result.path).equals(sampleBytes)).toBe(true)
    expect(reads).toEqual([])
  })

  it('a restore reads the file once to verify it: the wizard\u2019s inspection serves the preflight and the restore', async () => {
    const server = await startAgent()
    const { runner, reads } = countingRunner()
    const { host, profileId } = await hostWith(runner)
    const file = join(dir, 'backup.snap')
    await copyFile(SAMPLE, file)

    await host.services.inspect.inspect(file, { kvDetails: false, kvDepth: 2, kvFilter: '' }, work())
    const preflight = await host.services.restore!.preflight(file, profileId, work())
    const result = await host.services.restore!.restore(
      { path: file, profileId, confirmation: 'prod', safetySnapshot: false },
      work(),
    )

    expect(preflight.blockers).toEqual([])
    expect(result.bytes).toBe(sampleBytes.length)
    expect(server.uploads()).toBe(sampleBytes.length)
    expect(reads).toEqual([`inspect ${file}`])
  })
})
