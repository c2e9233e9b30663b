// `snapshot-studio diff` on two generated snapshots of about 1 GB of state.bin each (a million
// keys; the second with every 1000th key changed, every 2000th removed, one added per 2000): its
// peak RSS against the goal (< 512 MiB, so neither snapshot is held in memory), its answer
// against the known one, and its time as a ratio of `inspect` of both files in the same run.
import { existsSync, mkdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { median } from './context.mjs'

export const title = 'diff of two ~1 GB snapshots: peak RSS (goal < 512 MiB), answer, time vs inspect of both'

const GOALS = { peakRssMiB: 512 }
const KEYS = Number(process.env.BENCH_DIFF_KEYS ?? 1_000_000)
const VALUE_BYTES = 1000

async function generated(ctx, variant) {
  const { writeGeneratedKvSnapshot } = await ctx.importTs('test/support/generated-kv-snapshot.ts')
  const file = path.join(ctx.cacheDir, `diff-${KEYS}-${variant}.snap`)
  if (!existsSync(file)) {
    mkdirSync(ctx.cacheDir, { recursive: true })
    ctx.log(`generating ${file}: ${KEYS} keys of ${VALUE_BYTES} bytes`)
    const t0 = performance.now()
    const stateBytes = await writeGeneratedKvSnapshot(file, { keys: KEYS, valueBytes: VALUE_BYTES, variant })
    ctx.log(
      `state.bin ${(stateBytes / 2 ** 20).toFixed(0)} MiB in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    )
  }
  return { file, bytes: statSync(file).size }
}

export async function run(ctx) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 1)
  const before = await ctx.fixture(`diff-${KEYS}-before`, (c) => generated(c, 'before'))
  const after = await ctx.fixture(`diff-${KEYS}-after`, (c) => generated(c, 'after'))
  const { expectedKvDiff } = await ctx.importTs('test/support/generated-kv-snapshot.ts')
  const expected = expectedKvDiff(KEYS)

  const cli = (args, keepStdout = false) =>
    ctx.measure(process.execPath, [ctx.cliScript, ...args], { keepStdout })
  const diffs = []
  const inspects = []
  let peak = 0
  let answer = null
  for (let round = 0; round < rounds; round++) {
    const a = await cli(['inspect', before.file])
    const b = await cli(['inspect', after.file])
    if (a.code !== 0 || b.code !== 0) throw new Error(`inspect failed: ${a.stderr}${b.stderr}`)
    inspects.push(a.ms + b.ms)
    const d = await cli(['diff', '-format', 'json', before.file, after.file], true)
    if (d.code !== 1) throw new Error(`diff exited ${d.code}: ${d.stderr.slice(0, 2000)}`)
    diffs.push(d.ms)
    peak = Math.max(peak, d.peakRssKiB ?? 0)
    answer = JSON.parse(d.stdout.toString('utf8')).counts.kv
    ctx.log(
      `round ${round + 1}/${rounds}: diff ${(d.ms / 1000).toFixed(1)} s, inspect both ${((a.ms + b.ms) / 1000).toFixed(1)} s, peak RSS ${(d.peakRssKiB / 1024).toFixed(0)} MiB`,
    )
  }
  const right = JSON.stringify(answer) === JSON.stringify(expected)
  const ratio = median(diffs) / median(inspects)
  const goals = { peakRssUnder512MiB: peak > 0 && peak / 1024 < GOALS.peakRssMiB, rightAnswer: right }
  const mark = (ok) => (ok ? 'met' : 'NOT met')
  return {
    summary: [
      `files: ${(before.bytes / 2 ** 20).toFixed(0)} MiB and ${(after.bytes / 2 ** 20).toFixed(0)} MiB compressed, ${KEYS} keys each`,
      `diff peak RSS ${(peak / 1024).toFixed(0)} MiB (goal < ${GOALS.peakRssMiB} MiB: ${mark(goals.peakRssUnder512MiB)})`,
      `answer ${JSON.stringify(answer)} vs expected ${JSON.stringify(expected)}: ${right ? 'right' : 'WRONG'}`,
      `diff ${(median(diffs) / 1000).toFixed(1)} s / inspect of both ${(median(inspects) / 1000).toFixed(1)} s = ${ratio.toFixed(2)}x`,
    ],
    metrics: {
      keys: KEYS,
      valueBytes: VALUE_BYTES,
      before,
      after,
      diffMs: diffs,
      inspectBothMs: inspects,
      peakRssKiB: peak,
      ratio,
      answer,
      expected,
      goals,
    },
  }
}
