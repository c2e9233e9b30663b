import { parseCommandLine } from '../command-line'
import { resolve } from 'node:path'
import { AppError } from '../../../shared/app-error'
import type { RestorePreflight, RestoreProgress } from '../../../shared/consul-types'
import { composeConsulService } from '../../host/consul-service'
import { assertRestoreAllowed } from '../../services/consul/restore-protection'
import { createInProcessInspectRunner } from '../../host/workers/in-process-inspect-runner'
import { humanizeBytes } from '../../services/snapshot'
import { askLine } from '../ask-line'
import type { CliCommand, CliIo } from '../cli-io'
import { CONNECTION_FLAGS, connectionFromFlags } from '../connection-flags'
import {
  boolFlag,
  flagError,
  formatFlagHelp,
  stringFlag,
  type FlagSpec,
  type ParsedFlags,
} from '../parse-flags'
import { describeTransfer, progressLine } from '../progress-line'
import { reportError } from '../report-error'
// Only what every restore needs is loaded with the command: decrypting (the age library) and
// fetching from a store are loaded when the file turns out to need them.
import { isEncryptedSnapshot } from '../../services/encryption/age-sniff'
import type { DecryptedCopy } from '../../services/encryption/encrypted-snapshot'
import { DECRYPTION_FLAGS, decryptionKeysFromFlags } from '../decryption-flags'
import type { FetchedCopy } from '../../services/stored-backups/fetch-verified-plaintext'
import {
  openStoredAddress,
  parseStoredAddress,
  requireObject,
  STORED_ADDRESS_FLAGS,
  type StoredAddress,
} from '../stored-address'

const FLAGS: FlagSpec[] = [
  ...CONNECTION_FLAGS,
  {
    name: 'yes',
    kind: 'bool',
    usage: 'Do not ask for the typed confirmation (for scripts). Blockers still refuse the restore.',
  },
  {
    name: 'safety-snapshot',
    kind: 'bool',
    usage:
      'Save the target cluster before replacing its state. The default is true; -safety-snapshot=false turns it off.',
  },
  {
    name: 'safety-dir',
    kind: 'string',
    valueName: 'folder',
    usage: 'Folder the safety snapshot is written to. Default: the current folder, where the command runs.',
  },
  ...DECRYPTION_FLAGS,
  ...STORED_ADDRESS_FLAGS,
]

