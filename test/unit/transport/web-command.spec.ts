import { mkdtemp, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { webCommand } from '../../../src/main/cli/commands/web'

function output() {
  let text = ''
  return {
    write: (chunk: string) => ((text += chunk), true),
    get text() {
      return text
    },
  }
}

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
      .on('error', reject)
      .end()
  })
}

describe('snapshot-studio web', () => {
  let folder: string

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'web-command-'))
  })

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  it('prints a loopback URL with a token, serves until stopped, then exits 0', async () => {
    const stdout = output()
    const stderr = output()
    const controller = new AbortController()

    const running = webCommand.run(['--no-open', '--data-dir', join(folder, 'data')], {
      stdout,
      stderr,
      env: { HOME: folder },
      cwd: folder,
      signal: controller.signal,
    })
    let url = ''
    for (
      const deadline = Date.now() + 15_000;
      url === '' && Date.now() < deadline;
      await new Promise((resolve) => setImmediate(resolve))
    ) {
      url = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/.exec(stdout.text)?.[0] ?? ''
    }
    const apiWithoutToken = await status(url.replace(/\/#.*/, '/api/upload'))
    controller.abort()

    expect(await running).toBe(0)
    expect(url).not.toBe('')
    expect(apiWithoutToken).toBe(401)
    expect(stdout.text).toContain(join(folder, 'data'))
  })

  it('refuses a port out of range and stray arguments with one error line', async () => {
    const stderr = output()
    const io = { stdout: output(), stderr, env: {}, cwd: folder }

    const badPort = await webCommand.run(['--port', '70000'], io)
    const stray = await webCommand.run(['extra'], io)

    expect([badPort, stray]).toEqual([1, 1])
    expect(stderr.text.split('\n').filter(Boolean)).toHaveLength(2)
    expect(stderr.text).toMatch(/^Error: /)
  })
})
