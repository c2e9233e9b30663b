import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/main/cli/run-cli'
import { buildSnapshot, snapshotTar } from '../../support/snapshot-builder'

const dir = mkdtempSync(join(tmpdir(), 'run-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
writeFileSync(join(dir, 'ok.snap'), buildSnapshot())
writeFileSync(join(dir, 'plain.tar'), snapshotTar())

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: {
      write: (s: string | Uint8Array) =>
        (stdout += typeof s === 'string' ? s : Buffer.from(s).toString('utf8')),
    },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd: dir,
  })
  return { code, stdout, stderr }
}

const PRETTY = [
  ' ID           2-13-1602222343947',
  ' Size         114',
  ' Index        13',
  ' Term         2',
  ' Version      1',
  '',
  ' Type               Count      Size',
  ' ----               ----       ----',
  ' KVS                1          85B',
  ' Index              1          17B',
  ' ChunkingState      1          12B',
  ' ----               ----       ----',
  ' Total                         114B',
  '',
].join('\n')

describe('runCli', () => {
  describe('top level', () => {
    it.each([['--help'], ['-h'], ['help']])('prints the command list for %s', async (flag) => {
      const { code, stdout } = await run(flag)
      expect(code).toBe(0)
      expect(stdout).toContain('Usage: snapshot-studio')
      expect(stdout).toMatch(/\n {4}inspect {4}/)
    })

    it('prints usage and fails without a command', async () => {
      expect(await run()).toMatchObject({ code: 1, stdout: expect.stringContaining('Usage:') })
    })

    it('prints the version', async () => {
      expect(await run('--version')).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/^snapshot-studio \d+\.\d+\.\d+\n$/),
      })
    })

    it('rejects an unknown command in one line', async () => {
      const { code, stderr } = await run('frobnicate')
      expect(code).toBe(1)
      expect(stderr).toMatch(/^Error: unknown command "frobnicate"[^\n]*\n$/)
    })

    it('does not treat inherited object keys as commands', async () => {
      expect((await run('toString')).code).toBe(1)
    })
  })

  describe('inspect', () => {
    it("prints consul snapshot inspect's pretty output", async () => {
      expect(await run('inspect', 'ok.snap')).toEqual({ code: 0, stdout: PRETTY, stderr: '' })
    })

    it.each([['-format=json'], ['-format', 'json'], ['--format=json'], ['--format', 'json']])(
      'prints JSON for %j',
      async (...flags) => {
        const { code, stdout } = await run('inspect', ...flags, 'ok.snap')
        expect(code).toBe(0)
        expect(stdout.endsWith('}\n')).toBe(true)
        expect(JSON.parse(stdout)).toMatchObject({
          Meta: { ID: '2-13-1602222343947' },
          StatsKV: null,
          TotalSize: 114,
        })
      },
    )

    it.each([
      [['-kvdetails']],
      [['-kvdetails=true']],
      [['--kvdetails', '-kvdepth', '1']],
      [['-kvdetails', '--kvdepth=1', '-kvfilter', 'f']],
      [['-kvdetails', '-kvfilter=f']],
    ])('adds the KV table for %j', async (flags) => {
      const { code, stdout } = await run('inspect', ...flags, 'ok.snap')
      expect(code).toBe(0)
      expect(stdout).toContain(
        '\n Key Name      Count      Size\n ----          ----       ----\n foo           1          85B\n',
      )
    })

    it('prints no KV table when the filter matches nothing', async () => {
      expect((await run('inspect', '-kvdetails', '-kvfilter=zzz', 'ok.snap')).stdout).toBe(PRETTY)
    })

    it('shows help', async () => {
      const { code, stdout } = await run('inspect', '--help')
      expect(code).toBe(0)
      expect(stdout).toContain('Usage: snapshot-studio inspect [options] FILE')
      expect(stdout).toContain('-kvdepth=<int>')
      expect((await run('help', 'inspect')).stdout).toBe(stdout)
    })

    it.each([
      [[], 'Missing FILE argument'],
      [['a', 'b'], 'Too many arguments (expected 1, got 2)'],
      [['-format=xml', 'ok.snap'], 'Unknown format: xml'],
      [['-format=JSON', 'ok.snap'], 'Unknown format: JSON'],
      [['-kvdepth=-1', 'ok.snap'], '-kvdepth must be 0 or more'],
      [['-bogus', 'ok.snap'], 'flag provided but not defined: -bogus'],
      [['missing.snap'], 'No such file'],
      [['plain.tar'], 'uncompressed tar archive'],
    ])('fails for %j with one line on stderr', async (args, message) => {
      const { code, stdout, stderr } = await run('inspect', ...args)
      expect(code).toBe(1)
      expect(stdout).toBe('')
      expect(stderr).toContain(message)
      expect(stderr).toMatch(/^Error: [^\n]+\n$/)
    })
  })
})
