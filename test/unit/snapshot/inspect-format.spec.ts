import { describe, expect, it } from 'vitest'
import {
  formatInspectJson,
  formatInspectPretty,
  goJsonString,
  type SnapshotInspection,
  type TypeStat,
} from '../../../src/main/services/snapshot'
import { tabwriteBytes, type TabwriterOptions } from '../../../src/main/services/snapshot/go-tabwriter'
import { toByteString } from '../../../src/main/services/snapshot/go-string'

function inspection(
  stats: TypeStat[],
  totalSize: number,
  kvStats: TypeStat[] | null = null,
  totalSizeKV = 0,
  meta: Partial<SnapshotInspection['meta']> = {},
): SnapshotInspection {
  return {
    meta: {
      id: '2-13-1602222343947',
      size: 5141n,
      index: 13n,
      term: 2n,
      version: 1,
      configurationIndex: 1n,
      servers: [],
      peers: null,
      ...meta,
    },
    stats,
    totalSize,
    kvStats,
    totalSizeKV,
    integrity: { verified: true, files: [] },
    archiveBytes: 0,
    lastIndex: 13n,
    enterpriseTypes: [],
  }
}

// Consul's testdata/TestSnapshotInspectCommand.golden (newest layout), docs/snapshot-format.md §12.
const GOLDEN = [
  ' ID           2-13-1602222343947',
  ' Size         5141',
  ' Index        13',
  ' Term         2',
  ' Version      1',
  '',
  ' Type                        Count      Size',
  ' ----                        ----       ----',
  ' Register                    3          1.7KB',
  ' ConnectCA                   1          1.2KB',
  ' ConnectCAProviderState      1          1.1KB',
  ' Index                       12         344B',
  ' Autopilot                   1          199B',
  ' ConnectCAConfig             1          197B',
  ' FederationState             1          139B',
  ' SystemMetadata              1          68B',
  ' ChunkingState               1          12B',
  ' ----                        ----       ----',
  ' Total                                  5KB',
].join('\n')

const GOLDEN_STATS: TypeStat[] = [
  { name: 'Register', count: 3, sum: 1740 },
  { name: 'ConnectCA', count: 1, sum: 1229 },
  { name: 'ConnectCAProviderState', count: 1, sum: 1126 },
  { name: 'Index', count: 12, sum: 344 },
  { name: 'Autopilot', count: 1, sum: 199 },
  { name: 'ConnectCAConfig', count: 1, sum: 197 },
  { name: 'FederationState', count: 1, sum: 139 },
  { name: 'SystemMetadata', count: 1, sum: 68 },
  { name: 'ChunkingState', count: 1, sum: 12 },
]

describe('formatInspectPretty', () => {
  it("reproduces Consul's golden output byte for byte", () => {
    expect(formatInspectPretty(inspection(GOLDEN_STATS, 5141), { kvDetails: false })).toBe(GOLDEN)
  })

  it('adds the KV table as its own column block after a blank line', () => {
    const kv = [
      { name: 'vault/logical/0989e79e-06cd-5374-c8c0-4c6d675bc1c9', count: 3, sum: 1843 },
      { name: 'vault/logical/5c018b68-3573-41d3-0c33-04bce60cd6b0', count: 1, sum: 210 },
    ]
    const text = formatInspectPretty(inspection(GOLDEN_STATS, 5141, kv, 2053), { kvDetails: true })
    expect(text).toBe(
      GOLDEN +
        '\n\n' +
        [
          ' Key Name                                                Count      Size',
          ' ----                                                    ----       ----',
          ' vault/logical/0989e79e-06cd-5374-c8c0-4c6d675bc1c9      3          1.8KB',
          ' vault/logical/5c018b68-3573-41d3-0c33-04bce60cd6b0      1          210B',
          ' ----                                                    ----       ----',
          ' Total                                                              2KB',
        ].join('\n'),
    )
  })

  it('prints no KV table when no key matched, even with kvDetails', () => {
    expect(formatInspectPretty(inspection(GOLDEN_STATS, 5141, null), { kvDetails: true })).toBe(GOLDEN)
  })

  it('keeps the minimum column width of 8 for short names and counts runes, not bytes', () => {
    const text = formatInspectPretty(
      inspection([{ name: 'KVS', count: 1, sum: 85 }], 85, [{ name: 'ключ', count: 1, sum: 85 }], 85),
      { kvDetails: true },
    )
    expect(text.split('\n').slice(6, 8)).toEqual([
      ' Type       Count      Size',
      ' ----       ----       ----',
    ])
    expect(text).toContain('\n ключ          1          85B\n')
  })

  it('lets a tab inside a key shift the columns, as Go does', () => {
    const text = formatInspectPretty(inspection([], 0, [{ name: 'a\tb', count: 1, sum: 1 }], 1), {
      kvDetails: true,
    })
    expect(text.split('\n').at(-3)).toBe(' a             b          1       1B')
  })
})

/** The tabwriter over text: its bytes in, the bytes it writes read back as UTF-8. */
const tabwrite = (text: string, options: TabwriterOptions): string =>
  Buffer.from(tabwriteBytes(toByteString(text), options), 'latin1').toString('utf8')

