// The command line's az:// and gs:// addresses against real emulators (Azurite for Azure Blob,
// fake-gcs-server for GCS), one case each: inspect streams a stored backup with the agent's
// -azure-blob-* flags and prints what it prints for the local file; verify reads every backup
// under a gs:// prefix with -gcs-* flags and names the damaged one. (S3 has its full set in
// stored-address-cli.spec.ts.)
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobServiceClient } from '@azure/storage-blob'
import { Storage } from '@google-cloud/storage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAzurite, type AzuriteServer } from '../support/azurite-server'
import { startFakeGcsServer, type FakeGcsServer } from '../support/fake-gcs-server'
import { cliScript } from '../support/snapshot-agent-process'
import { buildSnapshot } from '../support/snapshot-builder'

function cli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cliScript, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

const sound = buildSnapshot()
const damaged = buildSnapshot({ sums: `${'0'.repeat(64)}  meta.json\n${'0'.repeat(64)}  state.bin\n` })

describe('stored backups on the command line (az://, gs://)', { timeout: 120_000 }, () => {
  let azurite: AzuriteServer
  let gcs: FakeGcsServer
  let root: string
  let local: string

  beforeAll(async () => {
    ;[azurite, gcs] = await Promise.all([startAzurite(), startFakeGcsServer()])
    root = await mkdtemp(join(tmpdir(), 'ss-stored-cloud-cli-'))
    local = join(root, 'local.snap')
    await writeFile(local, sound)
  })
  afterAll(async () => {
    await Promise.all([azurite?.stop(), gcs?.stop()])
    if (root) await rm(root, { recursive: true, force: true })
  })

  it('inspect az:// streams a blob with the -azure-blob-* flags and prints what it prints for the file', async () => {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'backups',
    )
    await container.create()
    await container.getBlockBlobClient('dc1/consul-1.snap').uploadData(sound)
    const flags = [
      '-azure-blob-account-name',
      azurite.accountName,
      '-azure-blob-account-key',
      azurite.accountKey,
      '-azure-blob-endpoint',
      azurite.blobEndpoint,
    ]

    const stored = await cli(['inspect', ...flags, '-format', 'json', 'az://backups/dc1/consul-1.snap'], root)
    const copy = await cli(['inspect', '-format', 'json', local], root)

    expect(stored.stderr).toBe('')
    expect(stored.code).toBe(0)
    expect(stored.stdout).toBe(copy.stdout)
  })

  it('verify gs:// reads every backup under the prefix with the -gcs-* flags and names the damaged one', async () => {
    const storage = new Storage({ apiEndpoint: gcs.endpoint, projectId: 'snapshot-studio-test' })
    const [bucket] = await storage.createBucket('backups')
    await bucket.file('dc1/consul-1.snap').save(sound)
    await bucket.file('dc1/consul-2.snap').save(damaged)

    const report = await cli(['verify', '-gcs-endpoint', gcs.endpoint, 'gs://backups/dc1/'], root)

    expect(report.stdout).toMatch(/^ok +gs:\/\/backups\/dc1\/consul-1\.snap +index 13$/m)
    expect(report.stdout).toMatch(/^DAMAGED +gs:\/\/backups\/dc1\/consul-2\.snap +\S/m)
    expect(report.stdout).toContain('1 of 2 backups verified; 1 damaged.')
    expect(report.code).toBe(1)
  })
})
