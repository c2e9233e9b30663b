// The agent's S3 destination against a real S3 server (versitygw, test/storage/versitygw) and a
// real Consul: an agent run uploads a verified snapshot that Debian's s3cmd lists and downloads
// and `consul snapshot inspect` accepts; retention pages through more than 1,000 objects and
// deletes exactly what it planned; a server that dies mid-upload leaves nothing under the final
// name; wrong credentials and a store that is down are reported in plain words; with two
// destinations and one down, the other keeps its copy and the run names the failed one.
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ListMultipartUploadsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../src/shared/app-error'
import { silentLogger } from '../../src/main/services/backups/agent-logger'
import { listAll } from '../../src/main/services/backups/destination'
import type { S3DestinationConfig } from '../../src/main/services/backups/destination-config'
import {
  enterpriseNamePattern,
  planRetention,
  type RetentionPolicy,
} from '../../src/main/services/backups/retention'
import { S3Destination } from '../../src/main/services/backups/s3-destination'
import { applyRetention } from '../../src/main/services/backups/snapshot-cycle'
import { runConsul, startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { startS3Server, type S3TestServer } from '../support/s3-server'
import { cliScript } from '../support/snapshot-agent-process'

const run = promisify(execFile)

function runAgentOnce(configFile: string, cwd: string, env: Record<string, string>) {
  return runCli(['agent', '-config-file', configFile, '-once'], cwd, env)
}

function runCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cliScript, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

const keepAll: RetentionPolicy = {
  retain: 0,
  maxAgeMs: null,
  hourly: 0,
  daily: 0,
  weekly: 0,
  monthly: 0,
  yearly: 0,
  timeZone: 'UTC',
}

/** Nothing listens there: a store that is down. */
async function deadEndpoint(): Promise<string> {
  const { createServer } = await import('node:net')
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

describe('S3 destination against a real S3 server', () => {
  let consul: ConsulAgent
  let s3: S3TestServer
  let root: string
  let s3cfg: string
  let admin: S3Client

  const s3cmd = async (...args: string[]) => (await run('s3cmd', ['-c', s3cfg, ...args])).stdout
  const destinationConfig = (overrides: Partial<S3DestinationConfig> = {}): S3DestinationConfig => ({
    kind: 's3',
    region: s3.region,
    bucket: 'snapshots',
    keyPrefix: 'consul-snapshot',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    serverSideEncryption: { mode: 'none' },
    staticSnapshotName: null,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    caFile: null,
    ...overrides,
  })
  const agentStore = (bucket: string, extra: Record<string, unknown> = {}) => ({
    access_key_id: s3.accessKeyId,
    secret_access_key: s3.secretAccessKey,
    s3_region: s3.region,
    s3_bucket: bucket,
    s3_endpoint: s3.endpoint,
    s3_force_path_style: true,
    ...extra,
  })
  async function agentConfig(name: string, agent: Record<string, unknown>): Promise<string> {
    const path = join(root, `${name}.json`)
    await writeFile(
      path,
      JSON.stringify({ snapshot_agent: { http_addr: consul.httpAddr, snapshot: { retain: 0 }, ...agent } }),
    )
    return path
  }

  beforeAll(async () => {
    ;[consul, s3] = await Promise.all([startConsulAgent(), startS3Server()])
    root = await mkdtemp(join(tmpdir(), 'ss-s3-it-'))
    s3cfg = join(root, 's3cfg')
    const host = new URL(s3.endpoint).host
    await writeFile(
      s3cfg,
      [
        '[default]',
        `access_key = ${s3.accessKeyId}`,
        `secret_key = ${s3.secretAccessKey}`,
        `host_base = ${host}`,
        `host_bucket = ${host}`,
        'use_https = False',
        'signature_v2 = False',
        `bucket_location = ${s3.region}`,
        '',
      ].join('\n'),
    )
    for (const bucket of ['snapshots', 'second', 'many', 'broken']) await s3.createBucket(bucket)
    admin = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    })
  })
  afterAll(async () => {
    admin?.destroy()
    await Promise.all([consul?.stop(), s3?.stop()])
    await rm(root, { recursive: true, force: true })
  })

  it('an agent run uploads a verified snapshot that s3cmd lists and downloads and consul accepts; nothing lands locally', async () => {
    const cwd = join(root, 'agent-run')
    await mkdir(cwd)
    const config = await agentConfig('upload', {
      aws_storage: agentStore('snapshots', { s3_key_prefix: 'dc1/' }),
    })
    const result = await runAgentOnce(config, cwd, { CONSUL_HTTP_TOKEN: consul.token })
    expect(result.stderr).toMatch(/INFO +Saved snapshot \d+/)
    expect(result.code).toBe(0)
    // The SDK's Node-support notice and stacks stay off the operator's terminal.
    expect(result.stderr).not.toMatch(/Warning|\n\s+at /)
    expect(result.stderr).not.toContain(s3.secretAccessKey)
    expect(await readdir(cwd)).toEqual([])

    const listing = await s3cmd('ls', 's3://snapshots/dc1/')
    const keys = [...listing.matchAll(/s3:\/\/snapshots\/(\S+)/g)].map((m) => m[1])
    const snapshot = keys.find((k) => /^dc1\/consul-\d{19}\.snap$/.test(k ?? ''))
    expect(snapshot).toBeDefined()
    expect(keys).toContain(`${snapshot}.json`)
    const local = join(root, 'downloaded.snap')
    await s3cmd('get', `s3://snapshots/${snapshot}`, local)
    const inspected = await runConsul(['snapshot', 'inspect', local])
    expect(inspected.stderr).toBe('')
    expect(inspected.code).toBe(0)
  })

  it('verify streams every stored backup under a prefix through full verification and names the damaged one', async () => {
    const flags = [
      '-aws-s3-endpoint',
      s3.endpoint,
      '-aws-s3-force-path-style',
      '-aws-s3-region',
      s3.region,
      '-aws-access-key-id',
      s3.accessKeyId,
      '-aws-secret-access-key',
      s3.secretAccessKey,
    ]
    const good = await runCli(['verify', ...flags, 's3://snapshots/dc1/'], root)
    expect(good.stdout).toMatch(/^ok +s3:\/\/snapshots\/dc1\/consul-\d{19}\.snap +index \d+/m)
    expect(good.stdout).toContain('1 of 1 backups verified; 0 damaged.')
    expect(good.code).toBe(0)

    // A copy cut short, stored under another prefix: found damaged, nothing written locally.
    const whole = await readFile(join(root, 'downloaded.snap'))
    const cut = join(root, 'cut.snap')
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)))
    await s3cmd('put', join(root, 'downloaded.snap'), 's3://snapshots/mixed/consul-1.snap')
    await s3cmd('put', cut, 's3://snapshots/mixed/consul-2.snap')
    const mixed = await runCli(['verify', ...flags, 's3://snapshots/mixed/'], root)
    expect(mixed.stdout).toMatch(/^ok +s3:\/\/snapshots\/mixed\/consul-1\.snap/m)
    expect(mixed.stdout).toMatch(/^DAMAGED +s3:\/\/snapshots\/mixed\/consul-2\.snap +\S/m)
    expect(mixed.stdout).toContain('1 of 2 backups verified; 1 damaged.')
    expect(mixed.code).toBe(1)
    const one = await runCli(['verify', ...flags, 's3://snapshots/mixed/consul-2.snap'], root)
    expect(one.code).toBe(1)
  })

  it('puts snapshots at the top of the bucket without a prefix, and refuses to replace a rotating name', async () => {
    const destination = new S3Destination(destinationConfig({ keyPrefix: '' }))
    const file = join(root, 'small.snap')
    await writeFile(file, randomBytes(1000))
    const { location } = await destination.put('consul-1.snap', { path: file, size: 1000 })
    expect(location).toBe('s3://snapshots/consul-1.snap')
    expect(await s3cmd('ls', 's3://snapshots/')).toContain('s3://snapshots/consul-1.snap\n')
    const again = await destination.put('consul-1.snap', { path: file, size: 1000 }).catch((e: unknown) => e)
    expect(again).toBeInstanceOf(AppError)
    expect(again).toMatchObject({ code: 'FILE_EXISTS' })
    destination.close()
  })

  it('verifies by reading back when the store reports an ETag that is not an MD5', async () => {
    const other = await startS3Server({ posixArgs: ['--data-integrity-etag'] })
    try {
      await other.createBucket('readback')
      const destination = new S3Destination(
        destinationConfig({
          bucket: 'readback',
          endpoint: other.endpoint,
          credentials: { accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey },
        }),
      )
      const file = join(root, 'multi.snap')
      const bytes = randomBytes(9 * 1024 * 1024)
      await writeFile(file, bytes)
      await destination.put('consul-2.snap', { path: file, size: bytes.length })
      const back: Buffer[] = []
      for await (const chunk of await destination.openRead('consul-2.snap')) back.push(chunk as Buffer)
      expect(Buffer.concat(back).equals(bytes)).toBe(true)
      destination.close()
    } finally {
      await other.stop()
    }
  })

  it('retention pages through more than 1,000 objects and deletes exactly the planned ones', async () => {
    const destination = new S3Destination(destinationConfig({ bucket: 'many' }))
    const base = 1_700_000_000_000_000_000n
    const names = Array.from({ length: 1101 }, (_, i) => `consul-${base + BigInt(i) * 1_000_000_000n}.snap`)
    const foreign = ['consul-snapshot/notes.txt', 'consul-snapshot/consul-latest.snap']
    const keys = [...names.map((n) => `consul-snapshot/${n}`), ...foreign]
    for (let i = 0; i < keys.length; i += 64) {
      await Promise.all(
        keys
          .slice(i, i + 64)
          .map((Key) => admin.send(new PutObjectCommand({ Bucket: 'many', Key, Body: 'x' }))),
      )
    }
    const firstPage = await destination.list({ limit: 1000 })
    expect(firstPage.entries).toHaveLength(1000)
    expect(firstPage.next).not.toBeNull()

    const policy = { ...keepAll, retain: 1050 }
    const now = new Date('2026-12-01T00:00:00Z')
    const plan = planRetention(await listAll(destination), policy, now, enterpriseNamePattern())
    expect(plan.delete.map((d) => d.name)).toEqual(names.slice(0, 51))

    const result = await applyRetention(destination, policy, enterpriseNamePattern(), {
      clock: () => now,
      logger: silentLogger,
    })
    expect(result.error).toBeUndefined()
    expect(result.deleted).toEqual(names.slice(0, 51))
    const left = [...(await s3cmd('ls', 's3://many/consul-snapshot/')).matchAll(/s3:\/\/many\/(\S+)/g)].map(
      (m) => m[1],
    )
    expect(left.sort()).toEqual([...names.slice(51).map((n) => `consul-snapshot/${n}`), ...foreign].sort())
    destination.close()
  })

  it('a server that dies mid-upload leaves no object under the final name, and the error says the store is unreachable', async () => {
    const victim = await startS3Server()
    try {
      await victim.createBucket('victim')
      const destination = new S3Destination(
        destinationConfig({
          bucket: 'victim',
          endpoint: victim.endpoint,
          credentials: { accessKeyId: victim.accessKeyId, secretAccessKey: victim.secretAccessKey },
        }),
      )
      const file = join(root, 'large.snap')
      const size = 96 * 1024 * 1024
      await writeFile(file, randomBytes(size))
      const watcher = new S3Client({
        region: victim.region,
        endpoint: victim.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: victim.accessKeyId, secretAccessKey: victim.secretAccessKey },
      })
      const upload = destination.put('consul-3.snap', { path: file, size }).then(
        () => null,
        (e: unknown) => e,
      )
      // Stop the server as soon as the multipart upload exists: parts are then in flight.
      for (;;) {
        const open = await watcher.send(new ListMultipartUploadsCommand({ Bucket: 'victim' }))
        if ((open.Uploads ?? []).length > 0) break
      }
      watcher.destroy()
      await victim.pause()
      const error = await upload
      expect(error).toBeInstanceOf(AppError)
      expect((error as AppError).code).toBe('STORAGE_UNREACHABLE')
      expect((error as AppError).message).toMatch(/cannot be reached \((ECONNREFUSED|ECONNRESET|EPIPE)\)/)

      await victim.resume()
      expect((await destination.list()).entries).toEqual([])
      const read = await destination.openRead('consul-3.snap').catch((e: unknown) => e)
      expect(read).toMatchObject({ code: 'FILE_NOT_FOUND' })
      destination.close()
    } finally {
      await victim.stop()
    }
  })

  it('wrong credentials: the agent run fails with the store reason in plain words, no stack, no secret', async () => {
    const cwd = join(root, 'wrong-credentials')
    await mkdir(cwd)
    const config = await agentConfig('wrong', {
      aws_storage: agentStore('broken', { secret_access_key: 'not-the-secret-0123456789' }),
    })
    const result = await runAgentOnce(config, cwd, { CONSUL_HTTP_TOKEN: consul.token })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/the store refused the credentials \(SignatureDoesNotMatch/)
    expect(result.stderr).not.toMatch(/\n\s+at |Warning/)
    expect(result.stderr).not.toContain('not-the-secret-0123456789')
    expect(await s3cmd('ls', 's3://broken/consul-snapshot/')).toBe('')
    expect(await readdir(cwd)).toEqual([])
  })

  it('two destinations, one down: the other keeps its verified copy and the run names the one that failed', async () => {
    const cwd = join(root, 'one-down')
    await mkdir(cwd)
    const down = await deadEndpoint()
    const config = await agentConfig('two', {
      backup_destinations: {
        aws_storage: [agentStore('second'), agentStore('unreachable', { s3_endpoint: down })],
      },
    })
    const result = await runAgentOnce(config, cwd, { CONSUL_HTTP_TOKEN: consul.token })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      `Stored in 1 of 2 destinations; failed: s3://unreachable/consul-snapshot/ (${down}):`,
    )
    expect(result.stderr).toMatch(/the store cannot be reached \(ECONNREFUSED\)/)
    expect(result.stderr).not.toMatch(/\n\s+at |Warning/)
    const listing = await s3cmd('ls', 's3://second/consul-snapshot/')
    const [snapshot] = [...listing.matchAll(/s3:\/\/second\/(consul-snapshot\/consul-\d{19}\.snap)\n/g)].map(
      (m) => m[1],
    )
    expect(snapshot).toBeDefined()
    const local = join(root, 'from-second.snap')
    await s3cmd('get', `s3://second/${snapshot}`, local)
    expect((await runConsul(['snapshot', 'inspect', local])).code).toBe(0)
    expect((await readFile(local)).length).toBeGreaterThan(0)
    expect(await readdir(cwd)).toEqual([])
  })
})
