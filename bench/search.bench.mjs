// search inside values against inspect -kvdetails on the same ≥100 MB real-Consul snapshot: both
// are our CLI as child processes, run in alternating order for several rounds; medians compared.
// The goal (issue 14): a value search within 2x of inspect -kvdetails. Three searches: a plain
// text that is nowhere (every value read to its end), the same ignoring case, and a regex.
import { median } from './context.mjs'
import { kv100mbSnapshot } from './fixtures.mjs'

export const title = 'search inside values vs inspect -kvdetails (same file, our CLI)'

const GOAL = 2

export async function run(ctx) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
  const fx = await ctx.fixture('kv-100mb', kv100mbSnapshot)
  const contenders = {
    inspect: ['inspect', '-kvdetails', fx.file],
    text: ['search', '-case-sensitive', fx.file, 'no-such-value-anywhere-7f3a'],
    caseless: ['search', fx.file, 'No-Such-Value-Anywhere-7F3A'],
    regex: ['search', '-regex', fx.file, 'no-such-[0-9]+-value'],
  }
  const names = Object.keys(contenders)
  const runs = Object.fromEntries(names.map((n) => [n, []]))
  // Warm-up: page cache, and a check that each exits as expected (searches find nothing: exit 1).
  for (const name of names) {
    const r = await ctx.measure(process.execPath, [ctx.cliScript, ...contenders[name]])
    const expected = name === 'inspect' ? 0 : 1
    if (r.code !== expected) throw new Error(`${name} exited ${r.code}: ${r.stderr.slice(0, 2000)}`)
  }
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length])
    for (const name of order)
      runs[name].push((await ctx.measure(process.execPath, [ctx.cliScript, ...contenders[name]])).ms)
    ctx.log(
      `round ${round + 1}/${rounds}: ${order.map((n) => `${n} ${(runs[n].at(-1) / 1000).toFixed(2)} s`).join(', ')}`,
    )
  }
  const med = Object.fromEntries(names.map((n) => [n, median(runs[n])]))
  const ratios = Object.fromEntries(
    names.filter((n) => n !== 'inspect').map((n) => [n, med[n] / med.inspect]),
  )
  const goals = Object.fromEntries(Object.entries(ratios).map(([n, r]) => [n, r <= GOAL]))
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`
  return {
    summary: [
      `file: ${fx.file} (${(fx.bytes / 2 ** 20).toFixed(1)} MiB), ${rounds} rounds, medians`,
      `inspect -kvdetails ${s(med.inspect)}`,
      ...Object.entries(ratios).map(
        ([n, r]) =>
          `search ${n.padEnd(8)} ${s(med[n])}  ${r.toFixed(2)}x inspect (goal ≤ ${GOAL}: ${r <= GOAL ? 'met' : 'NOT met'})`,
      ),
    ],
    metrics: {
      fixture: { file: fx.file, bytes: fx.bytes },
      rounds,
      medianMs: med,
      runsMs: runs,
      ratios,
      goals,
    },
  }
}
