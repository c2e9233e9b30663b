// `snapshot-studio diff`: diff(1)'s exit codes (0 same, 1 different, 2 trouble), a readable
// report, one JSON document with -format json, and a KV prefix filter.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/main/cli/run-cli'
import {
  aclTokenRecord,
  buildStateBin,
  chunkingStateRecord,
  kvsRecord,
  writeSnapshotFile,
} from '../../support/state-bin-writer'

const dir = mkdtempSync(join(tmpdir(), 'diff-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const SECRET_BEFORE = '6f1c0f33-0000-4000-8000-00000000aaaa'
const SECRET_AFTER = '6f1c0f33-0000-4000-8000-00000000bbbb'

beforeAll(async () => {
  // The CLI loads each command on first use; loading diff's (the catalogue, the comparison) took
  // 2-5 s on a busy machine and was charged to the first case's 5 s, which then timed out. Load it
  // here, as setup.
  await import('../../../src/main/cli/commands/diff')
  const token = (secretId: string) => aclTokenRecord({ accessorId: 'acc-1', secretId, description: 'deploy' })
  await writeSnapshotFile(
    join(dir, 'before.snap'),
    buildStateBin(10, [
      kvsRecord({ key: 'app/a', value: '1' }),
      kvsRecord({ key: 'app/b', value: 'gone' }),
      kvsRecord({ key: 'db/x', value: '1' }),
      token(SECRET_BEFORE),
      chunkingStateRecord(),
    ]),
    10,
  )
  await writeSnapshotFile(
    join(dir, 'after.snap'),
    buildStateBin(12, [
      kvsRecord({ key: 'app/a', value: '2' }),
      kvsRecord({ key: 'app/c', value: 'new\u001b[2J' }),
      kvsRecord({ key: 'db/x', value: '1', modifyIndex: 11 }),
      token(SECRET_AFTER),
      chunkingStateRecord(),
    ]),
    12,
  )
})

async function diff(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(['diff', ...argv], {
    stdout: {
      write: (s: string | Uint8Array) => (stdout += typeof s === 'string' ? s : Buffer.from(s).toString()),
    },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd: dir,
  })
  return { code, stdout, stderr }
}

describe('snapshot-studio diff', () => {
  it('exits 0 and says so when both files hold the same', async () => {
    const result = await diff('before.snap', 'before.snap')
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toContain('No differences.')
  })

  it('prints each change under its kind and exits 1, never printing a secret', async () => {
    const result = await diff('before.snap', 'after.snap')
    expect(result.code).toBe(1)
    expect(result.stdout).toBe(
      [
        'Comparing before.snap (index 10) with after.snap (index 12)',
        '',
        'KV: 1 added, 1 removed, 1 changed',
        '  ~ app/a  (value)',
        '  - app/b',
        '  + app/c',
        '',
        'ACL tokens: 1 changed',
        '  ~ acc-1 "deploy"',
        '      SecretID: secret changed',
        '',
        '4 differences.',
        '',
      ].join('\n'),
    )
    expect(result.stdout).not.toContain(SECRET_BEFORE)
    expect(result.stdout).not.toContain(SECRET_AFTER)
  })

  it('writes one JSON document with -format json, limited to a prefix with -prefix', async () => {
    const result = await diff('-format', 'json', '-prefix', 'app/c', 'before.snap', 'after.snap')
    expect(result.code).toBe(1)
    const doc = JSON.parse(result.stdout) as {
      identical: boolean
      prefix: string
      counts: Record<string, unknown>
      changes: Array<{ kind: string; op: string; key?: string; id?: string }>
    }
    expect(doc).toMatchObject({
      identical: false,
      prefix: 'app/c',
      counts: { kv: { added: 1, removed: 0, changed: 0 } },
    })
    expect(doc.changes.map((c) => [c.kind, c.op, c.key ?? c.id])).toEqual([
      ['kv', 'added', 'app/c'],
      ['acl-tokens', 'changed', 'acc-1'],
    ])
  })

  it('exits 2 with one error line for a missing file, a bad format or the wrong number of files', async () => {
    for (const argv of [
      ['before.snap', 'missing.snap'],
      ['-format', 'yaml', 'before.snap', 'after.snap'],
      ['before.snap'],
      ['-live', 'before.snap', 'after.snap'],
    ]) {
      const result = await diff(...argv)
      expect(result.code, argv.join(' ')).toBe(2)
      expect(result.stderr).toMatch(/^Error: [^\n]+\n$/)
      expect(result.stdout).toBe('')
    }
  })
})
