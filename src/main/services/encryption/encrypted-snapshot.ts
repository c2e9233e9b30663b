import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import type { Readable } from 'node:stream'
import { AppError } from '../../../shared/app-error'
import type { DecryptionKeys } from './age-keys'
import { decryptStream } from './age-stream'
import { writePrivateCopy, type PrivateCopy } from './private-copy'

/**
 * Where an encrypted backup (`….snap.age`) meets the snapshot engine. The engine never knows
 * about age: a reader either streams the plaintext into the engine's stream entry points
 * (inspect, kv-export, verify), or, where a command needs a file it can read more than once
 * (restore: verify, describe, safety snapshot, upload), gets a private plaintext copy that is
 * complete only when every chunk authenticated.
 */

export { isEncryptedSnapshot } from './age-sniff'

/** The plaintext of an encrypted snapshot file, streamed (see decryptStream for its guarantees). */
export function openDecryptedSnapshot(
  path: string,
  keys: DecryptionKeys | null | undefined,
): Promise<Readable> {
  return decryptStream(createReadStream(path, { highWaterMark: 1 << 16 }), keys, basename(path))
}

/** The name a decrypted copy takes: `consul-1.snap.age` → `consul-1.snap`. */
export function plaintextName(path: string): string {
  const name = basename(path)
  return name.toLowerCase().endsWith('.age') ? name.slice(0, -4) : `${name}.snap`
}

export type DecryptedCopy = PrivateCopy

/**
 * Decrypts into a private folder (0700, under `scratchDir` or the OS temp folder) a copy that is
 * kept only when the whole ciphertext authenticated: a damaged or tampered file fails here, before
 * any command hands a byte of it to a cluster. The caller removes the copy on every path.
 */
export async function decryptToPrivateCopy(
  path: string,
  keys: DecryptionKeys | null | undefined,
  options: { scratchDir?: string; signal?: AbortSignal } = {},
): Promise<DecryptedCopy> {
  return writePrivateCopy(await openDecryptedSnapshot(path, keys), {
    folderPrefix: 'snapshot-studio-decrypted-',
    fileName: plaintextName(path),
    what: 'the decrypted copy',
    scratchDir: options.scratchDir,
    signal: options.signal,
    failure: (error, cancelled) =>
      cancelled ? new AppError('CANCELLED', 'Decryption was cancelled.', { cause: error }) : error,
  })
}
