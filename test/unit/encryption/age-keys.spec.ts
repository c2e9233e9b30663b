import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { generateIdentity } from 'age-encryption'
import type { AppError } from '../../../src/shared/app-error'
import {
  IDENTITY_ENV,
  loadDecryptionKeys,
  parseIdentities,
  parseRecipient,
  readPassphraseFile,
  readRecipientsFile,
  recipientOf,
} from '../../../src/main/services/encryption/age-keys'

const dir = mkdtempSync(join(tmpdir(), 'age-keys-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
const caught = (run: () => unknown): AppError => {
  try {
    run()
  } catch (error) {
    return error as AppError
  }
  throw new Error('expected a failure')
}
async function rejected(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    return error as AppError
  }
  throw new Error('expected a failure')
}

const one = await generateIdentity()
const two = await generateIdentity()
const ED25519_PUB =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN operator@example'

describe('identity files, as age -i reads them', () => {
  it("reads age-keygen's output: comments, blank lines and several keys", () => {
    const text = `# created: 2026-01-01T00:00:00Z\n# public key: age1…\n${one}\r\n\n# another\n${two}\n`
    expect(parseIdentities(text, 'keys.txt')).toEqual([one, two])
  })

  it('refuses a file without identities, an SSH private key and a bad line, quoting none of it', () => {
    expect(caught(() => parseIdentities('# nothing\n', 'keys.txt')).message).toMatch(/holds no identity/)
    expect(
      caught(() => parseIdentities('-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n', 'id_ed25519')).message,
    ).toMatch(/SSH private keys are not read here/)
    const bad = caught(() => parseIdentities(`${one}\nAGE-SECRET-KEY-1NOTAKEY\n`, 'keys.txt'))
    expect(bad.code).toBe('INVALID_ARGUMENT')
    expect(bad.message).toMatch(/line 2/)
    expect(bad.message).not.toContain('NOTAKEY')
  })

  it(`takes ${IDENTITY_ENV} as the identity itself or as a file's path`, async () => {
    expect((await loadDecryptionKeys({ env: { [IDENTITY_ENV]: one } })).identities).toEqual([one])
    const path = file('env-keys.txt', `# key\n${two}\n`)
    expect((await loadDecryptionKeys({ env: { [IDENTITY_ENV]: path } })).identities).toEqual([two])
  })

  it('joins -identity files, the environment and passphrase files', async () => {
    const keys = await loadDecryptionKeys({
      identityFiles: [file('a.txt', one)],
      passphraseFiles: [file('pass.txt', 'open sesame\n')],
      env: { [IDENTITY_ENV]: two },
    })
    expect(keys).toEqual({ identities: [one, two], passphrases: ['open sesame'] })
  })

  it('says which file is missing', async () => {
    const error = await rejected(loadDecryptionKeys({ identityFiles: [join(dir, 'nope.txt')], env: {} }))
    expect(error.message).toMatch(/nope\.txt: there is no such file/)
  })
})

describe('passphrase files', () => {
  it('take the first line without its newline', async () => {
    expect(await readPassphraseFile(file('p1', 'correct horse\r\nignored\n'))).toBe('correct horse')
  })
  it('refuse an empty first line', async () => {
    expect((await rejected(readPassphraseFile(file('p2', '\nsecret\n')))).message).toMatch(
      /first line is empty/,
    )
  })
})

describe('recipients', () => {
  it('accepts age X25519 and SSH public keys', async () => {
    const recipient = await recipientOf(one)
    expect(parseRecipient(` ${recipient} `, 'flags')).toBe(recipient)
    expect(parseRecipient(ED25519_PUB, 'flags')).toBe(ED25519_PUB)
  })

  it('refuses an identity given as a recipient without echoing the secret', () => {
    const error = caught(() => parseRecipient(one, 'snapshot_agent.encryption.recipients[0]'))
    expect(error.message).toMatch(/identity \(a secret key\), not a recipient/)
    expect(error.message + (error.hint ?? '')).not.toContain(one)
  })

  it('refuses garbage and damaged SSH keys', () => {
    expect(caught(() => parseRecipient('age1notarecipient', 'flags')).code).toBe('INVALID_ARGUMENT')
    expect(caught(() => parseRecipient('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsK', 'flags')).message).toMatch(
      /SSH public key is malformed/,
    )
  })

  it('reads a recipients file as age -R does', async () => {
    const recipient = await recipientOf(two)
    const path = file('recipients.txt', `# team\n${recipient}\n\n${ED25519_PUB}\n`)
    expect(await readRecipientsFile(path)).toEqual([recipient, ED25519_PUB])
    expect((await rejected(readRecipientsFile(file('empty.txt', '# none\n')))).message).toMatch(
      /holds no recipient/,
    )
  })
})
