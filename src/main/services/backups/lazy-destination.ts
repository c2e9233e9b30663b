import type { Readable } from 'node:stream'
import type { Destination, ListPage, PutSource } from './destination'

/**
 * A destination whose implementation (and its cloud SDK) is loaded on first use. The agent's
 * bundle carries every store's SDK, and evaluating them all at start would cost the daemon tens
 * of MiB of resident memory for stores it is not configured for (docs/agent.md, idle cost).
 */
export class LazyDestination implements Destination {
  private loaded: Promise<Destination> | null = null

  constructor(
    readonly description: string,
    private readonly load: () => Promise<Destination>,
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

  private target(): Promise<Destination> {
    // A failed load (a broken install) is tried again on the next call rather than cached.
    this.loaded ??= this.load().catch((error: unknown) => {
      this.loaded = null
      throw error
    })
    return this.loaded
  }
}
