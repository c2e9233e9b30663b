import { printableText } from '../../../shared/printable-text'
import { AppError, toErrorPayload } from '../../../shared/app-error'
import { listAll } from '../../services/backups/destination'
import { verifySnapshotStream } from '../../services/snapshot'
import { openStoredSnapshot } from '../../services/stored-backups/stored-backup-reader'
import type { CliCommand, CliIo } from '../cli-io'
import { parseCommandLine } from '../command-line'
import { DECRYPTION_FLAGS, decryptionKeysFromFlags } from '../decryption-flags'
import { flagError, formatFlagHelp, type FlagSpec } from '../parse-flags'
import { reportError } from '../report-error'
import { openStoredAddress, parseStoredAddress, STORED_ADDRESS_FLAGS } from '../stored-address'

const FLAGS: FlagSpec[] = [...STORED_ADDRESS_FLAGS, ...DECRYPTION_FLAGS]

const HELP = `Usage: snapshot-studio verify [options] ADDRESS

  Streams stored backups through the same full verification as
  "snapshot-studio save" (gzip, tar, SHA256SUMS, meta.json, every state
  record) without writing them to disk, and says which are damaged.

  ADDRESS is s3://BUCKET/KEY, az://CONTAINER/BLOB or gs://BUCKET/OBJECT; one
  ending in "/" verifies every backup under that prefix. Age-encrypted
  backups (.snap.age) are decrypted as they stream, with -identity or
  -passphrase-file. Exit 0 when all are sound, 1 when any is damaged or
  unreadable.

  The store's settings come from the agent's flags: -aws-* for S3
  (credentials else the standard AWS chain; region -aws-s3-region, else
  AWS_REGION, else us-east-1), -azure-blob-* for Azure Blob, -gcs-* for
  Google Cloud Storage (credentials else Application Default Credentials).

    $ snapshot-studio verify -aws-s3-endpoint http://127.0.0.1:7070 \\
        -aws-s3-force-path-style s3://backups/consul-snapshot/

Options:

${formatFlagHelp(FLAGS)}
`

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, FLAGS, HELP, io)
  if (typeof parsed === 'number') return parsed
  try {
    if (parsed.positionals.length !== 1)
      throw flagError(
        `Expected one s3://, az:// or gs:// address (got ${parsed.positionals.length} arguments)`,
      )
    const given = parsed.positionals[0]!
    const address = parseStoredAddress(given)
    if (address === null)
      throw flagError(
        `"${given}" is not a stored backup's address: use s3://BUCKET/KEY, az://CONTAINER/BLOB or gs://BUCKET/OBJECT (a local file is checked by "snapshot-studio inspect")`,
      )
    const keys = await decryptionKeysFromFlags(parsed, io)
    const opened = await openStoredAddress(address, parsed, io)
    try {
      const { destination } = opened
      const names =
        address.name !== null ? [address.name] : (await listAll(destination)).map((entry) => entry.name)
      let damaged = 0
      for (const name of names) {
        // Names come from the store: escaped, so a hostile object name cannot drive the terminal.
        const where = printableText(opened.addressOf(name))
        try {
          const inspection = await verifySnapshotStream(await openStoredSnapshot(destination, name, keys), {
            signal: io.signal,
            label: where,
          })
          io.stdout.write(`ok       ${where}  index ${inspection.meta.index}\n`)
        } catch (error) {
          if (io.signal?.aborted || (error instanceof AppError && error.code === 'CANCELLED')) throw error
          damaged++
          io.stdout.write(`DAMAGED  ${where}  ${printableText(toErrorPayload(error).message)}\n`)
        }
      }
      io.stdout.write(
        names.length === 0
          ? 'No backups found at that address.\n'
          : `${names.length - damaged} of ${names.length} backups verified; ${damaged} damaged.\n`,
      )
      return damaged > 0 ? 1 : 0
    } finally {
      opened.close()
    }
  } catch (error) {
    return reportError(io, error)
  }
}

export const verifyCommand: CliCommand = {
  summary:
    'Stream stored backups (s3://, az://, gs://) through full verification without writing them to disk',
  run,
}