describe('tabwrite (Go text/tabwriter)', () => {
  it('pads each column block to its widest cell plus padding, never the last cell', () => {
    expect(tabwrite('a\tbb\tc\naaaa\tb\tc', { minWidth: 0, padding: 1 })).toBe('a    bb c\naaaa b  c')
  })

  it('ends a column block at a line without that column', () => {
    expect(tabwrite('a\tx\nlong-line\nbbbbbb\ty', { minWidth: 0, padding: 1 })).toBe(
      'a x\nlong-line\nbbbbbb y',
    )
  })

  it('matches the output of Go 1.26 text/tabwriter for tabs, \\v, \\f and Cyrillic inside cells', () => {
    // Generated by running Go's tabwriter (8, 8, 6, ' ', 0) over the same writes.
    const text =
      ' ID\tx\n\n Key Name\tCount\tSize\n ----\t----\t----\n a\tb\t1\t1B\n ключ\t1\t1B\n a\fb\t1\t1B\n q\vb\t1\t1B\n ----\t----\t----\n Total\t\t2B'
    expect(tabwrite(text, { minWidth: 8, padding: 6 })).toBe(
      [
        ' ID      x',
        '',
        ' Key Name      Count      Size',
        ' ----          ----       ----',
        ' a             b          1       1B',
        ' ключ          1          1B',
        ' a',
        'b           1         1B',
        ' q          b         1       1B',
        ' ----       ----      ----',
        ' Total                2B',
      ].join('\n'),
    )
  })

  // Inputs (hex) and what Go 1.26's tabwriter (8, 8, 6, ' ', 0) wrote for them: 0xff opens and
  // closes an escaped run (tabs inside are text, the two 0xff have no width), and an invalid
  // UTF-8 byte counts as one rune.
  it.each([
    [
      '204b6579094309530a2061ff620963ff09310932420a202d2d2d2d092d2d2d2d092d2d2d2d',
      '204b65792020202020202043202020202020202020530a2061ff620963ff2020202020203120202020202020202032420a202d2d2d2d2020202020202d2d2d2d2020202020202d2d2d2d',
    ],
    [
      '204b09430a20626164ff6b65792f7809310a20626164c36b657909320a206f6be282ac6b657909330a202d2d2d2d092d2d2d2d',
      '204b202020202020430a20626164ff6b65792f7809310a20626164c36b657909320a206f6be282ac6b657909330a202d2d2d2d092d2d2d2d',
    ],
    ['204109420a20fffe2f7709310a20780932', '2041202020202020420a20fffe2f7709310a20780932'],
  ])('matches Go on the bytes %s', (input, output) => {
    const bytes = Buffer.from(input, 'hex').toString('latin1')
    expect(Buffer.from(tabwriteBytes(bytes, { minWidth: 8, padding: 6 }), 'latin1').toString('hex')).toBe(
      output,
    )
  })

  it('starts new blocks after a form feed and writes it as a newline', () => {
    expect(tabwrite('aaaaaa\tx\fb\ty', { minWidth: 0, padding: 1 })).toBe('aaaaaa x\nb y')
  })
})

describe('formatInspectJson', () => {
  it("writes Consul's key order with three-space indentation", () => {
    const json = formatInspectJson(
      inspection([{ name: 'msg', count: 2, sum: 1 }], 1, null, 0, {
        id: 'one',
        size: 2n,
        index: 3n,
        term: 4n,
      }),
    )
    expect(json).toBe(
      [
        '{',
        '   "Meta": {',
        '      "ID": "one",',
        '      "Size": 2,',
        '      "Index": 3,',
        '      "Term": 4,',
        '      "Version": 1',
        '   },',
        '   "Stats": [',
        '      {',
        '         "Name": "msg",',
        '         "Sum": 1,',
        '         "Count": 2',
        '      }',
        '   ],',
        '   "StatsKV": null,',
        '   "TotalSize": 1,',
        '   "TotalSizeKV": 0',
        '}',
      ].join('\n'),
    )
  })

  it('writes empty tables as [] and KV tables like the type table', () => {
    const json = JSON.parse(
      formatInspectJson(inspection([], 0, [{ name: 'k', count: 1, sum: 9 }], 9)),
    ) as Record<string, unknown>
    expect(json.Stats).toEqual([])
    expect(json.StatsKV).toEqual([{ Name: 'k', Sum: 9, Count: 1 }])
    expect(json.TotalSizeKV).toBe(9)
  })

  it('keeps 64-bit meta numbers exact', () => {
    expect(formatInspectJson(inspection([], 0, null, 0, { index: 18446744073709551615n }))).toContain(
      '"Index": 18446744073709551615,',
    )
  })
})

describe('goJsonString', () => {
  it.each([
    ['plain', '"plain"'],
    ['<a&b>', '"\\u003ca\\u0026b\\u003e"'],
    ['q"\\', '"q\\"\\\\"'],
    ['\n\r\t\b\f\u0001', '"\\n\\r\\t\\b\\f\\u0001"'],
    ['\u2028\u2029', '"\\u2028\\u2029"'],
    ['😀é', '"😀é"'],
    ['\ud800x', '"\\ufffdx"'],
  ])('escapes %j as Go does', (input, output) => {
    expect(goJsonString(input)).toBe(output)
  })
})
