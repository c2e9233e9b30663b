import { AppError } from '../../../shared/app-error'
import { AGE_MAGIC } from '../encryption/age-stream'

/**
 * What can be checked of an age file without its key: the header's form (the version line,
 * recipient stanzas, the `---` MAC line) and that the payload has the length of a whole
 * STREAM: a 16-byte nonce, then chunks of 64 KiB + a 16-byte tag, the last one shorter (empty only
 * when the whole plaintext is). A cut-off upload or a truncated object shows here; a changed byte
 * inside the payload does not (only the key's Poly1305 tags can tell), which is why the agent
 * says "envelope only" when it has no identity.
 */
const CHUNK = 64 * 1024 + 16
const NONCE = 16
const TAG = 16
const MAX_HEADER = 1 << 20

export async function checkAgeEnvelope(
  source: AsyncIterable<Uint8Array>,
  label: string,
): Promise<{ payloadBytes: number }> {
  let header = Buffer.alloc(0)
  let headerDone = false
  let payload = 0
  for await (const chunk of source) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    if (headerDone) {
      payload += bytes.length
      continue
    }
    header = Buffer.concat([header, bytes])
    const end = headerEnd(header)
    if (end !== null) {
      checkHeader(header.subarray(0, end).toString('latin1'), label)
      payload = header.length - end
      headerDone = true
      header = Buffer.alloc(0)
    } else if (header.length > MAX_HEADER) throw damaged(label, 'its header does not end')
  }
  if (!headerDone) {
    if (header.length >= AGE_MAGIC.length && !header.subarray(0, AGE_MAGIC.length).equals(AGE_MAGIC))
      throw new AppError('ENCRYPTED_UNSUPPORTED', `${label} is not an age-encrypted file.`, {
        hint: 'Encrypted backups begin with "age-encryption.org/v1".',
      })
    throw damaged(label, 'it ends inside its header')
  }
  const body = payload - NONCE
  const last = body % CHUNK
  const whole = body >= TAG && (last === 0 || last >= TAG + 1 || body === TAG)
  if (!whole) throw damaged(label, `its payload of ${payload} bytes is not a whole age stream (cut off?)`)
  return { payloadBytes: payload }
}

/** The offset just past the `--- <mac>` line, or null when it has not been read yet. */
function headerEnd(buffer: Buffer): number | null {
  let from = 0
  for (;;) {
    const newline = buffer.indexOf(0x0a, from)
    if (newline < 0) return null
    if (buffer.subarray(from, from + 4).toString('latin1') === '--- ') return newline + 1
    from = newline + 1
  }
}

function checkHeader(text: string, label: string): void {
  const lines = text.split('\n').slice(0, -1)
  if (lines[0] !== AGE_MAGIC.toString('latin1').trimEnd())
    throw new AppError('ENCRYPTED_UNSUPPORTED', `${label} is not an age-encrypted file.`, {
      hint: 'Encrypted backups begin with "age-encryption.org/v1".',
    })
  const mac = lines.at(-1) ?? ''
  if (!/^--- [A-Za-z0-9+/]{43}$/.test(mac)) throw damaged(label, 'its header MAC line is malformed')
  let stanzas = 0
  for (const line of lines.slice(1, -1)) {
    if (line.startsWith('-> ')) stanzas++
    else if (!/^[A-Za-z0-9+/]{0,64}$/.test(line)) throw damaged(label, 'its header holds a malformed line')
  }
  if (stanzas === 0) throw damaged(label, 'its header names no recipient')
}

function damaged(label: string, detail: string): AppError {
  return new AppError('ENCRYPTED_DAMAGED', `${label} is damaged (${detail}).`, {
    hint: 'Use another copy of the backup; the agent took this one as a whole and it no longer is.',
  })
}
