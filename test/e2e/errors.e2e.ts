import { expect, test } from '@playwright/test'
import { ConnectionsPage } from './pages/connections-page'
import { InspectPage } from './pages/inspect-page'
import { StudioApp } from './pages/studio-app'
import { e2eEnvironment } from './support/e2e-environment'

const env = e2eEnvironment()

test.describe('errors reach the operator in the error center, with what to do', () => {
  test('a corrupt file dropped on the window is refused with the reason', async ({ page }) => {
    const app = new StudioApp(page)
    await app.open(env.url)
    await app.go('inspect')
    const inspect = new InspectPage(page)

    await inspect.drop('corrupt.snap', Buffer.from('this is not a consul snapshot, just text'))

    const error = await app.latestError()
    expect(error.code).toBe('SNAPSHOT_NOT_GZIP')
    expect(error.text).toContain('What to do')
    await expect(page.getByRole('alert')).toContainText('corrupt.snap')
    await app.capture('error-corrupt-file')
  })

  test('a corrupt file dropped while another is open leaves that one open and says why beside it', async ({
    page,
  }) => {
    const app = new StudioApp(page)
    await app.open(env.url)
    await app.go('inspect')
    const inspect = new InspectPage(page)
    await inspect.openSample()
    await inspect.waitForSummary()
    const id = await inspect.summaryValue('id').textContent()

    await inspect.drop('corrupt.snap', Buffer.from('this is not a consul snapshot, just text'))

    await expect(inspect.openError).toContainText('corrupt.snap could not be opened')
    await expect(inspect.screen).toHaveAttribute('data-state', 'ready')
    await expect(inspect.summaryValue('id')).toHaveText(id ?? '')
  })

  test('a wrong token gets the ACL message', async ({ page }) => {
    const app = new StudioApp(page)
    await app.open(env.url)
    const connections = new ConnectionsPage(page)
    await connections.add({
      name: 'wrong-token',
      address: env.source.httpAddr,
      token: '00000000-0000-4000-8000-000000000000',
      environment: 'staging',
      colour: 'orange',
    })

    const result = await connections.test('wrong-token')

    // The leader answers without a token; everything the token guards is refused.
    await expect(result.getByTestId('can-snapshot')).not.toHaveAttribute('data-answer', 'yes')
    const error = await app.latestError()
    expect(error.code).toBe('CONSUL_ACL_DENIED')
    expect(error.text).toContain('What to do')
    await app.capture('error-wrong-token')
  })
})
