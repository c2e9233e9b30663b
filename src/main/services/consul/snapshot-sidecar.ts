import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from '../profiles/atomic-write-file'
import { versionFromFileName } from './snapshot-file-name'

/**
 * Why a sidecar: meta.json carries no Consul version (spec 10.4), and a restore must warn when
 * the file comes from a newer Consul than the target. A file name can be renamed by anyone; a
 * small JSON beside the snapshot (`<file>.json`) records the origin version, datacenter, size,
 * index and SHA-256 at save time. It is trusted only when its size and index match the file, and
 * when it is missing we fall back to the version in the file name (our template, or
 * `consul snapshot save -append-filename version`).
 */
const sidecarSchema = z.object({
  kind: z.literal('snapshot-studio/save-record'),
  version: z.literal(1),
  file: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  index: z.number().int().nonnegative(),
  term: z.number().int().nonnegative(),
  consulVersion: z.string().nullable(),
  datacenter: z.string().nullable(),
  profile: z.string(),
  savedAt: z.string(),
})

export type SaveRecord = z.infer<typeof sidecarSchema>

export function sidecarPathFor(snapshotPath: string): string {
  return `${snapshotPath}.json`
}

export async function writeSidecar(
  snapshotPath: string,
  record: Omit<SaveRecord, 'kind' | 'version' | 'file'>,
): Promise<string> {
  const full: SaveRecord = {
    kind: 'snapshot-studio/save-record',
    version: 1,
    file: basename(snapshotPath),
    ...record,
  }
  const path = sidecarPathFor(snapshotPath)
  await writeFileAtomic(path, JSON.stringify(full, null, 2) + '\n', 0o644)
  return path
}

export interface SnapshotOrigin {
  consulVersion: string | null
  datacenter: string | null
  source: 'sidecar' | 'file-name' | 'unknown'
}

/** The origin of a snapshot file: its sidecar if it matches, else the version in its name. */
export async function readSnapshotOrigin(
  snapshotPath: string,
  facts: { size: number; index: number },
): Promise<SnapshotOrigin> {
  try {
    const record = sidecarSchema.parse(JSON.parse(await readFile(sidecarPathFor(snapshotPath), 'utf8')))
    if (record.size === facts.size && record.index === facts.index) {
      return { consulVersion: record.consulVersion, datacenter: record.datacenter, source: 'sidecar' }
    }
  } catch {
    // No sidecar, or one that does not describe this file: fall back to the name.
  }
  const fromName = versionFromFileName(basename(snapshotPath))
  return fromName
    ? { consulVersion: fromName, datacenter: null, source: 'file-name' }
    : { consulVersion: null, datacenter: null, source: 'unknown' }
}
