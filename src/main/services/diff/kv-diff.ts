// The KV part of a comparison: one merge walk over the two catalogues' KV indexes, which are
// already in key byte order, reading records from the two working copies as the walk reaches
// them (both are laid out in key order, so the reads are sequential). Nothing but the compact
// result is kept: for each difference the row of the key on each side and what differs, so a
// million changed keys cost a few megabytes, and the details of a change are read back on demand.
import { AppError } from '../../../shared/app-error'
import type { ChangeOp, KvChangedField, KvChangeWire, KvSideWire } from '../../../shared/diff-wire-types'
import {
  decodeKv,
  SpillBlockReader,
  type KvRecord,
  type KvTable,
  type SnapshotCatalogue,
} from '../snapshot/catalogue'

const VALUE = 1
const FLAGS = 2
const SESSION = 4
const INDEXES = 8
/** Records up to this size are compared whole (and decoded when they differ); larger ones by parts. */
const WHOLE_RECORD_BYTES = 4 * 1024 * 1024
/** Values of larger records are compared in slices of this size. */
const SLICE_BYTES = 1024 * 1024
/** Progress and cancellation are looked at once per this many keys. */
const STEP = 4096

export interface KvDiffOptions {
  /** only keys that start with this (a plain string prefix, as `consul kv export` takes it) */
  prefix?: string
  signal?: AbortSignal
  /** report changed raft indexes (CreateIndex, ModifyIndex, LockIndex) too; they are churn otherwise */
  includeIndexes?: boolean
  /** keys walked so far, of all the keys under the prefix on both sides */
  onProgress?: (done: number, total: number) => void
}

/** Growable column of 32-bit integers. */
class IntColumn {
  private data = new Int32Array(1024)
  length = 0
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    this.data[this.length++] = value
  }
  at(i: number): number {
    return this.data[i] as number
  }
}

function fieldsOf(bits: number): KvChangedField[] {
  const fields: KvChangedField[] = []
  if (bits & VALUE) fields.push('value')
  if (bits & FLAGS) fields.push('flags')
  if (bits & SESSION) fields.push('session')
  if (bits & INDEXES) fields.push('indexes')
  return fields
}

function tryDecode(record: Buffer, at: number): KvRecord | undefined {
  try {
    return decodeKv(record, at)
  } catch {
    return undefined // the scanner accepted it, as inspect does; it is compared by its bytes
  }
}

/**
 * The differences between two catalogues' KV data: for change k, the row of its key in the left
 * table (-1 when added), in the right one (-1 when removed) and what differs.
 */
export class KvDiff {
  constructor(
    private readonly left: SnapshotCatalogue,
    private readonly right: SnapshotCatalogue,
    private readonly leftRows: IntColumn,
    private readonly rightRows: IntColumn,
    private readonly bits: Uint8Array,
    readonly counts: { added: number; removed: number; changed: number },
  ) {}

  get size(): number {
    return this.leftRows.length
  }

  /** The key of change k. */
  keyAt(k: number): string {
    const l = this.leftRows.at(k)
    return l >= 0 ? this.left.kvTable.keyAt(l) : this.right.kvTable.keyAt(this.rightRows.at(k))
  }

  opAt(k: number): ChangeOp {
    if (this.leftRows.at(k) < 0) return 'added'
    if (this.rightRows.at(k) < 0) return 'removed'
    return 'changed'
  }

  /** Change k in full: its key, what differs, and each side's size, flags and session. */
  async change(k: number): Promise<KvChangeWire> {
    if (!Number.isInteger(k) || k < 0 || k >= this.size)
      throw new AppError('INVALID_ARGUMENT', `There is no KV change number ${k}.`)
    const l = this.leftRows.at(k)
    const r = this.rightRows.at(k)
    return {
      kind: 'kv',
      op: this.opAt(k),
      key: this.keyAt(k),
      fields: fieldsOf(this.bits[k] as number),
      before: l < 0 ? null : await side(this.left, l),
      after: r < 0 ? null : await side(this.right, r),
    }
  }
}

async function side(catalogue: SnapshotCatalogue, row: number): Promise<KvSideWire> {
  const table = catalogue.kvTable
  const fields = await catalogue.kvFields(row)
  return { size: table.valueSize(row), flags: table.flags(row).toString(), session: fields?.session ?? '' }
}

