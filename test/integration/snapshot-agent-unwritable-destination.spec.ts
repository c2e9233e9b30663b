// A destination that is full or read-only fails the agent's cycle with a clear error, exit 1, and
// leaves nothing behind: no partial file under any name in the destination, nothing in scratch.
// The small and read-only file systems are tmpfs mounts in a private mount namespace
// (`unshare -rm`), so no root is needed and nothing outlives the agent process.
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { populateBulkKv } from '../support/consul-populate'
import { cliScript } from '../support/snapshot-agent-process'

interface OneShot {
  code: number | null
  stderr: string
  /** What the destination held when the agent had exited, listed inside its namespace. */
  destination: string[]
}

/** `snapshot-studio agent -once` with its destination on a fresh tmpfs mounted with `mountOptions`. */
function oneShotOnTmpfs(mountOptions: string, dir: string, args: string[], env: Record<string, string>) {
  const listing = `${dir}.listing`
  const script =
    'mount -t tmpfs -o "$1" tmpfs "$2" || exit 97; shift 3; "$@"; code=$?; ls -A "$0" > "$0.listing"; exit $code'
  return new Promise<OneShot>((done, fail) => {
    const child = spawn(
      'unshare',
      [
        '-rm',
        'sh',
        '-c',
        script,
        dir,
        mountOptions,
        dir,
        '--',
        process.execPath,
        cliScript,
        'agent',
        ...args,
      ],
      { env: { PATH: process.env.PATH ?? '', ...env } },
    )
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', fail)
    child.on('close', (code) => {
      if (code === 97) {
        fail(new Error(`Could not mount a tmpfs in a user namespace: ${stderr}`))
        return
      }
      readFile(listing, 'utf8').then(
        (text) => done({ code, stderr, destination: text.split('\n').filter(Boolean) }),
        fail,
      )
    })
  })
}

describe('snapshot agent with a destination that cannot take the snapshot', () => {
  let consul: ConsulAgent
  let root: string
  let env: Record<string, string>

  beforeAll(async () => {
    consul = await startConsulAgent()
    // About 1 MB of random values: the snapshot cannot fit the 256 KiB destination below.
    await populateBulkKv(consul, { keys: 300, approxBytes: 1_000_000 })
    root = await mkdtemp(join(tmpdir(), 'ss-agent-unwritable-'))
    env = { CONSUL_HTTP_TOKEN: consul.token }
  })
  afterAll(async () => {
    await consul?.stop()
    await rm(root, { recursive: true, force: true })
  })

  async function folders(name: string) {
    const destination = join(root, name)
    const scratch = join(root, `${name}-scratch`)
    await mkdir(destination)
    await mkdir(scratch)
    const args = [
      '-http-addr',
      consul.httpAddr,
      '-local-path',
      destination,
      '-local-scratch-path',
      scratch,
      '-once',
    ]
    return { destination, scratch, args }
  }

  it('a full destination fails the cycle, names the cause and the fix, and leaves no partial file', async () => {
    const { destination, scratch, args } = await folders('full')

    const result = await oneShotOnTmpfs('size=256k', destination, args, env)

    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`The destination ${destination}`)
    expect(result.stderr).toContain('cannot be written (ENOSPC)')
    expect(result.stderr).toContain('Free some space in the destination')
    expect(result.stderr).not.toMatch(/Saved snapshot/)
    expect(result.destination).toEqual([])
    expect(await readdir(scratch)).toEqual([])
    expect(result.stderr).not.toContain(consul.token)
  })

  it('a read-only destination fails the cycle with the permission hint and writes nothing', async () => {
    const { destination, scratch, args } = await folders('read-only')

    const result = await oneShotOnTmpfs('ro,size=4m', destination, args, env)

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('cannot be written (EROFS)')
    expect(result.stderr).toContain('Give the agent write access to the folder')
    expect(result.destination).toEqual([])
    expect(await readdir(scratch)).toEqual([])
  })
})
