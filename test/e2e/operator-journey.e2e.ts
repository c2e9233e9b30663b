import { expect, test, type Page } from '@playwright/test'
import { ConnectionsPage } from './pages/connections-page'
import { InspectPage } from './pages/inspect-page'
import { RestorePage } from './pages/restore-page'
import { SavePage } from './pages/save-page'
import { StudioApp } from './pages/studio-app'
import { e2eEnvironment } from './support/e2e-environment'

// One operator's day, in order: each step builds on the previous one (a profile is needed to
// save, a saved file to inspect and restore), so the steps share one page.
test.describe.configure({ mode: 'serial' })

const env = e2eEnvironment()
let page: Page
let app: StudioApp
let savedPath = ''

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage()
  app = new StudioApp(page)
  await app.open(env.url)
})

test.afterAll(async () => {
  await page.close()
})

test('a first run explains what to do and offers the sample snapshot', async () => {
  const connections = new ConnectionsPage(page)

  await expect(connections.emptyState).toBeVisible()
  await expect(connections.emptyState).toContainText('No profiles yet')
  await app.capture('first-run')

  await page.getByTestId('empty-open-sample').click()
  const inspect = new InspectPage(page)
  await inspect.waitForSummary()
  await expect(inspect.integrity).toHaveAttribute('data-verified', 'true')
  await app.go('profiles')
})

test('adds a profile for each cluster and tests the connection', async () => {
  const connections = new ConnectionsPage(page)

  await connections.add({
    name: 'source-dc1',
    address: env.source.httpAddr,
    token: env.source.token,
    environment: 'staging',
    colour: 'orange',
  })
  await connections.add({
    name: 'restore-target',
    address: env.target.httpAddr,
    token: env.target.token,
    environment: 'development',
    colour: 'green',
  })
  const result = await connections.test('source-dc1')

  await expect(result).toHaveAttribute('data-state', 'passed')
  await expect(result.getByTestId('test-version')).toHaveText('1.14.8')
  await expect(result.getByTestId('test-datacenter')).toHaveText(env.source.datacenter)
  await expect(result.getByTestId('can-snapshot')).toHaveAttribute('data-answer', 'yes')
  await expect(connections.card('source-dc1')).not.toContainText(env.source.token)
  await app.capture('connections')

  // Ctrl+N mirrors the menu's New Profile.
  await page.keyboard.press('Control+n')
  await expect(page.getByTestId('profile-form')).toBeVisible()
  await connections.fill({
    name: 'prod-east',
    address: 'https://consul.prod-east.example:8501',
    environment: 'production',
    colour: 'red',
  })
  await app.capture('profile-form')
  await page.getByRole('button', { name: 'Cancel' }).click()
})

test('saves a snapshot of the source cluster and shows where it went', async () => {
  await app.go('save')
  const save = new SavePage(page)

  await save.choose('source-dc1')
  await save.setFolder(env.saveDir)
  await app.capture('save-options')
  await save.start()
  savedPath = await save.savedPath('source-dc1')

  expect(savedPath.startsWith(env.saveDir)).toBe(true)
  await expect(save.result('source-dc1').getByTestId('save-result-index')).not.toHaveText('0')
  await app.capture('save-result')
})

test('opens the saved snapshot in Inspect: summary, record types and a known key', async () => {
  await page.getByTestId('open-in-inspect').click()
  const inspect = new InspectPage(page)

  // The sample opened earlier stays on screen, summary and contents ready, while this one is read.
  await inspect.waitForSummary(savedPath)
  await expect(inspect.integrity).toHaveAttribute('data-verified', 'true')
  await expect(inspect.typeRow('KVS')).toBeVisible()
  await expect(inspect.typeRow('Register')).toBeVisible()
  await expect(inspect.typeRow('ACLToken')).toBeVisible()
  await inspect.waitForContents(savedPath)
  const value = await inspect.openKey(env.knownKey.key)

  await expect(value).toContainText('"image": "web:1.4.2"')
  await page.evaluate(() => window.scrollTo(0, 0))
  await app.capture('inspect')
  await page.getByTestId('content-browser').scrollIntoViewIfNeeded()
  await app.capture('inspect-contents')
})

test('keeps ACL secrets masked until one is revealed', async () => {
  const inspect = new InspectPage(page)
  await page.getByLabel('Search keys and names').fill('')
  await inspect.showTab(/^ACL tokens/)
  const tokens = page.getByTestId('records-acl-tokens')
  await expect(tokens).toBeVisible()

  await expect(tokens).not.toContainText(env.source.token)
  await app.capture('inspect-acl-tokens')
  const masked = tokens
    .locator('li')
    .filter({ has: page.getByRole('button', { name: /Reveal/ }) })
    .first()
  const card = tokens.locator(`li[data-record-id="${await masked.getAttribute('data-record-id')}"]`)
  await card
    .getByRole('button', { name: /Reveal/ })
    .first()
    .click()
  await expect(card.getByTestId('secret-value')).toBeVisible()
  await expect(card.getByTestId('secret-value')).not.toHaveText('')
})

test('restores the snapshot into a second cluster only after the typed confirmation', async () => {
  await app.go('restore')
  const restore = new RestorePage(page)

  await restore.chooseHostFile(savedPath)
  await restore.toTarget()
  const preflight = await restore.chooseTarget('restore-target')
  await expect(preflight).toHaveAttribute('data-blocked', 'false')
  await app.capture('restore-preflight')
  await restore.toConfirm()
  await expect(restore.safetySnapshot).toBeChecked()
  const safetyFolder = (await restore.safetyFolder.textContent()) ?? ''
  expect(safetyFolder).not.toBe('')
  await restore.typeConfirmation('restore-targe')
  await expect(restore.startButton).toBeDisabled()
  await restore.typeConfirmation('restore-target')
  await expect(restore.startButton).toBeEnabled()
  await app.capture('restore-confirm')
  const done = await restore.start()

  await expect(done).toHaveAttribute('data-healthy', 'true')
  await expect(done.getByTestId('safety-snapshot-path')).toContainText('.snap')
  // Written where the confirmation said it would be.
  await expect(done.getByTestId('safety-snapshot-path')).toContainText(safetyFolder)
  await app.capture('restore-done')
})

test('the target cluster now holds the source cluster’s data', async () => {
  const response = await fetch(`${env.target.httpAddr}/v1/kv/${env.knownKey.key}?raw`, {
    headers: { 'X-Consul-Token': env.target.token },
  })

  expect(response.status).toBe(200)
  expect(await response.text()).toBe(env.knownKey.value)
})

test('nothing on any screen was blocked by the strict Content Security Policy', () => {
  expect(app.cspViolations).toEqual([])
})

test('the dark theme follows the system', async () => {
  await page.emulateMedia({ colorScheme: 'dark' })
  await app.go('inspect')
  await new InspectPage(page).waitForSummary()
  await app.capture('inspect-dark')
  await app.go('profiles')
  await app.capture('connections-dark')
  await page.emulateMedia({ colorScheme: 'light' })
})
