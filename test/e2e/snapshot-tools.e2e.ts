import path from 'node:path'
import { existsSync, mkdirSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { InspectPage } from './pages/inspect-page'
import { StudioApp } from './pages/studio-app'
import { e2eEnvironment } from './support/e2e-environment'
import { buildStateBin, chunkingStateRecord, kvsRecord, writeSnapshotFile } from '../support/state-bin-writer'

// The inspect screen's own tools in the browser, against the host's real work: a value planted
// among other keys is found and opens its key; a redacted copy is written and its report shown;
// a restore drill into a throw-away dev agent (the host's CONSUL_BIN) passes.
const env = e2eEnvironment()
let page: Page
let app: StudioApp
let snapshot = ''

test.beforeAll(async ({ browser }) => {
  const folder = path.join(path.dirname(env.saveDir), 'snapshot-tools')
  mkdirSync(folder, { recursive: true })
  snapshot = path.join(folder, 'shop-wednesday.snap')
  const keys = Array.from({ length: 300 }, (_, i) =>
    kvsRecord({ key: `shop/items/${String(i).padStart(3, '0')}`, value: `item ${i}` }),
  )
  keys.splice(211, 0, kvsRecord({ key: 'shop/items/legacy-db', value: 'host=db-old.internal.example' }))
  await writeSnapshotFile(snapshot, buildStateBin(300, [...keys, chunkingStateRecord()]), 300)
  page = await browser.newPage()
  app = new StudioApp(page)
  await app.open(env.url)
  const inspect = new InspectPage(page)
  await app.go('inspect')
  await inspect.openHostPath(snapshot)
  await inspect.waitForSummary()
  await inspect.waitForContents()
})

test.afterAll(async () => {
  await page.close()
})

test('finds a planted value and opens its key', async () => {
  await page.getByRole('button', { name: 'Search inside values' }).click()
  await page.getByTestId('value-search-pattern').fill('db-old.internal')
  await page.getByRole('button', { name: 'Search values' }).click()
  const results = page.getByTestId('value-search-results')
  await expect(page.getByTestId('value-search-summary')).toContainText('1 match in 301 values searched')
  await app.capture('value-search')
  await results.getByRole('button', { name: 'shop/items/legacy-db' }).click()
  await expect(page.getByTestId('content-browser')).toContainText('host=db-old.internal.example')
})

test('exports a redacted copy and shows where it went and what was blanked', async () => {
  await page.getByRole('button', { name: 'Export redacted copy…' }).click()
  await page.getByLabel(/KV prefixes whose values to blank/).fill('shop/items/legacy')
  await page.getByRole('button', { name: 'Export', exact: true }).click()
  const result = page.getByTestId('redact-result')
  await expect(result).toContainText('Redacted copy written to')
  await expect(result).toContainText('kv-value: 1 replaced')
  const written = (await result.locator('code').innerText()).trim()
  expect(
    existsSync(written.startsWith('~') ? path.join(path.dirname(env.saveDir), written.slice(1)) : written),
  ).toBe(true)
})

test('runs a restore drill into a throw-away dev agent and shows it passed', async () => {
  await page.getByRole('button', { name: 'Run restore drill' }).click()
  const result = page.getByTestId('drill-result')
  await expect(result).toHaveAttribute('data-passed', 'true', { timeout: 90_000 })
  await expect(result).toContainText('Drill passed')
  await app.capture('restore-drill')
})