/** Walks both KV indexes once; see KvDiff for what it keeps. */
export async function diffKv(
  left: SnapshotCatalogue,
  right: SnapshotCatalogue,
  options: KvDiffOptions = {},
): Promise<KvDiff> {
  const a = left.kvTable
  const b = right.kvTable
  const prefix = Buffer.from(options.prefix ?? '', 'utf8')
  const [aStart, aEnd] = a.prefixRange(prefix)
  const [bStart, bEnd] = b.prefixRange(prefix)
  const total = aEnd - aStart + (bEnd - bStart)
  const compare = new EntryComparer(left, right, options.includeIndexes ?? false)
  const leftRows = new IntColumn()
  const rightRows = new IntColumn()
  let bits = new Uint8Array(1024)
  const counts = { added: 0, removed: 0, changed: 0 }
  const record = (l: number, r: number, what: number): void => {
    if (leftRows.length === bits.length) {
      const next = new Uint8Array(bits.length * 2)
      next.set(bits)
      bits = next
    }
    bits[leftRows.length] = what
    leftRows.push(l)
    rightRows.push(r)
  }

  let i = aStart
  let j = bStart
  let sinceStep = 0
  while (i < aEnd || j < bEnd) {
    if (++sinceStep === STEP) {
      sinceStep = 0
      if (options.signal?.aborted) throw new AppError('CANCELLED', 'The comparison was cancelled.')
      options.onProgress?.(i - aStart + (j - bStart), total)
    }
    const order = i >= aEnd ? 1 : j >= bEnd ? -1 : Buffer.compare(a.keyBytesAt(i), b.keyBytesAt(j))
    if (order < 0) {
      record(i++, -1, 0)
      counts.removed++
    } else if (order > 0) {
      record(-1, j++, 0)
      counts.added++
    } else {
      const what = await compare.entries(i, j)
      if (what !== 0) {
        record(i, j, what)
        counts.changed++
      }
      i++
      j++
    }
  }
  options.onProgress?.(total, total)
  return new KvDiff(left, right, leftRows, rightRows, bits, counts)
}

/** Compares one key's entry on both sides: value, flags and session; indexes are churn. */
class EntryComparer {
  private readonly a: KvTable
  private readonly b: KvTable
  private readonly readA: SpillBlockReader
  private readonly readB: SpillBlockReader

  constructor(
    private readonly left: SnapshotCatalogue,
    private readonly right: SnapshotCatalogue,
    private readonly includeIndexes: boolean,
  ) {
    this.a = left.kvTable
    this.b = right.kvTable
    this.readA = new SpillBlockReader(left.workingCopy)
    this.readB = new SpillBlockReader(right.workingCopy)
  }

  /** Bits of what differs between left row i and right row j (0: the same). */
  async entries(i: number, j: number): Promise<number> {
    const { a, b } = this
    let what = a.flags(i) === b.flags(j) ? 0 : FLAGS
    const lengthA = a.recordLength(i)
    const lengthB = b.recordLength(j)
    if (lengthA <= WHOLE_RECORD_BYTES && lengthB <= WHOLE_RECORD_BYTES) {
      const x = await this.readA.read(a.recordOffset(i), lengthA)
      const y = await this.readB.read(b.recordOffset(j), lengthB)
      // Most entries of two snapshots of one cluster are the very same bytes, indexes included.
      if (x.equals(y)) return 0
      const kx = tryDecode(x, a.recordOffset(i))
      const ky = tryDecode(y, b.recordOffset(j))
      if (kx === undefined || ky === undefined) return what | VALUE
      if (!kx.value.equals(ky.value)) what |= VALUE
      if (kx.session !== ky.session) what |= SESSION
      if (
        this.includeIndexes &&
        (kx.createIndex !== ky.createIndex ||
          kx.modifyIndex !== ky.modifyIndex ||
          kx.lockIndex !== ky.lockIndex)
      )
        what |= INDEXES
      return what
    }
    if (!(await this.sameValue(i, j))) what |= VALUE
    const [fx, fy] = [await this.left.kvFields(i), await this.right.kvFields(j)]
    if ((fx?.session ?? '') !== (fy?.session ?? '')) what |= SESSION
    if (
      this.includeIndexes &&
      (fx?.createIndex !== fy?.createIndex ||
        fx?.modifyIndex !== fy?.modifyIndex ||
        fx?.lockIndex !== fy?.lockIndex)
    )
      what |= INDEXES
    return what
  }

  private async sameValue(i: number, j: number): Promise<boolean> {
    const { a, b } = this
    const size = a.valueSize(i)
    if (size !== b.valueSize(j)) return false
    const spillA = this.left.workingCopy
    const spillB = this.right.workingCopy
    for (let done = 0; done < size; done += SLICE_BYTES) {
      const n = Math.min(SLICE_BYTES, size - done)
      const x = await spillA.read(a.valueOffset(i) + done, n)
      const y = await spillB.read(b.valueOffset(j) + done, n)
      if (!x.equals(y)) return false
    }
    return true
  }
}
