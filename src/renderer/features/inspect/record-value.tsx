import { useState } from 'react'
import type { RecordValueWire } from '../../../shared/browse-wire-types'
import { MaskedSecret } from '../../components/masked-secret'
import { base64ToBytes, bytesToHex, taggedField } from './value-format'

export interface RecordValueProps {
  value: RecordValueWire
  /** Dotted path from the record's root, as the catalogue names secrets (`Config.PrivateKey`). */
  path: string
  secretPaths: ReadonlySet<string>
  reveal(path: string): Promise<string>
}

/**
 * One field of a record card, laid out as what it is: text, a number, a list of tags, nested
 * fields, or bytes with a hex/base64 switch; a secret stays masked until revealed. Nothing is
 * printed as a JSON blob.
 */
export function RecordValue({ value, path, secretPaths, reveal }: RecordValueProps) {
  if (secretPaths.has(path)) return <MaskedSecret label={path} reveal={() => reveal(path)} />
  if (value === null) return <span className="muted">none</span>
  if (typeof value === 'boolean') return <span className="field-value">{value ? 'true' : 'false'}</span>
  if (typeof value === 'number') return <span className="field-value">{String(value)}</span>
  if (typeof value === 'string')
    return value === '' ? <span className="muted">empty</span> : <span className="field-value">{value}</span>
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">none</span>
    if (value.every((item) => typeof item === 'string' || typeof item === 'number'))
      return (
        <ul className="value-chips">
          {value.map((item, i) => (
            <li key={i}>{String(item)}</li>
          ))}
        </ul>
      )
    return (
      <ol className="value-list">
        {value.map((item, i) => (
          <li key={i}>
            <RecordValue value={item} path={`${path}.${i}`} secretPaths={secretPaths} reveal={reveal} />
          </li>
        ))}
      </ol>
    )
  }
  const tagged = taggedField(value)
  if (tagged?.kind === 'bytes') return <BytesValue base64={tagged.base64} ext={tagged.ext} label={path} />
  if (tagged?.kind === 'masked') return <code className="secret-mask">{tagged.text}</code>
  const entries = Object.entries(value)
  if (entries.length === 0) return <span className="muted">none</span>
  return (
    <dl className="facts nested-facts">
      {entries.map(([name, inner]) => (
        <RecordField
          key={name}
          name={name}
          value={inner}
          path={`${path}.${name}`}
          secretPaths={secretPaths}
          reveal={reveal}
        />
      ))}
    </dl>
  )
}

export function RecordField({ name, ...props }: RecordValueProps & { name: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>
        <RecordValue {...props} />
      </dd>
    </>
  )
}

/** Bytes that are not text (hashes, keys, raw ids): hex by default, base64 on request. */
function BytesValue({ base64, ext, label }: { base64: string; ext: number | null; label: string }) {
  const [encoding, setEncoding] = useState<'hex' | 'base64'>('hex')
  const bytes = base64ToBytes(base64)
  return (
    <span className="bytes-value" data-encoding={encoding}>
      <code className="field-value" data-testid="bytes-text">
        {encoding === 'hex' ? bytesToHex(bytes) : base64}
      </code>{' '}
      <span className="muted">
        {bytes.length} {bytes.length === 1 ? 'byte' : 'bytes'}
        {ext !== null && `, extension type ${ext}`}
      </span>{' '}
      <span className="segmented" role="group" aria-label={`Show ${label} as`}>
        <button type="button" aria-pressed={encoding === 'hex'} onClick={() => setEncoding('hex')}>
          Hex
        </button>
        <button type="button" aria-pressed={encoding === 'base64'} onClick={() => setEncoding('base64')}>
          Base64
        </button>
      </span>
    </span>
  )
}
