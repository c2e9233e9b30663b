import { resolve } from 'node:path'
import { searchSnapshotValues } from '../../services/snapshot/search/search-snapshot'
import type { CliCommand, CliIo } from '../cli-io'
import { parseCommandLine } from '../command-line'
import { boolFlag, flagError, formatFlagHelp, intFlag, stringFlag, type FlagSpec } from '../parse-flags'
import { reportError } from '../report-error'
import { printableText } from '../../../shared/printable-text'

const FLAGS: FlagSpec[] = [
  { name: 'regex', kind: 'bool', usage: 'PATTERN is a regular expression (JavaScript syntax).' },
  {
    name: 'case-sensitive',
    kind: 'bool',
    usage: 'Match upper and lower case exactly. The default ignores case.',
  },
  {
    name: 'prefix',
    kind: 'string',
    valueName: 'prefix',
    usage: 'Only search the values of KV keys under this prefix (and nothing but KV).',
  },
  {
    name: 'limit',
    kind: 'int',
    valueName: 'n',
    usage: 'List at most this many matches (all are counted). Default 1000.',
  },
  {
    name: 'format',
    kind: 'string',
    valueName: 'pretty|json',
    usage: 'Output format. The default is pretty.',
  },
]

export const SEARCH_HELP = `Usage: snapshot-studio search [options] FILE PATTERN

  Searches inside the values of a snapshot file: KV values, service metadata
  and config entries, and prints each match with where it is and the text
  around it. Values that are not text are searched by hex ("deadbeef" finds
  those bytes). The file is verified as it is read, as inspect does.

  Exit code 0 when something matched, 1 when nothing did, 2 on an error.

    $ snapshot-studio search backup.snap db.internal.example.com
    $ snapshot-studio search -regex -prefix app/ backup.snap 'v[0-9]+\\.[0-9]+'

Command Options:

${formatFlagHelp(FLAGS)}
`

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, FLAGS, SEARCH_HELP, io)
  if (typeof parsed === 'number') return parsed
  if (parsed.positionals.length !== 2) {
    reportError(io, flagError(`Expected FILE and PATTERN (got ${parsed.positionals.length} arguments)`))
    return 2
  }
  const format = stringFlag(parsed, 'format') ?? 'pretty'
  if (format !== 'pretty' && format !== 'json') {
    reportError(io, flagError(`Invalid -format "${format}": use pretty or json`))
    return 2
  }
  const [file, pattern] = parsed.positionals as [string, string]
  const prefix = stringFlag(parsed, 'prefix')
  try {
    const result = await searchSnapshotValues(resolve(io.cwd, file), pattern, {
      regex: boolFlag(parsed, 'regex') === true,
      caseSensitive: boolFlag(parsed, 'case-sensitive') === true,
      ...(prefix !== undefined ? { prefix } : {}),
      limit: intFlag(parsed, 'limit') ?? 1000,
      signal: io.signal,
    })
    if (format === 'json') io.stdout.write(JSON.stringify(result, null, 2) + '\n')
    else {
      for (const hit of result.hits) {
        // Keys and names come from the file: escaped, as the excerpt is, so they cannot drive the terminal.
        const where = printableText(hit.field === '' ? hit.name : `${hit.name} ${hit.field}`)
        io.stdout.write(`${hit.kind}\t${where}\t${hit.binary ? '(hex) ' : ''}${hit.excerpt}\n`)
      }
      io.stderr.write(
        `${result.total} match(es) in ${result.valuesSearched} values${result.truncated ? ` (first ${result.hits.length} listed)` : ''}\n`,
      )
    }
    return result.total > 0 ? 0 : 1
  } catch (error) {
    reportError(io, error)
    return 2
  }
}

export const searchCommand: CliCommand = {
  summary: 'Search inside the values of a snapshot (KV, service metadata, config entries)',
  run,
}
