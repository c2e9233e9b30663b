// The daemon waits between cycles for hours: every module it loads at start stays in its memory
// and lengthens each of its garbage collections. A cycle and a scheduled check run in a child
// process, so the daemon itself starts without their code (snapshot engine, age, the drill's
// throw-away Consul, the whole of undici); the single-file agent still carries that code, loaded
// by the child on first use.
import { build, type Metafile } from 'esbuild'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

const root = path.resolve(__dirname, '..', '..', '..')
const entry = 'src/main/agent/main.ts'

/** What only a cycle or a check needs (paths as esbuild names them, relative to the repo). */
const CYCLE_AND_CHECK_CODE = [
  'src/main/services/backups/snapshot-cycle.ts',
  'src/main/services/backups/run-check.ts',
  'src/main/services/backups/verify-newest-backups.ts',
  'src/main/services/backups/drill-newest-backup.ts',
  'src/main/services/drill/run-drill.ts',
  'src/main/services/consul/save-snapshot.ts',
  'src/main/services/consul/transfer-verifiers.ts',
  'src/main/services/encryption/age-keys.ts',
  'src/main/services/snapshot/catalogue/msgpack-walk.ts',
]
/** Packages only a cycle or a check loads; `undici/index.js` is the whole package (the client takes two files). */
const CYCLE_AND_CHECK_PACKAGES = ['node_modules/age-encryption/', 'node_modules/undici/index.js']

let metafile: Metafile

beforeAll(async () => {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['electron'],
    write: false,
    metafile: true,
    outfile: 'agent.js',
    logLevel: 'silent',
  })
  metafile = result.metafile
}, 60_000)

/** Files the entry reaches through static imports alone: what runs before `main` does anything. */
function loadedAtStart(): string[] {
  const seen = new Set([entry])
  const queue = [entry]
  for (let file = queue.shift(); file !== undefined; file = queue.shift())
    for (const { path: next, kind } of metafile.inputs[file]?.imports ?? [])
      if ((kind === 'import-statement' || kind === 'require-call') && !seen.has(next)) {
        seen.add(next)
        queue.push(next)
      }
  return [...seen]
}

describe('the snapshot agent daemon at start-up', () => {
  it('loads none of the code that only a cycle or a scheduled check runs', () => {
    const atStart = loadedAtStart()
    expect(atStart).toContain('src/main/services/backups/consul-lock.ts')
    expect(atStart).toContain('src/main/services/backups/agent-registration.ts')
    expect(atStart.filter((file) => CYCLE_AND_CHECK_CODE.includes(file))).toEqual([])
    expect(atStart.filter((file) => CYCLE_AND_CHECK_PACKAGES.some((p) => file.includes(p)))).toEqual([])
  })

  it('still carries that code in the single-file agent, for the child processes', () => {
    const bundled = Object.keys(metafile.inputs)
    for (const file of CYCLE_AND_CHECK_CODE) expect(bundled).toContain(file)
    for (const pkg of CYCLE_AND_CHECK_PACKAGES) expect(bundled.some((file) => file.includes(pkg))).toBe(true)
  })
})
