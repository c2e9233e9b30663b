/**
 * The one `web-contents-created` guard and session hardening. Whatever a page does (a link, a
 * script, a compromised dependency), no web contents may navigate away from the app, open a
 * window, attach a <webview> or be granted a permission; https links to allowlisted hosts go to
 * the system browser instead. See https://www.electronjs.org/docs/latest/tutorial/security.
 */
import type { App, Session, WebContents } from 'electron'

export interface GuardOptions {
  isAppUrl(url: string): boolean
  /** Checked opener (electron-open-external); refusals are swallowed here. */
  openExternal(url: string): Promise<void>
}

/** Permissions a page of ours may use without asking: writing text to the clipboard (copy buttons). */
const harmlessPermissions = new Set(['clipboard-sanitized-write'])

export function guardWebContents(contents: WebContents, options: GuardOptions): void {
  const blockForeign = (event: { preventDefault(): void; url?: string }, url?: string) => {
    const target = event.url ?? url ?? ''
    if (!options.isAppUrl(target)) event.preventDefault()
  }
  contents.on('will-navigate', blockForeign)
  contents.on('will-frame-navigate', blockForeign)
  contents.on('will-redirect', blockForeign)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    void options.openExternal(url).catch(() => undefined)
    return { action: 'deny' }
  })
}

export function installWebContentsGuard(app: Pick<App, 'on'>, options: GuardOptions): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, options))
}

export function hardenSession(
  session: Session,
  options: { contentSecurityPolicy: string; isAppUrl(url: string): boolean },
): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(
    (_contents, permission, requestingOrigin) =>
      harmlessPermissions.has(permission) && options.isAppUrl(requestingOrigin),
  )
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [options.contentSecurityPolicy],
      },
    })
  })
}
