import { expect, test } from '@playwright/test'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { InspectPage } from './pages/inspect-page'
import { StudioApp } from './pages/studio-app'
import { e2eEnvironment } from './support/e2e-environment'

const env = e2eEnvironment()
const token = /#token=([\w-]+)/.exec(env.url)?.[1] ?? ''

/**
 * Another web server on this machine (any local dev server or a hostile one): browsers treat
 * every port of 127.0.0.1 as the same site for cookies, so whatever the app's page leaves in a
 * cookie reaches it. It records what each request showed it.
 */
function startOtherLocalServer(): Promise<{
  server: Server
  port: number
  seen: IncomingHttpHeaders[]
  urls: string[]
}> {
  const seen: IncomingHttpHeaders[] = []
  const urls: string[] = []
  const server = createServer((request, response) => {
    seen.push(request.headers)
    urls.push(request.url ?? '')
    response.setHeader('Content-Type', 'text/html; charset=utf-8')
    response.end(
      request.url === '/'
        ? '<!doctype html><title>another local server</title><img src="/pixel.png"><p id="loaded">here</p>'
        : '',
    )
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port, seen, urls }),
    ),
  )
}

test('the access token reaches no other local server: no cookie, no header, no query', async ({ page }) => {
  expect(token).not.toBe('')
  const other = await startOtherLocalServer()
  try {
    const app = new StudioApp(page)
    await app.open(env.url)
    // Use the API both ways the page does: the socket (ready state) and an upload.
    await app.go('inspect')
    await new InspectPage(page).upload(
      path.resolve(__dirname, '..', '..', 'resources', 'sample', 'sample.snap'),
    )
    await expect(page.getByTestId('snapshot-summary')).toBeVisible()

    // The address bar, the page's cookies and its history no longer show the token.
    expect(page.url()).not.toContain(token)
    expect(await page.evaluate(() => document.cookie)).toBe('')

    await page.goto(`http://127.0.0.1:${other.port}/`)
    await expect(page.locator('#loaded')).toBeVisible()
    await expect.poll(() => other.urls).toContain('/pixel.png')

    for (const [index, headers] of other.seen.entries()) {
      expect(headers.cookie, `request ${other.urls[index]}`).toBeUndefined()
      expect(headers.authorization, `request ${other.urls[index]}`).toBeUndefined()
      expect(JSON.stringify(headers)).not.toContain(token)
    }
    for (const url of other.urls) expect(url).not.toContain(token)
  } finally {
    await new Promise((done) => other.server.close(done))
  }
})
