import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { generateIdentity } from 'age-encryption'
import type { AppError } from '../../../src/shared/app-error'
import { snapshotSourceSchema } from '../../../src/shared/api-contract'
import { createDecryptedSources } from '../../../src/main/host/decrypted-sources'
import { createSourceResolver } from '../../../src/main/host/source-resolver'
import { recipientOf } from '../../../src/main/services/encryption/age-keys'
import { encryptFile } from '../../../src/main/services/encryption/age-stream'
import { redactValue } from '../../../src/main/logging/redact'
import { buildSnapshot } from '../../support/snapshot-builder'

const dir = mkdtempSync(join(tmpdir(), 'decrypted-sources-'))
const scratch = mkdtempSync(join(tmpdir(), 'decrypted-scratch-'))
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  rmSync(scratch, { recursive: true, force: true })
})

const snapshot = buildSnapshot()
writeFileSync(join(dir, 'plain.snap'), snapshot)
const identity = await generateIdentity()
await encryptFile(join(dir, 'plain.snap'), join(dir, 'backup.snap.age'), {
  kind: 'recipients',
  recipients: [await recipientOf(identity)],
})

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    return error as AppError
  }
  throw new Error('expected a failure')
}

describe('opening an encrypted backup in the app', () => {
  const decrypted = createDecryptedSources({ scratchDir: scratch })
  const sources = createSourceResolver({ decrypted })
  const path = join(dir, 'backup.snap.age')

  it('passes a plain snapshot through untouched', async () => {
    expect(await sources.resolve({ kind: 'path', path: join(dir, 'plain.snap') })).toBe(
      join(dir, 'plain.snap'),
    )
  })

  it('asks for a key (the prompt opens on this code) when none came with the request', async () => {
    expect((await failure(sources.resolve({ kind: 'path', path }))).code).toBe('ENCRYPTED_KEY_REQUIRED')
  })

  it('refuses a wrong identity', async () => {
    const other = await generateIdentity()
    const error = await failure(
      sources.resolve({ kind: 'path', path, decryption: { identitySecret: other } }),
    )
    expect(error.code).toBe('ENCRYPTED_WRONG_KEY')
  })

  it('reads the snapshot from one private decrypted copy, reused while the file and key stay the same', async () => {
    const source = { kind: 'path' as const, path, decryption: { identitySecret: `# key\n${identity}\n` } }
    const first = await sources.resolve(source)
    expect(readFileSync(first)).toEqual(snapshot)
    expect(await sources.resolve(source)).toBe(first)
  })

  it('removes every copy when the host stops', async () => {
    await decrypted.dispose()
    expect(readdirSync(scratch)).toEqual([])
    expect(existsSync(path)).toBe(true)
  })
})

describe('the key on the wire', () => {
  it('is part of the source schema, bounded', () => {
    const source = { kind: 'path', path: '/x.snap.age', decryption: { passphrase: 'p' } }
    expect(snapshotSourceSchema.parse(source)).toEqual(source)
    expect(
      snapshotSourceSchema.safeParse({
        kind: 'path',
        path: '/x',
        decryption: { passphrase: 'x'.repeat(5000) },
      }).success,
    ).toBe(false)
  })

  it('is masked by the log redaction by its field names', () => {
    const logged = JSON.stringify(
      redactValue({ source: { decryption: { identitySecret: identity, passphrase: 'open sesame' } } }),
    )
    expect(logged).not.toContain(identity)
    expect(logged).not.toContain('open sesame')
  })
})
