import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/main/cli/run-cli'
import { buildSnapshot } from '../../support/snapshot-builder'
import { buildStateBin, kvsRecord } from '../../support/state-bin-writer'

// A hostile snapshot names a tar entry with an escape sequence that retitles the terminal window
// (OSC 0 … BEL); printed raw, it would reach the operator's terminal as a command.
const HOSTILE_NAME = '\x1b]0;pwned\x07'

const dir = mkdtempSync(path.join(tmpdir(), 'terminal-safety-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: { write: (s: string | Uint8Array) => (stdout += String(s)) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd: dir,
  })
  return { code, stdout, stderr }
}

describe('file-supplied text in error messages', () => {
  const file = path.join(dir, 'hostile.snap')
  writeFileSync(
    file,
    buildSnapshot({
      entries: ({ meta, state, sums }) => [
        meta,
        { name: HOSTILE_NAME, data: Buffer.from('x') },
        state,
        sums!,
      ],
    }),
  )

  it.each([['inspect'], ['kv-export']])(
    'reaches the terminal with its control characters escaped (%s)',
    async (command) => {
      const result = await run([command, file])
      expect(result.code).toBe(1)
      // eslint-disable-next-line no-control-regex
      expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
      expect(result.stderr).toContain('unexpected file "\\x1b]0;pwned\\x07"')
      expect(result.stdout).toBe('')
    },
  )

  it('says of a repeated entry only what is true: Consul itself joins the copies', async () => {
    const twice = path.join(dir, 'twice.snap')
    writeFileSync(twice, buildSnapshot({ entries: ({ meta, state, sums }) => [meta, state, sums!, sums!] }))
    const result = await run(['inspect', twice])
    expect(result.stderr).toContain('"SHA256SUMS" more than once')
    expect(result.stderr).not.toMatch(/consul refuses/i)
  })

  it('keeps an ordinary archive working', async () => {
    writeFileSync(path.join(dir, 'fine.snap'), buildSnapshot())
    expect((await run(['kv-export', 'fine.snap'])).code).toBe(0)
  })
})

describe('file-supplied text in what a command lists', () => {
  it('reaches the terminal escaped when search names the key it matched in', async () => {
    const file = path.join(dir, 'hostile-key.snap')
    writeFileSync(
      file,
      buildSnapshot({
        stateBin: buildStateBin(9, [kvsRecord({ key: `app/${HOSTILE_NAME}`, value: 'needle' })]),
      }),
    )

    const result = await run(['search', file, 'needle'])

    expect(result.code).toBe(0)
    // eslint-disable-next-line no-control-regex
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
    expect(result.stdout).toContain('app/\\x1b]0;pwned\\x07')
  })
})
