// `consul kv export` output, byte for byte (spec 11): Go's json.MarshalIndent of an array of
// {key, flags, value} with tab indentation, then the newline the CLI adds. Written as a stream
// so exporting a million keys never builds the whole document.
import type { Writable } from 'node:stream'
import { AppError } from '../../../../shared/app-error'
import { goJsonString } from './go-json-string'

export interface KvExportEntry {
  key: Uint8Array
  flags: bigint
  value: Uint8Array
}

const FLUSH_AT = 256 * 1024

export function formatKvExportEntry(entry: KvExportEntry): string {
  const value = Buffer.from(entry.value.buffer, entry.value.byteOffset, entry.value.byteLength).toString(
    'base64',
  )
  return `\t{\n\t\t"key": ${goJsonString(entry.key)},\n\t\t"flags": ${entry.flags.toString()},\n\t\t"value": "${value}"\n\t}`
}

function write(out: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (cause: unknown): void => {
      out.off('drain', onDrain)
      reject(
        new AppError('FILE_UNREADABLE', 'Writing the KV export failed.', {
          hint: 'Check that the destination is writable and has space.',
          cause,
        }),
      )
    }
    const onDrain = (): void => {
      out.off('error', onError)
      resolve()
    }
    if (out.destroyed) return onError(new Error('destination closed'))
    if (out.write(text)) return resolve()
    out.once('drain', onDrain)
    out.once('error', onError)
  })
}

/**
 * Writes the export of `batches` (entries already in key order, in batches so that one await
 * covers many keys) to `out`; returns how many entries were written.
 */
export async function writeKvExport(
  batches: AsyncIterable<readonly KvExportEntry[]>,
  out: Writable,
  signal?: AbortSignal,
): Promise<number> {
  let count = 0
  let pending = ''
  for await (const batch of batches) {
    if (signal?.aborted) throw new AppError('CANCELLED', 'The KV export was cancelled.')
    for (const entry of batch) {
      pending += (count === 0 ? '[\n' : ',\n') + formatKvExportEntry(entry)
      count++
      if (pending.length >= FLUSH_AT) {
        await write(out, pending)
        pending = ''
      }
    }
  }
  pending += count === 0 ? '[]\n' : '\n]\n'
  await write(out, pending)
  return count
}
