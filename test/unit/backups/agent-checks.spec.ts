import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentity } from 'age-encryption'
import type { AppError } from '../../../src/shared/app-error'
import type { SaveResult } from '../../../src/shared/consul-types'
import { checkAgeEnvelope } from '../../../src/main/services/backups/age-envelope'
import { verdictOf } from '../../../src/main/services/backups/agent-check-report'
import { loadAgentConfig, type AgentFlags } from '../../../src/main/services/backups/agent-config'
import { silentLogger } from '../../../src/main/services/backups/agent-logger'
import { LocalDestination } from '../../../src/main/services/backups/local-destination'
import { enterpriseNamePattern } from '../../../src/main/services/backups/retention'
import { runSnapshotCycle, type SaveFunction } from '../../../src/main/services/backups/snapshot-cycle'
import { SnapshotIdSource } from '../../../src/main/services/backups/snapshot-id'
import { verifyNewestBackups } from '../../../src/main/services/backups/verify-newest-backups'
import { recipientOf } from '../../../src/main/services/encryption/age-keys'
import { decryptStream, encryptStream } from '../../../src/main/services/encryption/age-stream'
import { buildSnapshot } from '../../support/snapshot-builder'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-checks-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const identityA = await generateIdentity()
const identityB = await generateIdentity()
const recipientA = await recipientOf(identityA)
const recipientB = await recipientOf(identityB)

async function load(section: unknown, flags: AgentFlags = {}) {
  const path = join(dir, 'agent.json')
  await writeFile(path, JSON.stringify({ snapshot_agent: section }))
  return loadAgentConfig({ flags: { configFiles: [path], ...flags }, env: {}, cwd: dir })
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    return error as AppError
  }
  throw new Error('expected a failure')
}

async function bytesOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks)
}

/** Where an age file's payload starts: after the `--- <mac>` line. */
function headerLength(file: Buffer): number {
  const mac = file.indexOf('\n--- ')
  return file.indexOf(0x0a, mac + 1) + 1
}

const encrypt = async (plain: Buffer, recipient: string) =>
  bytesOf(await encryptStream(Readable.from([plain]), { kind: 'recipients', recipients: [recipient] }))

describe('verify and drill in the agent config', () => {
  it('are off unless an interval is given', async () => {
    const config = await load({})
    expect(config.checks).toEqual({ verify: null, drill: null, identityFile: null })
  })

  it('read verify.interval, drill.interval, drill.consul_binary and encryption.identity_file (paths from the working folder)', async () => {
    const config = await load({
      verify: { interval: '24h' },
      drill: { interval: '168h', consul_binary: 'bin/consul' },
      encryption: { identity_file: 'keys/backup.txt' },
    })
    expect(config.checks).toEqual({
      verify: { intervalMs: 24 * 3_600_000 },
      drill: { intervalMs: 168 * 3_600_000, consulBinary: join(dir, 'bin/consul') },
      identityFile: join(dir, 'keys/backup.txt'),
    })
    // An identity alone does not turn encryption of new backups on.
    expect(config.encryption).toBeNull()
  })

  it('lets the flags override the file, and 0 turns a step off', async () => {
    const config = await load(
      { verify: { interval: '24h' }, drill: { interval: '168h' } },
      { verifyInterval: '12h', drillInterval: '0', drillConsul: '/opt/consul' },
    )
    expect(config.checks.verify).toEqual({ intervalMs: 12 * 3_600_000 })
    expect(config.checks.drill).toBeNull()
  })

  it('names the key of a bad interval, refuses one under a minute, and refuses unknown keys', async () => {
    expect((await failure(load({ verify: { interval: 'daily' } }))).message).toBe(
      'agent.json: snapshot_agent.verify.interval: "daily" is not a duration',
    )
    expect((await failure(load({ drill: { interval: '30s' } }))).message).toBe(
      'agent.json: snapshot_agent.drill.interval: must be at least 1m',
    )
    expect((await failure(load({}, { verifyInterval: '-1h' }))).message).toBe(
      'flags: -verify-interval: "-1h" is not a duration',
    )
    expect((await failure(load({ drill: { consul: '/usr/bin/consul' } }))).message).toMatch(
      /snapshot_agent\.drill\.consul: unknown key/,
    )
  })
})

