import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef, type KeyboardEvent } from 'react'
import type { KvRowWire } from '../../../shared/browse-wire-types'
import { formatBytes, formatCount } from '../../components/format-bytes'

export const KV_ROW_HEIGHT = 28

export interface KvTreeProps {
  prefix: string
  total: number
  rowAt(index: number): KvRowWire | undefined
  /** asks for the rows of a window; pages that are already here are not fetched again */
  ensureRows(start: number, end: number): void
  selectedKey: string | null
  onOpenFolder(prefix: string): void
  onSelectKey(key: string): void
  /** re-render trigger: bumped when a page of rows lands */
  version: number
}

/**
 * One level of the KV tree at a time (folders first, like `consul kv get -recurse` order), with
 * a breadcrumb to go back up. Only the rows in view exist in the DOM, so a folder holding a
 * million keys scrolls as smoothly as one holding ten.
 */
export function KvTree(props: KvTreeProps) {
  const { prefix, total, rowAt, ensureRows, selectedKey, onOpenFolder, onSelectKey, version } = props
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => KV_ROW_HEIGHT,
    overscan: 12,
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? 0

  useEffect(() => {
    if (total > 0) ensureRows(first, last)
  }, [first, last, total, ensureRows, prefix])

  useEffect(() => {
    virtualizer.scrollToOffset(0)
  }, [prefix, virtualizer])

  // Arrow keys, Page Up/Down, Home and End move through the whole list, not just the rows that
  // happen to be rendered: scroll the target into view, then focus it once it exists.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = { ArrowDown: 1, ArrowUp: -1, PageDown: 15, PageUp: -15 }[e.key]
    const current = Number(
      (document.activeElement?.closest('[data-index]') as HTMLElement | null)?.dataset.index ?? -1,
    )
    let target: number
    if (e.key === 'Home') target = 0
    else if (e.key === 'End') target = total - 1
    else if (step !== undefined) target = Math.min(total - 1, Math.max(0, current + step))
    else return
    e.preventDefault()
    virtualizer.scrollToIndex(target, { align: 'auto' })
    const focusWhenRendered = (attempt: number) => {
      const row = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${target}"] .kv-row`)
      if (row) row.focus()
      else if (attempt < 10) requestAnimationFrame(() => focusWhenRendered(attempt + 1))
    }
    requestAnimationFrame(() => focusWhenRendered(0))
  }

  const crumbs = breadcrumbs(prefix)
  return (
    <div
      className="kv-tree"
      data-testid="kv-tree"
      data-prefix={prefix}
      data-total={total}
      data-version={version}
    >
      <nav className="breadcrumbs" aria-label="KV path">
        {crumbs.map((c, i) => (
          <span key={c.prefix}>
            {i > 0 && <span aria-hidden="true"> / </span>}
            {i === crumbs.length - 1 ? (
              <span aria-current="location">{c.label}</span>
            ) : (
              <button type="button" className="link" onClick={() => onOpenFolder(c.prefix)}>
                {c.label}
              </button>
            )}
          </span>
        ))}
        <span className="muted">
          {' '}
          · {formatCount(total)} {total === 1 ? 'entry' : 'entries'}
        </span>
      </nav>
      <div
        className="kv-scroll"
        ref={scrollRef}
        role="listbox"
        aria-label={`Keys under ${prefix || 'the root'}`}
        tabIndex={-1}
        data-testid="kv-scroll"
        onKeyDown={onKeyDown}
      >
        <div
          className="kv-spacer"
          ref={(el) => el?.style.setProperty('--kv-height', `${virtualizer.getTotalSize()}px`)}
        >
          {items.map((item) => {
            const row = rowAt(item.index)
            return (
              <div
                key={item.key}
                className="kv-row-slot"
                data-index={item.index}
                ref={(el) => el?.style.setProperty('--kv-offset', `${item.start}px`)}
              >
                {row === undefined ? (
                  <div className="kv-row kv-row-loading" aria-hidden="true">
                    …
                  </div>
                ) : (
                  <button
                    type="button"
                    role="option"
                    tabIndex={item.index === first ? 0 : -1}
                    aria-selected={row.key === selectedKey}
                    className={`kv-row${row.folder ? ' kv-folder' : ''}${row.key === selectedKey ? ' selected' : ''}`}
                    data-key={row.key}
                    onClick={() => (row.folder ? onOpenFolder(row.key) : onSelectKey(row.key))}
                  >
                    <span className="kv-icon" aria-hidden="true">
                      {row.folder ? '▸' : '•'}
                    </span>
                    <span className="kv-name">{row.name}</span>
                    <span className="kv-meta">
                      {row.folder
                        ? `${formatCount(row.count ?? 0)} ${row.count === 1 ? 'key' : 'keys'} · ${formatBytes(row.size)}`
                        : formatBytes(row.size)}
                    </span>
                  </button>
                )}
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}

function breadcrumbs(prefix: string): Array<{ prefix: string; label: string }> {
  const crumbs = [{ prefix: '', label: 'KV root' }]
  let acc = ''
  for (const part of prefix.split('/').filter((p, i, all) => i < all.length - 1 || p !== '')) {
    acc += `${part}/`
    crumbs.push({ prefix: acc, label: part === '' ? '(empty)' : part })
  }
  return crumbs
}
