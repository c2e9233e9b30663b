// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { KV_GROUP_LIMIT, KvDetails } from '../../../../../src/renderer/features/inspect/kv-details'
import type { SnapshotInspectionWire } from '../../../../../src/renderer/ports/studio-port'

function inspectionWithGroups(groups: number): SnapshotInspectionWire {
  const kvStats = Array.from({ length: groups }, (_, i) => ({
    name: `app/${String(i).padStart(7, '0')}`,
    count: 1,
    sum: groups - i,
  }))
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

  it('shows the largest groups and says how many more there are when keys make a million groups', () => {
    render(
      <KvDetails
        inspection={inspectionWithGroups(1_000_000)}
        options={{ depth: 2, filter: '' }}
        busy={false}
        apply={() => undefined}
      />,
    )

    expect(screen.getByTestId('kv-details-table').querySelectorAll('tbody tr')).toHaveLength(KV_GROUP_LIMIT)
    expect(screen.getByTestId('kv-details-truncated').textContent).toContain(
      `${KV_GROUP_LIMIT} largest of 1,000,000 groups`,
    )
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
