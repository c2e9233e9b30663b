import { describe, expect, it } from 'vitest'
import { createAppUrlCheck } from '../../../src/main/transport/app-url'
import { desktopContentSecurityPolicy } from '../../../src/main/transport/content-security-policy'
import {
  guardWebContents,
  hardenSession,
  installWebContentsGuard,
} from '../../../src/main/transport/electron-security'
import { FakeApp, FakeSession, FakeWebContents } from './fake-electron'

const appUrls = createAppUrlCheck('/app/out/renderer/index.html', null)

function navigationEvent(url: string) {
  return {
    url,
    prevented: false,
    preventDefault() {
      this.prevented = true
    },
  }
}

function guarded() {
  const contents = new FakeWebContents()
  const opened: string[] = []
  guardWebContents(contents as never, {
    isAppUrl: appUrls.isAppUrl,
    openExternal: async (url) => void opened.push(url),
  })
  return { contents, opened }
}

describe('the web-contents guard', () => {
  it('is installed for every web contents the app creates', () => {
    const app = new FakeApp()
    installWebContentsGuard(app as never, { isAppUrl: appUrls.isAppUrl, openExternal: async () => undefined })
    const contents = new FakeWebContents()

    app.emit('web-contents-created', {}, contents)

    expect(contents.windowOpenHandler).not.toBeNull()
  })

  it('stops a page from navigating the window to another site', () => {
    const { contents } = guarded()
    const attack = navigationEvent('https://evil.example/phish')

    contents.emit('will-navigate', attack, attack.url)

    expect(attack.prevented).toBe(true)
  })

  it('stops navigation to another local file, to javascript: and to data: URLs', () => {
    const { contents } = guarded()
    const attempts = [
      'file:///etc/passwd',
      'file:///app/out/renderer/other.html',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
    ].map(navigationEvent)

    for (const attempt of attempts) contents.emit('will-navigate', attempt, attempt.url)

    expect(attempts.map((attempt) => attempt.prevented)).toEqual([true, true, true, true])
  })

  it('stops redirects and frame navigations away from the app too', () => {
    const { contents } = guarded()
    const redirect = navigationEvent('https://evil.example/')
    const frame = navigationEvent('https://evil.example/frame')

    contents.emit('will-redirect', redirect, redirect.url)
    contents.emit('will-frame-navigate', frame)

    expect(redirect.prevented).toBe(true)
    expect(frame.prevented).toBe(true)
  })

  it('lets the app reload its own page', () => {
    const { contents } = guarded()
    const reload = navigationEvent('file:///app/out/renderer/index.html#/inspect')

    contents.emit('will-navigate', reload, reload.url)

    expect(reload.prevented).toBe(false)
  })

  it('denies every new window, handing allowed links to the checked opener', () => {
    const { contents, opened } = guarded()

    const popup = contents.windowOpenHandler?.({ url: 'https://evil.example/' })
    const docs = contents.windowOpenHandler?.({ url: 'https://developer.hashicorp.com/consul' })

    expect(popup).toEqual({ action: 'deny' })
    expect(docs).toEqual({ action: 'deny' })
    expect(opened).toEqual(['https://evil.example/', 'https://developer.hashicorp.com/consul'])
  })

  it('refuses to attach a <webview>', () => {
    const { contents } = guarded()
    const attach = navigationEvent('')

    contents.emit('will-attach-webview', attach, {}, {})

    expect(attach.prevented).toBe(true)
  })
})

describe('the hardened session', () => {
  it('denies every permission request (camera, geolocation, notifications, ...)', () => {
    const session = new FakeSession()
    hardenSession(session as never, {
      contentSecurityPolicy: desktopContentSecurityPolicy(),
      isAppUrl: appUrls.isAppUrl,
    })
    const answers: boolean[] = []

    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read']) {
      session.permissionRequestHandler?.({}, permission, (granted: boolean) => answers.push(granted))
    }

    expect(answers).toEqual([false, false, false, false, false])
  })

  it('answers permission checks with no, except clipboard writes from the app itself', () => {
    const session = new FakeSession()
    hardenSession(session as never, {
      contentSecurityPolicy: desktopContentSecurityPolicy(),
      isAppUrl: appUrls.isAppUrl,
    })

    expect(session.permissionCheckHandler?.({}, 'media', 'file:///app/out/renderer/index.html')).toBe(false)
    expect(session.permissionCheckHandler?.({}, 'clipboard-sanitized-write', 'https://evil.example')).toBe(
      false,
    )
    expect(
      session.permissionCheckHandler?.(
        {},
        'clipboard-sanitized-write',
        'file:///app/out/renderer/index.html',
      ),
    ).toBe(true)
  })

  it('adds the strict Content-Security-Policy to every response', () => {
    const session = new FakeSession()
    hardenSession(session as never, {
      contentSecurityPolicy: desktopContentSecurityPolicy(),
      isAppUrl: appUrls.isAppUrl,
    })
    let headers: Record<string, string[]> = {}

    session.headersListener?.(
      { responseHeaders: { 'X-Other': ['1'] } },
      (response: { responseHeaders: Record<string, string[]> }) => (headers = response.responseHeaders),
    )

    const csp = headers['Content-Security-Policy']?.[0] ?? ''
    expect(headers['X-Other']).toEqual(['1'])
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(directive)
    }
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).not.toContain('ws:')
  })
})
