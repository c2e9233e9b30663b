import { expect, test } from '@playwright/test'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { BackupsPage } from './pages/backups-page'
import { ConnectionsPage } from './pages/connections-page'
import { StudioApp } from './pages/studio-app'
import { e2eEnvironment } from './support/e2e-environment'

const env = e2eEnvironment()
// Inside the run's scratch folder, which screenshots show as `~`.
const folder = path.join(path.dirname(env.saveDir), 'plan-backups')

test('a backup plan created in the app runs now against a real Consul: the run is in the history and the file on disk', async ({
  page,
}) => {
  const app = new StudioApp(page)
  await app.open(env.url)
  await new ConnectionsPage(page).add({
    name: 'orders-prod',
    address: env.target.httpAddr,
    token: env.target.token,
    environment: 'production',
    colour: 'red',
  })

  await app.go('backups')
  const backups = new BackupsPage(page)
  await backups.create({ name: 'orders hourly', profiles: ['orders-prod'], folder, retain: 24 })
  await expect(backups.plan('orders hourly').getByTestId('plan-freshness')).toHaveText('not run yet')

  await backups.runNow('orders hourly')

  const card = backups.plan('orders hourly')
  await expect(card.getByTestId('plan-last-result')).toContainText(/^saved /)
  await expect(card.getByTestId('plan-freshness')).toHaveText('ok')
  const history = await backups.showHistory('orders hourly')
  const row = history.getByTestId('plan-history-row')
  await expect(row).toHaveCount(1)
  await expect(row).toHaveAttribute('data-ok', 'true')
  const shown = (await row.locator('code').textContent()) ?? ''
  expect(path.dirname(shown)).toBe(folder)
  // The file the history names is on disk, with its sidecar, and nothing else was left behind.
  const names = readdirSync(folder).sort()
  expect(names).toEqual([path.basename(shown), `${path.basename(shown)}.json`])
  expect(existsSync(shown) && statSync(shown).size).toBeGreaterThan(0)
  await expect(history.getByTestId('plan-size-chart')).toBeVisible()

  await app.capture('backups', { fullPage: true })
})
