import { snapshotErrors } from './snapshot-errors'

/**
 * SHA256SUMS as Consul checks it (docs/snapshot-format.md §4, §5): every line is "<hex digest>  <name>", every
 * listed name must be meta.json or state.bin and match its digest, and both files must be listed.
 * Parsing is as tolerant as Go's `fmt.Sscanf("%x  %s")` (any whitespace run, either hex case,
 * text after the name ignored), no more.
 */
export const CHECKSUMMED_FILES = ['meta.json', 'state.bin'] as const
export type ChecksummedFile = (typeof CHECKSUMMED_FILES)[number]

export interface ChecksumResult {
  name: ChecksummedFile
  expected: string
  actual: string
}

export function verifyChecksumList(
  list: Uint8Array,
  actual: Record<ChecksummedFile, string>,
): ChecksumResult[] {
  const text = Buffer.from(list.buffer, list.byteOffset, list.byteLength).toString('latin1')
  // bufio.Scanner lines: split on \n, drop one trailing \r, no empty last line after a final \n.
  const lines = text.split('\n')
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  const expected = new Map<ChecksummedFile, string>()
  const results: ChecksumResult[] = []
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    const match = /^[ \t\r\v\f]*([0-9a-fA-F]*)[ \t\r\v\f]*(\S*)/.exec(line)
    const hex = match?.[1] ?? ''
    const name = match?.[2] ?? ''
    if (hex === '' || hex.length % 2 !== 0 || name === '')
      throw snapshotErrors.checksumListInvalid(`line ${i + 1} is not "<sha256>  <file name>"`)
    if (name !== 'meta.json' && name !== 'state.bin')
      throw snapshotErrors.checksumListInvalid(`it lists a file "${name}" that a snapshot does not have`)
    const digest = hex.toLowerCase()
    if (digest !== actual[name]) throw snapshotErrors.checksumMismatch(name)
    if (!expected.has(name)) results.push({ name, expected: digest, actual: actual[name] })
    expected.set(name, digest)
  })
  for (const name of CHECKSUMMED_FILES) {
    if (!expected.has(name)) throw snapshotErrors.checksumListInvalid(`it has no checksum for ${name}`)
  }
  return results
}
