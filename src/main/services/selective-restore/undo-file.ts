import { open, readFile } from 'node:fs/promises'
import { AppError } from '../../../shared/app-error'
import type { KvRestoreTargetWire } from '../../../shared/selective-restore-types'
import { writeFileAtomic } from '../profiles/atomic-write-file'
import type { PlannedChange, WantedValue } from './kv-plan'

const FORMAT = 'snapshot-studio-kv-undo'

type UndoEntry = { key: string; flags: string; value: string } | { key: string; absent: true }

/**
 * What a selective restore replaced, as the same command can apply it back: the live value and
 * flags of every key it updated or deleted, and "absent" for every key it created.
 */
interface UndoDocument {
  format: typeof FORMAT
  version: 1
  createdAt: string
  target: KvRestoreTargetWire
  /** The live prefixes the restore compared; the undo reads the same ones. */
  scopes: string[]
  entries: UndoEntry[]
}

export interface UndoContent {
  target: KvRestoreTargetWire
  scopes: string[]
  wanted: Map<string, WantedValue | null>
}

/** Written 0600 and atomically: it holds live values, which may be secrets. */
export async function writeUndoFile(
  path: string,
  content: { target: KvRestoreTargetWire; scopes: string[]; changes: PlannedChange[]; createdAt: Date },
): Promise<void> {
  const document: UndoDocument = {
    format: FORMAT,
    version: 1,
    createdAt: content.createdAt.toISOString(),
    target: content.target,
    scopes: content.scopes,
    entries: content.changes.map((change) =>
      change.before === null
        ? { key: change.key, absent: true }
        : { key: change.key, flags: change.before.flags, value: change.before.value.toString('base64') },
    ),
  }
  try {
    await writeFileAtomic(path, JSON.stringify(document, null, 1) + '\n', 0o600)
  } catch (error) {
    throw new AppError(
      'FILE_UNREADABLE',
      `The undo file ${path} could not be written (${(error as NodeJS.ErrnoException).code ?? 'error'}); nothing was changed.`,
      { hint: 'Choose a folder you can write to for the undo file (-undo-out).', cause: error },
    )
  }
}

/** Whether FILE is an undo file (JSON) rather than a snapshot (gzip): its first byte says. */
export async function isUndoFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw new AppError('FILE_NOT_FOUND', `${path} cannot be opened.`, {
      hint: 'Check the path.',
      cause: error,
    })
  })
  try {
    const first = Buffer.alloc(64)
    const { bytesRead } = await handle.read(first, 0, first.length, 0)
    return first.subarray(0, bytesRead).toString('utf8').trimStart().startsWith('{')
  } finally {
    await handle.close()
  }
}

export async function readUndoFile(path: string): Promise<UndoContent> {
  const invalid = (why: string) =>
    new AppError('INVALID_ARGUMENT', `${path} is not an undo file of a selective restore: ${why}.`, {
      hint: 'Give the .json file a selective restore wrote (-undo-out), or a snapshot.',
    })
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw error instanceof SyntaxError ? invalid('it is not JSON') : error
  }
  const doc = parsed as Partial<UndoDocument> | null
  if (doc?.format !== FORMAT || doc.version !== 1) throw invalid('its format is not ' + FORMAT + ' version 1')
  if (!Array.isArray(doc.entries) || !Array.isArray(doc.scopes) || typeof doc.target !== 'object')
    throw invalid('entries, scopes or target are missing')
  const wanted = new Map<string, WantedValue | null>()
  for (const entry of doc.entries as unknown[]) {
    const e = entry as Record<string, unknown>
    if (typeof e.key !== 'string') throw invalid('an entry has no key')
    if (e.absent === true) wanted.set(e.key, null)
    else if (typeof e.value === 'string' && typeof e.flags === 'string' && /^\d+$/.test(e.flags))
      wanted.set(e.key, { flags: e.flags, value: Buffer.from(e.value, 'base64') })
    else throw invalid(`the entry of "${e.key}" has neither a value and flags nor "absent"`)
  }
  return {
    target: doc.target as KvRestoreTargetWire,
    scopes: (doc.scopes as unknown[]).filter((s): s is string => typeof s === 'string'),
    wanted,
  }
}
