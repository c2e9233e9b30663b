// The one streaming pass behind an opened snapshot: every state.bin chunk goes to the spill file
// and through the record splitter; KVS records land in the compact KV table, tombstones are only
// counted, every other record leaves a small item (offset, length, names).
import { decodeWhole, field } from './msgpack-walk'
import { KvTableBuilder, type KvTable } from './kv-table'
import { summarizeKv } from './kv-record'
import { itemsOfRecord, type RecordItem } from './record-items'
import { StateRecordSplitter, type SplitRecord } from './state-record-splitter'
import type { SpillFile } from './spill-file'

const KVS = 2
const TOMBSTONE = 5

export interface CatalogueIndex {
  lastIndex: bigint
  kv: KvTable
  items: RecordItem[]
  tombstones: number
  /** records per state.bin message type */
  recordCounts: Map<number, number>
  stateBytes: number
}

export class CatalogueBuilder {
  private readonly splitter = new StateRecordSplitter((record) => this.onRecord(record))
  private readonly kv = new KvTableBuilder()
  private readonly items: RecordItem[] = []
  private readonly recordCounts = new Map<number, number>()
  private tombstones = 0

  constructor(private readonly spill: SpillFile) {}

  push(chunk: Buffer): void {
    this.spill.append(chunk)
    this.splitter.push(chunk)
  }

  private onRecord({ type, valueOffset, value }: SplitRecord): void {
    this.recordCounts.set(type, (this.recordCounts.get(type) ?? 0) + 1)
    if (type === KVS) {
      const kv = summarizeKv(value, valueOffset)
      this.kv.add(
        value,
        kv.keyStart,
        kv.keyStart + kv.keyLength,
        valueOffset,
        value.length,
        kv.valueSize,
        kv.flags,
      )
    } else if (type === TOMBSTONE) {
      this.tombstones++
    } else {
      for (const item of itemsOfRecord(type, valueOffset, value.length, value)) this.items.push(item)
    }
  }

  finish(): CatalogueIndex {
    this.splitter.finish()
    const header = this.splitter.headerBytes
    const last = header === undefined ? undefined : field(decodeWhole(header), 'LastIndex')
    return {
      lastIndex: typeof last === 'number' || typeof last === 'bigint' ? BigInt(last) : 0n,
      kv: this.kv.finish(),
      items: this.items,
      tombstones: this.tombstones,
      recordCounts: this.recordCounts,
      stateBytes: this.spill.size,
    }
  }
}
