// @vitest-environment jsdom
// The inspect screen's "Export redacted copy…" and "Run restore drill": the window sends only the
// open file (and prefixes to blank) and shows what the host did: where the copy went, what was
// replaced, and the drill's verdict with its differences.
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { InspectScreen } from '../../../../../src/renderer/features/inspect/inspect-screen'
import type { DrillForAppOptions } from '../../../../../src/main/services/snapshot-tools/drill-for-app'
import type { DrillResultWire } from '../../../../../src/shared/snapshot-tools-types'
import { createFakeHostServices, sampleInspection } from '../../../api/fake-host-services'
import type { HostServices } from '../../../../../src/main/host/host-services'
import { createTestStudio, fakeProfiles, profileView } from '../../studio-harness'

// The host's own work (a real consul, the real rewrite) is covered by the drill, redact and
// handler specs; here the host answers a given verdict or report, as the real ones shape them.
const drill = vi.hoisted(() => ({ answer: null as unknown, target: undefined as unknown }))
vi.mock('../../../../../src/main/services/snapshot-tools/drill-for-app', () => ({
  drillForApp: async (_path: string, options: DrillForAppOptions) => {
    drill.target = options.target
    options.onPhase('starting-agent')
    if (drill.answer instanceof Error) throw drill.answer
    return drill.answer
  },
}))

vi.mock('../../../../../src/main/services/snapshot-tools/redact-to-save-folder', () => ({
  redactToSaveFolder: async (_input: string, folder: string, options: { kvPrefixes: readonly string[] }) => ({
    path: `${folder}/prod-redacted-20261201T170509Z.snap`,
    report: { blanked: { 'acl-token-secret': 0, 'kv-value': options.kvPrefixes.length }, records: 2 },
  }),
}))

const failed: DrillResultWire = {
  passed: false,
  failure: null,
  differences: [{ kind: 'kv', message: 'changed: app/config/port' }],
  counts: [{ kind: 'kv', file: 2, agent: 2 }],
  notes: [],
  consul: { path: '/usr/bin/consul', version: '1.19.1' },
  durationMs: 4200,
}

async function openStudio(services: Partial<HostServices> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'ss-tools-ui-'))
  const file = join(dir, 'prod.snap')
  const base = createFakeHostServices()
  const studio = createTestStudio({
    inspect: { inspect: async () => sampleInspection, verify: async () => sampleInspection },
    sources: { resolve: async () => file },
    appInfo: () => ({ ...base.appInfo(), defaultSaveFolder: join(dir, 'saves') }),
    ...services,
  })
  await act(async () => {
    studio.render(<InspectScreen />)
    await studio.stores.inspect.getState().open({ kind: 'path', path: file, name: 'prod.snap' })
  })
  return { studio, saves: join(dir, 'saves') }
}

describe('inspect: redacted copy and restore drill', () => {
  afterEach(cleanup)

  it('exports a redacted copy with the prefixes asked for and shows where it went and what was blanked', async () => {
    const { studio, saves } = await openStudio()

    fireEvent.click(screen.getByRole('button', { name: 'Export redacted copy…' }))
    fireEvent.change(screen.getByLabelText(/KV prefixes whose values to blank/), {
      target: { value: 'app/secrets/\n\n' },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Export' }))

    const result = await screen.findByTestId('redact-result')
    expect(result.textContent).toContain(
      `Redacted copy written to ${saves}/prod-redacted-20261201T170509Z.snap`,
    )
    expect(result.textContent).toContain('kv-value: 1 replaced')
    expect(result.textContent).not.toContain('acl-token-secret')
    const call = studio.calls.find((c) => c.method === 'snapshot.redact')
    expect(call?.input).toMatchObject({ kvPrefixes: ['app/secrets/'] })
    expect(Object.keys(call?.input as object).sort()).toEqual(['kvPrefixes', 'operationId', 'source'])
  })

  it('shows a failed drill with its differences', async () => {
    drill.answer = failed
    await openStudio()

    fireEvent.click(screen.getByRole('button', { name: 'Run restore drill' }))

    const result = await screen.findByTestId('drill-result')
    expect(result.getAttribute('data-passed')).toBe('false')
    expect(result.textContent).toContain('Drill failed')
    expect(screen.getByRole('list', { name: 'Differences' }).textContent).toContain(
      'kv: changed: app/config/port',
    )
  })

  it('says to install consul or set CONSUL_BIN when the host has no consul', async () => {
    const { AppError } = await import('../../../../../src/shared/app-error')
    drill.answer = new AppError('FILE_NOT_FOUND', 'The restore drill needs a consul binary on this host.', {
      hint: 'Install consul on the host, or set CONSUL_BIN to its path before starting Snapshot Studio.',
    })
    await openStudio()

    fireEvent.click(screen.getByRole('button', { name: 'Run restore drill' }))

    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain(
        'Install consul on the host, or set CONSUL_BIN',
      ),
    )
    expect(screen.getByRole('button', { name: 'Run restore drill' })).not.toHaveProperty('disabled', true)
  })

  it('offers the scratch profiles beside the dev agent, warns what a scratch drill replaces, and sends only the profile id', async () => {
    drill.answer = {
      ...failed,
      passed: true,
      differences: [],
      target: { kind: 'scratch-cluster', name: 'drills' },
    }
    const connectionFor = vi.fn(async (id: string) => ({
      name: 'drills',
      settings: { address: 'http://10.0.0.9:8500', useTls: false, tls: { insecureSkipVerify: false } },
      scratchCluster: true,
      token: `secret-of-${id}`,
    }))
    const { studio } = await openStudio({
      profiles: fakeProfiles({
        list: async () => ({
          profiles: [
            profileView('prod'),
            profileView('drills', {
              scratchCluster: true,
              connection: {
                address: 'http://10.0.0.9:8500',
                useTls: false,
                tls: { insecureSkipVerify: false },
              },
            }),
          ],
          notice: null,
        }),
      }),
      drillTargets: { connectionFor },
    })

    const into = await screen.findByLabelText('Drill into')
    await waitFor(() => expect(into.querySelectorAll('option')).toHaveLength(2))
    expect([...into.querySelectorAll('option')].map((o) => o.textContent)).toEqual([
      'Throw-away dev agent',
      'Scratch cluster: drills',
    ])
    fireEvent.change(into, { target: { value: 'id-drills' } })
    expect(screen.getByTestId('drill-scratch-warning').textContent).toContain(
      'replaces the whole state of drills (http://10.0.0.9:8500)',
    )
    fireEvent.click(screen.getByRole('button', { name: 'Run restore drill' }))

    const result = await screen.findByTestId('drill-result')
    expect(result.textContent).toContain('restored into the scratch cluster drills')
    const call = studio.calls.find((c) => c.method === 'snapshot.drill')
    expect(call?.input).toMatchObject({ target: { kind: 'scratch-profile', profileId: 'id-drills' } })
    expect(connectionFor).toHaveBeenCalledWith('id-drills')
    expect(drill.target).toMatchObject({ kind: 'scratch-cluster', connection: { name: 'drills' } })
  })
})