const HELP = `Usage: snapshot-studio restore [options] FILE

  Puts a snapshot back into a cluster. This replaces the whole replicated
  state of the target: KV, catalog, sessions, ACLs, intentions, config
  entries.

  Before anything is sent, FILE is verified completely, its contents and the
  target (leader, version, datacenter, index) are shown with any warnings,
  and you type the target's datacenter name, exactly as printed, to confirm.

  A safety snapshot of the target is saved first, into the current folder
  unless -safety-dir names another (-safety-snapshot=false skips it). Its
  folder is printed before you confirm, and its file name afterwards.
  Afterwards the command waits until the cluster has a leader and answers
  reads.

  With --profile, the profile's protection level holds: a read-only profile
  refuses; a protected one keeps its safety snapshot, refuses -yes and asks a
  second question naming what will be lost.

  With -yes and -safety-snapshot=false the file is read once: it is
  verified while it uploads, the target is read as the upload starts, and
  the file's last bytes are sent only when it passed and the target can
  take it (Consul restores nothing from an incomplete upload).

  An age-encrypted backup (.snap.age) needs -identity or -passphrase-file.
  It is decrypted first into a private temporary copy (TMPDIR, mode 0600,
  removed afterwards) and kept only when every encrypted chunk
  authenticated, so a damaged or tampered file is refused before the
  cluster is contacted; the copy then goes through the checks above.

  FILE may also be a backup in a store: s3://BUCKET/KEY, az://CONTAINER/BLOB
  or gs://BUCKET/OBJECT, with the store's settings in the agent's flags
  (-aws-*, -azure-blob-*, -gcs-*). It is downloaded first into a private
  temporary file (TMPDIR, mode 0600), verified as it arrives (decrypted,
  for an encrypted backup), and removed afterwards whatever happens; the
  checks above then run on that copy.

    $ snapshot-studio restore backup.snap
    $ snapshot-studio restore -safety-dir /var/backups/consul backup.snap

Command Options:

${formatFlagHelp(FLAGS)}
`

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, FLAGS, HELP, io)
  if (typeof parsed === 'number') return parsed
  let decrypted: DecryptedCopy | null = null
  let fetched: FetchedCopy | null = null
  try {
    if (parsed.positionals.length === 0) throw flagError('Missing FILE argument')
    if (parsed.positionals.length > 1)
      throw flagError(`Too many arguments (expected 1, got ${parsed.positionals.length})`)
    const address = parseStoredAddress(parsed.positionals[0] as string)
    if (address !== null) fetched = await fetchFromStore(address, parsed, io)
    const given = fetched?.path ?? resolve(io.cwd, parsed.positionals[0] as string)
    const shown = address?.text ?? given
    if (fetched === null && (await isEncryptedSnapshot(given))) {
      const { decryptToPrivateCopy } = await import('../../services/encryption/encrypted-snapshot')
      decrypted = await decryptToPrivateCopy(given, await decryptionKeysFromFlags(parsed, io), {
        signal: io.signal,
      })
    }
    const path = decrypted?.path ?? given
    const { connection, warnings } = await connectionFromFlags(parsed, io)
    for (const warning of warnings) io.stderr.write(`Warning: ${warning}\n`)
    const line = progressLine(io)
    const onProgress = (p: RestoreProgress) =>
      line.show(
        p.phase === 'uploading'
          ? describeTransfer('Uploading', p)
          : p.phase === 'safety-snapshot'
            ? describeTransfer('Safety snapshot', p)
            : p.phase === 'verifying'
              ? `Verifying ${humanizeBytes(p.bytes)}`
              : 'Waiting for the cluster\u2026',
      )
    const { consul } = composeConsulService({ inspect: createInProcessInspectRunner() })
    const safetyOn = boolFlag(parsed, 'safety-snapshot') ?? true
    const safetyDir = resolve(io.cwd, stringFlag(parsed, 'safety-dir') ?? '.')
    const describe = (preflight: RestorePreflight) => {
      io.stdout.write(describePreflight(preflight, shown, fetched !== null))
      io.stdout.write(
        safetyOn
          ? `Safety: a snapshot of the target is saved in ${safetyDir} before the restore\n`
          : 'Safety: no safety snapshot (-safety-snapshot=false); the target\u2019s current state cannot be recovered\n',
      )
    }
    const confirmed = boolFlag(parsed, 'yes') ?? false
    const guarded = connection.protection === 'protected'
    // Refused before the file is read: a read-only profile, or a protected one asked to skip
    // its safety snapshot. The service checks again before anything is sent.
    assertRestoreAllowed(connection, 'restore', { safetyCopy: safetyOn, lossAcknowledged: true })
    if (guarded && confirmed) {
      throw new AppError(
        'RESTORE_REFUSED',
        `The profile "${connection.name}" is protected: its restores are confirmed on a terminal, twice; -yes cannot confirm them.`,
        { hint: 'Run the command without -yes and answer both questions.' },
      )
    }
    if (!confirmed) {
      // Shown before the question; the restore below reuses this verification while the file
      // stays untouched.
      const preflight = await consul
        .preflightRestore({ connection, path, signal: io.signal, onProgress })
        .finally(() => line.clear())
      describe(preflight)
      if (preflight.blockers.length > 0) {
        throw new AppError(
          'RESTORE_REFUSED',
          'The restore was refused (see above); nothing was sent to the cluster.',
        )
      }
      const word = preflight.target.datacenter ?? 'restore'
      const answer = await askLine(
        io,
        preflight.target.datacenter !== null
          ? `Type the target's datacenter name, ${word}, exactly, to replace its whole state: `
          : `The target's datacenter cannot be read; type ${word} to replace its whole state: `,
      )
      if (answer?.trim() !== word) {
        throw new AppError(
          'RESTORE_REFUSED',
          'The restore was not confirmed; nothing was sent to the cluster.',
          {
            hint:
              answer === undefined
                ? 'Not running interactively: pass --yes to confirm in scripts.'
                : undefined,
          },
        )
      }
      if (guarded) {
        const loss = await askLine(
          io,
          `${connection.name} is protected. Everything it holds now (datacenter ${preflight.target.datacenter ?? 'unknown'}, index ${preflight.target.currentIndex ?? 'unknown'}: KV, catalog, sessions, ACLs, intentions, config entries) is replaced by the file's state at index ${preflight.file.index}; every write made since is lost. Type yes to accept that loss: `,
        )
        if (loss?.trim() !== 'yes')
          throw new AppError('RESTORE_REFUSED', 'The loss was not accepted; nothing was sent to the cluster.')
      }
    }
    const result = await consul
      .restoreSnapshot({
        connection,
        path,
        signal: io.signal,
        onProgress,
        // With -yes nothing was shown yet: the file and target are described once verified,
        // which may be while the file uploads (its last bytes wait for that verdict).
        onPreflight: confirmed
          ? (preflight) => {
              line.clear()
              describe(preflight)
            }
          : undefined,
        safetySnapshot: safetyOn ? { enabled: true, destinationDir: safetyDir } : { enabled: false },
        // Only reached for a protected profile after its second question was answered.
        lossAcknowledged: true,
      })
      .finally(() => line.clear())
    if (result.safetySnapshot) io.stdout.write(`Safety snapshot: ${result.safetySnapshot.path}\n`)
    // `consul snapshot restore`'s line, then the health check.
    io.stdout.write('Restored snapshot\n')
    io.stdout.write(`${result.health.summary}\n`)
    return result.health.healthy ? 0 : 2
  } catch (error) {
    return reportError(io, error)
  } finally {
    await decrypted?.remove().catch(() => undefined)
    await fetched?.remove().catch(() => undefined)
  }
}

