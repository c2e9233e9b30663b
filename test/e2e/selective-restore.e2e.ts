import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { fetch } from 'undici'
import { expect, test, type Page } from '@playwright/test'
import { InspectPage } from './pages/inspect-page'
import { KvRestorePage } from './pages/kv-restore-page'
import { StudioApp } from './pages/studio-app'
import { e2eEnvironment } from './support/e2e-environment'
import { buildStateBin, chunkingStateRecord, kvsRecord, writeSnapshotFile } from '../support/state-bin-writer'

// Selective restore in the browser: a folder of a snapshot's KV tree goes back into the live
// target cluster (the journey's "restore-target" profile), moved under another prefix, after a
// dry run that shows each change and a typed confirmation; then the keys are read from Consul.
const env = e2eEnvironment()
let page: Page
let app: StudioApp
let snapshot = ''

async function liveValue(key: string): Promise<string | null> {
  const res = await fetch(`${env.target.httpAddr}/v1/kv/${key}?raw`, {
    headers: { 'X-Consul-Token': env.target.token },
  })
  return res.status === 404 ? null : res.text()
}

test.beforeAll(async ({ browser }) => {
  const folder = path.join(path.dirname(env.saveDir), 'selective-restore')
  mkdirSync(folder, { recursive: true })
  snapshot = path.join(folder, 'shop-tuesday.snap')
  await writeSnapshotFile(
    snapshot,
    buildStateBin(200, [
      kvsRecord({ key: 'shop/config/currency', value: 'EUR' }),
      kvsRecord({ key: 'shop/config/limits.json', value: JSON.stringify({ basket: 50, daily: 500 }) }),
      kvsRecord({ key: 'shop/feature/checkout-v2', value: 'on' }),
      kvsRecord({ key: 'other/untouched', value: 'x' }),
      chunkingStateRecord(),
    ]),
    200,
  )
  page = await browser.newPage()
  app = new StudioApp(page)
  await app.open(env.url)
})

test.afterAll(async () => {
  await page.close()
})

test('restores a folder of a snapshot into a live cluster after a dry run and a typed confirmation', async () => {
  const inspect = new InspectPage(page)
  await app.go('inspect')
  await inspect.openHostPath(snapshot)
  await inspect.waitForSummary()
  await inspect.waitForContents()

  const restore = new KvRestorePage(page)
  await restore.openFolder('shop/config/')
  await restore.chooseCurrentFolder()
  await restore.dryRun('restore-target', { from: 'shop/', to: 'shop-restored/' })

  await expect(restore.panel.getByTestId('kv-restore-summary')).toContainText(
    '2 to create, 0 to update, 0 to delete',
  )
  await expect(restore.change('shop-restored/config/currency')).toHaveAttribute('data-action', 'create')
  await expect(restore.change('shop-restored/config/currency')).toContainText('from shop/config/currency')
  await expect(restore.change('shop-restored/config/limits.json')).toContainText('"basket": 50')
  await app.capture('selective-restore-dry-run')
  // The dry run changed nothing yet.
  expect(await liveValue('shop-restored/config/currency')).toBeNull()

  await restore.confirmAndApply('restore-target')

  const result = page.getByTestId('kv-restore-result')
  await expect(result).toContainText('Applied 2 changes in 1 transaction')
  await expect(page.getByTestId('kv-restore-undo')).toContainText('restore-target-kv-undo-')
  await app.capture('selective-restore-done')
  expect(await liveValue('shop-restored/config/currency')).toBe('EUR')
  expect(JSON.parse((await liveValue('shop-restored/config/limits.json')) ?? 'null')).toEqual({
    basket: 50,
    daily: 500,
  })
  // Only the chosen folder: its sibling and the keys outside it did not arrive.
  expect(await liveValue('shop-restored/feature/checkout-v2')).toBeNull()
  expect(await liveValue('other/untouched')).toBeNull()
})
