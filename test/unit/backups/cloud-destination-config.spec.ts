import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadAgentConfig, type AgentFlags } from '../../../src/main/services/backups/agent-config'
import { createDestinations } from '../../../src/main/services/backups/destination-factory'

const KEY = Buffer.alloc(64, 9).toString('base64')
let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-cloud-config-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function configFile(content: unknown): Promise<string> {
  const path = join(dir, 'agent.json')
  await writeFile(path, JSON.stringify({ snapshot_agent: content }))
  return path
}
const load = async (content: unknown, flags: AgentFlags = {}) =>
  loadAgentConfig({ flags: { configFiles: [await configFile(content)], ...flags }, env: {}, cwd: dir })
const refusal = (content: unknown, flags: AgentFlags = {}) =>
  load(content, flags).then(
    () => 'accepted',
    (error: Error) => error.message,
  )

describe('Azure Blob and GCS in the agent config', () => {
  it("reads the Enterprise agent's azure_blob_storage keys into one Azure destination", async () => {
    const config = await load({
      azure_blob_storage: {
        account_name: 'backupsacct',
        account_key: KEY,
        container_name: 'consul',
        environment: '',
      },
    })
    expect(config.destinations).toEqual([
      {
        kind: 'azure-blob',
        credentials: { kind: 'shared-key', accountName: 'backupsacct', accountKey: KEY },
        container: 'consul',
        prefix: null,
        environment: null,
        endpoint: null,
      },
    ])
    expect(createDestinations(config.destinations).map((d) => d.description)).toEqual([
      'azure:backupsacct/consul',
    ])
  })

  it('takes the -azure-blob-* and -gcs-* flags over the file, S3 before Azure before GCS', async () => {
    const config = await load(
      { google_storage: { bucket: 'from-file' } },
      { googleStorage: { bucket: 'from-flags', prefix: 'dc1' } },
    )
    expect(config.destinations).toMatchObject([{ kind: 'gcs', bucket: 'from-flags', prefix: 'dc1' }])
    const both = await load({
      google_storage: { bucket: 'gcs-bucket' },
      azure_blob_storage: {
        account_name: 'backupsacct',
        sas_token: 'sv=1&sig=abc',
        container_name: 'consul',
      },
    })
    expect(both.destinations).toMatchObject([{ kind: 'azure-blob', credentials: { kind: 'sas' } }])
  })

  it('writes to every store listed in backup_destinations', async () => {
    const config = await load({
      backup_destinations: {
        local_storage: [{ path: 'local' }],
        azure_blob_storage: [{ connection_string: `AccountName=a;AccountKey=${KEY}`, container_name: 'one' }],
        google_storage: [
          { bucket: 'two', prefix: '/p/' },
          { bucket: 'three', endpoint: 'http://127.0.0.1:4443' },
        ],
      },
    })
    expect(createDestinations(config.destinations).map((d) => d.description)).toEqual([
      `local:${join(dir, 'local')}`,
      'azure:a/one',
      'gcs:two/p',
      'gcs:three',
    ])
  })

  it('names the key and file of a bad Azure or GCS setting, before any SDK client exists, and never the secret', async () => {
    expect(
      await refusal({ azure_blob_storage: { account_name: 'backupsacct', container_name: 'consul' } }),
    ).toBe(
      'agent.json: snapshot_agent.azure_blob_storage.account_key: is required (or sas_token, connection_string, or a service principal)',
    )
    const secret = 'not base64 !!'
    const bad = await refusal({
      azure_blob_storage: { account_name: 'backupsacct', account_key: secret, container_name: 'consul' },
    })
    expect(bad).toBe(
      'agent.json: snapshot_agent.azure_blob_storage.account_key: the Azure account key is not base64',
    )
    expect(
      await refusal({
        backup_destinations: {
          azure_blob_storage: [
            {
              account_name: 'backupsacct',
              service_principal_id: 'id',
              tenant_id: 't',
              container_name: 'consul',
            },
          ],
        },
      }),
    ).toBe(
      'agent.json: snapshot_agent.backup_destinations.azure_blob_storage[0].service_principal_secret: is required',
    )
    expect(
      await refusal({ google_storage: { bucket: 'consul', credentials_file: 'absent.json' } }),
    ).toContain('snapshot_agent.google_storage.credentials_file: the GCS key file')
    expect(
      await refusal(
        {},
        { azureBlobStorage: { container_name: 'Bad_Name', account_name: 'a1b2c', account_key: KEY } },
      ),
    ).toContain('flags: -azure-blob-container-name: Azure container name "Bad_Name" is not valid')
  })

  it('refuses a per-store flag beside backup_destinations', async () => {
    expect(
      await refusal(
        { backup_destinations: { google_storage: [{ bucket: 'two' }] } },
        { googleStorage: { bucket: 'x' } },
      ),
    ).toContain('-gcs-bucket: cannot be combined with snapshot_agent.backup_destinations')
  })
})
