// A clock and timers that move only when a spec says so, for schedules measured in hours.
import type { PlanTimers } from '../../src/main/services/plans/plan-runner'

export class ManualTime {
  private at: number
  private nextId = 1
  private readonly pending = new Map<number, { due: number; callback: () => void }>()

  constructor(start: Date) {
    this.at = start.getTime()
  }

  readonly clock = (): Date => new Date(this.at)

  readonly timers: PlanTimers = {
    set: (callback, ms) => {
      const id = this.nextId++
      this.pending.set(id, { due: this.at + ms, callback })
      return id
    },
    clear: (handle) => {
      this.pending.delete(handle as number)
    },
  }

  /** Moves the clock to `to`, firing every timer due on the way, in order. */
  advanceTo(to: Date): void {
    for (;;) {
      const due = [...this.pending.entries()]
        .filter(([, t]) => t.due <= to.getTime())
        .sort((a, b) => a[1].due - b[1].due)[0]
      if (!due) break
      this.pending.delete(due[0])
      this.at = Math.max(this.at, due[1].due)
      due[1].callback()
    }
    this.at = to.getTime()
  }

  /** How many timers are armed. */
  get armed(): number {
    return this.pending.size
  }
}
