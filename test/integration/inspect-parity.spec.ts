// Differential tests: `snapshot-studio inspect` must print exactly what `consul snapshot inspect`
// prints — same bytes on stdout, same exit code — for snapshots a real Consul wrote, for the raw
// state.bin + meta.json form, and for damaged files. The only allowed difference is the name of
// record types newer than the Consul binary we test against (it prints Unknown(N) for them).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli/run-cli'
import { runConsul, startConsulAgent, type ConsulAgent } from '../support/consul-agent'
import { populateBulkKv, populateEveryRecordKind, type PopulatedManifest } from '../support/consul-populate'
import {
  encodeRecord,
  insertBeforeChunkingState,
  packSnapshot,
  readSnapshotParts,
  stateHeaderLength,
  withMetaSize,
  type PackOptions,
  type SnapshotParts,
} from '../support/consul-snapshot-craft'
import { sha256Hex, tarArchive } from '../support/snapshot-builder'
import { gzipSync } from 'node:zlib'

interface RunResult {
  code: number
  stdout: Buffer
  stderr: string
}

const repoRoot = path.resolve(path.dirname(__filename), '..', '..')

let workDir: string
let agent: ConsulAgent | undefined
let manifest: PopulatedManifest
let savedByCli: string
let savedByApi: string
let withBulkKv: string
let withInvalidUtf8Keys: string
let rawStateBin: string
let parts: SnapshotParts

async function ours(args: string[]): Promise<RunResult> {
  const out: Buffer[] = []
  const err: Buffer[] = []
  const sink = (into: Buffer[]): Writable =>
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        into.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
        done()
      },
    })
  const stdout = sink(out)
  const stderr = sink(err)
  const code = await runCli(['inspect', ...args], { stdout, stderr, env: {}, cwd: workDir })
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }
}

async function theirs(args: string[]): Promise<RunResult> {
  const result = await runConsul(['snapshot', 'inspect', ...args], { cwd: workDir })
  return { code: result.code, stdout: result.stdoutBytes, stderr: result.stderr }
}

async function expectSameOutput(args: string[]): Promise<void> {
  const [a, b] = await Promise.all([ours(args), theirs(args)])
  expect({ code: a.code, stdout: a.stdout.toString('utf8') }).toEqual({
    code: b.code,
    stdout: b.stdout.toString('utf8'),
  })
  // Strings can hide a difference in invalid UTF-8; the bytes cannot.
  expect(a.stdout.equals(b.stdout)).toBe(true)
}

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'inspect-parity-'))
  agent = await startConsulAgent()
  manifest = await populateEveryRecordKind(agent)

  savedByCli = path.join(workDir, 'saved-by-consul.snap')
  const save = await runConsul([
    'snapshot',
    'save',
    `-http-addr=${agent.httpAddr}`,
    `-token=${agent.token}`,
    savedByCli,
  ])
  if (save.code !== 0) throw new Error(`consul snapshot save failed: ${save.stderr}`)

  savedByApi = path.join(workDir, 'saved-by-api.snap')
  const res = await fetch(`${agent.httpAddr}/v1/snapshot`, { headers: { 'X-Consul-Token': agent.token } })
  if (!res.ok) throw new Error(`GET /v1/snapshot → ${res.status}`)
  writeFileSync(savedByApi, Buffer.from(await res.arrayBuffer()))

  // A second snapshot with a few thousand more keys: many groups, KB/MB sizes, more ties.
  await populateBulkKv(agent, { keys: 3000, approxBytes: 3_000_000, prefix: 'bulk/' })
  withBulkKv = path.join(workDir, 'with-bulk-kv.snap')
  const bulkSave = await runConsul([
    'snapshot',
    'save',
    `-http-addr=${agent.httpAddr}`,
    `-token=${agent.token}`,
    withBulkKv,
  ])
  if (bulkSave.code !== 0) throw new Error(`consul snapshot save failed: ${bulkSave.stderr}`)

  // Keys are bytes to Consul: a percent-encoded path can hold invalid UTF-8, which Go prints raw
  // in the table (0xFF is also text/tabwriter's escape byte) and as \ufffd in JSON.
  for (const key of ['bin/bad%FFkey/x', 'bin/bad%C3key/y', 'bin/ok%E2%82%ACkey/z', 'bin/%FF%FE/w']) {
    const put = await fetch(`${agent.httpAddr}/v1/kv/${key}`, {
      method: 'PUT',
      body: 'v',
      headers: { 'X-Consul-Token': agent.token },
    })
    if (!put.ok) throw new Error(`PUT ${key} → ${put.status}`)
  }
  withInvalidUtf8Keys = path.join(workDir, 'invalid-utf8-keys.snap')
  const utf8Save = await runConsul([
    'snapshot',
    'save',
    `-http-addr=${agent.httpAddr}`,
    `-token=${agent.token}`,
    withInvalidUtf8Keys,
  ])
  if (utf8Save.code !== 0) throw new Error(`consul snapshot save failed: ${utf8Save.stderr}`)

  await agent.stop()
  agent = undefined

  const rawDir = path.join(workDir, 'raw')
  mkdirSync(rawDir)
  const untar = await runProcess('tar', ['-xzf', savedByCli, '-C', rawDir])
  if (untar.code !== 0) throw new Error(`tar -xzf failed: ${untar.stderr}`)
  rawStateBin = path.join(rawDir, 'state.bin')
  parts = await readSnapshotParts(savedByCli)
})

