// Receives the decompressed state.bin in order, from whatever read it (the archive reader's
// state-chunk hook, or a plain stream in tests), and becomes a SnapshotCatalogue at the end.
// On failure or cancellation the spill file is removed: nothing is left in the temp folder.
import { AppError } from '../../../../shared/app-error'
import { CatalogueBuilder } from './catalogue-builder'
import { SnapshotCatalogue } from './snapshot-catalogue'
import { SpillFile } from './spill-file'

export interface CatalogueSinkOptions {
  /** folder for the spill file (default: the OS temp folder) */
  spillDir?: string
}

export class CatalogueSink {
  private readonly spill: SpillFile
  private readonly builder: CatalogueBuilder
  private done = false

  constructor(options: CatalogueSinkOptions = {}) {
    this.spill = new SpillFile(options.spillDir)
    this.builder = new CatalogueBuilder(this.spill)
  }

  /** The next bytes of state.bin. The chunk may be reused by the caller after this returns. */
  push(chunk: Uint8Array): void {
    if (this.done) throw new AppError('INTERNAL', 'state.bin bytes arrived after the catalogue was finished.')
    this.builder.push(
      Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
    )
  }

  /** state.bin ended (and the archive verified): the catalogue is ready. */
  async complete(): Promise<SnapshotCatalogue> {
    this.done = true
    try {
      const index = this.builder.finish()
      await this.spill.seal()
      return new SnapshotCatalogue(index, this.spill)
    } catch (error) {
      await this.spill.remove()
      throw error
    }
  }

  /** The read failed or was cancelled: forget everything. */
  async abort(): Promise<void> {
    this.done = true
    await this.spill.remove()
  }
}

/** Builds a catalogue from a stream of state.bin bytes (already decompressed and unpacked). */
export async function catalogueFromStateStream(
  source: AsyncIterable<Uint8Array>,
  options: CatalogueSinkOptions & { signal?: AbortSignal } = {},
): Promise<SnapshotCatalogue> {
  const sink = new CatalogueSink(options)
  try {
    for await (const chunk of source) {
      if (options.signal?.aborted) throw new AppError('CANCELLED', 'Opening the snapshot was cancelled.')
      sink.push(chunk)
    }
  } catch (error) {
    await sink.abort()
    throw error
  }
  return sink.complete()
}
