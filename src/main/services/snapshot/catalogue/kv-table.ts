// The KV index of an opened snapshot, kept compact so a million keys cost tens of megabytes, not
// hundreds: every key's UTF-8 bytes live in one Buffer, and the per-key numbers (where the record
// sits in state.bin, how long it is, the value size, the flags) in typed arrays. Keys are held in
// byte order, the order Consul's KV listing and `consul kv export` use. A key that occurs twice
// keeps its last record, as restoring the file would (each record overwrites the key).

const INITIAL_CAPACITY = 1024

function resize<T extends Uint32Array | Float64Array | BigUint64Array>(from: T, to: T): T {
  to.set(from as never)
  return to
}

/** Byte order of a[aStart, aEnd) against b[bStart, bEnd): negative, zero or positive. */
function compareKeys(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  const aLength = aEnd - aStart
  const bLength = bEnd - bStart
  const n = aLength < bLength ? aLength : bLength
  for (let i = 0; i < n; i++) {
    const d = (a[aStart + i] as number) - (b[bStart + i] as number)
    if (d !== 0) return d
  }
  return aLength - bLength
}

export interface KvRow {
  key: string
  /** offset in state.bin of the record's msgpack value (just after the type byte) */
  recordOffset: number
  recordLength: number
  /** offset in state.bin of the value's bytes */
  valueOffset: number
  valueSize: number
  flags: bigint
}

export class KvTableBuilder {
  private keyBytes = Buffer.alloc(64 * 1024)
  private keyBytesUsed = 0
  private keyStart = new Uint32Array(INITIAL_CAPACITY + 1)
  private recordOffset = new Float64Array(INITIAL_CAPACITY)
  private recordLength = new Uint32Array(INITIAL_CAPACITY)
  /** where the value starts, counted from the record's start (a record is < 4 GiB) */
  private valueDelta = new Uint32Array(INITIAL_CAPACITY)
  private valueSize = new Uint32Array(INITIAL_CAPACITY)
  private flags: BigUint64Array | undefined
  private rows = 0
  private sorted = true

  /** Keys added so far (a repeated key counts once when it follows itself). */
  get count(): number {
    return this.rows
  }

  /** Memory the builder holds, slack included. */
  get byteLength(): number {
    return (
      this.keyBytes.byteLength +
      this.keyStart.byteLength +
      this.recordOffset.byteLength +
      this.recordLength.byteLength +
      this.valueDelta.byteLength +
      this.valueSize.byteLength +
      (this.flags?.byteLength ?? 0)
    )
  }

  /** Appends the key held in source[keyStart, keyEnd) (copied) with its record's numbers. */
  add(
    source: Buffer,
    keyStart: number,
    keyEnd: number,
    recordOffset: number,
    recordLength: number,
    valueOffset: number,
    valueSize: number,
    flags: bigint,
  ): void {
    let n = this.rows
    const keyLength = keyEnd - keyStart
    if (this.keyBytesUsed + keyLength > this.keyBytes.length) {
      let size = this.keyBytes.length * 2
      while (size < this.keyBytesUsed + keyLength) size *= 2
      const next = Buffer.allocUnsafe(size)
      this.keyBytes.copy(next, 0, 0, this.keyBytesUsed)
      this.keyBytes = next
    }
    if (n > 0 && this.sorted) {
      const prevStart = this.keyStart[n - 1] as number
      const order = compareKeys(this.keyBytes, prevStart, this.keyBytesUsed, source, keyStart, keyEnd)
      if (order > 0) this.sorted = false
      // The same key again: this record replaces the previous one's numbers.
      else if (order === 0) n--
    }
    if (n === this.rows) {
      // Keys are short: a loop beats a native copy's call overhead (this runs once per key).
      if (keyLength <= 64) {
        const bytes = this.keyBytes
        const at = this.keyBytesUsed - keyStart
        for (let i = keyStart; i < keyEnd; i++) bytes[at + i] = source[i] as number
      } else source.copy(this.keyBytes, this.keyBytesUsed, keyStart, keyEnd)
      if (n + 1 >= this.recordOffset.length) this.growColumns(n + 2)
      this.keyStart[n] = this.keyBytesUsed
      this.keyBytesUsed += keyLength
      this.keyStart[n + 1] = this.keyBytesUsed
    }
    this.recordOffset[n] = recordOffset
    this.recordLength[n] = recordLength
    this.valueDelta[n] = valueSize === 0 ? 0 : valueOffset - recordOffset
    this.valueSize[n] = valueSize
    // Flags are almost always 0: their column exists only once one is not.
    if (flags !== 0n && this.flags === undefined) this.flags = new BigUint64Array(this.recordOffset.length)
    if (this.flags !== undefined) this.flags[n] = flags
    this.rows = n + 1
  }

