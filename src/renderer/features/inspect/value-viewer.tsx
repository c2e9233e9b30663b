import { useMemo, useState } from 'react'
import type { KvValueWire } from '../../../shared/browse-wire-types'
import { formatBytes } from '../../components/format-bytes'
import { base64ToBytes, classifyValue, hexDump } from './value-format'

export function ValueViewer({
  value,
  status,
}: {
  value: KvValueWire | null
  status: 'idle' | 'loading' | 'ready'
}) {
  const [mode, setMode] = useState<'auto' | 'raw' | 'hex'>('auto')
  const bytes = useMemo(() => (value ? base64ToBytes(value.valueBase64) : null), [value])
  const view = useMemo(() => (bytes ? classifyValue(bytes) : null), [bytes])
  if (status === 'loading')
    return (
      <section className="value-viewer" aria-busy="true" data-state="loading">
        Reading the value…
      </section>
    )
  if (value === null || bytes === null || view === null)
    return (
      <section className="value-viewer muted" data-state="idle">
        Choose a key to see its value.
      </section>
    )
  const body =
    mode === 'hex' || view.kind === 'binary'
      ? view.kind === 'binary'
        ? view.hex
        : hexDump(bytes)
      : view.kind === 'json' && mode === 'auto'
        ? view.pretty
        : view.text
  return (
    <section
      className="value-viewer"
      aria-label={`Value of ${value.key}`}
      data-state="ready"
      data-testid="value-viewer"
    >
      <header>
        <h3 className="value-key">
          <code>{value.key}</code>
        </h3>
        <dl className="facts facts-inline">
          <dt>Size</dt>
          <dd>{formatBytes(value.size)}</dd>
          <dt>Flags</dt>
          <dd>{value.flags}</dd>
          <dt>Session</dt>
          <dd>{value.session ?? 'none'}</dd>
          <dt>Modify index</dt>
          <dd>{value.modifyIndex}</dd>
          <dt>Kind</dt>
          <dd>{view.kind === 'json' ? 'JSON' : view.kind === 'text' ? 'text' : 'binary'}</dd>
        </dl>
        {view.kind !== 'binary' && (
          <div className="segmented" role="group" aria-label="Show value as">
            <button type="button" aria-pressed={mode === 'auto'} onClick={() => setMode('auto')}>
              {view.kind === 'json' ? 'Pretty' : 'Text'}
            </button>
            {view.kind === 'json' && (
              <button type="button" aria-pressed={mode === 'raw'} onClick={() => setMode('raw')}>
                Raw
              </button>
            )}
            <button type="button" aria-pressed={mode === 'hex'} onClick={() => setMode('hex')}>
              Hex
            </button>
          </div>
        )}
      </header>
      <pre className="value-body" tabIndex={0} data-testid="value-body">
        {body}
      </pre>
      {value.truncated && (
        <p className="hint">
          Showing the first {formatBytes(bytes.length)} of {formatBytes(value.size)}.
        </p>
      )}
    </section>
  )
}
