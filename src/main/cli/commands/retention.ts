import { listAll } from '../../services/backups/destination'
import { enterpriseNamePattern, planRetention, templateNamePattern } from '../../services/backups/retention'
import { CONFIG_FLAGS, destinationsFor, loadConfigFromFlags } from '../agent-setup'
import type { CliCommand, CliIo } from '../cli-io'
import { parseCommandLine } from '../command-line'
import { flagError, formatFlagHelp, type FlagSpec } from '../parse-flags'
import { reportError } from '../report-error'

const FLAGS: FlagSpec[] = CONFIG_FLAGS

const HELP = `Usage: snapshot-studio retention plan [options]

  Shows what the agent's retention policy would keep and delete in each
  destination, and why, without deleting anything. It reads the same config
  files and flags as "snapshot-studio agent", and runs the same code as the
  agent's rotation.

    $ snapshot-studio retention plan -config-dir /etc/consul-snapshot.d

Options:

${formatFlagHelp(FLAGS)}
`

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, FLAGS, HELP, io)
  if (typeof parsed === 'number') return parsed
  try {
    const [sub, ...extra] = parsed.positionals
    if (sub !== 'plan') throw flagError('Use "snapshot-studio retention plan"')
    if (extra.length > 0) throw flagError(`Too many arguments: ${extra.join(' ')}`)
    const config = await loadConfigFromFlags(parsed, io)
    const pattern =
      config.nameTemplate === null
        ? enterpriseNamePattern()
        : templateNamePattern(config.nameTemplate, { profile: config.connection.name })
    const now = new Date()
    for (const destination of destinationsFor(config)) {
      let entries
      try {
        entries = await listAll(destination)
      } finally {
        await destination.close()
      }
      const plan = planRetention(entries, config.retention, now, pattern)
      io.stdout.write(
        `${destination.description}: keep ${plan.keep.length}, delete ${plan.delete.length}, later ${plan.deferred.length}, not ours ${plan.ignored.length}\n`,
      )
      for (const k of plan.keep)
        io.stdout.write(`  keep    ${k.name}  ${k.takenAt.toISOString()}  ${k.reasons.join(', ')}\n`)
      for (const d of plan.delete)
        io.stdout.write(`  delete  ${d.name}  ${d.takenAt.toISOString()}  ${d.reason}\n`)
      for (const d of plan.deferred)
        io.stdout.write(`  later   ${d.name}  ${d.takenAt.toISOString()}  ${d.reason}\n`)
      for (const name of plan.ignored)
        io.stdout.write(`  ignore  ${name}  (does not match ${pattern.describe})\n`)
    }
    io.stdout.write('Nothing was deleted (this is a plan).\n')
    return 0
  } catch (error) {
    return reportError(io, error)
  }
}

export const retentionCommand: CliCommand = {
  summary: 'Show what the agent retention policy would keep and delete, and why (deletes nothing)',
  run,
}
