import { byteStringOf, textFromByteString, toByteString, utf8SequenceLength } from './go-string'
import { tabwriteBytes } from './go-tabwriter'
import { humanizeBytes } from './humanize-bytes'
import type { SnapshotInspection, TypeStat } from './inspect-types'

/**
 * The two outputs of `consul snapshot inspect`, byte for byte (docs/snapshot-format.md §12): the same text the
 * Go formatter feeds its tabwriter, and `json.MarshalIndent` with three spaces. Neither ends with
 * a newline; the CLI adds one as Consul's UI does.
 */
export function formatInspectPretty(inspection: SnapshotInspection, opts: { kvDetails: boolean }): string {
  return formatInspectPrettyBytes(inspection, opts).toString('utf8')
}

/**
 * The pretty output as bytes: what the CLI writes. It differs from `formatInspectPretty` only for
 * KV keys that are not valid UTF-8, which Consul prints raw.
 */
export function formatInspectPrettyBytes(
  inspection: SnapshotInspection,
  opts: { kvDetails: boolean },
): Buffer {
  const { meta } = inspection
  let text = ` ID\t${toByteString(meta.id)}`
  text += `\n Size\t${meta.size}`
  text += `\n Index\t${meta.index}`
  text += `\n Term\t${meta.term}`
  text += `\n Version\t${meta.version}`
  text += '\n'
  text += '\n Type\tCount\tSize\n'
  text += table(inspection.stats, inspection.totalSize)
  if (opts.kvDetails && inspection.kvStats !== null) {
    text += '\n'
    text += '\n Key Name\tCount\tSize\n'
    text += table(inspection.kvStats, inspection.totalSizeKV)
  }
  return Buffer.from(tabwriteBytes(text, { minWidth: 8, padding: 6 }), 'latin1')
}

function table(rows: TypeStat[], total: number): string {
  let text = ' ----\t----\t----'
  for (const row of rows) text += `\n ${statName(row)}\t${row.count}\t${humanizeBytes(row.sum)}`
  text += '\n ----\t----\t----'
  text += `\n Total\t\t${humanizeBytes(total)}`
  return text
}

function statName(row: TypeStat): string {
  return row.nameBytes ? byteStringOf(row.nameBytes) : toByteString(row.name)
}

export function formatInspectJson(inspection: SnapshotInspection): string {
  const { meta } = inspection
  const i1 = '\n   '
  const i2 = '\n      '
  const i3 = '\n         '
  const stats = (rows: TypeStat[] | null): string => {
    if (rows === null) return 'null'
    if (rows.length === 0) return '[]'
    const items = rows.map(
      (row) =>
        `{${i3}"Name": ${row.nameBytes ? goJsonBytes(byteStringOf(row.nameBytes)) : goJsonString(row.name)},${i3}"Sum": ${row.sum},${i3}"Count": ${row.count}${i2}}`,
    )
    return `[${i2}${items.join(`,${i2}`)}${i1}]`
  }
  return (
    `{${i1}"Meta": {` +
    `${i2}"ID": ${goJsonString(meta.id)},` +
    `${i2}"Size": ${meta.size},` +
    `${i2}"Index": ${meta.index},` +
    `${i2}"Term": ${meta.term},` +
    `${i2}"Version": ${meta.version}` +
    `${i1}},` +
    `${i1}"Stats": ${stats(inspection.stats)},` +
    `${i1}"StatsKV": ${stats(inspection.kvStats)},` +
    `${i1}"TotalSize": ${inspection.totalSize},` +
    `${i1}"TotalSizeKV": ${inspection.totalSizeKV}` +
    '\n}'
  )
}

/**
 * A JSON string as Go's encoding/json writes it (Go 1.22+): HTML-significant characters and
 * U+2028/U+2029 escaped as \u00xx / \u2028, control characters as \n \r \t \b \f or \u00xx.
 */
export function goJsonString(value: string): string {
  let out = '"'
  let start = 0
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    let escape: string | null = null
    if (c === 0x22) escape = '\\"'
    else if (c === 0x5c) escape = '\\\\'
    else if (c < 0x20) {
      escape =
        c === 0x0a
          ? '\\n'
          : c === 0x0d
            ? '\\r'
            : c === 0x09
              ? '\\t'
              : c === 0x08
                ? '\\b'
                : c === 0x0c
                  ? '\\f'
                  : `\\u00${c.toString(16).padStart(2, '0')}`
    } else if (c === 0x3c || c === 0x3e || c === 0x26) escape = `\\u00${c.toString(16)}`
    else if (c === 0x2028 || c === 0x2029) escape = `\\u${c.toString(16)}`
    else if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00
      if (pair) {
        i++
        continue
      }
      escape = '\\ufffd' // a lone surrogate cannot be UTF-8; Go writes the replacement character
    }
    if (escape !== null) {
      out += value.slice(start, i) + escape
      start = i + 1
    }
  }
  return out + value.slice(start) + '"'
}

/** A Go string of arbitrary bytes as Go's JSON encoder writes it: each invalid byte as \ufffd. */
export function goJsonBytes(bytes: string): string {
  let out = ''
  let run = ''
  let i = 0
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i)
    if (length === 0) {
      out += goJsonString(textFromByteString(run)).slice(1, -1) + '\\ufffd'
      run = ''
      i++
    } else {
      run += bytes.slice(i, i + length)
      i += length
    }
  }
  return `"${out}${goJsonString(textFromByteString(run)).slice(1, -1)}"`
}