/** The stored backup as a verified private file, with a progress line while it downloads. */
async function fetchFromStore(address: StoredAddress, parsed: ParsedFlags, io: CliIo): Promise<FetchedCopy> {
  const name = requireObject(address)
  const keys = await decryptionKeysFromFlags(parsed, io)
  const opened = await openStoredAddress(address, parsed, io)
  const line = progressLine(io)
  try {
    const { fetchVerifiedPlaintext } = await import('../../services/stored-backups/fetch-verified-plaintext')
    return await fetchVerifiedPlaintext(opened.destination, name, keys, {
      signal: io.signal,
      onBytes: (bytes) => line.show(`Downloading and verifying ${humanizeBytes(bytes)}`),
    })
  } finally {
    line.clear()
    opened.close()
  }
}

const VERSION_SOURCE: Record<RestorePreflight['file']['consulVersionSource'], string> = {
  snapshot: ' (from its servers)',
  sidecar: ' (from its sidecar)',
  'file-name': ' (from its name)',
  unknown: '',
}

/** `shownPath`: the file as given (an encrypted backup or a stored one, not its private copy). */
function describePreflight(p: RestorePreflight, shownPath: string, downloaded: boolean): string {
  const f = p.file
  const t = p.target
  const lines = [
    `File:   ${shownPath}${downloaded ? ' (downloaded, verified)' : shownPath !== f.path ? ' (decrypted)' : ''}`,
    `        ${humanizeBytes(f.size)}, index ${f.index}, term ${f.term}, Consul ${f.consulVersion ?? 'unknown'}${VERSION_SOURCE[f.consulVersionSource]}, datacenter ${f.datacenter ?? 'unknown'}`,
    `        ${f.stats.map((s) => `${s.name} ${s.count}`).join(', ') || 'no records'}`,
    `Target: ${t.endpoint}, leader ${t.leader ?? 'none'}, Consul ${t.consulVersion ?? 'unknown'}, datacenter ${t.datacenter ?? 'unknown'}, index ${t.currentIndex ?? 'unknown'}`,
    ...p.warnings.map((w) => `Warning: ${w.message}`),
    ...p.blockers.map((b) => `Refused: ${b.message}`),
  ]
  return lines.join('\n') + '\n'
}

export const restoreCommand: CliCommand = {
  summary: 'Verifies a snapshot file and restores it into a Consul cluster',
  run,
}
