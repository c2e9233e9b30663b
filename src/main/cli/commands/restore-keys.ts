import { resolve } from 'node:path'
import { AppError } from '../../../shared/app-error'
import { printableText } from '../../../shared/printable-text'
import type { KvRestorePlanWire, KvValueSide } from '../../../shared/selective-restore-types'
import { createCataloguePort } from '../../host/workers/catalogue-port'
import { assertNotReadOnly } from '../../services/consul/restore-protection'
import { humanizeBytes } from '../../services/snapshot'
import {
  applyKvRestore,
  planKvRestore,
  planToWire,
  type KvRestoreSource,
} from '../../services/selective-restore/kv-restore'
import { parseRewrite } from '../../services/selective-restore/kv-selection'
import { catalogueKeySource } from '../../services/selective-restore/snapshot-key-source'
import { isUndoFile, readUndoFile } from '../../services/selective-restore/undo-file'
import { askLine } from '../ask-line'
import type { CliCommand, CliIo } from '../cli-io'
import { parseCommandLine } from '../command-line'
import { CONNECTION_FLAGS, connectionFromFlags } from '../connection-flags'
import {
  boolFlag,
  flagError,
  formatFlagHelp,
  stringFlag,
  type FlagSpec,
  type ParsedFlags,
} from '../parse-flags'
import { progressLine } from '../progress-line'
import { reportError } from '../report-error'

const FLAGS: FlagSpec[] = [
  ...CONNECTION_FLAGS,
  {
    name: 'prefix',
    kind: 'string',
    valueName: 'P',
    repeatable: true,
    usage:
      'Restore every key of the file that starts with P (repeatable). With an undo file: only its keys under P.',
  },
  {
    name: 'key',
    kind: 'string',
    valueName: 'K',
    repeatable: true,
    usage: 'Restore the single key K (repeatable).',
  },
  {
    name: 'rewrite',
    kind: 'string',
    valueName: 'old=new',
    usage: 'Write the keys chosen under old under new instead (old/ → new/).',
  },
  {
    name: 'delete-missing',
    kind: 'bool',
    usage: 'Also delete live keys under the (rewritten) prefixes that the file lacks there.',
  },
  { name: 'dry-run', kind: 'bool', usage: 'Only show what would change; change nothing.' },
  {
    name: 'undo-out',
    kind: 'string',
    valueName: 'F',
    usage:
      'Where to save the live values the restore replaces, as an undo file this command applies back. Default: restore-keys-undo-<time>.json in the current folder.',
  },
  {
    name: 'confirm',
    kind: 'string',
    valueName: 'NAME',
    usage:
      "The target's datacenter name (or the profile's name when the datacenter cannot be read), to confirm without the question (scripts).",
  },
]

const HELP = `Usage: snapshot-studio restore-keys [options] -prefix P FILE

  Puts chosen KV keys of a snapshot back into a live cluster, leaving
  everything else as it is. FILE is a snapshot, or an undo file written by an
  earlier restore-keys (which puts back what that restore replaced).

  A dry run comes first, always: every create, update and delete against the
  live keys, with both values. Then you type the target's datacenter name to
  apply (or pass -confirm NAME). The changes go through Consul transactions
  with check-and-set on the index the dry run read: a key changed in between
  is not touched and is reported (exit code 2). The live values about to be
  replaced are saved first as an undo file.

  A read-only profile (--profile) refuses; a protected one asks a second
  question naming what will be overwritten and deleted.

    $ snapshot-studio restore-keys -prefix app/config/ -dry-run backup.snap
    $ snapshot-studio restore-keys -prefix app/ -rewrite app/=app-restored/ backup.snap
    $ snapshot-studio restore-keys restore-keys-undo-2026-12-01T10-00-00Z.json

Command Options:

${formatFlagHelp(FLAGS)}
`

