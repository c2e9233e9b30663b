import type { JsonValue } from '../../../shared/snapshot-wire-types'

/** The integrity verdict as the summary shows it: one line per checksummed file. */
export interface Integrity {
  verified: boolean
  files: Array<{ name: string; expected: string; actual: string }>
}

/**
 * Reads an integrity verdict out of the engine's free-form `extra`/`details` bag; the engine
 * reports `{ verified, files: [{ name, expected, actual }] }`. Returns null when absent.
 */
export function integrityOf(bag: Record<string, JsonValue>, validFallback?: boolean): Integrity | null {
  const raw = bag.integrity ?? (validFallback === undefined ? undefined : bag)
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return validFallback === undefined ? null : { verified: validFallback, files: [] }
  }
  const verifiedField = raw.verified
  const verified = typeof verifiedField === 'boolean' ? verifiedField : (validFallback ?? false)
  const filesField = raw.files
  const files: Integrity['files'] = []
  if (Array.isArray(filesField)) {
    for (const f of filesField) {
      if (f === null || typeof f !== 'object' || Array.isArray(f)) continue
      files.push({ name: String(f.name ?? ''), expected: String(f.expected ?? ''), actual: String(f.actual ?? '') })
    }
  }
  return { verified, files }
}
