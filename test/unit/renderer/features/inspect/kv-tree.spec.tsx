// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { KV_ROW_HEIGHT, KvTree } from '../../../../../src/renderer/features/inspect/kv-tree'
import type { KvRowWire } from '../../../../../src/shared/browse-wire-types'

const MILLION = 1_000_000

function rowAt(index: number): KvRowWire {
  const name = `key-${String(index).padStart(7, '0')}`
  return { key: `app/${name}`, name, folder: false, size: 64 }
}

function renderTree(overrides: Partial<Parameters<typeof KvTree>[0]> = {}) {
  const props = {
    ensureRows: vi.fn<(start: number, end: number) => void>(),
    prefix: 'app/',
    total: MILLION,
    rowAt,
    selectedKey: null,
    onOpenFolder: vi.fn(),
    onSelectKey: vi.fn(),
    version: 1,
    ...overrides,
  }
  render(<KvTree {...props} />)
  return props
}

// jsdom does no layout, so every element measures 0×0; give the scroll viewport a size.
const VIEWPORT = { width: 600, height: 20 * KV_ROW_HEIGHT }
const realOffsets = {
  width: Object.getOwnPropertyDescriptor(Element.prototype, 'clientWidth'),
  height: Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight'),
}

describe('KV tree', () => {
  beforeAll(() => {
    Object.defineProperty(Element.prototype, 'clientWidth', { configurable: true, get: () => VIEWPORT.width })
    Object.defineProperty(Element.prototype, 'clientHeight', {
      configurable: true,
      get: () => VIEWPORT.height,
    })
  })
  afterAll(() => {
    if (realOffsets.width) Object.defineProperty(Element.prototype, 'clientWidth', realOffsets.width)
    if (realOffsets.height) Object.defineProperty(Element.prototype, 'clientHeight', realOffsets.height)
  })
  afterEach(cleanup)

  it('renders only a window of rows for a folder of 1,000,000 keys', () => {
    const ensureRows = vi.fn<(start: number, end: number) => void>()
    renderTree({ ensureRows })

    const rows = screen.getAllByRole('option')
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.length).toBeLessThan(100)
    expect(rows[0]?.dataset.key).toBe('app/key-0000000')
    expect(screen.getByTestId('kv-tree').dataset.total).toBe(String(MILLION))
    // It asks only for the rows in view, not for the million.
    const [start, end] = ensureRows.mock.calls.at(-1) as [number, number]
    expect(start).toBe(0)
    expect(end).toBeLessThan(100)
  })

  it('opens folders and selects keys', () => {
    const folders = (i: number): KvRowWire =>
      i === 0 ? { key: 'app/config/', name: 'config', folder: true, size: 10, count: 2 } : rowAt(i)
    const props = renderTree({ total: 3, rowAt: folders })

    fireEvent.click(screen.getByText('config'))
    fireEvent.click(screen.getByText('key-0000001'))

    expect(props.onOpenFolder).toHaveBeenCalledWith('app/config/')
    expect(props.onSelectKey).toHaveBeenCalledWith('app/key-0000001')
  })

  it('shows a breadcrumb back to the root', () => {
    const props = renderTree({ prefix: 'app/config/', total: 0 })

    fireEvent.click(screen.getByRole('button', { name: 'app' }))

    expect(props.onOpenFolder).toHaveBeenCalledWith('app/')
    expect(screen.getByText('config').getAttribute('aria-current')).toBe('location')
  })

  it('moves through keys with the keyboard, one tab stop for the whole list', async () => {
    renderTree()
    const tabbable = screen.getAllByRole('option').filter((row) => row.tabIndex === 0)
    expect(tabbable).toHaveLength(1)

    tabbable[0]!.focus()
    fireEvent.keyDown(tabbable[0]!, { key: 'ArrowDown' })

    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.key).toBe('app/key-0000001'))
  })
})
