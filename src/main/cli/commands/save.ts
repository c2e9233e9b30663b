import { parseCommandLine } from '../command-line'
import { basename, dirname, resolve } from 'node:path'
import { DEFAULT_FILE_NAME_TEMPLATE } from '../../services/consul'
import { composeConsulService } from '../../host/consul-service'
import { createInProcessInspectRunner } from '../../host/workers/in-process-inspect-runner'
import { humanizeBytes } from '../../services/snapshot'
import type { SavePhase } from '../../../shared/consul-types'
import type { CliCommand, CliIo } from '../cli-io'
import { CONNECTION_FLAGS, STALE_FLAG, connectionFromFlags, staleFlag } from '../connection-flags'
import { boolFlag, flagError, formatFlagHelp, stringFlag, type FlagSpec } from '../parse-flags'
import { describeTransfer, progressLine } from '../progress-line'
import { reportError } from '../report-error'

const FLAGS: FlagSpec[] = [
  ...CONNECTION_FLAGS,
  STALE_FLAG,
  {
    name: 'overwrite',
    kind: 'bool',
    usage: 'Replace FILE if it exists. Without it an existing file is never touched.',
  },
  {
    name: 'template',
    kind: 'string',
    valueName: 'template',
    usage: `File name when FILE is omitted; placeholders {profile} {dc} {version} {index} {term} {time} {date}. Default ${DEFAULT_FILE_NAME_TEMPLATE}.`,
  },
  {
    name: 'dir',
    kind: 'string',
    valueName: 'folder',
    usage: 'Folder for a templated name when FILE is omitted. Default: the current folder.',
  },
]

const HELP = `Usage: snapshot-studio save [options] [FILE]

  Takes a snapshot of the cluster's whole replicated state, streams it to
  FILE.part, verifies the whole archive, and only then renames it to FILE.
  Nothing is left behind on failure. A sidecar
  FILE.json records the Consul version, datacenter and SHA-256.

  Without FILE the name comes from -template (index and time filled in
  once the snapshot arrives).

    $ snapshot-studio save backup.snap
    $ snapshot-studio save --profile prod-eu -dir /backups

Command Options:

${formatFlagHelp(FLAGS)}
`

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, FLAGS, HELP, io)
  if (typeof parsed === 'number') return parsed
  try {
    if (parsed.positionals.length > 1)
      throw flagError(`Too many arguments (expected 0 or 1, got ${parsed.positionals.length})`)
    const { connection, warnings } = await connectionFromFlags(parsed, io)
    for (const warning of warnings) io.stderr.write(`Warning: ${warning}\n`)
    const file = parsed.positionals[0]
    const target =
      file === undefined
        ? { destinationDir: resolve(io.cwd, stringFlag(parsed, 'dir') ?? '.') }
        : { destinationDir: dirname(resolve(io.cwd, file)), fileName: basename(resolve(io.cwd, file)) }
    const line = progressLine(io)
    const clock = new SaveClock()
    const { consul } = composeConsulService({ inspect: createInProcessInspectRunner() })
    const result = await consul
      .saveSnapshot({
        connection,
        ...target,
        template: stringFlag(parsed, 'template'),
        overwrite: boolFlag(parsed, 'overwrite') ?? false,
        stale: staleFlag(parsed),
        signal: io.signal,
        onProgress: (p) => {
          clock.saw(p.phase)
          line.show(
            p.phase === 'downloading'
              ? describeTransfer('Downloading', p)
              : p.phase === 'verifying'
                ? `Verifying ${humanizeBytes(p.bytes)}`
                : `${p.phase}\u2026`,
          )
        },
      })
      .finally(() => line.clear())
    // The first line is `consul snapshot save`'s, so scripts that look for it keep working.
    io.stdout.write(`Saved and verified snapshot to index ${result.index}\n`)
    io.stdout.write(`File: ${result.path} (${humanizeBytes(result.size)}, sha256 ${result.sha256})\n`)
    const timing = clock.summary()
    if (timing !== null) io.stdout.write(`${timing}\n`)
    return 0
  } catch (error) {
    return reportError(io, error)
  }
}

/**
 * Where a save's time went. Consul answers only once the whole archive is built, so the wait for
 * the first byte is Consul's and the rest is the download and its verification: a slow save is
 * usually the first, and an operator should not have to guess which.
 */
class SaveClock {
  private requested: number | null = null
  private answered: number | null = null

  saw(phase: SavePhase): void {
    if (phase === 'requesting') this.requested ??= performance.now()
    else if (phase === 'downloading' && this.requested !== null) this.answered ??= performance.now()
  }

  summary(): string | null {
    if (this.requested === null || this.answered === null) return null
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
    return `Consul built the snapshot in ${seconds(this.answered - this.requested)}; downloading and verifying it took ${seconds(performance.now() - this.answered)}.`
  }
}

export const saveCommand: CliCommand = { summary: 'Saves a verified snapshot of a Consul cluster', run }
