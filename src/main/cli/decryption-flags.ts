import { resolve } from 'node:path'
import type { CliIo } from './cli-io'
import type { FlagSpec, ParsedFlags } from './parse-flags'
import type { DecryptionKeys } from '../services/encryption/age-keys'
import { IDENTITY_ENV } from '../services/encryption/identity-env'

/**
 * The flags every command that reads a snapshot file takes for encrypted backups (`….snap.age`).
 * Keys are read only when the file turns out to be encrypted, so a plain `.snap` never needs them,
 * nor the age library that reads them (loaded here only then).
 */
export const DECRYPTION_FLAGS: FlagSpec[] = [
  {
    name: 'identity',
    kind: 'string',
    valueName: 'file',
    repeatable: true,
    usage: `For an age-encrypted FILE: an identity file as \`age -i\` takes it (age-keygen's output; comments and several keys allowed). Repeatable. ${IDENTITY_ENV} may hold the identity or its file's path instead.`,
  },
  {
    name: 'passphrase-file',
    kind: 'string',
    valueName: 'file',
    repeatable: true,
    usage: 'For an age-encrypted FILE: a file whose first line is the passphrase it was encrypted with.',
  },
]

export async function decryptionKeysFromFlags(parsed: ParsedFlags, io: CliIo): Promise<DecryptionKeys> {
  const { loadDecryptionKeys } = await import('../services/encryption/age-keys')
  const list = (name: string) =>
    ((parsed.values.get(name) as string[] | undefined) ?? []).map((file) => resolve(io.cwd, file))
  return loadDecryptionKeys({
    identityFiles: list('identity'),
    passphraseFiles: list('passphrase-file'),
    env: io.env,
  })
}
