// Browser mode serves the built page (the desktop's, with its CSP meta tag) under its own header
// policy: the meta tag is taken out so that the one policy that applies is the header's, which
// adds the page's WebSocket to the desktop policy and nothing else.
import { mkdtemp, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers } from '../../../src/main/api/create-handlers'
import { createDispatcher } from '../../../src/main/api/dispatcher'
import { createUploadStore } from '../../../src/main/host/upload-store'
import {
  browserContentSecurityPolicy,
  contentSecurityPolicyMeta,
} from '../../../src/main/transport/content-security-policy'
import { startWebHost, type WebHost } from '../../../src/main/transport/web-host'
import { ensureFreshBuild, repositoryRoot } from '../build/ensure-fresh-build'
import { createFakeHostServices } from '../api/fake-host-services'

const TOKEN = 'csp-spec-token'

function getPage(port: number): Promise<{ status: number; csp: unknown; body: string }> {
  return new Promise((resolve, reject) => {
    request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}` },
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            csp: response.headers['content-security-policy'],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
      },
    )
      .on('error', reject)
      .end()
  })
}

describe('browser mode’s Content-Security-Policy', () => {
  let folder: string
  let host: WebHost
  beforeAll(async () => {
    ensureFreshBuild()
    folder = await mkdtemp(join(tmpdir(), 'web-host-csp-'))
    host = await startWebHost({
      dispatcher: createDispatcher({ host: 'browser', handlers: createHandlers(createFakeHostServices()) }),
      rendererDir: join(repositoryRoot, 'out', 'renderer'),
      uploads: createUploadStore(join(folder, 'uploads')),
      token: TOKEN,
    })
  }, 300_000)
  afterAll(async () => {
    await host.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('sends the page under the header policy only, with its own WebSocket', async () => {
    const page = await getPage(host.port)

    expect(page.status).toBe(200)
    expect(page.csp).toBe(browserContentSecurityPolicy(host.port))
    expect(page.body).not.toContain(contentSecurityPolicyMeta())
    expect(page.body).not.toMatch(/http-equiv="Content-Security-Policy"/i)
    expect(page.body).toContain('<script type="module"')
  })
})
