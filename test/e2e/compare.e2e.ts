import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { ComparePage } from './pages/compare-page'
import { StudioApp } from './pages/studio-app'
import { e2eEnvironment } from './support/e2e-environment'
import {
  aclTokenRecord,
  buildStateBin,
  chunkingStateRecord,
  kvsRecord,
  registerNodeRecord,
  registerServiceRecord,
  writeSnapshotFile,
  type StateRecord,
} from '../support/state-bin-writer'

// Compare in the browser: two snapshots of one cluster a day apart (a JSON setting edited, a
// key added, one removed, a service moved to another port, a token's secret rotated), compared
// in the app, down to one key's two values side by side.
const env = e2eEnvironment()
let page: Page
let app: StudioApp
let folder = ''
const SECRET_MONDAY = '9d2f4c1a-0b3e-4f5a-8c7d-6e5f4a3b2c1d'
const SECRET_TUESDAY = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'

function day(settings: object, secret: string, port: number, extra: StateRecord[]): Buffer {
  const node = { node: 'web-1', address: '10.0.1.10' }
  return buildStateBin(100, [
    kvsRecord({ key: 'app/settings/web.json', value: JSON.stringify(settings) }),
    ...extra,
    kvsRecord({ key: 'app/version', value: '1.4.2' }),
    registerNodeRecord(node),
    registerServiceRecord(node, { id: 'web', service: 'web', port }),
    aclTokenRecord({
      accessorId: 'b7c1e0d2-3f4a-4b5c-8d6e-7f8a9b0c1d2e',
      secretId: secret,
      description: 'deploy pipeline',
    }),
    chunkingStateRecord(),
  ])
}

test.beforeAll(async ({ browser }) => {
  // Under the run's scratch folder, which screenshots show as `~`.
  folder = path.join(path.dirname(env.saveDir), 'compare')
  mkdirSync(folder, { recursive: true })
  await writeSnapshotFile(
    path.join(folder, 'monday.snap'),
    day({ replicas: 3, image: 'web:1.4.2', flags: ['audit'] }, SECRET_MONDAY, 8080, [
      kvsRecord({ key: 'app/maintenance', value: 'off' }),
    ]),
    120,
  )
  await writeSnapshotFile(
    path.join(folder, 'tuesday.snap'),
    day({ replicas: 5, image: 'web:1.5.0', flags: ['audit', 'dark-mode'] }, SECRET_TUESDAY, 9090, [
      kvsRecord({ key: 'app/feature/dark-mode', value: 'on' }),
    ]),
    184,
  )
  page = await browser.newPage()
  app = new StudioApp(page)
  await app.open(env.url)
})

test.afterAll(async () => {
  await page.close()
})

test('compares two snapshots by kind and opens a KV value side by side', async () => {
  const compare = new ComparePage(page)
  await app.go('compare')
  await compare.chooseHostFile('before', path.join(folder, 'monday.snap'))
  await compare.chooseHostFile('after', path.join(folder, 'tuesday.snap'))
  await compare.compare()

  await expect(page.getByTestId('compare-total')).toHaveText('5')
  await expect(compare.summaryRow('kv').locator('td')).toHaveText(['1', '1', '1'])
  await expect(compare.summaryRow('services').locator('td')).toHaveText(['0', '0', '1'])
  await expect(compare.summaryRow('acl-tokens').locator('td')).toHaveText(['0', '0', '1'])
  await expect(compare.change('app/feature/dark-mode')).toHaveClass(/change-added/)
  await expect(compare.change('app/maintenance')).toHaveClass(/change-removed/)

  const values = await compare.openValues('app/settings/web.json')
  // Pretty-printed with keys in order: each changed field is a row of its own ("audit" gained a comma).
  const changed = values.locator('tr[data-row="changed"]')
  await expect(changed).toHaveCount(3)
  await expect(changed.filter({ hasText: '"image": "web:1.4.2"' })).toContainText('"image": "web:1.5.0"')
  await expect(changed.filter({ hasText: '"replicas": 3' })).toContainText('"replicas": 5')
  await expect(values.locator('tr[data-row="added"]')).toHaveText(/"dark-mode"/)
  await app.capture('compare-kv-values', { fullPage: true })

  await compare.showKind('ACL tokens')
  await expect(compare.change('b7c1e0d2-3f4a-4b5c-8d6e-7f8a9b0c1d2e')).toContainText(
    'SecretID secret changed',
  )
  await compare.showKind('Services')
  await expect(compare.change('web-1/web')).toContainText('Port: 8080 → 9090')
  await expect(compare.screen).not.toContainText(SECRET_MONDAY)
  await expect(compare.screen).not.toContainText(SECRET_TUESDAY)
  await app.capture('compare-records')
  expect(app.cspViolations).toEqual([])
})
