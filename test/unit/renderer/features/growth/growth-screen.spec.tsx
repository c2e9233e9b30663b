// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { GrowthScreen } from '../../../../../src/renderer/features/growth/growth-screen'
import type { GrowthPort } from '../../../../../src/main/host/host-services'
import type { GrowthReport } from '../../../../../src/shared/growth-types'
import { createTestStudio } from '../../studio-harness'

const backups = [1, 2, 3].map((n) => ({
  name: `consul-${n}.snap`,
  sha256: String(n).repeat(64),
  archiveBytes: 1000 * n,
  index: String(100 + n),
  takenAt: `2026-11-0${n}T00:00:00Z`,
  totalSize: 10_000 * n,
  totalSizeKV: 8_000 * n,
  cached: n < 3,
}))

const report: GrowthReport = {
  folder: '/srv/backups',
  kvDepth: 2,
  backups,
  types: [{ kind: 'type', name: 'KVS', sums: [8000, 16000, 24000], counts: [10, 20, 30], change: 16000 }],
  kvPrefixes: [
    { kind: 'kv', name: 'app/sessions', sums: [6000, 14000, 22000], counts: [6, 14, 22], change: 16000 },
    { kind: 'kv', name: 'config', sums: [2000, null, 2000], counts: [2, null, 2], change: 0 },
  ],
  movers: [
    {
      kind: 'kv',
      name: 'app/sessions',
      fromBytes: 6000,
      toBytes: 22000,
      change: 16000,
      ratio: 22000 / 6000,
      biggestStep: { from: 0, to: 1, change: 8000 },
    },
  ],
  skipped: [{ name: 'broken.snap', reason: 'The file is not gzip-compressed.' }],
  cache: { hits: 2, misses: 1 },
}

async function openGrowth(analyse: GrowthPort['analyse']) {
  const studio = createTestStudio({
    growth: { analyse },
    recentFolders: { list: async () => ['/srv/backups'], add: async () => undefined },
  })
  await act(async () => {
    studio.render(<GrowthScreen />)
  })
  return studio
}

describe('the growth screen', () => {
  afterEach(cleanup)

  it('names the largest mover, charts it and tables every prefix and type', async () => {
    const asked: Array<{ folder: string; kvDepth: number }> = []
    await openGrowth(async (request) => {
      asked.push({ folder: request.folder, kvDepth: request.kvDepth })
      return report
    })

    fireEvent.click(screen.getByRole('button', { name: '/srv/backups' }))
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Analyse' }))
    })

    expect(asked).toEqual([{ folder: '/srv/backups', kvDepth: 2 }])
    const [first] = within(screen.getByTestId('growth-movers')).getAllByRole('listitem')
    expect(first?.textContent).toMatch(/^KV app\/sessions grew by 15.6KB \(5.9KB → 21.5KB, ×3.7\)/)
    expect(first?.textContent).toContain('most between consul-1.snap and consul-2.snap')
    expect(
      screen.getByTestId('growth-chart').querySelectorAll('polyline[data-series="KV app/sessions"]'),
    ).toHaveLength(1)
    const config = screen.getByTestId('growth-kv-table').querySelector('[data-series="config"]')
    expect(config?.textContent).toBe('config2KB2KB02')
    expect(screen.getByText(/Statistics of 2 files came from the cache/)).toBeTruthy()
    expect(screen.getByText(/The file is not gzip-compressed/)).toBeTruthy()
  })

  it('asks for a folder before analysing', async () => {
    const studio = await openGrowth(async () => report)
    fireEvent.change(screen.getByLabelText('Folder of backups'), { target: { value: '  ' } })

    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Analyse' }))
    })

    expect(screen.getByText(/Choose the folder that holds the backups/)).toBeTruthy()
    expect(studio.calls.some((call) => call.method === 'growth.analyse')).toBe(false)
  })

  it('shows progress per file and cancels on request', async () => {
    let started: () => void = () => undefined
    const running = new Promise<void>((resolve) => (started = resolve))
    await openGrowth(
      (_request, work) =>
        new Promise((_resolve, reject) => {
          work.onProgress({ filesDone: 1, totalFiles: 3, file: 'consul-2.snap', bytes: 10, totalBytes: 100 })
          started()
          work.signal.addEventListener('abort', () => reject(work.signal.reason))
        }),
    )
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Analyse' }))
      await running
    })

    expect(await screen.findByText('Reading backup 2 of 3: consul-2.snap')).toBeTruthy()
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    })

    expect(document.querySelector('[data-screen="growth"]')?.getAttribute('data-state')).toBe('idle')
  })
})
