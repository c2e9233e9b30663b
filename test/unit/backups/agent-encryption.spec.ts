import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentity } from 'age-encryption'
import type { AppError } from '../../../src/shared/app-error'
import type { SaveResult } from '../../../src/shared/consul-types'
import { loadAgentConfig, type AgentFlags } from '../../../src/main/services/backups/agent-config'
import { silentLogger } from '../../../src/main/services/backups/agent-logger'
import { LocalDestination } from '../../../src/main/services/backups/local-destination'
import { SnapshotIdSource } from '../../../src/main/services/backups/snapshot-id'
import { runSnapshotCycle, type SaveFunction } from '../../../src/main/services/backups/snapshot-cycle'
import { recipientOf } from '../../../src/main/services/encryption/age-keys'
import { decryptStream } from '../../../src/main/services/encryption/age-stream'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-encryption-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const identity = await generateIdentity()
const recipient = await recipientOf(identity)
const SSH = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN ops@example'

async function configWith(encryption: unknown, flags: AgentFlags = {}) {
  const path = join(dir, 'agent.json')
  await writeFile(path, JSON.stringify({ snapshot_agent: { encryption } }))
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

describe('snapshot_agent.encryption', () => {
  it('is off unless configured', async () => {
    expect((await configWith({})).encryption).toBeNull()
  })

  it('takes recipients (X25519 and SSH) and a recipients file, relative to the working folder', async () => {
    const other = await recipientOf(await generateIdentity())
    await writeFile(join(dir, 'team.txt'), `# backup keys\n${other}\n`)
    const config = await configWith({ recipients: [recipient, SSH], recipients_file: 'team.txt' })
    expect(config.encryption).toEqual({ recipients: [recipient, SSH, other] })
  })

  it('lets -encrypt-recipient replace the files', async () => {
    const other = await recipientOf(await generateIdentity())
    const config = await configWith({ recipients: [recipient] }, { encryptRecipients: [other] })
    expect(config.encryption).toEqual({ recipients: [other] })
  })

  it('names the file and key of a bad recipient before anything runs', async () => {
    const error = await failure(configWith({ recipients: [recipient, 'age1typo'] }))
    expect(error.code).toBe('INVALID_ARGUMENT')
    expect(error.message).toMatch(/agent\.json: snapshot_agent\.encryption\.recipients\[1\]/)
  })

  it('refuses an identity given as a recipient without echoing it', async () => {
    const error = await failure(configWith({}, { encryptRecipients: [identity] }))
    expect(error.message).toMatch(/-encrypt-recipient #1: this is an identity/)
    expect(error.message).not.toContain(identity)
  })

  it('refuses an encryption object that lists nobody', async () => {
    expect((await failure(configWith({ recipients: [] }))).message).toMatch(/no recipient is listed/)
  })

  it('refuses unknown keys as every other section does', async () => {
    expect((await failure(configWith({ passphrase: 'x' }))).message).toMatch(
      /encryption\.passphrase: unknown key/,
    )
  })
})

describe('a cycle with encryption', () => {
  const plain = Buffer.from('a verified snapshot')
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

  it('stores only consul-<ID>.snap.age, which opens with the identity, and leaves no scratch', async () => {
    const clock = () => new Date('2026-03-15T12:00:00Z')
    const target = join(dir, 'backups')
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
          retain: 1,
          maxAgeMs: null,
          hourly: 0,
          daily: 0,
          weekly: 0,
          monthly: 0,
          yearly: 0,
          timeZone: 'UTC',
        },
        encryption: { recipients: [recipient] },
      },
      {
        save,
        destinations: [new LocalDestination(target)],
        clock,
        now: () => 0,
        logger: silentLogger,
        ids: new SnapshotIdSource(clock, () => 7n),
      },
    )
    expect(report.ok).toBe(true)
    const name = report.name as string
    expect(name).toMatch(/^consul-\d+\.snap\.age$/)
    expect((await readdir(target)).sort()).toEqual([name, `${name}.json`])
    expect(await readdir(join(dir, 'scratch'))).toEqual([])
    const decrypted = await decryptStream(
      Readable.from([await readFile(join(target, name))]),
      { identities: [identity], passphrases: [] },
      name,
    )
    const chunks: Buffer[] = []
    for await (const chunk of decrypted) chunks.push(chunk as Buffer)
    expect(Buffer.concat(chunks)).toEqual(plain)
  })
})
