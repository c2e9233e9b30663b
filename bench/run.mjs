#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.mjs module in name order, prints a readable report
// and writes bench/results/latest.json. Adding a benchmark is dropping a file here that exports
//
//   export const title = 'what it measures'
//   export async function run(ctx) { ...; return { summary: ['lines', ...], metrics: {...} } }
//
// `ctx` (bench/context.mjs) finds or builds Consul, builds our CLI when it is missing or older
// than its sources, and hands out cached fixtures. Pass module names to run a subset:
// `npm run bench -- inspect`.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const benchDir = path.dirname(fileURLToPath(import.meta.url))
const only = process.argv.slice(2)

// The fixtures reuse the TypeScript test helpers (Consul agent, populate, snapshot crafting), so
// the runner re-executes itself once under tsx's loader; measured children stay plain `node`.
if (!process.env.SNAPSHOT_STUDIO_BENCH_TSX) {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...only], {
    stdio: 'inherit',
    env: { ...process.env, SNAPSHOT_STUDIO_BENCH_TSX: '1' },
  })
  process.exit(child.status ?? 1)
}

const { createContext, nodeStartCost } = await import('./context.mjs')

const modules = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .sort()
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.bench\.mjs$/, '')))

if (modules.length === 0) {
  console.error(`no bench modules match ${only.join(', ') || '(any)'} in ${benchDir}`)
  process.exit(1)
}

const ctx = await createContext()
const startedAt = new Date()
const nodeStart = nodeStartCost()
if (nodeStart.present.length > 0)
  console.log(
    `Node start-up: ${nodeStart.withoutMs.toFixed(0)} ms; this machine's ${nodeStart.present.join(', ')} ` +
      `adds ${(nodeStart.withMs - nodeStart.withoutMs).toFixed(0)} ms to every Node start, so the Node ` +
      'processes measured below run without it (see bench/context.mjs).',
  )
const results = {}
let failed = 0

for (const file of modules) {
  const name = file.replace(/\.bench\.mjs$/, '')
  const mod = await import(pathToFileURL(path.join(benchDir, file)).href)
  console.log(`\n=== ${name}: ${mod.title ?? ''}`)
  const t0 = performance.now()
  try {
    const result = await mod.run(ctx)
    const seconds = (performance.now() - t0) / 1000
    results[name] = { title: mod.title ?? name, seconds: round(seconds, 1), ...result }
    for (const line of result.summary ?? []) console.log(`  ${line}`)
    console.log(`  (${seconds.toFixed(1)} s)`)
  } catch (error) {
    failed++
    results[name] = { title: mod.title ?? name, error: String(error?.stack ?? error) }
    console.error(`  FAILED: ${error?.stack ?? error}`)
  }
}

await ctx.dispose()

const report = {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    nodeStartMs: { ...nodeStart, removedFromMeasuredNodeProcesses: nodeStart.present },
  },
  consul: ctx.consulVersion ?? null,
  benches: results,
}
const resultsDir = path.join(benchDir, 'results')
mkdirSync(resultsDir, { recursive: true })
const out = path.join(resultsDir, 'latest.json')
writeFileSync(out, JSON.stringify(report, null, 2) + '\n')
console.log(`\nwrote ${path.relative(process.cwd(), out)}`)
process.exit(failed === 0 ? 0 : 1)

function round(n, digits) {
  const f = 10 ** digits
  return Math.round(n * f) / f
}
