// The one streaming pass behind an opened snapshot: every state.bin chunk goes to the spill file
// and through the same StateScanner that `inspect` uses, so the catalogue accepts and refuses
// exactly the files inspect does. KVS records land in the compact KV table from the fields the
// scanner picks out (no record is held, whatever its size); tombstones are only counted; the
// records the browser lists leave a small item (offset, length, names) decoded from their bytes,
// which are kept only up to a limit.
import { AppError } from '../../../../shared/app-error'
import { StateScanner } from '../state-scanner'
import { KvTableBuilder, type KvTable } from './kv-table'
import { isListedByName, itemsOfRecord, otherItem, type RecordItem } from './record-items'
import { RecordWindow } from './record-window'
import type { SpillFile } from './spill-file'

const KVS = 2
const TOMBSTONE = 5
/** Records larger than this are listed by type and position only (their names are not read). */
export const MAX_LISTED_RECORD_BYTES = 4 << 20
/** What the in-memory indexes may take before the file is refused for browsing. */
export const INDEX_BUDGET_BYTES = 128 << 20

export interface CatalogueIndex {
  lastIndex: bigint
  kv: KvTable
  items: RecordItem[]
  tombstones: number
  /** records per state.bin message type */
  recordCounts: Map<number, number>
  stateBytes: number
}

/** A rough size of one item in memory: the object and its strings. */
export const itemBytes = (item: RecordItem): number =>
  96 + 2 * (item.id.length + item.title.length + item.subtitle.length + (item.node?.length ?? 0))

export class CatalogueBuilder {
  private readonly scanner: StateScanner
  private readonly window = new RecordWindow(MAX_LISTED_RECORD_BYTES)
  private readonly kv = new KvTableBuilder()
  private readonly items: RecordItem[] = []
  private readonly counts = new Float64Array(256)
  private tombstones = 0
  private itemsSize = 0
  /** state.bin offset where the last complete record ended */
  private recordsEnd = 0

  constructor(
    private readonly spill: SpillFile,
    private readonly budget = INDEX_BUDGET_BYTES,
  ) {
    this.scanner = new StateScanner({
      captureKeys: true,
      captureKvFields: true,
      onRecord: (type, offset, size, key, keyStart, keyEnd) =>
        this.onRecord(type, offset, size, key, keyStart, keyEnd),
    })
  }

  push(chunk: Buffer): void {
    this.spill.append(chunk)
    this.window.enter(chunk, this.scanner.bytesScanned)
    this.scanner.push(chunk)
    const type = this.scanner.currentType
    this.window.leave(this.recordsEnd, isListedByName(type))
  }

  private onRecord(
    type: number,
    offset: number,
    size: number,
    key: Buffer | null,
    keyStart: number,
    keyEnd: number,
  ): void {
    const end = this.recordsEnd + size
    this.recordsEnd = end
    this.counts[type] = (this.counts[type] as number) + 1
    const valueOffset = offset + 1
    if (type === KVS) {
      // A record without a string Key is no DirEntry: inspect does not count it as a key either.
      if (key === null) return
      const s = this.scanner
      this.kv.add(
        key,
        keyStart,
        keyEnd,
        valueOffset,
        end - valueOffset,
        s.kvValueOffset,
        s.kvValueLength,
        s.kvFlags,
      )
      this.checkBudget()
      return
    }
    if (type === TOMBSTONE) {
      this.tombstones++
      return
    }
    const length = end - valueOffset
    const listed = isListedByName(type)
    const bytes =
      listed && length <= MAX_LISTED_RECORD_BYTES ? this.window.bytes(valueOffset, end) : undefined
    const items = listed
      ? this.itemsOf(type, valueOffset, length, bytes)
      : [otherItem(type, valueOffset, length)]
    for (const item of items) {
      this.items.push(item)
      this.itemsSize += itemBytes(item)
    }
    this.checkBudget()
  }

  private itemsOf(type: number, offset: number, length: number, bytes: Buffer | undefined): RecordItem[] {
    if (bytes !== undefined) {
      try {
        return itemsOfRecord(type, offset, length, bytes)
      } catch {
        // The scanner accepted it (as inspect does); only its names cannot be read for the list.
      }
    }
    const why = bytes === undefined ? `${length} bytes, too large to list by name` : 'unreadable'
    return [otherItem(type, offset, length, why)]
  }

  private checkBudget(): void {
    const used = this.kv.byteLength + this.itemsSize
    if (used <= this.budget) return
    throw new AppError(
      'UNSUPPORTED',
      `This snapshot holds too many records to browse here (its index passed ${this.budget >> 20} MiB at ${this.kv.count} keys and ${this.items.length} other records).`,
      {
        hint: 'Use `snapshot-studio inspect` for its statistics and `snapshot-studio kv-export` for its KV data; both read files of any size.',
      },
    )
  }

  /** state.bin ended; throws SNAPSHOT_STATE_INVALID if it ended inside the header or a record. */
  finish(): CatalogueIndex {
    this.scanner.finish()
    const recordCounts = new Map<number, number>()
    this.counts.forEach((n, type) => {
      if (n > 0) recordCounts.set(type, n)
    })
    return {
      lastIndex: this.scanner.lastIndex,
      kv: this.kv.finish(),
      items: this.items,
      tombstones: this.tombstones,
      recordCounts,
      stateBytes: this.spill.size,
    }
  }
}