  private growColumns(needed: number): void {
    let capacity = Math.max(this.recordOffset.length * 2, INITIAL_CAPACITY)
    while (capacity < needed) capacity *= 2
    // keyStart has one more slot than the other columns: the end of the last key.
    this.keyStart = resize(this.keyStart, new Uint32Array(capacity + 1))
    this.recordOffset = resize(this.recordOffset, new Float64Array(capacity))
    this.recordLength = resize(this.recordLength, new Uint32Array(capacity))
    this.valueDelta = resize(this.valueDelta, new Uint32Array(capacity))
    this.valueSize = resize(this.valueSize, new Uint32Array(capacity))
    if (this.flags !== undefined) this.flags = resize(this.flags, new BigUint64Array(capacity))
  }

  finish(): KvTable {
    const n = this.rows
    // Trimmed copies: the builder's doubling slack is not kept for the catalogue's lifetime.
    let keyBytes = Buffer.from(this.keyBytes.subarray(0, this.keyBytesUsed))
    let keyStart = this.keyStart.slice(0, n + 1)
    let recordOffset = this.recordOffset.slice(0, n)
    let recordLength = this.recordLength.slice(0, n)
    let valueDelta = this.valueDelta.slice(0, n)
    let valueSize = this.valueSize.slice(0, n)
    let flags = this.flags?.slice(0, n)
    if (!this.sorted) {
      // Consul writes KV in key order; a file that does not is still browsable, just sorted here.
      // The sort is stable, so of equal keys the one written last comes last and is kept.
      const sameKey = (a: number, b: number): number =>
        keyBytes.compare(
          keyBytes,
          keyStart[b] as number,
          keyStart[b + 1] as number,
          keyStart[a] as number,
          keyStart[a + 1] as number,
        )
      const sortedOrder = Array.from({ length: n }, (_, i) => i).sort(sameKey)
      const order = sortedOrder.filter(
        (row, i) => i + 1 === sortedOrder.length || sameKey(row, sortedOrder[i + 1] as number) !== 0,
      )
      const m = order.length
      const nextBytes = Buffer.allocUnsafe(keyBytes.length)
      const nextStart = new Uint32Array(m + 1)
      const nextOffset = new Float64Array(m)
      const nextLength = new Uint32Array(m)
      const nextValueDelta = new Uint32Array(m)
      const nextSize = new Uint32Array(m)
      const nextFlags = flags === undefined ? undefined : new BigUint64Array(m)
      let used = 0
      order.forEach((from, to) => {
        const s = keyStart[from] as number
        const e = keyStart[from + 1] as number
        keyBytes.copy(nextBytes, used, s, e)
        nextStart[to] = used
        used += e - s
        nextOffset[to] = recordOffset[from] as number
        nextLength[to] = recordLength[from] as number
        nextValueDelta[to] = valueDelta[from] as number
        nextSize[to] = valueSize[from] as number
        if (nextFlags !== undefined && flags !== undefined) nextFlags[to] = flags[from] as bigint
      })
      nextStart[m] = used
      keyBytes = nextBytes.subarray(0, used)
      keyStart = nextStart
      recordOffset = nextOffset
      recordLength = nextLength
      valueDelta = nextValueDelta
      valueSize = nextSize
      flags = nextFlags
    }
    return new KvTable(keyBytes, keyStart, recordOffset, recordLength, valueDelta, valueSize, flags)
  }
}

export class KvTable {
  constructor(
    private readonly keyBytes: Buffer,
    private readonly keyStart: Uint32Array,
    private readonly recordOffsets: Float64Array,
    private readonly recordLengths: Uint32Array,
    private readonly valueDeltas: Uint32Array,
    private readonly valueSizes: Uint32Array,
    private readonly flagValues: BigUint64Array | undefined,
  ) {}

  get size(): number {
    return this.recordOffsets.length
  }

