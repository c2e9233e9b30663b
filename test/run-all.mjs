#!/usr/bin/env node
// `npm test`: every check this project has, in the order a failure is cheapest to read.
// It finds (or builds, once) the test Consul, builds the app, runs static checks, the unit and
// integration suites (real Consul), the Playwright suite (browser mode, Debian Chromium), and the
// Electron security scan, then prints one closing line "tests: N passed, N failed".
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const only = process.argv.slice(2) // optional phase names, e.g. `npm test -- unit`
const totals = { passed: 0, failed: 0, skipped: 0 }
const failures = []

function run(label, cmd, args, options = {}) {
  process.stdout.write(`\n=== ${label}: ${cmd} ${args.join(' ')}\n`)
  const result = spawnSync(cmd, args, {
    cwd: root,
    stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    env: { ...process.env, ...options.env },
  })
  if (result.status !== 0) failures.push(label)
  return result
}

function wanted(phase) {
  return only.length === 0 || only.includes(phase)
}

// npm test must leave a checkout as it found it (the e2e run once rewrote docs/screenshots on every
// run): what git sees (changed, added and untracked files, and the changes' content) is compared
// before and after. Outside a git checkout there is nothing to compare.
function checkoutState() {
  const git = (args) => spawnSync('git', args, { cwd: root, maxBuffer: 1 << 30 })
  const status = git(['status', '--porcelain=v1', '--untracked-files=all'])
  if (status.status !== 0) return null
  const diff = git(['diff', 'HEAD', '--binary'])
  return `${status.stdout}${createHash('sha256')
    .update(diff.stdout ?? '')
    .digest('hex')}`
}
const checkoutBefore = checkoutState()

// The test Consul: CONSUL_BIN, PATH, the cache, else a one-time build (test/consul/find-consul.sh).
const find = run('consul binary', 'bash', ['test/consul/find-consul.sh'], { capture: true })
const consulBin = find.stdout?.toString().trim()
if (!consulBin) {
  console.error('Could not find or build the test Consul; see the lines above.')
  process.exit(1)
}
process.env.CONSUL_BIN = consulBin

// The GCS emulator for the storage specs, found or built once here rather than inside a spec's
// setup hook (a cold Go build takes minutes).
const findFakeGcs = 'test/storage/fake-gcs-server/find-fake-gcs-server.sh'
const fakeGcs = run('fake-gcs-server binary', 'bash', [findFakeGcs], { capture: true })
const fakeGcsBin = fakeGcs.stdout?.toString().trim()
if (fakeGcsBin) process.env.FAKE_GCS_BIN = fakeGcsBin

// The S3 server for the storage specs (versitygw), likewise found or built once up front.
const versitygw = run('versitygw binary', 'bash', ['test/storage/versitygw/find-versitygw.sh'], {
  capture: true,
})
const versitygwBin = versitygw.stdout?.toString().trim()
if (versitygwBin) process.env.VERSITYGW_BIN = versitygwBin

if (wanted('build')) run('build', 'npm', ['run', 'build']) // the app, then the single-file agent
if (wanted('static')) {
  run('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'])
  run('lint', 'npx', ['eslint', '.'])
  run('format', 'npx', ['prettier', '--check', '.'])
}

function vitest(project) {
  const dir = mkdtempSync(join(tmpdir(), 'vitest-report-'))
  const report = join(dir, 'report.json')
  run(`vitest ${project}`, 'npx', [
    'vitest',
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ])
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'))
    totals.passed += json.numPassedTests ?? 0
    totals.failed += json.numFailedTests ?? 0
    totals.skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0)
  }
  rmSync(dir, { recursive: true, force: true })
}
if (wanted('unit')) vitest('unit')
if (wanted('integration')) vitest('integration')

if (wanted('e2e') && existsSync(join(root, 'playwright.config.ts'))) {
  const dir = mkdtempSync(join(tmpdir(), 'pw-report-'))
  const report = join(dir, 'report.json')
  run('playwright', 'npx', ['playwright', 'test', '--reporter=list,json'], {
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: report },
  })
  if (existsSync(report)) {
    const stats = JSON.parse(readFileSync(report, 'utf8')).stats ?? {}
    totals.passed += stats.expected ?? 0
    totals.failed += (stats.unexpected ?? 0) + (stats.flaky ?? 0)
    totals.skipped += stats.skipped ?? 0
  }
  rmSync(dir, { recursive: true, force: true })
}

if (wanted('security') && existsSync(join(root, 'scripts/electronegativity-check.mjs'))) {
  run('electronegativity', 'node', ['scripts/electronegativity-check.mjs'])
}

const checkoutAfter = checkoutState()
if (checkoutBefore !== null && checkoutAfter !== checkoutBefore) {
  console.error('\nThe tests changed the checkout (git status / git diff differ from before the run):')
  spawnSync('git', ['status', '--short'], { cwd: root, stdio: 'inherit' })
  failures.push('checkout unchanged')
}

if (failures.length > 0) console.log(`\nFailed phases: ${failures.join(', ')}`)
console.log(
  `\ntests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
)
process.exit(failures.length > 0 || totals.failed > 0 ? 1 : 0)
