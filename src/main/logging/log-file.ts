/**
 * The desktop app's log file: `logs/snapshot-studio.log` in its data folder, JSON lines, rotated
 * by size so it never fills the disk (5 files of 5 MB at most). Readable by the user only: even
 * redacted, it names clusters and files.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { createStream } from 'rotating-file-stream'
import type { LogLevel, LogSink } from './logger'

export const LOG_FILE_NAME = 'snapshot-studio.log'
export const LOG_ROTATION = { size: '5M', maxFiles: 5 } as const

export interface LogFile {
  sink: LogSink
  path: string
  /** Flushes and closes the file. */
  close(): Promise<void>
}

export function openLogFile(dataDir: string, level: LogLevel = 'info'): LogFile {
  const folder = join(dataDir, 'logs')
  mkdirSync(folder, { recursive: true, mode: 0o700 })
  const stream = createStream(LOG_FILE_NAME, {
    path: folder,
    size: LOG_ROTATION.size,
    maxFiles: LOG_ROTATION.maxFiles,
    mode: 0o600,
  })
  let failed = false
  // A log that cannot be written must not stop the app; say so once, on stderr.
  stream.on('error', (error: Error) => {
    if (!failed) process.stderr.write(`Snapshot Studio cannot write its log file: ${error.message}\n`)
    failed = true
  })
  let closed = false
  return {
    path: join(folder, LOG_FILE_NAME),
    sink: {
      level,
      format: 'json',
      write: (line) => {
        if (!closed) stream.write(line)
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve()
        closed = true
        stream.end(() => resolve())
      }),
  }
}