function listFlag(parsed: ParsedFlags, name: string): string[] {
  const value = parsed.values.get(name)
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : []
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, FLAGS, HELP, io)
  if (typeof parsed === 'number') return parsed
  const catalogues = createCataloguePort()
  try {
    if (parsed.positionals.length !== 1)
      throw flagError(
        parsed.positionals.length === 0
          ? 'Missing FILE argument'
          : `Too many arguments (expected 1, got ${parsed.positionals.length})`,
      )
    const path = resolve(io.cwd, parsed.positionals[0] as string)
    const prefixes = listFlag(parsed, 'prefix')
    const keys = listFlag(parsed, 'key')
    const rewriteText = stringFlag(parsed, 'rewrite')
    const deleteMissing = boolFlag(parsed, 'delete-missing') ?? false
    const { connection, warnings } = await connectionFromFlags(parsed, io)
    for (const warning of warnings) io.stderr.write(`Warning: ${warning}\n`)
    // The service refuses as well; saying it before the file is read saves the wait.
    assertNotReadOnly(connection, 'selective restore')

    let source: KvRestoreSource
    if (await isUndoFile(path)) {
      if (keys.length > 0 || rewriteText !== undefined || deleteMissing)
        throw flagError('An undo file is applied as it is: -key, -rewrite and -delete-missing do not apply')
      source = { kind: 'undo', undo: await readUndoFile(path), prefixes }
    } else {
      if (prefixes.length === 0 && keys.length === 0)
        throw flagError('Name what to restore: -prefix P or -key K')
      const line = progressLine(io)
      const opened = await catalogues
        .open(path, {
          signal: io.signal ?? new AbortController().signal,
          onProgress: (p) => line.show(`Reading ${humanizeBytes(p.bytes)}`),
        })
        .finally(() => line.clear())
      const selection = {
        prefixes,
        keys,
        deleteMissing,
        ...(rewriteText !== undefined ? { rewrite: parseRewrite(rewriteText) } : {}),
      }
      source = { kind: 'snapshot', keys: catalogueKeySource(catalogues, opened.catalogueId), selection }
    }

    const plan = await planKvRestore(connection, source, { signal: io.signal })
    const wire = planToWire(plan)
    io.stdout.write(describePlan(wire))
    if (wire.changes.length === 0) {
      io.stdout.write('Nothing to change.\n')
      return 0
    }
    if (boolFlag(parsed, 'dry-run') ?? false) {
      io.stdout.write('Dry run: nothing was changed.\n')
      return 0
    }

    const word = wire.target.datacenter ?? wire.target.profileName
    const given = stringFlag(parsed, 'confirm')
    const answer =
      given ??
      (await askLine(
        io,
        `Type the target's ${wire.target.datacenter !== null ? 'datacenter' : 'profile'} name, ${word}, exactly, to apply these changes: `,
      ))
    if (answer?.trim() !== word)
      throw new AppError('RESTORE_REFUSED', 'The selective restore was not confirmed; nothing was changed.', {
        hint:
          answer === undefined
            ? `Not running interactively: pass -confirm ${word} to confirm in scripts.`
            : `Type ${word} exactly.`,
      })
    let lossAcknowledged = false
    if (connection.protection === 'protected') {
      const loss = await askLine(
        io,
        `${connection.name} is protected. ${wire.counts.update} live values will be overwritten and ${wire.counts.delete} keys deleted (listed above); only the undo file brings them back. Type yes to accept: `,
      )
      lossAcknowledged = loss?.trim() === 'yes'
    }
    const undoPath = resolve(
      io.cwd,
      stringFlag(parsed, 'undo-out') ??
        `restore-keys-undo-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    )
    const line = progressLine(io)
    const result = await applyKvRestore(plan, {
      undoPath,
      lossAcknowledged,
      signal: io.signal,
      onProgress: (done, total) => line.show(`Applied ${done} of ${total} changes`),
    }).finally(() => line.clear())
    io.stdout.write(`Undo file: ${result.undoPath}\n`)
    io.stdout.write(
      `  (put the replaced values back with: snapshot-studio restore-keys ${result.undoPath} [connection flags])\n`,
    )
    io.stdout.write(
      `Applied ${result.applied} of ${wire.changes.length} changes in ${result.transactions} transactions\n`,
    )
    for (const skipped of result.skipped)
      io.stdout.write(
        `Skipped ${skipped.action} ${printableText(skipped.key)}: ${printableText(skipped.reason)}\n`,
      )
    return result.skipped.length > 0 ? 2 : 0
  } catch (error) {
    return reportError(io, error)
  } finally {
    await catalogues.closeAll()
  }
}

const SIGN = { create: '+', update: '~', delete: '-' } as const

export function describePlan(plan: KvRestorePlanWire): string {
  const t = plan.target
  const lines = [
    `Target: ${t.endpoint}, datacenter ${t.datacenter ?? 'unknown'} (${printableText(t.profileName)})`,
    `Dry run: ${plan.counts.create} to create, ${plan.counts.update} to update, ${plan.counts.delete} to delete, ${plan.unchanged} already equal`,
  ]
  for (const change of plan.changes) {
    const from = change.sourceKey !== undefined ? ` (from ${printableText(change.sourceKey)})` : ''
    const index = change.before !== null ? ` [index ${change.before.modifyIndex}]` : ''
    lines.push(`  ${SIGN[change.action]} ${change.action} ${printableText(change.key)}${from}${index}`)
    if (change.before !== null) lines.push(`      - ${describeValue(change.before)}`)
    if (change.after !== null) lines.push(`      + ${describeValue(change.after)}`)
  }
  return lines.join('\n') + '\n'
}

function describeValue(side: KvValueSide): string {
  const bytes = Buffer.from(side.valueBase64, 'base64')
  const text = bytes.toString('utf8')
  const flags = side.flags !== '0' ? ` flags ${side.flags}` : ''
  if (Buffer.from(text, 'utf8').equals(bytes) && !text.includes('\uFFFD')) {
    const shown = text.length > 160 ? `${text.slice(0, 160)}…` : text
    return `${JSON.stringify(printableText(shown))}${side.truncated || text.length > 160 ? ` (${humanizeBytes(side.size)})` : ''}${flags}`
  }
  return `<binary, ${humanizeBytes(side.size)}>${flags}`
}

export const restoreKeysCommand: CliCommand = {
  summary: 'Restores chosen KV keys of a snapshot into a live cluster (dry run, check-and-set, undo file)',
  run,
}
