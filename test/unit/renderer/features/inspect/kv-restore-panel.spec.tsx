// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { SelectiveRestorePort } from '../../../../../src/main/host/host-services'
import { KvRestorePanel } from '../../../../../src/renderer/features/inspect/kv-restore-panel'
import type { KvRestorePlanWire } from '../../../../../src/shared/selective-restore-types'
import { createTestStudio, fakeProfiles, profileView } from '../../studio-harness'

afterEach(cleanup)

const archive = profileView('archive', { protection: 'read-only' })
const prod = profileView('prod', { protection: 'protected' })

const plan: KvRestorePlanWire = {
  planId: 'plan-0000001',
  target: { profileName: 'prod', datacenter: 'dc1', endpoint: 'http://127.0.0.1:8500' },
  scopes: ['app/'],
  changes: [
    {
      action: 'update',
      key: 'app/db',
      before: { valueBase64: btoa('db-2'), size: 4, truncated: false, flags: '0', modifyIndex: 9 },
      after: { valueBase64: btoa('db-1'), size: 4, truncated: false, flags: '0' },
    },
  ],
  unchanged: 0,
  counts: { create: 0, update: 1, delete: 0 },
}

async function renderPanel() {
  const port = {
    plan: vi.fn<SelectiveRestorePort['plan']>(async () => plan),
    apply: vi.fn<SelectiveRestorePort['apply']>(async () => ({
      applied: 1,
      skipped: [],
      undoPath: '/home/op/prod-kv-undo.json',
      transactions: 1,
    })),
  }
  const studio = createTestStudio({
    profiles: fakeProfiles({ list: async () => ({ profiles: [archive, prod], notice: null }) }),
    selectiveRestore: port,
  })
  await act(async () => {
    studio.render(
      <KvRestorePanel catalogueId="cat1" choice={{ prefixes: ['app/'], keys: [] }} onClose={() => {}} />,
    )
  })
  return port
}

describe('Restore selected…', () => {
  it('offers no read-only profile as a target', async () => {
    await renderPanel()
    const option = screen.getByRole('option', { name: /archive/ }) as HTMLOptionElement
    expect(option.disabled).toBe(true)
    expect(option.textContent).toContain('read-only')
  })

  it('shows the dry run with both values, then applies it only after the typed name and, for a protected profile, the loss confirmation', async () => {
    const port = await renderPanel()
    fireEvent.change(screen.getByTestId('kv-restore-target'), { target: { value: prod.id } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('kv-restore-dry-run'))
    })
    expect(port.plan.mock.calls[0]?.[0]).toMatchObject({
      catalogueId: 'cat1',
      profileId: prod.id,
      prefixes: ['app/'],
    })
    expect(screen.getByTestId('kv-restore-changes').textContent).toMatch(/db-2[\s\S]*db-1/)

    const apply = screen.getByTestId('kv-restore-apply') as HTMLButtonElement
    fireEvent.change(screen.getByTestId('kv-restore-confirmation'), { target: { value: 'prod' } })
    expect(apply.disabled).toBe(true)
    fireEvent.click(screen.getByTestId('kv-restore-acknowledge-loss'))
    expect(apply.disabled).toBe(false)
    await act(async () => {
      fireEvent.click(apply)
    })

    expect(port.apply.mock.calls[0]?.[0]).toEqual({
      planId: plan.planId,
      confirmation: 'prod',
      acknowledgeLoss: true,
    })
    expect(screen.getByTestId('kv-restore-undo').textContent).toBe('/home/op/prod-kv-undo.json')
  })
})
