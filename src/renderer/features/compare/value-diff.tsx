import { useMemo } from 'react'
import type { KvValuePairWire } from '../../../shared/diff-wire-types'
import { lineDiff } from './line-diff'
import { decodeBase64, layOutPair } from './value-text'

const LAYOUT_NAMES = { json: 'JSON, keys in order', text: 'text', binary: 'hex' } as const

/** A key's two values side by side, line against line, with what differs marked. */
export function ValueDiff({ values, onClose }: { values: KvValuePairWire; onClose: () => void }) {
  const { layout, rows } = useMemo(() => {
    const bytes = (side: KvValuePairWire['before']) => (side === null ? null : decodeBase64(side.valueBase64))
    const pair = layOutPair(bytes(values.before), bytes(values.after))
    return { layout: pair.layout, rows: lineDiff(pair.before, pair.after) }
  }, [values])
  const cut = values.before?.truncated === true || values.after?.truncated === true
  return (
    <section className="card value-diff" aria-label={`Values of ${values.key}`} data-testid="value-diff">
      <header className="card-header">
        <h3>
          <code>{values.key}</code> <small>({LAYOUT_NAMES[layout]})</small>
        </h3>
        <button type="button" className="button-quiet" onClick={onClose}>
          Close
        </button>
      </header>
      {cut && <p className="notice">Only the first megabyte of a value is compared here.</p>}
      <table className="value-diff-table">
        <colgroup>
          <col className="line-no-col" />
          <col />
          <col className="line-no-col" />
          <col />
        </colgroup>
        <thead>
          <tr>
            <th colSpan={2}>Before {values.before === null ? '(absent)' : ''}</th>
            <th colSpan={2}>After {values.after === null ? '(absent)' : ''}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i} className={`diff-${row.type}`} data-row={row.type}>
              <td className="line-no">{row.left?.line ?? ''}</td>
              <td className={row.left ? 'side left' : 'side empty'}>
                <pre>{row.left?.text ?? ''}</pre>
              </td>
              <td className="line-no">{row.right?.line ?? ''}</td>
              <td className={row.right ? 'side right' : 'side empty'}>
                <pre>{row.right?.text ?? ''}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
