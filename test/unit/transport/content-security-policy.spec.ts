import { describe, expect, it } from 'vitest'
import {
  browserContentSecurityPolicy,
  contentSecurityPolicyMeta,
  desktopContentSecurityPolicy,
  withContentSecurityPolicyMeta,
  withoutContentSecurityPolicyMeta,
} from '../../../src/main/transport/content-security-policy'

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/)
      return [name, sources]
    }),
  )
}

describe('the Content-Security-Policy', () => {
  it('lets the desktop page load only its own files and open no socket', () => {
    const desktop = directives(desktopContentSecurityPolicy())

    expect(desktop.get('default-src')).toEqual(["'none'"])
    expect(desktop.get('script-src')).toEqual(["'self'"])
    expect(desktop.get('style-src')).toEqual(["'self'"])
    expect(desktop.get('connect-src')).toEqual(["'self'"])
    expect(desktop.get('object-src')).toEqual(["'none'"])
    expect(desktop.get('frame-ancestors')).toEqual(["'none'"])
    expect(desktopContentSecurityPolicy()).not.toMatch(/ws:|wss:|\*|unsafe/)
  })

  it("adds only the page's own WebSocket in browser mode", () => {
    const desktop = directives(desktopContentSecurityPolicy())
    const browser = directives(browserContentSecurityPolicy(4711))

    expect(browser.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:4711', 'ws://localhost:4711'])
    browser.delete('connect-src')
    desktop.delete('connect-src')
    expect(browser).toEqual(desktop)
  })

  it('leaves out of the meta tag what browsers ignore there', () => {
    const meta = contentSecurityPolicyMeta()
    const policy = /content="([^"]*)"/.exec(meta)?.[1] ?? ''

    expect(policy).not.toContain('frame-ancestors')
    expect(directives(policy)).toEqual(
      new Map([...directives(desktopContentSecurityPolicy())].filter(([name]) => name !== 'frame-ancestors')),
    )
  })

  it('puts the meta tag first in <head> and refuses a page that brings its own policy', () => {
    const page = '<!doctype html><html><head><script src="./a.js"></script></head><body></body></html>'

    const built = withContentSecurityPolicyMeta(page)

    expect(built.indexOf(contentSecurityPolicyMeta())).toBeGreaterThan(built.indexOf('<head>'))
    expect(built.indexOf(contentSecurityPolicyMeta())).toBeLessThan(built.indexOf('<script'))
    expect(() => withContentSecurityPolicyMeta(built)).toThrow(/defined in src\/main\/transport/)
    expect(() => withContentSecurityPolicyMeta('<p>no head</p>')).toThrow(/no <head>/)
  })

  it('takes the meta tag out again for browser mode, and nothing else', () => {
    const page = '<!doctype html><html><head>\n    <title>x</title></head></html>'

    expect(withoutContentSecurityPolicyMeta(withContentSecurityPolicyMeta(page))).toBe(page)
  })
})
