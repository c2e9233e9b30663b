import { parseCommandLine } from '../command-line'
import { resolve } from 'node:path'
import { Writable } from 'node:stream'
import { exportSnapshotKv } from '../../services/snapshot/catalogue'
import type { CliCommand, CliIo } from '../cli-io'
import { flagError, formatFlagHelp, stringFlag, type FlagSpec } from '../parse-flags'
import { reportError } from '../report-error'
import { isEncryptedSnapshot, openDecryptedSnapshot } from '../../services/encryption/encrypted-snapshot'
import { DECRYPTION_FLAGS, decryptionKeysFromFlags } from '../decryption-flags'
import { parseStoredAddress, STORED_ADDRESS_FLAGS } from '../stored-address'
import { withStoredSnapshot } from '../stored-snapshot-source'

/**
 * `snapshot-studio kv-export`: the KV data of a snapshot FILE, printed exactly as
 * `consul kv export` prints it from a live cluster, so the output feeds `consul kv import`.
 */
const FLAGS: FlagSpec[] = [
  {
    name: 'prefix',
    kind: 'string',
    valueName: 'string',
    usage:
      'Only export keys that start with this prefix (a leading "/" is ignored). The default is every key.',
  },
  ...DECRYPTION_FLAGS,
  ...STORED_ADDRESS_FLAGS,
]

export const KV_EXPORT_HELP = `Usage: snapshot-studio kv-export [options] FILE

  Prints the key/value data held in a Consul snapshot file as JSON, byte for
  byte what \`consul kv export\` prints for the same data, after verifying the
  archive. Tombstones (deleted keys) are not exported. An age-encrypted
  backup (.snap.age) is read with -identity or -passphrase-file.

  FILE may also be a backup in a store: s3://BUCKET/KEY, az://CONTAINER/BLOB
  or gs://BUCKET/OBJECT, with the store's settings in the agent's flags
  (-aws-*, -azure-blob-*, -gcs-*); it is streamed, not downloaded first.

  To export every key under "app/" from "backup.snap" into a file:

    $ snapshot-studio kv-export -prefix app/ backup.snap > app-kv.json

Command Options:

${formatFlagHelp(FLAGS)}
`

/** io.stdout as a stream that waits for it when it pushes back (a pipe to a slow reader). */
function stdoutStream(io: CliIo): Writable {
  const target = io.stdout as {
    write(chunk: string | Uint8Array): unknown
    once?: (event: 'drain', listener: () => void) => unknown
  }
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const accepted = target.write(chunk)
      if (accepted === false && typeof target.once === 'function') target.once('drain', () => callback())
      else callback()
    },
  })
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, FLAGS, KV_EXPORT_HELP, io)
  if (typeof parsed === 'number') return parsed
  if (parsed.positionals.length === 0) return reportError(io, flagError('Missing FILE argument'))
  if (parsed.positionals.length > 1) {
    return reportError(io, flagError(`Too many arguments (expected 1, got ${parsed.positionals.length})`))
  }
  const prefix = stringFlag(parsed, 'prefix') ?? ''
  const given = parsed.positionals[0] as string
  const file = resolve(io.cwd, given)
  try {
    const out = stdoutStream(io)
    const address = parseStoredAddress(given)
    if (address) {
      await withStoredSnapshot(address, parsed, io, (source) =>
        exportSnapshotKv(address.text, { prefix, out, signal: io.signal, source }),
      )
    } else {
      const source = (await isEncryptedSnapshot(file))
        ? await openDecryptedSnapshot(file, await decryptionKeysFromFlags(parsed, io))
        : undefined
      await exportSnapshotKv(file, { prefix, out, signal: io.signal, source })
    }
    await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())))
    return 0
  } catch (error) {
    return reportError(io, error)
  }
}

export const kvExportCommand: CliCommand = {
  summary: 'Print the KV data of a snapshot file as JSON (like consul kv export)',
  run,
}
