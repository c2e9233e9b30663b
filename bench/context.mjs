// What every benchmark module gets: the Consul binary, a built CLI, cached fixtures and a way to
// run a child process while measuring its wall time and peak RSS.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const cacheDir = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
  'snapshot-studio',
  'bench',
)

const TIME_BIN = '/usr/bin/time'

/**
 * Variables of this machine that make every Node process start slower, dropped from the
 * environment of the Node children we measure (curl pays nothing for its counterpart, which it
 * reads only for TLS). NODE_EXTRA_CA_CERTS: Node 20 parses the whole bundle before running a
 * line of JavaScript (~80 ms here, more under load), although the benchmarks speak plain HTTP on
 * loopback. `nodeStartCost()` measures what it costs in the same run, and run.mjs prints it.
 */
export const MACHINE_NODE_VARIABLES = ['NODE_EXTRA_CA_CERTS']

function withoutMachineNodeVariables(env) {
  const clean = { ...env }
  for (const name of MACHINE_NODE_VARIABLES) delete clean[name]
  return clean
}

/** Median milliseconds of `node -e 0` with the machine's environment and without its variables. */
export function nodeStartCost(runs = 7) {
  const time = (env) => {
    const spent = []
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint()
      spawnSync(process.execPath, ['-e', '0'], { env, stdio: 'ignore' })
      spent.push(Number(process.hrtime.bigint() - start) / 1e6)
    }
    return median(spent)
  }
  const present = MACHINE_NODE_VARIABLES.filter((name) => process.env[name] !== undefined)
  return { present, withMs: time(process.env), withoutMs: time(withoutMachineNodeVariables(process.env)) }
}
const MAX_RSS_PRELOAD = path.join(repoRoot, 'bench', 'report-max-rss.cjs')

export async function createContext() {
  const consulBin = findConsul()
  const version = spawnSync(consulBin, ['version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? ''
  ensureCliBuilt()
  const fixtures = new Map()
  const ctx = {
    repoRoot,
    cacheDir,
    consulBin,
    consulVersion: version.trim(),
    cliScript: path.join(repoRoot, 'bin', 'snapshot-studio.js'),
    /** Imports a TypeScript module from the repository (path relative to the root; run.mjs loads tsx). */
    importTs: (relative) => import(path.join(repoRoot, relative)),
    /** Memoised fixture builder: the same name is built once per run. */
    fixture(name, build) {
      if (!fixtures.has(name)) fixtures.set(name, build(ctx))
      return fixtures.get(name)
    },
    measure,
    log: (line) => console.log(`  · ${line}`),
    async dispose() {},
  }
  return ctx
}

function findConsul() {
  const found = spawnSync('bash', [path.join(repoRoot, 'test', 'consul', 'find-consul.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const bin = found.stdout.trim().split('\n').pop()
  if (found.status !== 0 || !bin)
    throw new Error('test/consul/find-consul.sh found no Consul; set CONSUL_BIN')
  return bin
}

/** Builds out/main/cli.js when it is missing or older than any source file. */
function ensureCliBuilt() {
  const cli = path.join(repoRoot, 'out', 'main', 'cli.js')
  const built = existsSync(cli) ? statSync(cli).mtimeMs : 0
  const newestSource = newestMtime(path.join(repoRoot, 'src'))
  if (built >= newestSource) return
  console.log(
    built === 0
      ? '  · building the CLI (out/main/cli.js is missing)'
      : '  · rebuilding the CLI (sources changed)',
  )
  const build = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  if (build.status !== 0 || !existsSync(cli))
    throw new Error('electron-vite build failed; see the output above')
}

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs)
  }
  return newest
}

/**
 * Runs a command to completion; returns wall milliseconds, peak RSS (KiB) and stdout.
 * Peak RSS comes from GNU time when installed; otherwise Node children report their own
 * (`process.resourceUsage().maxRSS` via a preload), and other programs report none.
 */
export function measure(cmd, args, { cwd = repoRoot, keepStdout = false, env } = {}) {
  const haveTime = existsSync(TIME_BIN)
  const isNode = cmd === process.execPath
  let argv
  if (haveTime) argv = [TIME_BIN, ['-f', 'MAXRSS_KB=%M', cmd, ...args]]
  else if (isNode) argv = [cmd, ['-r', MAX_RSS_PRELOAD, ...args]]
  else argv = [cmd, args]
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn(argv[0], argv[1], {
      cwd,
      env: isNode ? withoutMachineNodeVariables({ ...process.env, ...env }) : { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const out = []
    let outBytes = 0
    let stderr = ''
    child.stdout.on('data', (b) => {
      outBytes += b.length
      if (keepStdout) out.push(b)
    })
    child.stderr.setEncoding('utf8').on('data', (s) => (stderr += s))
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      const m = /MAXRSS_KB=(\d+)\s*$/.exec(stderr)
      resolve({
        code: code ?? 1,
        ms,
        peakRssKiB: m ? Number(m[1]) : null,
        stdout: keepStdout ? Buffer.concat(out) : null,
        stdoutBytes: outBytes,
        stderr: m ? stderr.slice(0, m.index) : stderr,
      })
    })
  })
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