describe('per-destination encryption recipients', () => {
  it('give a backup_destinations entry its own recipients, replacing the agent-wide ones for it only', async () => {
    await writeFile(join(dir, 'b.txt'), `# ops B\n${recipientB}\n`)
    const config = await load({
      encryption: { recipients: [recipientA] },
      backup_destinations: {
        local_storage: [{ path: 'a' }, { path: 'b', encryption: { recipients_file: 'b.txt' } }],
      },
    })
    expect(config.encryption).toEqual({ recipients: [recipientA] })
    expect(config.destinations).toEqual([
      { kind: 'local', path: join(dir, 'a') },
      { kind: 'local', path: join(dir, 'b'), encryption: { recipients: [recipientB] } },
    ])
  })

  it('are checked before anything runs, naming the entry, and never echo the key', async () => {
    const error = await failure(
      load({
        backup_destinations: {
          local_storage: [{ path: 'a' }],
          aws_storage: [{ s3_region: 'eu-west-1', s3_bucket: 'b', encryption: { recipients: [identityA] } }],
        },
      }),
    )
    expect(error.message).toContain(
      'agent.json: snapshot_agent.backup_destinations.aws_storage[0].encryption.recipients[0]',
    )
    expect(error.message).not.toContain(identityA)
    expect(
      (
        await failure(
          load({ backup_destinations: { local_storage: [{ path: 'a', encryption: { recipients: [] } }] } }),
        )
      ).message,
    ).toBe(
      'agent.json: snapshot_agent.backup_destinations.local_storage[0].encryption: no recipient is listed, so nothing could decrypt the backups',
    )
    expect(
      (
        await failure(
          load({ backup_destinations: { local_storage: [{ path: 'a', encryption: { passphrase: 'x' } }] } }),
        )
      ).message,
    ).toMatch(/local_storage\.0\.encryption\.passphrase: unknown key/)
  })

  it('a cycle encrypts once per set of recipients: each destination opens only with its own key', async () => {
    const plain = buildSnapshot()
    const save: SaveFunction = async (options) => {
      const path = join(options.destinationDir, options.fileName ?? 'x.snap')
      await writeFile(path, plain)
      await writeFile(`${path}.json`, '{}')
      const result: SaveResult = {
        path,
        sidecarPath: `${path}.json`,
        size: plain.length,
        sha256: 'a'.repeat(64),
        index: 42,
        term: 2,
        consulVersion: '1.14.8',
        datacenter: 'dc1',
        knownLeader: true,
        lastContactMs: 0,
        durationMs: 1,
      }
      return result
    }
    const clock = () => new Date('2026-03-15T12:00:00Z')
    const folders = ['a', 'b', 'plain'].map((name) => join(dir, name))
    const report = await runSnapshotCycle(
      {
        connection: {
          name: 'consul',
          settings: { address: '127.0.0.1:1', useTls: false, tls: { insecureSkipVerify: false } },
        },
        datacenter: null,
        stale: false,
        scratchPath: join(dir, 'scratch'),
        nameTemplate: null,
        retention: {
          retain: 0,
          maxAgeMs: null,
          hourly: 0,
          daily: 0,
          weekly: 0,
          monthly: 0,
          yearly: 0,
          timeZone: 'UTC',
        },
        encryption: null,
        destinationEncryption: [{ recipients: [recipientA] }, { recipients: [recipientB] }, undefined],
      },
      {
        save,
        destinations: folders.map((folder) => new LocalDestination(folder)),
        clock,
        now: () => 0,
        logger: silentLogger,
        ids: new SnapshotIdSource(clock, () => 7n),
      },
    )
    expect(report.ok).toBe(true)
    const [a, b, clear] = await Promise.all(
      folders.map(async (folder) => (await readdir(folder)).filter((n) => !n.endsWith('.json'))),
    )
    expect(a).toEqual([`${report.name}`])
    expect(a?.[0]).toMatch(/\.snap\.age$/)
    expect(b).toEqual(a)
    expect(clear?.[0]).toMatch(/^consul-\d+\.snap$/)
    const open = async (folder: string, identity: string) =>
      bytesOf(
        await decryptStream(
          Readable.from([await readFile(join(folder, a![0]!))]),
          { identities: [identity], passphrases: [] },
          'x',
        ),
      )
    expect(await open(folders[0]!, identityA)).toEqual(plain)
    expect(await open(folders[1]!, identityB)).toEqual(plain)
    expect((await failure(open(folders[0]!, identityB))).code).toBe('ENCRYPTED_WRONG_KEY')
    expect((await failure(open(folders[1]!, identityA))).code).toBe('ENCRYPTED_WRONG_KEY')
    expect(await readFile(join(folders[2]!, clear![0]!))).toEqual(plain)
    expect(await readdir(join(dir, 'scratch'))).toEqual([])
  })
})

