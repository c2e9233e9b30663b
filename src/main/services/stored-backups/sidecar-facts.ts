import { z } from 'zod'
import type { Destination } from '../backups/destination'

/** A sidecar is a few hundred bytes; anything far larger is not one of ours and is not read whole. */
const MAX_SIDECAR_BYTES = 64 * 1024

/** The fields of a save record (consul/snapshot-sidecar.ts) the Backups view shows. */
const sidecarSchema = z.object({
  kind: z.literal('snapshot-studio/save-record'),
  index: z.number().int().nonnegative(),
  consulVersion: z.string().nullable(),
  datacenter: z.string().nullable(),
  profile: z.string(),
  savedAt: z.string(),
})

export interface SidecarFacts {
  takenAt: Date | null
  cluster: string
  datacenter: string | null
  index: string
  consulVersion: string | null
}

/**
 * The facts in `<name>.json` stored beside a backup, or null when it cannot be read or is not a
 * save record: a listing never fails because one sidecar is odd.
 */
export async function readSidecarFacts(destination: Destination, name: string): Promise<SidecarFacts | null> {
  try {
    const stream = await destination.openRead(`${name}.json`)
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > MAX_SIDECAR_BYTES) {
        stream.destroy()
        return null
      }
      chunks.push(chunk)
    }
    const record = sidecarSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')))
    const takenAt = new Date(record.savedAt)
    return {
      takenAt: Number.isNaN(takenAt.getTime()) ? null : takenAt,
      cluster: record.profile,
      datacenter: record.datacenter,
      index: String(record.index),
      consulVersion: record.consulVersion,
    }
  } catch {
    return null
  }
}
