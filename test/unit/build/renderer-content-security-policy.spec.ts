// The built page (out/renderer/index.html) is what the desktop window loads from a file:// URL,
// where no header can carry a policy: the meta tag in it is the desktop's CSP.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  contentSecurityPolicyMeta,
  desktopContentSecurityPolicy,
} from '../../../src/main/transport/content-security-policy'
import { ensureFreshBuild, repositoryRoot } from './ensure-fresh-build'

describe('the built page’s Content-Security-Policy', () => {
  let page: string
  beforeAll(() => {
    ensureFreshBuild()
    page = readFileSync(join(repositoryRoot, 'out', 'renderer', 'index.html'), 'utf8')
  }, 300_000)

  it('is the one definition, written once, before anything it governs', () => {
    const metas = page.match(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/gi) ?? []

    expect(metas).toEqual([contentSecurityPolicyMeta()])
    const at = page.indexOf(contentSecurityPolicyMeta())
    for (const governed of ['<script', '<link rel="stylesheet"']) {
      expect(page.indexOf(governed)).toBeGreaterThan(at)
    }
  })

  it('allows no WebSocket and nothing remote on the desktop', () => {
    expect(page).not.toMatch(/ws:\/\/|wss:\/\/|https?:\/\//)
    expect(desktopContentSecurityPolicy()).not.toMatch(/ws:/)
  })

  it('is not written by hand in the source page', () => {
    const source = readFileSync(join(repositoryRoot, 'src', 'renderer', 'index.html'), 'utf8')

    expect(source).not.toMatch(/<meta\s+http-equiv="Content-Security-Policy"/i)
  })
})
