import { snapshotErrors } from './snapshot-errors'

/**
 * A streaming tar reader with the behaviour of Go's `archive/tar` where Consul depends on it:
 * USTAR/V7/GNU headers with checksum validation, the USTAR name prefix, PAX `path`/`size` records
 * and GNU long names consumed transparently, entry data padded to 512 bytes, and the end of the
 * archive at two zero blocks (or a clean end of input at a header boundary, which Go also treats
 * as the end). Unlike tar-stream it reports every byte that follows the end-of-archive marker:
 * Consul refuses such archives ("N unread uncompressed bytes remain"), so must we.
 *
 * Bytes are pushed synchronously; entry data is handed on as views of the pushed chunks, never
 * copied, so a gigabyte state.bin flows through without being buffered.
 */

export interface TarEntrySink {
  data(chunk: Uint8Array): void
  end(): void
}

export interface TarEntryHeader {
  name: string
  size: number
  typeflag: string
}

const BLOCK = 512
// Hard link, symlink, character device, block device, directory, FIFO.
const HEADER_ONLY_TYPES = '123456'
// Metadata entries (PAX records, GNU long names) are buffered; anything larger is hostile.
const MAX_METADATA_ENTRY = 1 << 20

const READ_HEADER = 0
const READ_DATA = 1
const READ_PADDING = 2
const AFTER_END = 3

export class TarReader {
  /** Decompressed bytes seen after the end-of-archive marker. */
  trailingBytes = 0
  /** True once two zero blocks ended the archive. */
  ended = false

  private state = READ_HEADER
  private readonly header = Buffer.alloc(BLOCK)
  private headerFill = 0
  private remaining = 0
  private padding = 0
  private sink: TarEntrySink | null = null
  private metadata: { chunks: Buffer[]; length: number } | null = null
  private zeroBlocks = 0
  private headersRead = 0
  private offset = 0

  private paxPath: string | null = null
  private paxSize: number | null = null
  private longName: string | null = null

  constructor(private readonly onEntry: (header: TarEntryHeader) => TarEntrySink) {}

  push(chunk: Uint8Array): void {
    const end = chunk.length
    let p = 0
    while (p < end) {
      switch (this.state) {
        case AFTER_END:
          this.trailingBytes += end - p
          this.offset += end - p
          return
        case READ_HEADER: {
          const take = Math.min(BLOCK - this.headerFill, end - p)
          this.header.set(chunk.subarray(p, p + take), this.headerFill)
          this.headerFill += take
          p += take
          this.offset += take
          if (this.headerFill === BLOCK) {
            this.headerFill = 0
            this.onHeaderBlock()
          }
          break
        }
        case READ_DATA: {
          const take = Math.min(this.remaining, end - p)
          const piece = chunk.subarray(p, p + take)
          p += take
          this.offset += take
          this.remaining -= take
          if (this.metadata) {
            this.metadata.chunks.push(Buffer.from(piece))
            this.metadata.length += take
          } else {
            this.sink?.data(piece)
          }
          if (this.remaining === 0) this.finishEntry()
          break
        }
        case READ_PADDING: {
          const take = Math.min(this.padding, end - p)
          p += take
          this.offset += take
          this.padding -= take
          if (this.padding === 0) this.state = READ_HEADER
          break
        }
      }
    }
  }

  /** The input ended. Throws if it ended inside a header or an entry. */
  finish(): void {
    if (this.state === AFTER_END) return
    if (this.state === READ_HEADER && this.headerFill === 0) {
      if (this.headersRead === 0 && this.offset === 0) return // empty input: no entries at all
      this.ended = true
      return
    }
    if (this.headersRead === 0 && this.zeroBlocks === 0)
      throw snapshotErrors.notTar(`it is too short to be a tar archive (${this.offset} bytes)`)
    const where =
      this.state === READ_HEADER
        ? 'inside a tar header'
        : `inside the tar entry for ${this.currentName ?? 'a file'}`
    throw snapshotErrors.truncated(`the archive ends ${where}`)
  }

  private currentName: string | null = null

