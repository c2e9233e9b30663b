/**
 * One thing at a time: the leader's snapshot cycles and its scheduled checks share the
 * destinations, so a check never reads a backup that retention of a concurrent cycle is deleting,
 * and two large streams never run side by side.
 */
export class SerialLane {
  private tail: Promise<unknown> = Promise.resolve()

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work)
    this.tail = result.catch(() => undefined)
    return result
  }
}
