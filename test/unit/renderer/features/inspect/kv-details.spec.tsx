// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { KvDetails } from '../../../../../src/renderer/features/inspect/kv-details'
import type { SnapshotInspectionWire } from '../../../../../src/shared/snapshot-wire-types'

/**
 * `groups` groups, largest first as the engine sorts them; past the first ten they are one shared
 * object (the table must not look at them, and a million distinct objects take seconds to make).
 */
function inspectionWithGroups(groups: number): SnapshotInspectionWire {
  const distinct = Math.min(groups, 10)
  const largest = Array.from({ length: distinct }, (_, i) => ({
    name: `app/${String(i).padStart(7, '0')}`,
    count: 1,
    sum: groups - i,
  }))
  const rest = new Array<(typeof largest)[number]>(groups - distinct).fill({
    name: 'app/rest',
    count: 1,
    sum: 1,
  })
  const kvStats = largest.concat(rest)
  return {
    meta: {
      id: 'x',
      size: '1',
      index: '1',
      term: '1',
      version: 1,
      configurationIndex: '1',
      servers: [],
      peers: null,
    },
    stats: [],
    kvStats,
    totalSize: 1,
    totalSizeKV: 1,
    integrity: { verified: true, files: [] },
    archiveBytes: 1,
    lastIndex: '1',
    enterpriseTypes: [],
    text: { pretty: '', json: '' },
  }
}

describe('KV details', () => {
  afterEach(cleanup)

  // The table's cost follows the rows it draws, not the groups it is given: a small limit keeps
  // this spec fast under jsdom (500 rows took 3.5-5 s there); the million-group page in a real
  // browser is measured by bench/ui.bench.mjs.
  it('shows only the largest groups and says how many more there are when keys make a million groups', () => {
    render(
      <KvDetails
        inspection={inspectionWithGroups(1_000_000)}
        options={{ depth: 2, filter: '' }}
        busy={false}
        apply={() => undefined}
        groupLimit={5}
      />,
    )

    const names = [...screen.getByTestId('kv-details-table').querySelectorAll('tbody tr th')].map(
      (cell) => cell.textContent,
    )
    expect(names).toEqual(['app/0000000', 'app/0000001', 'app/0000002', 'app/0000003', 'app/0000004'])
    expect(screen.getByTestId('kv-details-truncated').textContent).toContain('5 largest of 1,000,000 groups')
  })

  it('shows every group when there are few', () => {
    render(
      <KvDetails
        inspection={inspectionWithGroups(3)}
        options={{ depth: 2, filter: '' }}
        busy={false}
        apply={() => undefined}
      />,
    )

    expect(screen.getByTestId('kv-details-table').querySelectorAll('tbody tr')).toHaveLength(3)
    expect(screen.queryByTestId('kv-details-truncated')).toBeNull()
  })
})
