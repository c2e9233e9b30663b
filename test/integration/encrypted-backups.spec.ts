// Encrypted backups (.snap.age) against a real Consul: the agent stores only the age file, which
// Debian's age decrypts into a snapshot Consul accepts; restore opens an age file with its
// identity; and a ciphertext with one flipped byte is refused before anything reaches the
// cluster (its KV stays exactly as it was, no decrypted copy is left behind).
import { execFileSync } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli/run-cli'
import { runConsul, startConsulAgent, type ConsulAgent } from '../support/consul-agent'

let consul: ConsulAgent
let dir: string
let recipient: string

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: { write: (s: string | Uint8Array) => (stdout += Buffer.from(s).toString('utf8')) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { CONSUL_HTTP_ADDR: consul.httpAddr, CONSUL_HTTP_TOKEN: consul.token },
    cwd: dir,
  })
  return { code, stdout, stderr }
}

async function kv(key: string, value?: string): Promise<string | null> {
  const url = `${consul.httpAddr}/v1/kv/${key}${value === undefined ? '?raw' : ''}`
  const res = await fetch(url, {
    method: value === undefined ? 'GET' : 'PUT',
    headers: { 'X-Consul-Token': consul.token },
    body: value,
  })
  if (res.status === 404) return null
  expect(res.status).toBe(200)
  return value === undefined ? await res.text() : value
}

const decryptedCopies = async () =>
  (await readdir(tmpdir())).filter((name) => name.startsWith('snapshot-studio-decrypted-')).length

beforeAll(async () => {
  consul = await startConsulAgent()
  dir = await mkdtemp(join(tmpdir(), 'ss-encrypted-it-'))
  execFileSync('age-keygen', ['-o', join(dir, 'key.txt')], { stdio: 'ignore' })
  recipient = execFileSync('age-keygen', ['-y', join(dir, 'key.txt')], { encoding: 'utf8' }).trim()
})
afterAll(async () => {
  await consul?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('encrypted backups with a real Consul', () => {
  let backup: string

  it('the agent stores only consul-<ID>.snap.age; age -d gives a snapshot Consul accepts', async () => {
    await kv('app/config', 'v1')
    const run = await cli('agent', '-once', '-local-path', 'backups', '-encrypt-recipient', recipient)
    expect(run.code).toBe(0)
    const names = await readdir(join(dir, 'backups'))
    const [name] = names.filter((n) => n.endsWith('.age'))
    expect(name).toMatch(/^consul-\d+\.snap\.age$/)
    expect(names.filter((n) => n.endsWith('.snap'))).toEqual([])
    backup = join(dir, 'backups', name as string)
    const plain = join(dir, 'decrypted.snap')
    execFileSync('age', ['-d', '-i', join(dir, 'key.txt'), '-o', plain, backup])
    expect((await runConsul(['snapshot', 'inspect', plain])).code).toBe(0)
    expect(await cli('inspect', '-identity', 'key.txt', backup)).toEqual(await cli('inspect', plain))
  })

  it('a flipped byte in the ciphertext is refused before the cluster sees anything', async () => {
    await kv('app/config', 'v2')
    const bytes = await readFile(backup)
    const middle = Math.floor(bytes.length / 2)
    bytes[middle] = (bytes[middle] as number) ^ 0x01
    await writeFile(join(dir, 'tampered.snap.age'), bytes)
    const copiesBefore = await decryptedCopies()

    const run = await cli(
      'restore',
      '-yes',
      '-safety-snapshot=false',
      '-identity',
      'key.txt',
      'tampered.snap.age',
    )

    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/tampered\.snap\.age is damaged or was tampered with/)
    expect(run.stdout).not.toMatch(/Target:|Restored/)
    expect(await kv('app/config')).toBe('v2')
    expect(await decryptedCopies()).toBe(copiesBefore)
  })

  it('a wrong identity is refused the same way', async () => {
    execFileSync('age-keygen', ['-o', join(dir, 'other.txt')], { stdio: 'ignore' })
    const run = await cli('restore', '-yes', '-safety-snapshot=false', '-identity', 'other.txt', backup)
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/None of the given keys opens/)
    expect(await kv('app/config')).toBe('v2')
  })

  it('the intact file restores with its identity, and its decrypted copy is removed', async () => {
    const copiesBefore = await decryptedCopies()
    const run = await cli('restore', '-yes', '-safety-snapshot=false', '-identity', 'key.txt', backup)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/File: {3}.*\.snap\.age \(decrypted\)/)
    expect(run.stdout).toMatch(/Restored snapshot/)
    expect(await kv('app/config')).toBe('v1')
    expect(await decryptedCopies()).toBe(copiesBefore)
  })
})
