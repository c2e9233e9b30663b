/**
 * Snapshot files handed to the app at launch or later ("open with", a second launch, macOS
 * open-file). They wait here until the window asks for them, then arrive as events.
 */
import { isAbsolute, resolve } from 'node:path'

/** Arguments that name snapshot files; flags and Electron's own arguments are skipped. */
export function snapshotPathsFromArgv(argv: readonly string[], cwd: string): string[] {
  return argv
    .slice(1)
    .filter((argument) => !argument.startsWith('-') && /\.(snap|tgz)$/i.test(argument))
    .map((argument) => (isAbsolute(argument) ? argument : resolve(cwd, argument)))
}

export class LaunchFiles {
  private pending: string[] = []
  private deliver: ((path: string) => void) | null = null

  /** Queues a file, or delivers it at once when the window is listening. */
  add(path: string): void {
    if (this.deliver !== null) this.deliver(path)
    else if (!this.pending.includes(path)) this.pending.push(path)
  }

  /** The files queued so far, once; from now on new files go straight to `deliver`. */
  take(deliver?: (path: string) => void): string[] {
    if (deliver !== undefined) this.deliver = deliver
    const taken = this.pending
    this.pending = []
    return taken
  }
}
