import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import type { Readable } from 'node:stream'
import { AppError } from '../../../shared/app-error'
import type { DecryptionKeys } from './age-keys'
import { decryptStream } from './age-stream'

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

export interface DecryptedCopy {
  path: string
  /** Removes the copy and its private folder; safe to call more than once. */
  remove(): Promise<void>
}

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
  const plaintext = await openDecryptedSnapshot(path, keys)
  let folder: string
  try {
    folder = await mkdtemp(join(options.scratchDir ?? tmpdir(), 'snapshot-studio-decrypted-'))
  } catch (error) {
    plaintext.destroy()
    throw new AppError('FILE_UNREADABLE', 'No private folder could be made for the decrypted copy.', {
      hint: 'Check that the temporary folder (TMPDIR) exists and is writable.',
      cause: error,
    })
  }
  const remove = () => rm(folder, { recursive: true, force: true })
  const target = join(folder, plaintextName(path))
  try {
    await pipeline(plaintext, createWriteStream(target, { flags: 'wx', mode: 0o600 }), {
      signal: options.signal,
    })
  } catch (error) {
    await remove().catch(() => undefined)
    if (options.signal?.aborted)
      throw new AppError('CANCELLED', 'Decryption was cancelled.', { cause: error })
    throw error
  }
  return { path: target, remove }
}
