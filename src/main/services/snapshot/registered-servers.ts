import { readSnapshot, type StateConsumer } from './archive-reader'
import { RecordWindow } from './catalogue/record-window'
import { FIRST_ENTERPRISE_TYPE, MessageType } from './message-types'
import { decodeMsgpackValue, MsgpackBytes, type MsgpackMap, type MsgpackValue } from './msgpack-decode'
import { snapshotErrors } from './snapshot-errors'
import { StateScanner } from './state-scanner'

/**
 * The Consul servers a snapshot describes, read from the snapshot itself. meta.json has no Consul
 * version (docs/snapshot-format.md §6), but the catalog inside has: the leader registers every server with the
 * `consul` service, whose `version` meta is the server's release (Consul 1.14.8 writes it there,
 * as seen in its snapshots), and newer servers also carry `consul-version` in their node
 * metadata. So a file moved without its sidecar, renamed, or uploaded by the browser still says
 * which Consul wrote it.
 *
 * Registrations come right after the virtual IPs at the start of state.bin (docs/snapshot-format.md §11), so the read
 * stops at the end of the Register block instead of decompressing the whole archive; and only the
 * records that name the `consul` service (one per server) are decoded.
 */
export interface RegisteredServer {
  node: string
  datacenter: string
  /** null when the registration carries no version. */
  consulVersion: string | null
}

export async function readRegisteredServers(
  path: string,
  options: { signal?: AbortSignal } = {},
): Promise<RegisteredServer[]> {
  const stop = new AbortController()
  const outer = options.signal
  const forward = () => stop.abort()
  if (outer?.aborted) throw snapshotErrors.cancelled()
  outer?.addEventListener('abort', forward, { once: true })
  const finder = new ServerRegistrations(() => stop.abort())
  try {
    await readSnapshot(path, finder, { signal: stop.signal })
  } catch (error) {
    // Our own stop at the end of the Register block surfaces as a cancelled read.
    if (!finder.done || outer?.aborted) throw error
  } finally {
    outer?.removeEventListener('abort', forward)
  }
  return finder.servers
}

/** Types CE and Enterprise write before the registrations (docs/snapshot-format.md §11); any other ends the search. */
const BEFORE_REGISTRATIONS = new Set<number>([MessageType.ServiceVirtualIP, MessageType.FreeVirtualIP])

// The service name and ID "consul" as msgpack strings (fixstr, or str8 from another writer).
const CONSUL_FIXSTR = Buffer.from([0xa6, ...Buffer.from('consul')])
const CONSUL_STR8 = Buffer.from([0xd9, 0x06, ...Buffer.from('consul')])

class ServerRegistrations implements StateConsumer {
  readonly servers: RegisteredServer[] = []
  done = false
  private seenRegister = false
  // Records are cut by the scanner every reader shares; a registration's bytes come from the
  // window (a registration larger than 1 MiB is no server's and is passed over).
  private readonly window = new RecordWindow(1 << 20)
  private recordsEnd = 0
  private readonly scanner = new StateScanner({
    captureKeys: false,
    onRecord: (type, offset, size) => this.record(type, offset, size),
  })

  constructor(private readonly onDone: () => void) {}

  push(chunk: Uint8Array): void {
    if (this.done) return
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)
    this.window.enter(buffer, this.scanner.bytesScanned)
    this.scanner.push(buffer)
    this.window.leave(this.recordsEnd, this.scanner.currentType === MessageType.Register)
  }

  finish(): void {
    if (!this.done) this.scanner.finish()
    this.done = true
  }

  private record(type: number, offset: number, size: number): void {
    const end = this.recordsEnd + size
    this.recordsEnd = end
    if (this.done) return
    if (type === MessageType.Register) {
      this.seenRegister = true
      const value = this.window.bytes(offset + 1, end)
      if (value !== undefined && (value.includes(CONSUL_FIXSTR) || value.includes(CONSUL_STR8)))
        this.consider(value)
      return
    }
    if (this.seenRegister || (!BEFORE_REGISTRATIONS.has(type) && type < FIRST_ENTERPRISE_TYPE)) {
      this.done = true
      this.onDone()
    }
  }

  private consider(value: Buffer): void {
    const record = decodeMsgpackValue(value).value
    if (!isMap(record)) return
    const service = record['Service']
    // Nodes imported from a peer describe another cluster's servers.
    if (!isMap(service) || text(service['ID']) !== 'consul' || text(record['PeerName'])) return
    const nodeMeta = record['NodeMeta']
    const serviceMeta = service['Meta']
    this.servers.push({
      node: text(record['Node']) ?? '',
      datacenter: text(record['Datacenter']) ?? '',
      consulVersion:
        (isMap(nodeMeta) ? text(nodeMeta['consul-version']) : null) ??
        (isMap(serviceMeta) ? text(serviceMeta['version']) : null),
    })
  }
}

function isMap(value: MsgpackValue | undefined): value is MsgpackMap {
  // The decoder builds string-keyed maps as plain objects; every other value has its own class.
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
}

/** A non-empty string field, else null. */
function text(value: MsgpackValue | undefined): string | null {
  return value instanceof MsgpackBytes && value.bytes.length > 0 ? value.text : null
}
