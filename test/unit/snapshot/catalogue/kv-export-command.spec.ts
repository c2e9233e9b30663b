import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kvExportCommand } from '../../../../src/main/cli/commands/kv-export'
import {
  buildStateBin,
  kvsRecord,
  tombstoneRecord,
  writeSnapshotFile,
} from '../../../support/state-bin-writer'

let dir: string

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kv-export-cli-'))
  const state = buildStateBin(9, [
    kvsRecord({ key: 'app/a', value: 'one', flags: 3 }),
    kvsRecord({ key: 'app/b', value: 'two' }),
    kvsRecord({ key: 'other', value: '' }),
    tombstoneRecord('app/gone'),
  ])
  await writeSnapshotFile(path.join(dir, 'backup.snap'), state)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await kvExportCommand.run(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd: dir,
  })
  return { code, stdout, stderr }
}

describe('snapshot-studio kv-export', () => {
  it('prints the KV data of a snapshot as consul kv export does', async () => {
    const result = await run('backup.snap')
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout:
        '[\n\t{\n\t\t"key": "app/a",\n\t\t"flags": 3,\n\t\t"value": "b25l"\n\t},\n\t{\n\t\t"key": "app/b",\n\t\t"flags": 0,\n\t\t"value": "dHdv"\n\t},\n\t{\n\t\t"key": "other",\n\t\t"flags": 0,\n\t\t"value": ""\n\t}\n]\n',
    })
  })

  it('limits the export to a prefix, before or after FILE', async () => {
    const before = await run('-prefix', '/app/b', 'backup.snap')
    const after = await run('backup.snap', '--prefix=app/b')
    expect(before.stdout).toBe('[\n\t{\n\t\t"key": "app/b",\n\t\t"flags": 0,\n\t\t"value": "dHdv"\n\t}\n]\n')
    expect(after.stdout).toBe(before.stdout)
  })

  it('explains a missing file in one line and exits 1', async () => {
    const result = await run('nope.snap')
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^Error: .*nope\.snap.*\n$/)
  })

  it('asks for FILE when it is missing', async () => {
    expect(await run()).toMatchObject({ code: 1, stderr: expect.stringContaining('Missing FILE argument') })
  })

  it('prints its help', async () => {
    expect(await run('--help')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('Usage: snapshot-studio kv-export [options] FILE'),
    })
  })
})