  /** Memory held by the index itself, in bytes. */
  get byteLength(): number {
    return (
      this.keyBytes.byteLength +
      this.keyStart.byteLength +
      this.recordOffsets.byteLength +
      this.recordLengths.byteLength +
      this.valueDeltas.byteLength +
      this.valueSizes.byteLength +
      (this.flagValues?.byteLength ?? 0)
    )
  }

  keyBytesAt(i: number): Buffer {
    return this.keyBytes.subarray(this.keyStart[i], this.keyStart[i + 1])
  }
  keyAt(i: number): string {
    return this.keyBytes.toString('utf8', this.keyStart[i], this.keyStart[i + 1])
  }
  recordOffset(i: number): number {
    return this.recordOffsets[i] as number
  }
  recordLength(i: number): number {
    return this.recordLengths[i] as number
  }
  valueOffset(i: number): number {
    return (this.recordOffsets[i] as number) + (this.valueDeltas[i] as number)
  }
  valueSize(i: number): number {
    return this.valueSizes[i] as number
  }
  flags(i: number): bigint {
    return this.flagValues?.[i] ?? 0n
  }

  row(i: number): KvRow {
    return {
      key: this.keyAt(i),
      recordOffset: this.recordOffset(i),
      recordLength: this.recordLength(i),
      valueOffset: this.valueOffset(i),
      valueSize: this.valueSize(i),
      flags: this.flags(i),
    }
  }

  /** Compares key i's first bytes with `prefix`: 0 when key i starts with it. */
  private comparePrefix(i: number, prefix: Buffer): number {
    const s = this.keyStart[i] as number
    const e = this.keyStart[i + 1] as number
    const len = Math.min(e - s, prefix.length)
    const c = this.keyBytes.compare(prefix, 0, len, s, s + len)
    if (c !== 0) return c
    return e - s < prefix.length ? -1 : 0
  }

  /** Index of the exact key, or -1. */
  indexOf(key: Buffer): number {
    let lo = 0
    let hi = this.size
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const c = this.keyBytes.compare(key, 0, key.length, this.keyStart[mid], this.keyStart[mid + 1])
      if (c === 0) return mid
      if (c < 0) lo = mid + 1
      else hi = mid
    }
    return -1
  }

  /** [start, end) of the keys that begin with `prefix` (from index `from` on). */
  prefixRange(prefix: Buffer, from = 0): [number, number] {
    let lo = from
    let hi = this.size
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.comparePrefix(mid, prefix) < 0) lo = mid + 1
      else hi = mid
    }
    const start = lo
    hi = this.size
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.comparePrefix(mid, prefix) <= 0) lo = mid + 1
      else hi = mid
    }
    return [start, lo]
  }

  /** Sum of value sizes over [start, end). */
  totalValueSize(start: number, end: number): number {
    let total = 0
    for (let i = start; i < end; i++) total += this.valueSizes[i] as number
    return total
  }

  /**
   * Where in key i, at or after byte `from` (relative to the key), the delimiter starts; -1 if not.
   */
  delimiterAt(i: number, from: number, delimiter: Buffer): number {
    const s = this.keyStart[i] as number
    const e = this.keyStart[i + 1] as number
    if (delimiter.length === 1) {
      const d = delimiter[0] as number
      for (let p = s + from; p < e; p++) if (this.keyBytes[p] === d) return p - s
      return -1
    }
    const at = this.keyBytes.subarray(s + from, e).indexOf(delimiter)
    return at < 0 ? -1 : at + from
  }

  /**
   * Indexes of keys containing `needle`, ignoring ASCII case, in key order; stops after `limit`.
   * One pass over the key bytes, no per-key strings.
   */
  searchKeys(needle: Buffer, limit: number): { indexes: number[]; truncated: boolean } {
    const indexes: number[] = []
    const n = this.size
    if (needle.length === 0) return { indexes, truncated: false }
    const fold = (b: number): number => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b)
    const q = Buffer.from(needle.map(fold))
    const first = q[0] as number
    const bytes = this.keyBytes
    let key = 0
    for (key = 0; key < n; key++) {
      const s = this.keyStart[key] as number
      const last = (this.keyStart[key + 1] as number) - q.length
      for (let p = s; p <= last; p++) {
        if (fold(bytes[p] as number) !== first) continue
        let j = 1
        while (j < q.length && fold(bytes[p + j] as number) === q[j]) j++
        if (j === q.length) {
          if (indexes.length === limit) return { indexes, truncated: true }
          indexes.push(key)
          break
        }
      }
    }
    return { indexes, truncated: false }
  }
}
