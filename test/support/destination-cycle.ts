// What the storage integration specs share: one agent cycle (real Consul, the app's save service
// with full verification) into a given destination, and an upload cut off mid-way: its source is a
// file the test feeds by hand, so that it knows the upload is under way when it stops the server.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream, type WriteStream } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { silentLogger } from '../../src/main/services/backups/agent-logger'
import type { Destination } from '../../src/main/services/backups/destination'
import type { RetentionPolicy } from '../../src/main/services/backups/retention'
import { runSnapshotCycle, type CycleReport } from '../../src/main/services/backups/snapshot-cycle'
import { saveSnapshot, verifyWithEngine, verifyWrittenFileWithEngine } from '../../src/main/services/consul'
import type { ConsulAgent } from './consul-agent'

export function keepNewest(retain: number): RetentionPolicy {
  return { retain, maxAgeMs: null, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0, timeZone: 'UTC' }
}

export function runCycleTo(
  destination: Destination,
  consul: ConsulAgent,
  options: { scratchPath: string; retention?: RetentionPolicy },
): Promise<CycleReport> {
  return runSnapshotCycle(
    {
      connection: {
        name: 'consul',
        settings: { address: consul.httpAddr, useTls: false, tls: { insecureSkipVerify: false } },
        token: consul.token,
      },
      datacenter: null,
      stale: false,
      scratchPath: options.scratchPath,
      nameTemplate: null,
      retention: options.retention ?? keepNewest(0),
    },
    {
      save: (o) =>
        saveSnapshot(o, { verify: verifyWithEngine, verifyWrittenFile: verifyWrittenFileWithEngine }),
      destinations: [destination],
      clock: () => new Date(),
      now: () => performance.now(),
      logger: silentLogger,
    },
  )
}

/**
 * A named pipe as an upload's source. `feed` resolves once the reader has taken the bytes (the
 * pipe holds at most 64 KiB), so after it the upload is certainly in flight; `close` ends the file.
 */
class HandFedFile {
  private writer: WriteStream | null = null

  constructor(readonly path: string) {
    execFileSync('mkfifo', [path])
  }

  async feed(bytes: Buffer): Promise<void> {
    // Opening a pipe for writing waits for its reader, so this also waits for the upload to start.
    const writer = (this.writer ??= createWriteStream(this.path))
    await new Promise<void>((resolve, reject) =>
      writer.write(bytes, (error) => (error ? reject(error) : resolve())),
    )
  }

  close(): void {
    this.writer?.destroy()
  }
}

/**
 * Stores consul-1.snap whole, then starts consul-2.snap (8 MiB announced) from a hand-fed file,
 * and once 2 MiB of it have been taken, stops the server with `stop`. Returns what the cut-off
 * upload failed with (null if it did not fail); the caller restarts the server and checks that
 * only consul-1.snap is there.
 */
export async function uploadCutOffBy(
  stop: () => Promise<void>,
  target: Destination,
  work: string,
): Promise<unknown> {
  const earlier = join(work, 'earlier.snap')
  await writeFile(earlier, randomBytes(1000))
  await target.put('consul-1.snap', { path: earlier, size: 1000 })
  const source = new HandFedFile(join(work, 'hand-fed.snap'))

  const failure = target.put('consul-2.snap', { path: source.path, size: 8 * 1024 * 1024 }).then(
    () => null,
    (error: unknown) => error,
  )
  await source.feed(randomBytes(2 * 1024 * 1024))
  await stop()
  source.close()
  return failure
}