afterAll(async () => {
  await agent?.stop()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

describe('inspect prints what consul snapshot inspect prints', () => {
  // Flag spellings as an operator would type them: -flag=value and -flag value, any order.
  const flagSets: Array<{ name: string; flags: () => string[] }> = [
    { name: 'no flags', flags: () => [] },
    { name: '-format=json', flags: () => ['-format=json'] },
    { name: '-format json', flags: () => ['-format', 'json'] },
    { name: '-kvdetails', flags: () => ['-kvdetails'] },
    { name: '-kvdetails -kvdepth=1', flags: () => ['-kvdetails', '-kvdepth=1'] },
    { name: '-kvdepth 3 -kvdetails', flags: () => ['-kvdepth', '3', '-kvdetails'] },
    {
      name: '-kvdetails -kvfilter=<nested prefix>',
      flags: () => ['-kvdetails', `-kvfilter=${manifest.nestedPrefix}`],
    },
    { name: '-kvdetails -kvfilter=<unicode prefix>', flags: () => ['-kvdetails', '-kvfilter=unicode/grü'] },
    {
      name: '-kvdetails -kvdepth=3 -kvfilter=<prefix> -format=json',
      flags: () => ['-kvdetails', '-kvdepth=3', `-kvfilter=${manifest.nestedPrefix}`, '-format=json'],
    },
    {
      name: '-kvdetails -kvfilter matching nothing',
      flags: () => ['-kvdetails', '-kvfilter=no-such-prefix/'],
    },
    {
      name: '-kvdetails -kvfilter matching nothing, JSON',
      flags: () => ['-kvdetails', '-kvfilter=no-such-prefix/', '-format=json'],
    },
    { name: '-kvdepth=0 alone', flags: () => ['-kvdepth=0'] },
    { name: '-kvdetails -kvdepth=0', flags: () => ['-kvdetails', '-kvdepth=0'] },
    { name: '-kvdetails -kvdepth=0 -format=json', flags: () => ['-kvdetails', '-kvdepth=0', '-format=json'] },
    { name: '-kvdetails -kvdepth=99', flags: () => ['-kvdetails', '-kvdepth=99'] },
    // Go's flag package: double dashes, explicit booleans, the last repeat wins, `--` ends flags.
    { name: '--kvdetails --kvdepth=1', flags: () => ['--kvdetails', '--kvdepth=1'] },
    { name: '-kvdetails=true', flags: () => ['-kvdetails=true'] },
    { name: '-kvdetails=false -kvdepth=1', flags: () => ['-kvdetails=false', '-kvdepth=1'] },
    {
      name: '-kvdetails -kvdepth 1 -kvdepth 3',
      flags: () => ['-kvdetails', '-kvdepth', '1', '-kvdepth', '3'],
    },
    { name: '-kvdetails --', flags: () => ['-kvdetails', '--'] },
  ]
  const inputs: Array<{ name: string; file: () => string }> = [
    { name: 'a file from consul snapshot save', file: () => savedByCli },
    { name: 'a file from GET /v1/snapshot', file: () => savedByApi },
    { name: 'a raw state.bin beside its meta.json', file: () => rawStateBin },
    { name: 'a snapshot with thousands of keys', file: () => withBulkKv },
  ]

  for (const input of inputs) {
    describe(`for ${input.name}`, () => {
      for (const set of flagSets) {
        it(`prints the same bytes and exit code with ${set.name}`, async () => {
          await expectSameOutput([...set.flags(), input.file()])
        })
      }
    })
  }

  it('reads a snapshot that holds every record kind a v1.14 agent writes', async () => {
    const { stdout } = await ours(['-format=json', savedByCli])
    const names = (JSON.parse(stdout.toString('utf8')) as { Stats: Array<{ Name: string }> }).Stats.map(
      (s) => s.Name,
    )
    expect(names).toEqual(
      expect.arrayContaining([
        'Register',
        'KVS',
        'Session',
        'Tombstone',
        'CoordinateBatchUpdate',
        'PreparedQuery',
        'Autopilot',
        'ConnectCA',
        'ConnectCAProviderState',
        'ConnectCAConfig',
        'Index',
        'ACLToken',
        'ACLPolicy',
        'ACLRole',
        'ACLBindingRule',
        'ACLAuthMethod',
        'ConfigEntry',
        'FederationState',
        'SystemMetadata',
        'ServiceVirtualIP',
        'FreeVirtualIP',
        'ChunkingState',
      ]),
    )
  })

  it('counts one KV group per key the cluster was given when grouping deeper than any key', async () => {
    const { stdout } = await ours(['-kvdetails', '-kvdepth=99', '-format=json', savedByCli])
    const report = JSON.parse(stdout.toString('utf8')) as { StatsKV: Array<{ Name: string; Count: number }> }
    // Folder keys keep their trailing '/': splitting "a/" gives ["a", ""], joined back as "a/".
    expect(report.StatsKV.map((s) => s.Name).sort()).toEqual(manifest.kv.map((e) => e.key).sort())
    expect(report.StatsKV.every((s) => s.Count === 1)).toBe(true)
  })

  it('prints the same bytes through the built command line program', async () => {
    await ensureBuiltCli()
    const built = await runProcess(process.execPath, [
      path.join(repoRoot, 'bin', 'snapshot-studio.js'),
      'inspect',
      '-kvdetails',
      savedByCli,
    ])
    const consul = await theirs(['-kvdetails', savedByCli])
    expect(built.code).toBe(consul.code)
    expect(built.stdout.equals(consul.stdout)).toBe(true)
  })
})

// What consul v1.14.8 does with such keys (seen here): the pretty table writes the key bytes
// raw; a 0xFF byte is text/tabwriter's Escape, so everything up to the next 0xFF (tabs and
// newlines included) is one literal cell whose width counts toward the column; JSON writes each
// invalid byte as the six characters \ufffd; size ties are broken on the raw key bytes.
describe('inspect prints KV keys that are not valid UTF-8 like consul', () => {
  for (const flags of [
    ['-kvdetails'],
    ['-kvdetails', '-kvdepth=3'],
    ['-kvdetails', '-format=json'],
    ['-kvdetails', '-kvfilter=bin/'],
  ]) {
    it(`prints the same bytes with ${flags.join(' ')}`, async () => {
      await expectSameOutput([...flags, withInvalidUtf8Keys])
    })
  }
})

describe('inspect reads archive variants consul accepts', () => {
  const variants: Array<{ name: string; options: () => Omit<PackOptions, 'meta' | 'stateBin'> }> = [
    {
      name: 'entries in the order SHA256SUMS, state.bin, meta.json',
      options: () => ({ order: ['SHA256SUMS', 'state.bin', 'meta.json'] }),
    },
    { name: 'state.bin listed first in SHA256SUMS', options: () => ({ stateBinSumFirst: true }) },
    { name: 'the tar split across three gzip members', options: () => ({ gzipMembers: 3 }) },
  ]
  for (const v of variants) {
    it(`prints the same bytes for ${v.name}`, async () => {
      const file = path.join(workDir, `variant-${v.name.replace(/\W+/g, '-')}.snap`)
      writeFileSync(file, await packSnapshot({ meta: parts.meta, stateBin: parts.stateBin, ...v.options() }))
      await expectSameOutput(['-kvdetails', file])
      expect((await theirs([file])).code).toBe(0)
    })
  }

  it('prints the same bytes for a raw state.bin whose meta.json is the server data-dir kind (with CRC)', async () => {
    const dir = mkdtempSync(path.join(workDir, 'raw-crc-'))
    writeFileSync(path.join(dir, 'state.bin'), parts.stateBin)
    const meta = parts.meta.toString('utf8').replace(/\}\s*$/, ',"CRC":"q83vEjRWeJA="}\n')
    writeFileSync(path.join(dir, 'meta.json'), meta)
    await expectSameOutput(['-kvdetails', path.join(dir, 'state.bin')])
  })
})

describe('inspect names record types newer than consul v1.14.8', () => {
  // A v1.14.8 agent never writes these; newer Consul and Enterprise snapshots do. Values are
  // valid msgpack of the right shape so that both tools can walk past them. Each payload has a
  // distinct size so the size-sorted tables keep the same row order whatever the names are.
  const newer = [
    { type: 41, name: 'RaftLogVerifierCheckpoint', value: { Index: 41 } },
    { type: 42, name: 'Resource', value: Buffer.alloc(420, 0x2a) },
    {
      type: 43,
      name: 'UpdateManualVirtualIPRequestType',
      value: { ManualIPs: ['240.0.0.43'], Service: { Name: 'web43' } },
    },
    // 44 is the Census record of Consul 1.21+ as numbered in our message-type table.
    { type: 44, name: 'Census', value: { Entries: ['x'.repeat(440)] } },
    { type: 37, name: 'Unknown(37)', value: { Reserved: 'y'.repeat(370) } },
    { type: 65, name: 'Unknown(65)', value: Buffer.alloc(650, 0x65) },
  ]
  let craftedFile: string

  beforeAll(async () => {
    const records = newer.map((n) => encodeRecord(n.type, n.value))
    const stateBin = insertBeforeChunkingState(parts.stateBin, records)
    craftedFile = path.join(workDir, 'newer-types.snap')
    writeFileSync(craftedFile, await packSnapshot({ meta: parts.meta, stateBin }))
  })

  it('still passes consul v1.14.8 verification (so the comparison is fair)', async () => {
    const consul = await theirs([craftedFile])
    expect(consul.code).toBe(0)
  })

  const expectOnlyNamesDiffer = async (file: string): Promise<void> => {
    const [a, b] = await Promise.all([
      ours(['-format=json', '-kvdetails', file]),
      theirs(['-format=json', '-kvdetails', file]),
    ])
    expect(a.code).toBe(0)
    expect(b.code).toBe(0)
    const toOldName = new Map(newer.map((n) => [n.name, `Unknown(${n.type})`]))
    const report = JSON.parse(a.stdout.toString('utf8')) as { Stats: Array<{ Name: string }> }
    const renamed = {
      ...report,
      Stats: report.Stats.map((s) => ({ ...s, Name: toOldName.get(s.Name) ?? s.Name })),
    }
    expect(renamed).toEqual(JSON.parse(b.stdout.toString('utf8')))
    for (const n of newer) expect(report.Stats.map((s) => s.Name)).toContain(n.name)
  }

  it('differs from consul only in the names of the newer types, in the JSON report', async () => {
    await expectOnlyNamesDiffer(craftedFile)
  })

  it('counts records that follow the final ChunkingState the same way', async () => {
    const records = newer.map((n) => encodeRecord(n.type, n.value))
    const file = path.join(workDir, 'after-chunking-state.snap')
    writeFileSync(
      file,
      await packSnapshot({ meta: parts.meta, stateBin: Buffer.concat([parts.stateBin, ...records]) }),
    )
    await expectOnlyNamesDiffer(file)
  })

  it('differs from consul only in the names of the newer types, in the pretty report', async () => {
    const [a, b] = await Promise.all([ours(['-kvdetails', craftedFile]), theirs(['-kvdetails', craftedFile])])
    const toOldName = new Map(newer.map((n) => [n.name, `Unknown(${n.type})`]))
    // Longer names widen the tabwriter column, so compare cells rather than padded lines.
    const cells = (text: string, rename: boolean): string[][] =>
      text
        .split('\n')
        .map((line) => line.trim().split(/ {2,}/))
        .map((row) => (rename && toOldName.has(row[0]!) ? [toOldName.get(row[0]!)!, ...row.slice(1)] : row))
    expect(cells(a.stdout.toString('utf8'), true)).toEqual(cells(b.stdout.toString('utf8'), false))
    for (const n of newer) expect(a.stdout.toString('utf8')).toContain(` ${n.name} `)
  })
})

describe('inspect fails like consul on damaged or wrong input', () => {
  const damaged: Array<{ name: string; make: (dir: string) => Promise<string> }> = [
    {
      name: 'a truncated snapshot',
      make: async (dir) => {
        const bytes = readFileSync(savedByCli)
        return write(dir, 'truncated.snap', bytes.subarray(0, Math.floor(bytes.length / 2)))
      },
    },
    {
      name: 'a snapshot cut just before the gzip trailer',
      make: async (dir) => {
        const bytes = readFileSync(savedByCli)
        return write(dir, 'no-trailer.snap', bytes.subarray(0, bytes.length - 8))
      },
    },
    {
      name: 'a snapshot with a flipped byte in the compressed data',
      make: async (dir) => {
        const bytes = Buffer.from(readFileSync(savedByCli))
        const at = Math.floor(bytes.length / 3)
        bytes[at] = bytes[at]! ^ 0xff
        return write(dir, 'flipped.snap', bytes)
      },
    },
    {
      name: 'a file that is not gzip',
      make: async (dir) => write(dir, 'text.snap', Buffer.from('this is not a snapshot\n')),
    },
    { name: 'an empty file', make: async (dir) => write(dir, 'empty.snap', Buffer.alloc(0)) },
    {
      name: 'a snapshot whose state.bin does not match SHA256SUMS',
      make: async (dir) => {
        const tampered = Buffer.from(parts.stateBin)
        const at = Math.floor(tampered.length / 2)
        tampered[at] = tampered[at]! ^ 0x01
        return write(
          dir,
          'bad-sum.snap',
          await packSnapshot({ meta: parts.meta, stateBin: tampered, sumsFor: parts.stateBin }),
        )
      },
    },
    {
      name: 'a snapshot padded to 10 KiB tar records',
      make: async (dir) => {
        const src = path.join(dir, 'padded-src')
        mkdirSync(src, { recursive: true })
        const untar = await runProcess('tar', ['-xzf', savedByCli, '-C', src])
        if (untar.code !== 0) throw new Error(untar.stderr)
        const out = path.join(dir, 'padded.snap')
        const tar = await runProcess('tar', ['-czf', out, '-C', src, 'meta.json', 'state.bin', 'SHA256SUMS'])
        if (tar.code !== 0) throw new Error(tar.stderr)
        return out
      },
    },
    {
      name: 'a state.bin with an undecodable record',
      make: async (dir) => {
        const stateBin = insertBeforeChunkingState(parts.stateBin, [Buffer.from([0x02, 0xc1])])
        return write(dir, 'bad-record.snap', await packSnapshot({ meta: parts.meta, stateBin }))
      },
    },
    {
      name: 'a state.bin cut in the middle of a record (sums fixed up)',
      make: async (dir) => {
        const stateBin = parts.stateBin.subarray(0, parts.stateBin.length - 5)
        return write(dir, 'cut-record.snap', await packSnapshot({ meta: parts.meta, stateBin }))
      },
    },
    { name: 'a path that does not exist', make: async (dir) => path.join(dir, 'missing.snap') },
  ]

  for (const d of damaged) {
    it(`exits 1 like consul for ${d.name}`, async () => {
      const dir = mkdtempSync(path.join(workDir, 'damaged-'))
      const file = await d.make(dir)
      const [a, b] = await Promise.all([ours([file]), theirs([file])])
      expect(b.code).toBe(1)
      expect(a.code).toBe(1)
      expect(a.stdout.length).toBe(0)
      expect(a.stderr).not.toBe('')
    })
  }

  it('exits 1 like consul when FILE is missing', async () => {
    const [a, b] = await Promise.all([ours([]), theirs([])])
    expect(b.code).toBe(1)
    expect(a.code).toBe(1)
  })

  for (const flags of [
    ['-format=yaml'],
    ['-format=JSON'],
    ['-kvdepth=abc'],
    ['-no-such-flag'],
    ['-kvdepth'],
  ]) {
    it(`exits 1 like consul for ${flags.join(' ')}`, async () => {
      const [a, b] = await Promise.all([ours([...flags, savedByCli]), theirs([...flags, savedByCli])])
      expect(b.code).toBe(1)
      expect(a.code).toBe(1)
      expect(a.stdout.length).toBe(0)
    })
  }

  it('exits 1 like consul when given two files', async () => {
    const [a, b] = await Promise.all([ours([savedByCli, savedByApi]), theirs([savedByCli, savedByApi])])
    expect(b.code).toBe(1)
    expect(a.code).toBe(1)
  })
})

describe('inspect matches consul on the archive edges found by fuzzing (issue 9)', () => {
  /** A USTAR archive of the three entries as given, gzipped, with SHA256SUMS describing them. */
  function archive(
    entries: (files: { meta: Buffer; state: Buffer; sums: Buffer }) => Parameters<typeof tarArchive>[0],
  ): Buffer {
    const meta = withMetaSize(parts.meta, parts.stateBin.length)
    const sums = Buffer.from(`${sha256Hex(meta)}  meta.json\n${sha256Hex(parts.stateBin)}  state.bin\n`)
    return gzipSync(tarArchive(entries({ meta, state: parts.stateBin, sums })))
  }

  it('totals 0 for a state.bin that holds only its header, in both formats', async () => {
    const stateBin = parts.stateBin.subarray(0, stateHeaderLength(parts.stateBin))
    const file = write(workDir, 'header-only.snap', await packSnapshot({ meta: parts.meta, stateBin }))
    await expectSameOutput([file])
    await expectSameOutput(['-format=json', '-kvdetails', file])
    expect((await ours([file])).stdout.toString()).toMatch(/Total\s+0\n/)
  })

  it('gives a directory entry no data, as Go does: a state.bin typed as a directory is refused', async () => {
    const file = write(
      workDir,
      'state-as-directory.snap',
      archive(({ meta, state, sums }) => [
        { name: 'meta.json', data: meta },
        { name: 'state.bin', data: state, typeflag: '5' },
        { name: 'SHA256SUMS', data: sums },
      ]),
    )
    const [a, b] = await Promise.all([ours([file]), theirs([file])])
    expect(b.code).toBe(1)
    expect(a.code).toBe(1)
  })

  it('refuses a repeated SHA256SUMS entry that consul accepts, without claiming consul refuses it', async () => {
    const file = write(
      workDir,
      'sums-twice.snap',
      archive(({ meta, state, sums }) => [
        { name: 'meta.json', data: meta },
        { name: 'state.bin', data: state },
        { name: 'SHA256SUMS', data: sums },
        { name: 'SHA256SUMS', data: sums },
      ]),
    )
    const [a, b] = await Promise.all([ours([file]), theirs([file])])
    expect(b.code).toBe(0) // Consul joins the two lists and checks each line
    expect(a.code).toBe(1)
    expect(a.stderr).toContain('more than once')
    expect(a.stderr).not.toMatch(/consul refuses/i)
  })
})

// --- helpers ------------------------------------------------------------------------------------

function write(dir: string, name: string, bytes: Buffer): string {
  const file = path.join(dir, name)
  writeFileSync(file, bytes)
  return file
}

function runProcess(cmd: string, args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', reject)
    child.on('close', (code) =>
      resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    )
  })
}

async function ensureBuiltCli(): Promise<void> {
  if (existsSync(path.join(repoRoot, 'out', 'main', 'cli.js'))) return
  const build = await runProcess(process.execPath, [
    path.join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
    'build',
  ])
  if (build.code !== 0) throw new Error(`electron-vite build failed: ${build.stderr}`)
}
