import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import { ageErrors } from './age-errors'

/**
 * What the first bytes of a file say it is, apart from age itself: every command that reads a
 * snapshot asks this first, and a plain `.snap` must not pay for loading the age library (its
 * curves take a third of a restore's start-up) to learn that it is not encrypted.
 */

/** The first line of every binary age file. */
export const AGE_MAGIC = Buffer.from('age-encryption.org/v1\n')
const ARMOR_MAGIC = Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----')
/** Enough of the start of a file to tell age, armored age and anything else apart. */
export const SNIFF_BYTES = 64

export type AgeSniff = 'age' | 'armored' | 'other'

/** What the first bytes of a file say it is. */
export function sniffAge(head: Uint8Array): AgeSniff {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength)
  if (bytes.length >= AGE_MAGIC.length && bytes.subarray(0, AGE_MAGIC.length).equals(AGE_MAGIC)) return 'age'
  const text = bytes.subarray(0, SNIFF_BYTES).toString('latin1').trimStart()
  if (text.startsWith(ARMOR_MAGIC.toString('latin1'))) return 'armored'
  return 'other'
}

export async function sniffAgeFile(path: string): Promise<AgeSniff> {
  const handle = await open(path, 'r')
  try {
    const head = Buffer.alloc(SNIFF_BYTES)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    return sniffAge(head.subarray(0, bytesRead))
  } finally {
    await handle.close()
  }
}

/**
 * Whether the file is age-encrypted, by its first bytes (a renamed file is still recognised). A
 * name ending in `.age` that holds something else is refused rather than read as a snapshot.
 * A missing or unreadable file answers false, so the engine reports it in its own words.
 */
export async function isEncryptedSnapshot(path: string): Promise<boolean> {
  const kind = await sniffAgeFile(path).catch(() => null)
  if (kind === null) return false
  if (kind === 'age') return true
  if (kind === 'armored') throw ageErrors.armored(basename(path))
  if (path.toLowerCase().endsWith('.age')) throw ageErrors.notAge(basename(path))
  return false
}
