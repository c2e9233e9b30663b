/**
 * The app's one Content-Security-Policy. Scripts, styles, fonts and images come only from the
 * app itself (no inline code, no remote anything); no plugins, no <base>, no forms, no framing.
 *
 * - Desktop: the page is a file:// URL, which gets no response headers, so the build writes
 *   this policy into out/renderer/index.html as a meta tag (electron.vite.config.ts calls
 *   `withContentSecurityPolicyMeta`). The session also sends it as a header for http(s) pages
 *   (the dev server). It allows no WebSocket: the desktop talks over IPC.
 * - Browser mode: the web host sends the same policy as a header, plus the one thing the page
 *   needs there, its own WebSocket (`ws://127.0.0.1:PORT`), and serves the page without the
 *   meta tag (`withoutContentSecurityPolicyMeta`) so that one policy applies.
 * What each directive stops is in docs/threat-model.md ("Desktop shell").
 */
type Directive = readonly [name: string, ...sources: string[]]

const appPolicy: readonly Directive[] = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  // React writes style attributes through the DOM (allowed); no inline <style> or style="".
  ['style-src', "'self'"],
  ['img-src', "'self'", 'data:'],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
]

/** Browsers ignore these in a meta tag (and say so in the console). */
const headerOnly = new Set(['frame-ancestors', 'report-uri', 'sandbox'])

function serialise(directives: readonly Directive[]): string {
  return directives.map((directive) => directive.join(' ')).join('; ')
}

export function desktopContentSecurityPolicy(): string {
  return serialise(appPolicy)
}

export function browserContentSecurityPolicy(port: number): string {
  return serialise(
    appPolicy.map((directive) =>
      directive[0] === 'connect-src'
        ? [...directive, `ws://127.0.0.1:${port}`, `ws://localhost:${port}`]
        : directive,
    ),
  )
}

/** The meta tag the build writes into the page: the desktop policy, minus header-only directives. */
export function contentSecurityPolicyMeta(): string {
  const policy = serialise(appPolicy.filter(([name]) => !headerOnly.has(name)))
  return `<meta http-equiv="Content-Security-Policy" content="${policy}" />`
}

const anyPolicyMeta = /<meta\s+http-equiv=["']?content-security-policy/i

/**
 * Writes the meta tag first in <head>, before any script or stylesheet it must govern. A page
 * that already carries a policy is refused: the policy is defined here only.
 */
export function withContentSecurityPolicyMeta(html: string): string {
  if (anyPolicyMeta.test(html)) {
    throw new Error(
      'index.html carries its own Content-Security-Policy meta tag; the policy is defined in src/main/transport/content-security-policy.ts only.',
    )
  }
  const head = /<head[^>]*>/i.exec(html)
  if (head === null) throw new Error('index.html has no <head> to put the Content-Security-Policy in.')
  const at = head.index + head[0].length
  return `${html.slice(0, at)}\n    ${contentSecurityPolicyMeta()}${html.slice(at)}`
}

/** Browser mode's page: the header carries the policy (with the page's WebSocket) instead. */
export function withoutContentSecurityPolicyMeta(html: string): string {
  return html.replace(`\n    ${contentSecurityPolicyMeta()}`, '').replace(contentSecurityPolicyMeta(), '')
}
