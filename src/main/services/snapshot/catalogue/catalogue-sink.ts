// Receives the decompressed state.bin in order, from whatever read it (the archive reader's
// StateConsumer slot, or a plain stream in tests), and becomes a SnapshotCatalogue at the end.
// On failure or cancellation the spill file is removed: nothing is left in the temp folder.
import { AppError } from '../../../../shared/app-error'
import type { StateConsumer } from '../archive-reader'
import { CatalogueBuilder, type CatalogueIndex } from './catalogue-builder'
import { SnapshotCatalogue, type CatalogueSource } from './snapshot-catalogue'
import { SpillFile } from './spill-file'

export interface CatalogueSinkOptions {
  /** folder for the spill file (default: the OS temp folder) */
  spillDir?: string
}

export class CatalogueSink implements StateConsumer {
  private readonly spill: SpillFile
  private readonly builder: CatalogueBuilder
  private index: CatalogueIndex | undefined
  private ended = false

  constructor(options: CatalogueSinkOptions = {}) {
    this.spill = new SpillFile(options.spillDir)
    this.builder = new CatalogueBuilder(this.spill)
  }

  /** The next bytes of state.bin. The chunk may be reused by the caller after this returns. */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new AppError('INTERNAL', 'state.bin bytes arrived after its end.')
    this.builder.push(
      Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
    )
  }

  /** state.bin ended; throws SNAPSHOT_STATE_INVALID if it ended inside a record. */
  finish(): void {
    this.ended = true
    this.index = this.builder.finish()
  }

  /** The read succeeded (archive verified): the catalogue is ready. */
  async complete(source?: CatalogueSource): Promise<SnapshotCatalogue> {
    try {
      if (this.index === undefined) this.finish()
      await this.spill.seal()
      return new SnapshotCatalogue(this.index as CatalogueIndex, this.spill, source)
    } catch (error) {
      await this.spill.remove()
      throw error
    }
  }

  /** The read failed or was cancelled: forget everything. */
  async abort(): Promise<void> {
    this.ended = true
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
    sink.finish()
  } catch (error) {
    await sink.abort()
    throw error
  }
  return sink.complete()
}
