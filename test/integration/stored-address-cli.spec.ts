// The command line reads backups where they are stored: `inspect`, `kv-export`, `verify` and
// `restore` take s3://BUCKET/KEY (with the agent's -aws-* flags) wherever they take a file,
// against a real S3 server (versitygw) and a real Consul. Inspect and kv-export stream and print
// exactly what they print for a local copy; restore downloads into a private file, verified,
// and removes it on every path; a damaged or tampered backup is refused before the cluster.
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { generateIdentity } from 'age-encryption'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recipientOf } from '../../src/main/services/encryption/age-keys'
import { encryptStream } from '../../src/main/services/encryption/age-stream'
import { runConsul, startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { startS3Server, type S3TestServer } from '../support/s3-server'
import { cliScript } from '../support/snapshot-agent-process'

interface Run {
  code: number | null
  stdout: Buffer
  stderr: string
}

describe('stored backups on the command line (s3://)', { timeout: 120_000 }, () => {
  let consul: ConsulAgent
  let s3: S3TestServer
  let root: string
  let scratch: string
  let admin: S3Client
  let local: string
  let identityFile: string
  let storeFlags: string[]

  function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
    return new Promise((done) => {
      const child = spawn(process.execPath, [cliScript, ...args], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: root, TMPDIR: scratch, ...env },
      })
      const out: Buffer[] = []
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      child.on('close', (code) => done({ code, stdout: Buffer.concat(out), stderr }))
    })
  }
  const put = (key: string, body: Buffer) =>
    admin.send(new PutObjectCommand({ Bucket: 'backups', Key: key, Body: body }))
  const kv = async (key: string, body?: string) =>
    (
      await fetch(`${consul.httpAddr}/v1/kv/${key}${body === undefined ? '?raw' : ''}`, {
        method: body === undefined ? 'GET' : 'PUT',
        headers: { 'X-Consul-Token': consul.token },
        body,
      })
    ).text()
  const connection = () => ['-http-addr', consul.httpAddr, '-token', consul.token]

  beforeAll(async () => {
    ;[consul, s3] = await Promise.all([startConsulAgent(), startS3Server()])
    await s3.createBucket('backups')
    admin = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    })
    root = await mkdtemp(join(tmpdir(), 'ss-stored-cli-'))
    scratch = join(root, 'tmp')
    await mkdir(scratch)
    storeFlags = [
      '-aws-s3-endpoint',
      s3.endpoint,
      '-aws-s3-force-path-style',
      '-aws-s3-region',
      s3.region,
      '-aws-access-key-id',
      s3.accessKeyId,
      '-aws-secret-access-key',
      s3.secretAccessKey,
    ]

    await kv('app/colour', 'blue')
    await kv('app/size', 'large')
    local = join(root, 'local.snap')
    const saved = await runConsul([
      'snapshot',
      'save',
      '-http-addr',
      consul.httpAddr,
      '-token',
      consul.token,
      local,
    ])
    expect(saved.code).toBe(0)
    const bytes = await readFile(local)
    await put('dc1/consul-1.snap', bytes)

    const identity = await generateIdentity()
    identityFile = join(root, 'identity.txt')
    await writeFile(identityFile, `${identity}\n`, { mode: 0o600 })
    const cipher: Buffer[] = []
    for await (const chunk of await encryptStream(Readable.from([bytes]), {
      kind: 'recipients',
      recipients: [await recipientOf(identity)],
    }))
      cipher.push(Buffer.from(chunk as Uint8Array))
    const encrypted = Buffer.concat(cipher)
    await put('dc1/consul-2.snap.age', encrypted)
    const tampered = Buffer.from(encrypted)
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 30) ^ 0x01, tampered.length - 30)
    await put('tampered/consul-3.snap.age', tampered)
    await put('cut/consul-4.snap', bytes.subarray(0, Math.floor(bytes.length / 2)))
  })

  afterAll(async () => {
    admin?.destroy()
    await Promise.all([consul?.stop(), s3?.stop()])
    if (root) await rm(root, { recursive: true, force: true })
  })

  it('inspect streams a stored backup and prints exactly what it prints for a local copy', async () => {
    for (const format of [[], ['-format', 'json']]) {
      const args = [...format, '-kvdetails', '-kvdepth', '1']
      const stored = await cli(['inspect', ...storeFlags, ...args, 's3://backups/dc1/consul-1.snap'])
      const copy = await cli(['inspect', ...args, local])
      expect(stored.stderr).toBe('')
      expect(stored.code).toBe(0)
      expect(stored.stdout.toString()).toBe(copy.stdout.toString())
    }
    const encrypted = await cli([
      'inspect',
      ...storeFlags,
      '-identity',
      identityFile,
      's3://backups/dc1/consul-2.snap.age',
    ])
    expect(encrypted.stdout.toString()).toBe((await cli(['inspect', local])).stdout.toString())
    expect(await readdir(scratch)).toEqual([])
  })

  it('kv-export streams a stored backup and prints what consul kv export would', async () => {
    const stored = await cli([
      'kv-export',
      ...storeFlags,
      '-prefix',
      'app/',
      's3://backups/dc1/consul-1.snap',
    ])
    const copy = await cli(['kv-export', '-prefix', 'app/', local])
    expect(stored.code).toBe(0)
    expect(stored.stdout.toString()).toBe(copy.stdout.toString())
    expect(JSON.parse(stored.stdout.toString())).toEqual([
      { key: 'app/colour', flags: 0, value: Buffer.from('blue').toString('base64') },
      { key: 'app/size', flags: 0, value: Buffer.from('large').toString('base64') },
    ])
  })

  it('verify decrypts encrypted backups as they stream and names the damaged ones', async () => {
    const sound = await cli(['verify', ...storeFlags, '-identity', identityFile, 's3://backups/dc1/'])
    expect(sound.stdout.toString()).toMatch(/^ok +s3:\/\/backups\/dc1\/consul-1\.snap +index \d+$/m)
    expect(sound.stdout.toString()).toMatch(/^ok +s3:\/\/backups\/dc1\/consul-2\.snap\.age +index \d+$/m)
    expect(sound.code).toBe(0)

    const tampered = await cli(['verify', ...storeFlags, '-identity', identityFile, 's3://backups/tampered/'])
    expect(tampered.stdout.toString()).toMatch(
      /^DAMAGED +s3:\/\/backups\/tampered\/consul-3\.snap\.age +.*tampered/m,
    )
    expect(tampered.code).toBe(1)
  })

  it('verify prints a stored name with its control characters escaped, so a hostile store cannot drive the terminal', async () => {
    // The 8-bit CSI sequence that clears the screen, in an object's name (S3 listings are XML,
    // which can carry C1 controls but not ESC itself).
    await put('hostile/\u009b2Jconsul-5.snap', await readFile(local))
    const run = await cli(['verify', ...storeFlags, 's3://backups/hostile/'])
    const stdout = run.stdout.toString()
    // eslint-disable-next-line no-control-regex
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
    expect(stdout).toMatch(/^ok +s3:\/\/backups\/hostile\/\\x9b2Jconsul-5\.snap +index \d+$/m)
    expect(run.code).toBe(0)
  })

  it('restore downloads a stored backup into a private verified file, restores it, and removes the file', async () => {
    await kv('app/colour', 'red')

    const restored = await cli([
      'restore',
      ...connection(),
      ...storeFlags,
      '-identity',
      identityFile,
      '-yes',
      '-safety-snapshot=false',
      's3://backups/dc1/consul-2.snap.age',
    ])

    expect(restored.stderr).toBe('')
    expect(restored.stdout.toString()).toContain(
      'File:   s3://backups/dc1/consul-2.snap.age (downloaded, verified)',
    )
    expect(restored.stdout.toString()).toContain('Restored snapshot')
    expect(restored.code).toBe(0)
    expect(await kv('app/colour')).toBe('blue')
    expect(await readdir(scratch)).toEqual([])
  })

  it('restore refuses a damaged or tampered stored backup before the cluster, leaving nothing behind', async () => {
    await kv('app/colour', 'green')
    for (const address of ['s3://backups/cut/consul-4.snap', 's3://backups/tampered/consul-3.snap.age']) {
      const refused = await cli([
        'restore',
        ...connection(),
        ...storeFlags,
        '-identity',
        identityFile,
        '-yes',
        '-safety-snapshot=false',
        address,
      ])
      expect(refused.code).not.toBe(0)
      expect(refused.stderr).toMatch(/truncated|tampered|damaged/i)
      expect(refused.stdout.toString()).not.toContain('Restored snapshot')
      expect(await readdir(scratch)).toEqual([])
    }
    expect(await kv('app/colour')).toBe('green')
  })

  it('says plainly what is wrong with an address, a missing object and refused credentials', async () => {
    const folder = await cli(['inspect', ...storeFlags, 's3://backups/dc1/'])
    expect(folder.stderr).toContain('names a folder, not a backup')
    expect(folder.code).not.toBe(0)

    const missing = await cli(['inspect', ...storeFlags, 's3://backups/dc1/consul-9.snap'])
    expect(missing.stderr).toMatch(/consul-9\.snap/)
    expect(missing.stderr).not.toMatch(/\n\s+at /)
    expect(missing.code).not.toBe(0)

    const wrongKey = storeFlags.map((flag) => (flag === s3.secretAccessKey ? 'not-the-secret' : flag))
    const refused = await cli(['inspect', ...wrongKey, 's3://backups/dc1/consul-1.snap'])
    expect(refused.stderr).toMatch(/signature|credential|access/i)
    expect(refused.stderr).not.toContain('not-the-secret')
    expect(refused.code).not.toBe(0)
  })
})
