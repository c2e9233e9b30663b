import { mkdir } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { ByteProgress } from '../../../shared/progress'
import type { RedactedCopyWire } from '../../../shared/snapshot-tools-types'
import { safe } from '../consul/snapshot-file-name'
import { redactSnapshot } from '../snapshot/redact/redact-snapshot'

export interface RedactToFolderOptions {
  kvPrefixes: readonly string[]
  /** The moment in the name; the caller's clock so a spec can name the file it expects. */
  now: Date
  signal: AbortSignal
  onProgress: (progress: ByteProgress) => void
}

/** `<input base>-redacted-<YYYYMMDDTHHMMSSZ>.snap`, reduced to the characters saves use. */
export function redactedCopyName(inputPath: string, now: Date): string {
  const base = safe(basename(inputPath).replace(/\.snap$/i, ''))
  const time = now.toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z'
  return `${base}-redacted-${time}.snap`
}

/**
 * The app's redacted copy: the host, not the page, decides where it goes (the folder saves use),
 * so a page in browser mode cannot make the host write a file of its choosing. The copy is created
 * exclusively and readable by its owner only (redactSnapshot); an existing file is never replaced.
 */
export async function redactToSaveFolder(
  inputPath: string,
  folder: string,
  options: RedactToFolderOptions,
): Promise<RedactedCopyWire> {
  await mkdir(folder, { recursive: true, mode: 0o700 })
  const path = join(folder, redactedCopyName(inputPath, options.now))
  const report = await redactSnapshot(inputPath, path, {
    kvPrefixes: options.kvPrefixes,
    signal: options.signal,
    onProgress: options.onProgress,
  })
  return { path, report: { blanked: { ...report.blanked }, records: report.records } }
}