describe('the integrity re-check of the newest backups', () => {
  const pattern = enterpriseNamePattern()

  async function destinationWith(name: string, files: Record<string, Buffer>) {
    const folder = join(dir, name)
    await mkdir(folder, { recursive: true })
    for (const [file, bytes] of Object.entries(files)) await writeFile(join(folder, file), bytes)
    return new LocalDestination(folder)
  }

  it('verifies only the newest backup of each destination and names a damaged one', async () => {
    const good = buildSnapshot()
    const damaged = Buffer.from(good)
    damaged[damaged.length - 12]! ^= 0xff
    const results = await verifyNewestBackups(
      [
        await destinationWith('one', {
          'consul-100.snap': damaged,
          'consul-200.snap': good,
          'notes.txt': good,
        }),
        await destinationWith('two', { 'consul-100.snap': good, 'consul-200.snap': damaged }),
        await destinationWith('three', { 'other.snap': good }),
      ],
      pattern,
      null,
    )
    expect(results.map((r) => [r.name, r.outcome])).toEqual([
      ['consul-200.snap', 'verified'],
      ['consul-200.snap', 'damaged'],
      [null, 'none'],
    ])
    const verdict = verdictOf('verify', results)
    expect(verdict.severity).toBe('critical')
    expect(verdict.summary).toMatch(new RegExp(`^DAMAGED consul-200\\.snap in local:${join(dir, 'two')}: `))
  })

  it('opens .snap.age with the identity; without one it checks the envelope only, and still catches a cut-off file', async () => {
    const sealed = await encrypt(buildSnapshot(), recipientA)
    // Cut inside the last chunk's tag: too short for any chunk (an age stream's length tells).
    const cut = sealed.subarray(0, sealed.length - (sealed.length - headerLength(sealed) - 16 - 10))
    const destinations = [
      await destinationWith('whole', { 'consul-300.snap.age': sealed }),
      await destinationWith('cut', { 'consul-300.snap.age': cut }),
    ]
    const withKey = await verifyNewestBackups(destinations, pattern, {
      identities: [identityA],
      passphrases: [],
    })
    expect(withKey.map((r) => r.outcome)).toEqual(['verified', 'damaged'])
    const withoutKey = await verifyNewestBackups(destinations, pattern, null)
    expect(withoutKey.map((r) => r.outcome)).toEqual(['envelope-only', 'damaged'])
    expect(verdictOf('verify', withoutKey.slice(0, 1)).severity).toBe('passing')
    const wrongKey = await verifyNewestBackups(destinations.slice(0, 1), pattern, {
      identities: [identityB],
      passphrases: [],
    })
    // The backup may be fine: a key that does not match says nothing about it.
    expect(wrongKey.map((r) => r.outcome)).toEqual(['unchecked'])
    expect(verdictOf('verify', wrongKey).severity).toBe('warning')
  })
})

describe('checkAgeEnvelope', () => {
  it('accepts whole age files of any length, the empty plaintext included', async () => {
    for (const size of [0, 1, 64 * 1024, 64 * 1024 + 1, 200_000]) {
      const sealed = await encrypt(Buffer.alloc(size, 7), recipientA)
      await expect(checkAgeEnvelope(Readable.from([sealed]), 'f')).resolves.toBeDefined()
    }
  })

  it('refuses a file whose length no age stream has, one cut inside its header, or one that is not age at all', async () => {
    const sealed = await encrypt(Buffer.alloc(100_000, 7), recipientA)
    // 100,000 bytes: one full chunk (65,552 sealed) and a last one of 34,480; keep 10 bytes of it.
    const lastChunk = 100_000 - 65_536 + 16
    const errors = await Promise.all(
      [sealed.subarray(0, sealed.length - lastChunk + 10), sealed.subarray(0, 40), buildSnapshot()].map(
        (bytes) => failure(checkAgeEnvelope(Readable.from([bytes]), 'consul-1.snap.age')),
      ),
    )
    expect(errors.map((e) => e.code)).toEqual([
      'ENCRYPTED_DAMAGED',
      'ENCRYPTED_DAMAGED',
      'ENCRYPTED_UNSUPPORTED',
    ])
    expect(errors[0]?.message).toContain('consul-1.snap.age')
  })
})