  private onHeaderBlock(): void {
    const h = this.header
    if (isZeroBlock(h)) {
      this.zeroBlocks++
      if (this.zeroBlocks === 2) {
        this.state = AFTER_END
        this.ended = true
      }
      return
    }
    if (this.zeroBlocks === 1)
      throw snapshotErrors.notTar(`a damaged tar header follows a zero block at byte ${this.offset - BLOCK}`)
    if (!checksumValid(h)) {
      if (this.headersRead === 0) {
        if (h[0] === 0x1f && h[1] === 0x8b) throw snapshotErrors.doubleGzip()
        throw snapshotErrors.notTar('the decompressed data has no valid tar header')
      }
      throw snapshotErrors.notTar(`the tar header at byte ${this.offset - BLOCK} is damaged (bad checksum)`)
    }
    this.headersRead++
    const typeflag = String.fromCharCode(h[156] as number)
    let size = parseNumeric(h.subarray(124, 136))
    if (size === null || size < 0)
      throw snapshotErrors.notTar(`the tar header at byte ${this.offset - BLOCK} has an invalid size`)

    if (typeflag === 'x' || typeflag === 'L' || typeflag === 'K') {
      if (size > MAX_METADATA_ENTRY)
        throw snapshotErrors.notTar(`a tar extended header is implausibly large (${size} bytes)`)
      this.metadata = { chunks: [], length: 0 }
      this.beginData(size, typeflag)
      return
    }

    let name = this.longName ?? parseString(h.subarray(0, 100))
    const magic = h.subarray(257, 265).toString('latin1')
    if (this.longName === null && magic === 'ustar\u000000') {
      const prefix = parseString(h.subarray(345, 500))
      if (prefix.length > 0) name = `${prefix}/${name}`
    }
    if (this.paxPath !== null) name = this.paxPath
    if (this.paxSize !== null) size = this.paxSize
    this.paxPath = null
    this.paxSize = null
    this.longName = null

    // Go's reader gives links, devices, directories and FIFOs no data whatever their size field
    // says: the bytes after such a header are the next header, for Consul and so for us.
    if (HEADER_ONLY_TYPES.includes(typeflag)) size = 0
    this.currentName = name
    this.sink = this.onEntry({ name, size, typeflag })
    this.beginData(size, typeflag)
  }

  private metadataFlag = ''

  private beginData(size: number, flag: string): void {
    this.metadataFlag = flag
    this.remaining = size
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK
    if (size === 0) this.finishEntry()
    else this.state = READ_DATA
  }

  private finishEntry(): void {
    if (this.metadata) {
      const body = Buffer.concat(this.metadata.chunks, this.metadata.length)
      this.metadata = null
      if (this.metadataFlag === 'x') this.applyPax(body)
      else if (this.metadataFlag === 'L') this.longName = parseString(body)
    } else {
      const sink = this.sink
      this.sink = null
      sink?.end()
    }
    this.state = this.padding > 0 ? READ_PADDING : READ_HEADER
  }

  private applyPax(body: Buffer): void {
    // Records are "<length> <key>=<value>\n", the length counting the whole record.
    let p = 0
    while (p < body.length) {
      const space = body.indexOf(0x20, p)
      if (space < 0) throw snapshotErrors.notTar('a tar PAX header is malformed')
      const length = Number(body.subarray(p, space).toString('latin1'))
      if (!Number.isInteger(length) || length <= space - p || p + length > body.length)
        throw snapshotErrors.notTar('a tar PAX header is malformed')
      const record = body.subarray(space + 1, p + length - 1).toString('utf8')
      const eq = record.indexOf('=')
      if (eq > 0) {
        const key = record.slice(0, eq)
        const value = record.slice(eq + 1)
        if (key === 'path') this.paxPath = value
        else if (key === 'size') {
          const parsed = /^\d+$/.test(value) ? Number(value) : NaN
          if (!Number.isSafeInteger(parsed))
            throw snapshotErrors.notTar('a tar PAX header has an invalid size')
          this.paxSize = parsed
        }
      }
      p += length
    }
  }
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i += 8) {
    if (block.readBigUInt64LE(i) !== 0n) return false
  }
  return true
}

function checksumValid(block: Buffer): boolean {
  const stored = parseNumeric(block.subarray(148, 156))
  if (stored === null) return false
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (block[i] as number)
    unsigned += b
    signed += b >= 0x80 ? b - 256 : b
  }
  return stored === unsigned || stored === signed
}

/** Go's parseNumeric: base-256 when the high bit is set, else octal trimmed of spaces and NULs. */
function parseNumeric(field: Buffer): number | null {
  if (field.length > 0 && ((field[0] as number) & 0x80) !== 0) {
    let value = BigInt((field[0] as number) & 0x7f)
    if (((field[0] as number) & 0x40) !== 0) return null // negative
    for (let i = 1; i < field.length; i++) value = (value << 8n) | BigInt(field[i] as number)
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : null
  }
  let from = 0
  let to = field.length
  while (from < to && (field[from] === 0x20 || field[from] === 0)) from++
  while (to > from && (field[to - 1] === 0x20 || field[to - 1] === 0)) to--
  const text = field.toString('latin1', from, to)
  if (text === '') return 0
  if (!/^[0-7]+$/.test(text)) return null
  const value = parseInt(text, 8)
  return Number.isSafeInteger(value) ? value : null
}

function parseString(field: Uint8Array): string {
  const nul = field.indexOf(0)
  return Buffer.from(field.buffer, field.byteOffset, nul < 0 ? field.length : nul).toString('utf8')
}
