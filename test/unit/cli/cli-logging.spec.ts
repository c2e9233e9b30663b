import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/main/cli/run-cli'
import { buildSnapshot } from '../../support/snapshot-builder'

const dir = mkdtempSync(join(tmpdir(), 'cli-logging-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
writeFileSync(join(dir, 'ok.snap'), buildSnapshot())

const token = '3f9a6c1e-7b2d-4e8f-a5c0-9d1b2e4f6a8c'
const password = 'Tr0ub4dor-and-3'

async function run(argv: string[], env: Record<string, string> = {}) {
  const stdout: Buffer[] = []
  let stderr = ''
  const code = await runCli(argv, {
    stdout: { write: (chunk: string | Uint8Array) => stdout.push(Buffer.from(chunk)) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { HOME: dir, ...env },
    cwd: dir,
  })
  return { code, stdout: Buffer.concat(stdout), stderr }
}

describe('the command line log', () => {
  it('stays off unless asked: a good inspect writes nothing to stderr', async () => {
    const { code, stderr } = await run(['inspect', 'ok.snap'])

    expect(code).toBe(0)
    expect(stderr).toBe('')
  })

  it('goes to stderr when asked, by flag or by SNAPSHOT_STUDIO_LOG_LEVEL, and leaves stdout byte for byte', async () => {
    const quiet = await run(['inspect', '-kvdetails', 'ok.snap'])
    const byFlag = await run(['-log-level=debug', 'inspect', '-kvdetails', 'ok.snap'])
    const byVariable = await run(['inspect', '-kvdetails', 'ok.snap'], { SNAPSHOT_STUDIO_LOG_LEVEL: 'debug' })

    expect(byFlag.stdout.equals(quiet.stdout)).toBe(true)
    expect(byVariable.stdout.equals(quiet.stdout)).toBe(true)
    expect(byFlag.stderr).toMatch(/DEBUG \[inspect\] Command finished exitCode=0/)
    expect(byVariable.stderr).toMatch(/DEBUG \[inspect\] Command finished exitCode=0/)
  })

  it('refuses an unknown level with one error line', async () => {
    const { code, stderr } = await run(['--log-level', 'loud', 'inspect', 'ok.snap'])

    expect(code).toBe(1)
    expect(stderr).toMatch(
      /^Error: -log-level must be one of trace, debug, info, warn, error, silent; got "loud"\./,
    )
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1)
  })

  it.each([
    ['without a log', []],
    ['with the most detailed log', ['-log-level=trace']],
  ])(
    'never prints a password or token given on the command line, %s (an address with user:password@ was echoed)',
    async (_how, logFlags) => {
      const { code, stderr, stdout } = await run([
        ...logFlags,
        'status',
        '-http-addr',
        `http://admin:${password}@127.0.0.1:8500`,
        '-token',
        token,
      ])

      expect(code).toBe(1)
      expect(stderr).toContain('Error: The Consul address "http://[redacted]@127.0.0.1:8500"')
      expect(stderr + stdout.toString()).not.toContain(password)
      expect(stderr + stdout.toString()).not.toContain(token)
    },
  )

  it('logs the connection it resolved without its secrets', async () => {
    const { stderr } = await run(
      ['-log-level=debug', 'status', '-http-addr', '127.0.0.1:1', '-token', token],
      {
        CONSUL_HTTP_AUTH: `admin:${password}`,
      },
    )

    expect(stderr).toMatch(
      /DEBUG \[status\] Connection settings address=127\.0\.0\.1:1 .*tokenFrom=value basicAuth=true/,
    )
    expect(stderr).not.toContain(token)
    expect(stderr).not.toContain(password)
  })
})
