import { AppError, toErrorPayload } from '../../../shared/app-error'
import { listAll } from '../../services/backups/destination'
import {
  resolveS3DestinationConfig,
  type AwsStorageSection,
} from '../../services/backups/s3-destination-config'
import { verifyStreamWithEngine } from '../../services/consul'
import { AWS_STORAGE_FLAGS, awsStorageFlagsFrom } from '../aws-storage-flags'
import type { CliCommand, CliIo } from '../cli-io'
import { parseCommandLine } from '../command-line'
import { flagError, formatFlagHelp, type FlagSpec } from '../parse-flags'
import { reportError } from '../report-error'

// The bucket and prefix come from the address; the store's other settings from the -aws-* flags.
const FLAGS: FlagSpec[] = AWS_STORAGE_FLAGS.filter(
  (f) => !['aws-s3-bucket', 'aws-s3-key-prefix', 'aws-s3-static-snapshot-name'].includes(f.name),
)

const HELP = `Usage: snapshot-studio verify [options] s3://BUCKET/KEY | s3://BUCKET/PREFIX/

  Streams stored backups from S3 (or an S3-compatible store) through the
  same full verification as "snapshot-studio save" (gzip, tar, SHA256SUMS,
  meta.json, every state record) without writing them to disk, and says
  which are damaged. An address ending in "/" verifies every backup under
  that prefix. Exit 0 when all are sound, 1 when any is damaged or
  unreadable.

  Credentials: the -aws-* flags, else the standard AWS chain
  (AWS_ACCESS_KEY_ID, AWS_PROFILE, web identity, instance role). Region:
  -aws-s3-region, else AWS_REGION, else us-east-1.

    $ snapshot-studio verify -aws-s3-endpoint http://127.0.0.1:7070 \\
        -aws-s3-force-path-style s3://backups/consul-snapshot/

Options:

${formatFlagHelp(FLAGS)}
`

export function parseS3Address(address: string): { bucket: string; prefix: string; key: string | null } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(address)
  if (!match) throw flagError(`"${address}" is not an s3://BUCKET/KEY or s3://BUCKET/PREFIX/ address`)
  const bucket = match[1]!
  const path = match[2] ?? ''
  if (path === '' || path.endsWith('/')) return { bucket, prefix: path.replace(/\/+$/, ''), key: null }
  const slash = path.lastIndexOf('/')
  return {
    bucket,
    prefix: slash < 0 ? '' : path.slice(0, slash),
    key: slash < 0 ? path : path.slice(slash + 1),
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, FLAGS, HELP, io)
  if (typeof parsed === 'number') return parsed
  try {
    if (parsed.positionals.length !== 1)
      throw flagError(`Expected one s3:// address (got ${parsed.positionals.length} arguments)`)
    const address = parseS3Address(parsed.positionals[0]!)
    const section: AwsStorageSection = {
      s3_region: io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION || 'us-east-1',
      ...awsStorageFlagsFrom(parsed),
      s3_bucket: address.bucket,
      // "/" is the config's way of saying "no prefix".
      s3_key_prefix: address.prefix === '' ? '/' : address.prefix,
    }
    const config = resolveS3DestinationConfig(
      section,
      (key) => ({ where: 'flags', key: `-aws-${key.replaceAll('_', '-')}` }),
      io.cwd,
    )
    const { S3Destination } = await import('../../services/backups/s3-destination')
    const destination = new S3Destination(config)
    try {
      const names =
        address.key !== null ? [address.key] : (await listAll(destination)).map((entry) => entry.name)
      let damaged = 0
      for (const name of names) {
        const where = `s3://${address.bucket}/${destination.keyFor(name)}`
        try {
          const archive = await verifyStreamWithEngine(await destination.openRead(name), {
            signal: io.signal,
          })
          io.stdout.write(`ok       ${where}  index ${archive.meta.index}, Consul ${archive.meta.version}\n`)
        } catch (error) {
          if (error instanceof AppError && error.code === 'CANCELLED') throw error
          damaged++
          io.stdout.write(`DAMAGED  ${where}  ${toErrorPayload(error).message}\n`)
        }
      }
      io.stdout.write(
        names.length === 0
          ? 'No backups found at that address.\n'
          : `${names.length - damaged} of ${names.length} backups verified; ${damaged} damaged.\n`,
      )
      return damaged > 0 ? 1 : 0
    } finally {
      destination.close()
    }
  } catch (error) {
    return reportError(io, error)
  }
}

export const verifyCommand: CliCommand = {
  summary: 'Stream stored backups (s3://…) through full verification without writing them to disk',
  run,
}
