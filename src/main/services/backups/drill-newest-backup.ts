import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { toErrorPayload } from '../../../shared/app-error'
import { hasKeys, type DecryptionKeys } from '../encryption/age-keys'
import { decryptStream } from '../encryption/age-stream'
import { runDrill, type DrillResult } from '../drill/run-drill'
import { failedBackup, notListed, throwIfCancelled, type CheckedBackup } from './agent-check-report'
import type { Destination } from './destination'
import { isEncryptedName, newestBackup } from './newest-backup'
import type { BackupNamePattern } from './retention'

export interface DrillStepOptions {
  /** The configured consul binary; null: CONSUL_BIN, else PATH (as `snapshot-studio drill`). */
  consulBinary: string | null
  env: Record<string, string | undefined>
  keys: DecryptionKeys | null
  /** The private copy is made under it (default: the OS temp folder). */
  scratchPath?: string
  signal?: AbortSignal
  /** The drill engine; specs may stand in their own. */
  drill?: typeof runDrill
}

/**
 * The scheduled restore drill: the newest backup of the first destination that has one (all
 * destinations take the same snapshot) is copied out of the store into a private folder,
 * decrypted on the way when it is `.snap.age`, and restored into a throw-away Consul dev agent by
 * the drill engine, which compares what comes back with the file. The copy, its folder and the
 * agent are removed on every path.
 */
export async function drillNewestBackup(
  destinations: Destination[],
  pattern: BackupNamePattern,
  options: DrillStepOptions,
): Promise<CheckedBackup[]> {
  const skipped: CheckedBackup[] = []
  for (const destination of destinations) {
    options.signal?.throwIfAborted()
    const at = destination.description
    let name: string | null
    try {
      name = await newestBackup(destination, pattern)
    } catch (error) {
      skipped.push(notListed(at, error))
      continue
    }
    if (name === null) continue
    return [await drillOne(destination, name, options)]
  }
  if (skipped.length > 0) return skipped
  return [
    {
      destination: destinations.map((d) => d.description).join(', '),
      name: null,
      outcome: 'none',
      message: `no destination holds a backup named ${pattern.describe}`,
    },
  ]
}

async function drillOne(
  destination: Destination,
  name: string,
  options: DrillStepOptions,
): Promise<CheckedBackup> {
  const at = destination.description
  if (isEncryptedName(name) && !hasKeys(options.keys))
    return {
      destination: at,
      name,
      outcome: 'unchecked',
      message:
        'it is encrypted and the agent holds no identity to open it (set encryption.identity_file or SNAPSHOT_STUDIO_AGE_IDENTITY)',
    }
  const folder = await mkdtemp(join(options.scratchPath ?? tmpdir(), 'snapshot-studio-drill-copy-'))
  try {
    const copy = join(folder, isEncryptedName(name) ? name.slice(0, -4) : name)
    try {
      const stored = await destination.openRead(name)
      const plain = isEncryptedName(name) ? await decryptStream(stored, options.keys, name) : stored
      await pipeline(plain, createWriteStream(copy, { flags: 'wx', mode: 0o600 }), { signal: options.signal })
    } catch (error) {
      const failure = { destination: at, name, error, step: 'drill', prefix: 'could not be read: ' }
      return failedBackup(failure, options.signal)
    }
    let result: DrillResult
    try {
      result = await (options.drill ?? runDrill)(copy, {
        ...(options.consulBinary !== null ? { consulPath: options.consulBinary } : {}),
        env: options.env,
        ...(options.signal ? { signal: options.signal } : {}),
      })
    } catch (error) {
      throwIfCancelled(error, options.signal, 'drill')
      // The drill's own trouble (no consul binary, an agent that would not start): no verdict.
      return {
        destination: at,
        name,
        outcome: 'unchecked',
        message: `the drill could not run: ${toErrorPayload(error).message}`,
      }
    }
    return drillVerdict(at, name, result)
  } finally {
    await rm(folder, { recursive: true, force: true }).catch(() => undefined)
  }
}

function drillVerdict(destination: string, name: string, result: DrillResult): CheckedBackup {
  const consul = `consul ${result.consul.version ?? 'unknown version'}`
  if (result.passed)
    return {
      destination,
      name,
      outcome: 'restored',
      message: `restored into a throw-away ${consul} and read back the same (${result.counts.map((c) => `${c.kind} ${c.file}`).join(', ')})`,
    }
  const differences = result.differences.map((d) => `${d.kind}: ${d.message}`)
  return {
    destination,
    name,
    outcome: 'damaged',
    message: result.failure
      ? result.failure.message
      : `restored into a throw-away ${consul} but came back different: ${differences.slice(0, 5).join('; ')}${differences.length > 5 ? `; and ${differences.length - 5} more` : ''}`,
    differences,
  }
}
