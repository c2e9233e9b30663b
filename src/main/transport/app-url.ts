/**
 * Which URLs are the app's own page: the built index.html as a file URL, or the dev server's
 * origin during development. IPC senders and navigations are checked against this.
 */
import { pathToFileURL } from 'node:url'

export interface AppUrlCheck {
  isAppUrl(url: string): boolean
}

export function createAppUrlCheck(rendererIndex: string, devServerUrl: string | null): AppUrlCheck {
  const indexUrl = pathToFileURL(rendererIndex)
  const devOrigin = devServerUrl === null ? null : new URL(devServerUrl).origin
  return {
    isAppUrl(raw) {
      let url: URL
      try {
        url = new URL(raw)
      } catch {
        return false
      }
      if (devOrigin !== null && url.origin === devOrigin) return true
      return url.protocol === 'file:' && url.host === indexUrl.host && url.pathname === indexUrl.pathname
    },
  }
}
