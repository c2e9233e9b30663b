import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { findConsulBinary, startConsulAgent, type ConsulAgent } from '../../support/consul-agent'
import { populateEveryRecordKind } from '../../support/consul-populate'
import { startAzurite } from '../../support/azurite-server'
import { startS3Server } from '../../support/s3-server'
import { BlobServiceClient } from '@azure/storage-blob'
import { environmentFile, type E2eEnvironment } from './e2e-environment'
import { startStudioWeb } from './studio-web'

const repoRoot = path.resolve(__dirname, '..', '..', '..')

/**
 * Starts what the journey needs and returns the teardown: a source agent filled with every
 * record kind, an empty target agent to restore into, an S3 server with an empty bucket, Azurite
 * with an empty container, and `snapshot-studio web` on its own data
 * folder, with the Consul CLI variables pointing at the source (for "import from environment").
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  buildIfStale()
  const scratch = mkdtempSync(path.join(tmpdir(), 'studio-e2e-'))
  const dataDir = path.join(scratch, 'data')
  // Screenshots show the scratch folder as `~`: `~/snapshots` is the web command's default too.
  const saveDir = path.join(scratch, 'snapshots')
  mkdirSync(dataDir)
  mkdirSync(saveDir)

  const started: ConsulAgent[] = []
  const stops: Array<() => Promise<void>> = []
  try {
    const source = await startConsulAgent({ datacenter: 'dc1', nodeName: 'e2e-source' })
    started.push(source)
    const target = await startConsulAgent({ datacenter: 'dc1', nodeName: 'e2e-target' })
    started.push(target)

    // An S3 server (versitygw) with one empty bucket, for the plan with an S3 destination.
    const s3 = await startS3Server()
    stops.push(() => s3.stop())
    const s3Bucket = 'consul-backups'
    await s3.createBucket(s3Bucket)
    // Azurite (the Azure Storage emulator) with one empty container, for the Azure Blob plan.
    const azurite = await startAzurite()
    stops.push(() => azurite.stop())
    const azureContainer = 'consul-backups'
    await BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient(azureContainer)
      .create()

    await populateEveryRecordKind(source)
    const knownKey = {
      key: 'e2e/settings/web.json',
      value: '{"replicas":3,"image":"web:1.4.2","feature_flags":["dark-mode","audit"]}',
    }
    await consulPut(source, `/v1/kv/${knownKey.key}`, knownKey.value)
    // A restore replaces the target's ACL state with the source's, which would delete the
    // target's own management token; giving the source a copy keeps the target's profile valid.
    await consulPut(
      source,
      '/v1/acl/token',
      JSON.stringify({
        SecretID: target.token,
        Description: 'e2e: the target profile token',
        Policies: [{ Name: 'global-management' }],
      }),
    )

    const web = await startStudioWeb({
      dataDir,
      saveDir,
      // CONSUL_BIN: the host's consul for restore drills, as an operator would set it.
      env: {
        CONSUL_HTTP_ADDR: source.httpAddr,
        CONSUL_HTTP_TOKEN: source.token,
        CONSUL_BIN: await findConsulBinary(),
      },
    })
    stops.push(web.stop)

    const environment: E2eEnvironment = {
      url: web.url,
      dataDir,
      saveDir,
      source: { httpAddr: source.httpAddr, token: source.token, datacenter: source.datacenter },
      target: { httpAddr: target.httpAddr, token: target.token, datacenter: target.datacenter },
      knownKey,
      s3: {
        endpoint: s3.endpoint,
        region: s3.region,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        bucket: s3Bucket,
      },
      azure: {
        blobEndpoint: azurite.blobEndpoint,
        accountName: azurite.accountName,
        accountKey: azurite.accountKey,
        container: azureContainer,
      },
      sampleSnapshot: path.join(repoRoot, 'resources', 'sample', 'sample.snap'),
    }
    mkdirSync(path.dirname(environmentFile), { recursive: true })
    writeFileSync(environmentFile, JSON.stringify(environment, null, 2))
  } catch (error) {
    await teardown()
    throw error
  }

  async function teardown(): Promise<void> {
    for (const stop of stops.reverse()) await stop().catch(() => undefined)
    for (const agent of started) await agent.stop().catch(() => undefined)
    rmSync(scratch, { recursive: true, force: true })
  }
  return teardown
}

async function consulPut(agent: ConsulAgent, apiPath: string, body: string): Promise<void> {
  const response = await fetch(`${agent.httpAddr}${apiPath}`, {
    method: 'PUT',
    body,
    headers: { 'X-Consul-Token': agent.token },
  })
  if (!response.ok)
    throw new Error(`PUT ${apiPath} on ${agent.nodeName}: HTTP ${response.status} ${await response.text()}`)
}

/** Builds the app when out/ is missing or older than any source file. */
function buildIfStale(): void {
  const built = path.join(repoRoot, 'out', 'renderer', 'index.html')
  const cli = path.join(repoRoot, 'out', 'main', 'cli.js')
  const builtAt =
    existsSync(built) && existsSync(cli) ? Math.min(statSync(built).mtimeMs, statSync(cli).mtimeMs) : 0
  if (builtAt > newestMtime(path.join(repoRoot, 'src'))) return
  const result = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    { cwd: repoRoot, stdio: 'inherit' },
  )
  if (result.status !== 0) throw new Error('electron-vite build failed')
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs)
  }
  return newest
}
