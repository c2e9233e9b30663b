/**
 * The Content-Security-Policy both hosts send with the renderer (the page also carries a meta
 * copy; both apply, so the stricter wins). Scripts come only from the app itself; no plugins, no <base>, no framing. Browser mode
 * adds the loopback socket to connect-src: the page talks to its host over ws://127.0.0.1
 * (the meta copy allows ws://127.0.0.1:* because one HTML file serves every port).
 */
const common = [
  "default-src 'self'",
  "script-src 'self'",
  // React writes style attributes through the DOM (allowed); no inline <style> or style="".
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
]

export function desktopContentSecurityPolicy(): string {
  return [...common, "connect-src 'self'"].join('; ')
}

export function browserContentSecurityPolicy(port: number): string {
  return [...common, `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`].join('; ')
}
