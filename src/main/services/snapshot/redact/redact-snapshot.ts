import { createHash } from 'node:crypto'
import { closeSync, openSync, writeSync } from 'node:fs'
import { access, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppError } from '../../../../shared/app-error'
import { readSnapshot } from '../archive-reader'
import { writeSnapshotArchive } from '../archive-writer'
import type { ReadProgress } from '../inspect-types'
import { RecordSplitter } from '../record-splitter'
import { redactionKinds, redactRecord, type RedactionKind } from './redaction-rules'

export interface RedactOptions {
  /** KV keys under these prefixes get empty values (a leading "/" is ignored). */
  kvPrefixes?: readonly string[]
  signal?: AbortSignal
  onProgress?: (p: ReadProgress) => void
}

export interface RedactReport {
  /** How many values of each kind were replaced; every kind is listed, zero included. */
  blanked: Record<RedactionKind, number>
  /** Records per message type, the same in the input and the copy. */
  records: number
  inputStateBytes: number
  outputStateBytes: number
}

const WRITE_BUFFER = 1 << 20

/** Collects state.bin bytes and writes them to a file in large pieces, hashing as it goes. */
class StateFileWriter {
  private readonly fd: number
  private buffer = Buffer.allocUnsafe(WRITE_BUFFER)
  private used = 0
  readonly hash = createHash('sha256')
  bytes = 0
  constructor(path: string) {
    this.fd = openSync(path, 'wx', 0o600)
  }
  write(bytes: Uint8Array): void {
    this.hash.update(bytes)
    this.bytes += bytes.length
    if (this.used + bytes.length > this.buffer.length) this.flush()
    if (bytes.length > this.buffer.length) {
      writeSync(this.fd, bytes)
      return
    }
    this.buffer.set(bytes, this.used)
    this.used += bytes.length
  }
  flush(): void {
    let at = 0
    while (at < this.used) at += writeSync(this.fd, this.buffer, at, this.used - at)
    this.used = 0
  }
  close(): void {
    this.flush()
    closeSync(this.fd)
  }
}

/**
 * Writes a copy of the snapshot IN to OUT with its secrets replaced (redaction-rules.ts): read and
 * verified as Consul reads it, record by record; the changed records re-encoded in place, all
 * others byte for byte; checksums recomputed, meta.json kept but for state.bin's new size. The
 * new state.bin is staged in a private temporary folder, since its size must be known before the
 * tar header is written.
 */
export async function redactSnapshot(
  inPath: string,
  outPath: string,
  options: RedactOptions = {},
): Promise<RedactReport> {
  const prefixes = (options.kvPrefixes ?? []).map((p) => p.replace(/^\//, ''))
  // Checked first so a long read is not wasted; the final create is exclusive all the same.
  if (
    await access(outPath).then(
      () => true,
      () => false,
    )
  )
    throw new AppError('FILE_EXISTS', `${outPath} already exists; it was left untouched.`, {
      hint: 'Choose another output file name, or remove the old file first.',
    })
  const blanked = Object.fromEntries(redactionKinds.map((k) => [k, 0])) as Record<RedactionKind, number>
  const stage = await mkdtemp(join(tmpdir(), 'snapshot-studio-redact-'))
  try {
    const statePath = join(stage, 'state.bin')
    const writer = new StateFileWriter(statePath)
    let records = 0
    const typeByte = Buffer.alloc(1)
    let result
    try {
      result = await readSnapshot(
        inPath,
        new RecordSplitter({
          header: (bytes) => writer.write(bytes),
          record: (type, value) => {
            records++
            const redacted = redactRecord(type, value, { kvPrefixes: prefixes })
            for (const kind of redacted.blanked) blanked[kind]++
            typeByte[0] = type
            writer.write(typeByte)
            writer.write(redacted.value)
          },
        }),
        { signal: options.signal, onProgress: options.onProgress },
      )
    } finally {
      writer.close()
    }
    await writeSnapshotArchive(
      outPath,
      { meta: result.meta, statePath, stateBytes: writer.bytes, stateSha256: writer.hash.digest('hex') },
      options.signal,
    )
    return { blanked, records, inputStateBytes: result.stateBytes, outputStateBytes: writer.bytes }
  } finally {
    await rm(stage, { recursive: true, force: true })
  }
}
