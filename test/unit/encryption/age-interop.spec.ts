import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/main/cli/run-cli'
import { IDENTITY_ENV } from '../../../src/main/services/encryption/age-keys'
import { encryptFile } from '../../../src/main/services/encryption/age-stream'
import { buildSnapshot } from '../../support/snapshot-builder'

// Our encrypted backups against Debian's `age` (1.1.x, /usr/bin/age), both ways: what the agent
// writes opens with `age -d -i`, and what `age -r`/`age -p` writes opens in our inspect and
// kv-export. age reads passphrases only from a terminal, so the passphrase cases run it under
// util-linux `script` (a pseudo-terminal) and answer its prompts as they appear.
const AGE = '/usr/bin/age'
const dir = mkdtempSync(join(tmpdir(), 'age-interop-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const at = (name: string) => join(dir, name)

const snapshot = buildSnapshot()
writeFileSync(at('plain.snap'), snapshot)
execFileSync('age-keygen', ['-o', at('key.txt')], { stdio: 'ignore' })
const recipient = execFileSync('age-keygen', ['-y', at('key.txt')], { encoding: 'utf8' }).trim()
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', at('id_ed25519')])
execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', at('id_rsa')])
const PASSPHRASE = 'sleet-orchard-copper-violin'
writeFileSync(at('passphrase.txt'), `${PASSPHRASE}\n`)
execFileSync(AGE, ['-r', recipient, '-o', at('theirs.snap.age'), at('plain.snap')])

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: { write: (s: string | Uint8Array) => (stdout += Buffer.from(s).toString('utf8')) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd: dir,
  })
  return { code, stdout, stderr }
}

/** Runs age on a pseudo-terminal, typing the passphrase at each of its prompts. */
function ageOnTerminal(args: string[], passphrase: string): Promise<void> {
  const command = [AGE, ...args].map((a) => `'${a}'`).join(' ')
  const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
  let seen = ''
  let answered = 0
  child.stdout.on('data', (data: Buffer) => {
    seen += data.toString('utf8')
    const prompts = seen.match(/passphrase/gi)?.length ?? 0
    for (; answered < prompts; answered++) child.stdin.write(`${passphrase}\n`)
  })
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`age exited ${code}: ${seen}`)))),
  )
}

const plainInspect = await cli('inspect', at('plain.snap'))
const plainExport = await cli('kv-export', at('plain.snap'))

describe('our encrypted backups open with age', { timeout: 60_000 }, () => {
  it.each([
    ['an X25519 recipient', () => recipient, 'key.txt'],
    ['an ssh-ed25519 public key', () => readFileSync(at('id_ed25519.pub'), 'utf8').trim(), 'id_ed25519'],
    ['an ssh-rsa public key', () => readFileSync(at('id_rsa.pub'), 'utf8').trim(), 'id_rsa'],
  ])('encrypted to %s, decrypted by age -d -i', async (_kind, to, identity) => {
    const out = at(`ours-${identity}.snap.age`)
    await encryptFile(at('plain.snap'), out, { kind: 'recipients', recipients: [to()] })
    expect(execFileSync(AGE, ['-d', '-i', at(identity), out])).toEqual(snapshot)
  })

  it('encrypted to a passphrase, decrypted by age -d at its prompt', async () => {
    const out = at('ours-passphrase.snap.age')
    await encryptFile(at('plain.snap'), out, { kind: 'passphrase', passphrase: PASSPHRASE })
    await ageOnTerminal(['-d', '-o', at('ours-passphrase.snap'), out], PASSPHRASE)
    expect(readFileSync(at('ours-passphrase.snap'))).toEqual(snapshot)
  })
})

describe("age's files open in inspect and kv-export", { timeout: 60_000 }, () => {
  it('age -r: with -identity, the same output as the plain file', async () => {
    expect(await cli('inspect', '-identity', 'key.txt', 'theirs.snap.age')).toEqual(plainInspect)
    expect(await cli('kv-export', '-identity', 'key.txt', 'theirs.snap.age')).toEqual(plainExport)
  })

  it(`age -r: with ${IDENTITY_ENV} instead of a flag`, async () => {
    let stdout = ''
    const code = await runCli(['inspect', 'theirs.snap.age'], {
      stdout: { write: (s: string | Uint8Array) => (stdout += Buffer.from(s).toString('utf8')) },
      stderr: { write: () => undefined },
      env: { [IDENTITY_ENV]: readFileSync(at('key.txt'), 'utf8') },
      cwd: dir,
    })
    expect({ code, stdout }).toEqual({ code: 0, stdout: plainInspect.stdout })
  })

  it('age -p: with -passphrase-file', async () => {
    await ageOnTerminal(['-p', '-o', at('theirs-pw.snap.age'), at('plain.snap')], PASSPHRASE)
    expect(await cli('inspect', '-passphrase-file', 'passphrase.txt', 'theirs-pw.snap.age')).toEqual(
      plainInspect,
    )
  })

  it('a wrong key, no key, or a flipped byte: one clear line and exit 1', async () => {
    execFileSync('age-keygen', ['-o', at('other.txt')], { stdio: 'ignore' })
    const wrong = await cli('inspect', '-identity', 'other.txt', 'theirs.snap.age')
    expect(wrong).toMatchObject({ code: 1, stdout: '' })
    expect(wrong.stderr).toMatch(/None of the given keys opens/)
    expect((await cli('kv-export', 'theirs.snap.age')).stderr).toMatch(/is encrypted \(age\); it needs a key/)
    const bytes = readFileSync(at('theirs.snap.age'))
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] as number) ^ 0x80
    writeFileSync(at('flipped.snap.age'), bytes)
    const flipped = await cli('kv-export', '-identity', 'key.txt', 'flipped.snap.age')
    expect(flipped).toMatchObject({ code: 1, stdout: '' })
    expect(flipped.stderr).toMatch(/damaged or was tampered with/)
  })
})
