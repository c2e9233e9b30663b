// snapshot.redact and snapshot.drill over the API: the host, never the page, chooses where the
// redacted copy goes and which consul binary the drill runs (docs/threat-model.md).
import { mkdtemp, readdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHandlers } from '../../../src/main/api/create-handlers'
import { createDispatcher } from '../../../src/main/api/dispatcher'
import { redactedCopyName } from '../../../src/main/services/snapshot-tools/redact-to-save-folder'
import {
  buildStateBin,
  chunkingStateRecord,
  kvsRecord,
  writeSnapshotFile,
} from '../../support/state-bin-writer'
import { createFakeHostServices } from './fake-host-services'

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ss-tools-api-'))
}

async function setUp() {
  const dir = await scratch()
  const file = join(dir, 'backup.snap')
  await writeSnapshotFile(
    file,
    buildStateBin(3, [
      kvsRecord({ key: 'app/secrets/db', value: 'hunter2' }),
      kvsRecord({ key: 'app/name', value: 'shop' }),
      chunkingStateRecord(),
    ]),
  )
  const saveFolder = join(dir, 'saves')
  const base = createFakeHostServices()
  const dispatcher = createDispatcher({
    host: 'browser',
    handlers: createHandlers(
      createFakeHostServices({
        sources: { resolve: async () => file },
        appInfo: () => ({ ...base.appInfo(), defaultSaveFolder: saveFolder }),
      }),
    ),
  })
  return { dispatcher, saveFolder }
}

const upload = { kind: 'upload', uploadId: 'a'.repeat(32) } as const

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('snapshot.redact', () => {
  it('writes the copy into the default save folder under a name the host picks, owner-only', async () => {
    const { dispatcher, saveFolder } = await setUp()
    const reply = await dispatcher.dispatch('c1', 'snapshot.redact', {
      operationId: 'op-00000001',
      source: upload,
      kvPrefixes: ['app/secrets/'],
    })
    if (!reply.ok) throw new Error(`redact failed: ${JSON.stringify(reply.error)}`)
    const value = reply.value as {
      path: string
      report: { blanked: Record<string, number>; records: number }
    }
    expect(value.path.startsWith(saveFolder + '/')).toBe(true)
    expect(value.path).toMatch(/\/backup-redacted-\d{8}T\d{6}Z\.snap$/)
    expect(value.report.blanked['kv-value']).toBe(1)
    expect(await readdir(saveFolder)).toEqual([value.path.slice(saveFolder.length + 1)])
    expect((await stat(value.path)).mode & 0o777).toBe(0o600)
  })

  it('refuses a request that names an output path, before anything is written', async () => {
    const { dispatcher, saveFolder } = await setUp()
    const reply = await dispatcher.dispatch('c1', 'snapshot.redact', {
      operationId: 'op-00000001',
      source: upload,
      output: '/etc/cron.d/evil',
    })
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
    await expect(stat(saveFolder)).rejects.toThrow()
  })

  it('names the copy after its input and the UTC moment', () => {
    expect(redactedCopyName('/x/prod backup.snap', new Date('2026-12-01T17:05:09Z'))).toBe(
      'prod_backup-redacted-20261201T170509Z.snap',
    )
  })
})

describe('snapshot.drill', () => {
  it('answers a typed error that says to install consul or set CONSUL_BIN when the host has none', async () => {
    const { dispatcher } = await setUp()
    vi.stubEnv('CONSUL_BIN', '')
    vi.stubEnv('PATH', await scratch())
    const reply = await dispatcher.dispatch('c1', 'snapshot.drill', {
      operationId: 'op-00000002',
      source: upload,
    })
    expect(reply).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } })
    if (reply.ok) return
    expect(reply.error.hint).toMatch(/Install consul.*CONSUL_BIN/)
  })

  it('runs only the host binary: a binary named in the request is refused by the schema', async () => {
    const { dispatcher } = await setUp()
    const reply = await dispatcher.dispatch('c1', 'snapshot.drill', {
      operationId: 'op-00000002',
      source: upload,
      consulPath: '/tmp/not-consul',
    })
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
  })
})
