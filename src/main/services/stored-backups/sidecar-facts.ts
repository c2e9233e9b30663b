import { AppError } from '../../../shared/app-error'
import { printableText } from '../../../shared/printable-text'
import type { BackupEntry, Destination } from '../backups/destination'
import { parseSaveRecord, type SaveRecord } from '../consul/snapshot-sidecar'

/** A sidecar is a few hundred bytes; anything far larger is not one of ours and is not read whole. */
const MAX_SIDECAR_BYTES = 64 * 1024

export interface SidecarFacts {
  takenAt: Date
  cluster: string
  datacenter: string | null
  index: string
  consulVersion: string | null
}

/**
 * The facts in `<name>.json` stored beside a backup. The sidecar is held to the save record's one
 * schema and must describe this backup: its file is this name (or this name less `.age`, for a
 * copy encrypted on its way to the store) and, unencrypted, its size is the stored size. Anything
 * else (too large, not JSON, a field missing or not as written, another file's record) is refused
 * with SIDECAR_INVALID, so that a tampered or misplaced sidecar never lends a backup its facts.
 * Reading it can also fail as the store fails (its own typed errors).
 */
export async function readSidecarFacts(
  destination: Destination,
  entry: Pick<BackupEntry, 'name' | 'size'>,
): Promise<SidecarFacts> {
  const record = await readRecord(destination, entry.name)
  const encrypted = entry.name === `${record.file}.age`
  if (record.file !== entry.name && !encrypted)
    throw refused(entry.name, `it describes another file, ${printableText(JSON.stringify(record.file))}`)
  if (!encrypted && record.size !== entry.size)
    throw refused(entry.name, `it records ${record.size} bytes and the backup holds ${entry.size}`)
  return {
    takenAt: new Date(record.savedAt),
    cluster: record.profile,
    datacenter: record.datacenter,
    index: String(record.index),
    consulVersion: record.consulVersion,
  }
}

async function readRecord(destination: Destination, name: string): Promise<SaveRecord> {
  const stream = await destination.openRead(`${name}.json`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_SIDECAR_BYTES) {
      stream.destroy()
      throw refused(name, `it is larger than ${MAX_SIDECAR_BYTES / 1024} KiB`)
    }
    chunks.push(chunk)
  }
  let value: unknown
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw refused(name, 'it is not JSON')
  }
  const { record, problem } = await parseSaveRecord(value)
  if (record === null) throw refused(name, problem)
  return record
}

function refused(name: string, why: string): AppError {
  const shown = printableText(name)
  return new AppError('SIDECAR_INVALID', `The sidecar ${shown}.json is not believed: ${why}.`, {
    hint: `The backup is listed with what its name says. Check whether ${shown}.json was edited or copied from another backup; delete it, or put back the one saved with ${shown}.`,
  })
}
