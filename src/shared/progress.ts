/**
 * How far a long operation has gone, in bytes. Every long operation (reading a snapshot, an
 * upload, a save, a restore) reports this shape, so one progress bar shows any of them.
 */
export interface ByteProgress {
  bytes: number
  /** Known for reads and restores (the file's size); null for a save until the body ends. */
  totalBytes: number | null
}

/** A transfer over the network also knows its pace. */
export interface TransferProgress extends ByteProgress {
  bytesPerSecond: number
  elapsedMs: number
}
