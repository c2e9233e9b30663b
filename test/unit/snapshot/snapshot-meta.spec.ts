import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import { parseSnapshotMeta } from '../../../src/main/services/snapshot'

const parse = (json: string) => parseSnapshotMeta(Buffer.from(json))
function code(json: string): string {
  try {
    parse(json)
  } catch (error) {
    if (error instanceof AppError) return error.code
  }
  return 'none'
}

describe('parseSnapshotMeta', () => {
  it("reads Consul's testdata meta.json", () => {
    const meta = parse(
      '{"Version":1,"ID":"2-13-1602222343947","Index":13,"Term":2,"Peers":"ka4xMjcuMC4wLjE6ODMwMA==","Configuration":{"Servers":[{"Suffrage":0,"ID":"a577b288-b354-770e-e909-da0972eb20e8","Address":"127.0.0.1:8300"}]},"ConfigurationIndex":1,"Size":5141}\n',
    )
    expect(meta).toEqual({
      id: '2-13-1602222343947',
      version: 1,
      index: 13n,
      term: 2n,
      size: 5141n,
      configurationIndex: 1n,
      peers: 'ka4xMjcuMC4wLjE6ODMwMA==',
      servers: [{ suffrage: 0, id: 'a577b288-b354-770e-e909-da0972eb20e8', address: '127.0.0.1:8300' }],
    })
  })

  it('reads raft on-disk meta.json with its CRC field (ignored)', () => {
    expect(parse('{"Version":1,"ID":"x","Index":5,"Term":1,"Size":10,"CRC":"AAAAAAAAAAA="}').size).toBe(10n)
  })

  it('matches names case-insensitively, lets the last duplicate win and ignores null', () => {
    expect(parse('{"index":1,"INDEX":2,"Term":null,"size":3}')).toMatchObject({
      index: 2n,
      term: 0n,
      size: 3n,
    })
  })

  it('keeps uint64 values exact', () => {
    expect(parse('{"Index":18446744073709551615,"Term":9007199254740993}')).toMatchObject({
      index: 18446744073709551615n,
      term: 9007199254740993n,
    })
  })

  it.each([
    ['', 'empty input'],
    ['{"Index":1', 'unterminated object'],
    ['{"Index":1} x', 'trailing data'],
    ['"text"', 'a string'],
    ['{"ID":5}', 'a number ID'],
    ['{"Index":1e3}', 'an exponent'],
    ['{"Size":-9223372036854775809}', 'an int64 underflow'],
    ['{"Peers":"not base64!"}', 'bad base64'],
    ['{"Configuration":{"Servers":{}}}', 'Servers not an array'],
    ['{"Index":01}', 'a leading zero'],
  ])('rejects %j (%s)', (json) => {
    expect(code(json)).toBe('SNAPSHOT_META_INVALID')
  })
})
