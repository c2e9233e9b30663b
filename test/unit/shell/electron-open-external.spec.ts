import { beforeEach, describe, expect, it } from 'vitest'
import { createExternalOpener } from '../../../src/main/transport/electron-open-external'
import { FakeShell } from './fake-electron'

const shell = new FakeShell()
const openExternalChecked = createExternalOpener(shell)
const openedExternally = shell.opened

describe('opening links outside the app', () => {
  beforeEach(() => {
    openedExternally.length = 0
  })

  it('opens https links to HashiCorp documentation', async () => {
    await openExternalChecked('https://developer.hashicorp.com/consul/commands/snapshot')

    expect(openedExternally).toEqual(['https://developer.hashicorp.com/consul/commands/snapshot'])
  })

  it.each([
    ['plain http', 'http://developer.hashicorp.com/consul'],
    ['a local file', 'file:///etc/passwd'],
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['a custom scheme handler', 'ms-msdt:/id PCWDiagnostic'],
    ['an unknown host', 'https://evil.example/'],
    ['a look-alike host', 'https://developer.hashicorp.com.evil.example/'],
    ['credentials in the URL', 'https://user:pass@developer.hashicorp.com/'],
    ['an explicit port', 'https://developer.hashicorp.com:8443/'],
    ['another GitHub repository', 'https://github.com/evil/repo'],
    ['text that is not a URL', 'not a url'],
  ])('refuses %s', async (_what, url) => {
    await expect(openExternalChecked(url)).rejects.toMatchObject({ code: 'URL_NOT_ALLOWED' })

    expect(openedExternally).toEqual([])
  })

  it('opens the Consul repository on GitHub', async () => {
    await openExternalChecked('https://github.com/hashicorp/consul/issues')

    expect(openedExternally).toEqual(['https://github.com/hashicorp/consul/issues'])
  })
})
