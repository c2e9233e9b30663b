/**
 * Snapshot IDs as the Enterprise agent makes them: Unix time in nanoseconds, UTC, so names sort by
 * time and never collide. JavaScript clocks give milliseconds; the sub-millisecond digits come
 * from the monotonic high-resolution clock, and an ID is never smaller than the previous one.
 */
export class SnapshotIdSource {
  private last = 0n

  constructor(
    private readonly clock: () => Date = () => new Date(),
    private readonly hrtime: () => bigint = () => process.hrtime.bigint(),
  ) {}

  /** The newest ID handed out or observed; 0n before the first. */
  get lastId(): bigint {
    return this.last
  }

  /** An ID made elsewhere (the daemon's cycle process): later IDs stay above it. */
  observe(id: bigint): void {
    if (id > this.last) this.last = id
  }

  next(): bigint {
    const ms = BigInt(this.clock().getTime())
    let id = ms * 1_000_000n + (this.hrtime() % 1_000_000n)
    if (id <= this.last) id = this.last + 1n
    this.last = id
    return id
  }
}

export function enterpriseSnapshotName(id: bigint, prefix = 'consul'): string {
  return `${prefix}-${id}.snap`
}
