import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import { verifyChecksumList } from '../../../src/main/services/snapshot/checksum-list'

const META = 'a'.repeat(64)
const STATE = 'b'.repeat(64)
const verify = (text: string) =>
  verifyChecksumList(Buffer.from(text), { 'meta.json': META, 'state.bin': STATE })
function code(text: string): string {
  try {
    verify(text)
  } catch (error) {
    if (error instanceof AppError) return error.code
  }
  return 'none'
}

describe('verifyChecksumList', () => {
  it('accepts both lines in either order and reports the digests', () => {
    expect(verify(`${STATE}  state.bin\n${META}  meta.json\n`)).toEqual([
      { name: 'state.bin', expected: STATE, actual: STATE },
      { name: 'meta.json', expected: META, actual: META },
    ])
  })

  it("is as tolerant as Go's Sscanf: upper case hex, one space, CRLF, no final newline", () => {
    expect(code(`${META.toUpperCase()} meta.json\r\n${STATE}  state.bin`)).toBe('none')
  })

  it.each([
    [`${META}  meta.json\n${'c'.repeat(64)}  state.bin\n`, 'SNAPSHOT_CHECKSUM_MISMATCH'],
    [`${META}  meta.json\n${STATE.slice(0, 62)}  state.bin\n`, 'SNAPSHOT_CHECKSUM_MISMATCH'],
    [`${META}  meta.json\n`, 'SNAPSHOT_CHECKSUM_LIST_INVALID'],
    ['', 'SNAPSHOT_CHECKSUM_LIST_INVALID'],
    [`${META}  meta.json\n\n${STATE}  state.bin\n`, 'SNAPSHOT_CHECKSUM_LIST_INVALID'],
    [`${META}  meta.json\n${STATE}  state.bin\n${META}  SHA256SUMS\n`, 'SNAPSHOT_CHECKSUM_LIST_INVALID'],
    [`${META}\n`, 'SNAPSHOT_CHECKSUM_LIST_INVALID'],
  ])('rejects %j with %s', (text, expected) => {
    expect(code(text)).toBe(expected)
  })
})
