import { parseCommandLine } from '../command-line'
import {
  formatInspectJson,
  formatInspectPrettyBytes,
  inspectSnapshot,
  inspectSnapshotStream,
} from '../../services/snapshot'
import { isEncryptedSnapshot, openDecryptedSnapshot } from '../../services/encryption/encrypted-snapshot'
import { DECRYPTION_FLAGS, decryptionKeysFromFlags } from '../decryption-flags'
import type { CliCommand, CliIo } from '../cli-io'
import { boolFlag, flagError, formatFlagHelp, intFlag, stringFlag, type FlagSpec } from '../parse-flags'
import { reportError } from '../report-error'
import { resolve } from 'node:path'
import { parseStoredAddress, STORED_ADDRESS_FLAGS } from '../stored-address'
import { withStoredSnapshot } from '../stored-snapshot-source'
import { DEFAULT_KV_DEPTH } from '../../../shared/kv-details-options'

/**
 * `snapshot-studio inspect`: `consul snapshot inspect` with byte-identical output (pretty and
 * `-format json`, `-kvdetails`, `-kvdepth`, `-kvfilter`), so scripts can switch binaries.
 */
const FLAGS: FlagSpec[] = [
  {
    name: 'format',
    kind: 'string',
    valueName: 'string',
    usage: 'Output format {pretty|json}. The default is pretty.',
  },
  {
    name: 'kvdetails',
    kind: 'bool',
    usage: "Provides a detailed KV space usage breakdown for any KV data that's been stored.",
  },
  {
    name: 'kvdepth',
    kind: 'int',
    valueName: 'int',
    usage:
      'Can only be used with -kvdetails. The key prefix depth used to breakdown KV store data. Defaults to 2.',
  },
  {
    name: 'kvfilter',
    kind: 'string',
    valueName: 'string',
    usage: 'Can only be used with -kvdetails. Limits KV key breakdown using this prefix filter.',
  },
  ...DECRYPTION_FLAGS,
  ...STORED_ADDRESS_FLAGS,
]

export const INSPECT_HELP = `Usage: snapshot-studio inspect [options] FILE

  Displays information about a Consul snapshot file on disk, exactly as
  \`consul snapshot inspect\` prints it, after verifying the archive
  (gzip, tar entries, SHA256SUMS, sizes, every record).

  FILE is a snapshot archive (.snap), or a raw state.bin from a server's
  data directory with its meta.json beside it, or an age-encrypted backup
  (.snap.age) with -identity or -passphrase-file: it is decrypted as it is
  read, never written to disk.

  FILE may also be a backup in a store: s3://BUCKET/KEY, az://CONTAINER/BLOB
  or gs://BUCKET/OBJECT, with the store's settings in the agent's flags
  (-aws-*, -azure-blob-*, -gcs-*). It is streamed from the store, not
  downloaded first.

  To inspect the file "backup.snap":

    $ snapshot-studio inspect backup.snap

Command Options:

${formatFlagHelp(FLAGS)}
`

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, FLAGS, INSPECT_HELP, io)
  if (typeof parsed === 'number') return parsed
  const format = stringFlag(parsed, 'format') ?? 'pretty'
  const kvDetails = boolFlag(parsed, 'kvdetails') ?? false
  const kvDepth = intFlag(parsed, 'kvdepth') ?? DEFAULT_KV_DEPTH
  const kvFilter = stringFlag(parsed, 'kvfilter') ?? ''
  if (parsed.positionals.length === 0) return reportError(io, flagError('Missing FILE argument'))
  if (parsed.positionals.length > 1)
    return reportError(io, flagError(`Too many arguments (expected 1, got ${parsed.positionals.length})`))
  if (format !== 'pretty' && format !== 'json')
    return reportError(io, flagError(`Unknown format: ${format} (use pretty or json)`))
  if (kvDepth < 0) return reportError(io, flagError(`-kvdepth must be 0 or more, got ${kvDepth}`))

  const given = parsed.positionals[0] as string
  const file = resolve(io.cwd, given)
  try {
    const options = { kvDetails, kvDepth, kvFilter, signal: io.signal }
    const address = parseStoredAddress(given)
    const inspection = address
      ? await withStoredSnapshot(address, parsed, io, (source) =>
          inspectSnapshotStream(source, { ...options, label: address.text }),
        )
      : (await isEncryptedSnapshot(file))
        ? await inspectSnapshotStream(
            await openDecryptedSnapshot(file, await decryptionKeysFromFlags(parsed, io)),
            {
              ...options,
              label: file,
            },
          )
        : await inspectSnapshot(file, options)
    if (format === 'json') io.stdout.write(formatInspectJson(inspection) + '\n')
    else
      io.stdout.write(Buffer.concat([formatInspectPrettyBytes(inspection, { kvDetails }), Buffer.from('\n')]))
    return 0
  } catch (error) {
    return reportError(io, error)
  }
}

export const inspectCommand: CliCommand = {
  summary: 'Verify a snapshot file and show what it holds (like consul snapshot inspect)',
  run,
}
