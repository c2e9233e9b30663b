import type { Readable } from 'node:stream'
import { AppError } from '../../../shared/app-error'
import type { Destination, ListPage, PutSource, StreamedPutSource } from './destination'

/**
 * A destination whose implementation (and its cloud SDK) is loaded on first use. The agent's
 * bundle carries every store's SDK, and evaluating them all at start would cost the daemon tens
 * of MiB of resident memory for stores it is not configured for (docs/agent.md, idle cost).
 */
export class LazyDestination<T extends Destination = Destination> implements Destination {
  private loaded: Promise<T> | null = null
  private closed = false

  constructor(
    readonly description: string,
    private readonly load: () => Promise<T>,
  ) {}

  async put(name: string, source: PutSource, signal?: AbortSignal): Promise<{ location: string }> {
    return (await this.target()).put(name, source, signal)
  }

  async list(options?: { cursor?: string | null; limit?: number }): Promise<ListPage> {
    return (await this.target()).list(options)
  }

  async delete(name: string): Promise<void> {
    return (await this.target()).delete(name)
  }

  async openRead(name: string): Promise<Readable> {
    return (await this.target()).openRead(name)
  }

  /** Closes the loaded store (nothing was connected when it never loaded); later calls are refused. */
  async close(): Promise<void> {
    const loaded = this.loaded
    this.closed = true
    this.loaded = null
    if (loaded === null) return
    let destination: Destination
    try {
      destination = await loaded
    } catch {
      return
    }
    await destination.close()
  }

  protected target(): Promise<T> {
    if (this.closed)
      return Promise.reject(
        new AppError('CANCELLED', `The destination ${this.description} was closed.`, {
          hint: 'Its host is stopping; try again once it is running.',
        }),
      )
    // A failed load (a broken install) is tried again on the next call rather than cached.
    this.loaded ??= this.load().catch((error: unknown) => {
      this.loaded = null
      throw error
    })
    return this.loaded
  }
}

/** A lazily loaded destination that takes bytes made on the way (S3: see Destination.putStream). */
export class LazyStreamingDestination extends LazyDestination<
  Destination & Required<Pick<Destination, 'putStream'>>
> {
  async putStream(
    name: string,
    source: StreamedPutSource,
    signal?: AbortSignal,
  ): Promise<{ location: string }> {
    return (await this.target()).putStream(name, source, signal)
  }
}
