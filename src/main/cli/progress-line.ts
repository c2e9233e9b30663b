import { humanizeBytes } from '../services/snapshot'
import type { TransferProgress } from '../../shared/consul-types'
import type { CliIo } from './cli-io'

/** One rewritten status line on stderr when it is a terminal; silent otherwise (scripts, pipes). */
export function progressLine(io: CliIo): { show(text: string): void; clear(): void } {
  const stream = io.stderr as { write(chunk: string): unknown; isTTY?: boolean }
  if (!stream.isTTY) return { show: () => undefined, clear: () => undefined }
  let width = 0
  return {
    show(text) {
      const line = text.slice(0, 120)
      stream.write('\r' + line.padEnd(width))
      width = line.length
    },
    clear() {
      if (width > 0) stream.write('\r' + ' '.repeat(width) + '\r')
      width = 0
    },
  }
}

export function describeTransfer(label: string, progress: TransferProgress): string {
  const total = progress.totalBytes
    ? ` of ${humanizeBytes(progress.totalBytes)} (${Math.floor((progress.bytes / progress.totalBytes) * 100)}%)`
    : ''
  const rate = progress.bytesPerSecond > 0 ? `, ${humanizeBytes(progress.bytesPerSecond)}/s` : ''
  return `${label} ${humanizeBytes(progress.bytes)}${total}${rate}`
}
