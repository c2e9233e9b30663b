// An address that answers HTTP but is not a Consul agent (a dashboard, a proxy's default site, a
// development server on the wrong port): every command says the address does not look like a
// Consul HTTP API and names the ports to try, and never echoes the page it received.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli/run-cli'
import { AppError } from '../../src/shared/app-error'
import { testConnection } from '../../src/main/services/consul'

const PAGE_MARKER = 'Welcome to the team dashboard'
const page = (title: string) =>
  `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${PAGE_MARKER}</h1>${'<p>filler</p>'.repeat(400)}</body></html>`

/** A plain web server: 404 pages for unknown paths, or a 200 page for every path (a single-page app). */
async function startWebServer(
  kind: 'not-found' | 'every-path',
): Promise<{ address: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(kind === 'not-found' ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' })
    response.end(page(kind === 'not-found' ? '404 Not Found' : 'Dashboard'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

async function cli(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: {
      write: (s: string | Uint8Array) => (stdout += typeof s === 'string' ? s : Buffer.from(s).toString()),
    },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd,
  })
  return { code, stdout, stderr }
}

describe.each(['not-found', 'every-path'] as const)(
  'an address served by a plain web server (%s)',
  (kind) => {
    let web: { address: string; server: Server }
    let folder: string

    beforeAll(async () => {
      web = await startWebServer(kind)
      folder = await mkdtemp(join(tmpdir(), 'not-consul-'))
    })
    afterAll(async () => {
      await new Promise((resolve) => web.server.close(resolve))
      await rm(folder, { recursive: true, force: true })
    })

    it('fails the connection test saying the address is not a Consul HTTP API, with the port to try', async () => {
      const failure = await testConnection({
        name: 'web',
        settings: { address: web.address, useTls: false, tls: { insecureSkipVerify: false } },
      }).then(
        () => null,
        (error: unknown) => error,
      )

      expect(failure).toBeInstanceOf(AppError)
      const error = failure as AppError
      expect(error.message).toContain('does not look like a Consul HTTP API')
      expect(error.hint).toMatch(/8500/)
      expect(JSON.stringify(error.toPayload())).not.toContain(PAGE_MARKER)
    })

    it('makes `status` and `save` print one line that says so, without the page, and keep no file', async () => {
      for (const argv of [
        ['status', '-http-addr', web.address],
        ['save', '-http-addr', web.address, join(folder, 'backup.snap')],
      ]) {
        const run = await cli(argv, folder)

        expect(run.code).toBe(1)
        expect(run.stderr).toContain('does not look like a Consul HTTP API')
        expect(run.stderr).toMatch(/8500/)
        expect(run.stderr).not.toContain(PAGE_MARKER)
        expect(run.stderr).not.toMatch(/<html|<!doctype/i)
      }
      expect(await readdir(folder)).toEqual([])
    })
  },
)
