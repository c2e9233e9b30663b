// inspect -kvdetails on a ≥100 MB real-Consul snapshot: our CLI against `consul snapshot inspect`
// and against the floor, a plain gunzip of the same file in Node. All three run as child
// processes (so each pays its own start-up) in alternating order, several rounds; medians are
// reported. A second, ~300 MB synthetic file shows whether our peak RSS grows with the file.
import { median } from './context.mjs'
import { kv100mbSnapshot, kv300mbSyntheticSnapshot } from './fixtures.mjs'

export const title = 'inspect -kvdetails: snapshot-studio vs consul snapshot inspect vs plain gunzip'

const GOALS = { oursVsConsul: 1, oursVsGunzip: 1.5, peakRssMiB: 256 }
const GUNZIP_SCRIPT =
  "const fs=require('node:fs'),zlib=require('node:zlib');" +
  "fs.createReadStream(process.argv[1]).pipe(zlib.createGunzip()).on('data',()=>{}).on('end',()=>{})"

export async function run(ctx) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
  const fx = await ctx.fixture('kv-100mb', kv100mbSnapshot)
  const large = await ctx.fixture('kv-300mb-synthetic', kv300mbSyntheticSnapshot)

  const contenders = {
    ours: (file) => ctx.measure(process.execPath, [ctx.cliScript, 'inspect', '-kvdetails', file]),
    consul: (file) => ctx.measure(ctx.consulBin, ['snapshot', 'inspect', '-kvdetails', file]),
    gunzip: (file) => ctx.measure(process.execPath, ['-e', GUNZIP_SCRIPT, file]),
  }

  // Warm-up (page cache, lazy builds) doubles as a parity check on the big file.
  const [oursOut, consulOut] = [
    await ctx.measure(process.execPath, [ctx.cliScript, 'inspect', '-kvdetails', fx.file], {
      keepStdout: true,
    }),
    await ctx.measure(ctx.consulBin, ['snapshot', 'inspect', '-kvdetails', fx.file], { keepStdout: true }),
  ]
  await contenders.gunzip(fx.file)
  for (const [name, r] of [
    ['ours', oursOut],
    ['consul', consulOut],
  ]) {
    if (r.code !== 0) throw new Error(`${name} inspect exited ${r.code}: ${r.stderr.slice(0, 2000)}`)
  }
  const identicalOutput = oursOut.stdout.equals(consulOut.stdout)

  const runs = { ours: [], consul: [], gunzip: [] }
  const rss = { ours: [], consul: [], gunzip: [] }
  const names = Object.keys(contenders)
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so no contender always runs right after the same neighbour.
    const order = names.map((_, i) => names[(i + round) % names.length])
    for (const name of order) {
      const r = await contenders[name](fx.file)
      if (r.code !== 0) throw new Error(`${name} exited ${r.code}: ${r.stderr.slice(0, 2000)}`)
      runs[name].push(r.ms)
      if (r.peakRssKiB !== null) rss[name].push(r.peakRssKiB)
    }
    ctx.log(
      `round ${round + 1}/${rounds}: ${order.map((n) => `${n} ${(runs[n].at(-1) / 1000).toFixed(2)} s`).join(', ')}`,
    )
  }

  const med = Object.fromEntries(names.map((n) => [n, median(runs[n])]))
  const peak = Object.fromEntries(names.map((n) => [n, rss[n].length ? Math.max(...rss[n]) : null]))

  // The larger file: one run each of ours and gunzip is enough to see the RSS trend (consul is
  // left out here: it would add a minute and its RSS is not the question).
  const largeOurs = await contenders.ours(large.file)
  if (largeOurs.code !== 0)
    throw new Error(`ours on the large file exited ${largeOurs.code}: ${largeOurs.stderr.slice(0, 2000)}`)
  const largeGunzip = await contenders.gunzip(large.file)

  const ratios = { oursVsConsul: med.ours / med.consul, oursVsGunzip: med.ours / med.gunzip }
  const oursPeakMiB = peak.ours === null ? null : peak.ours / 1024
  const largePeakMiB = largeOurs.peakRssKiB === null ? null : largeOurs.peakRssKiB / 1024
  const goals = {
    fasterThanConsul: ratios.oursVsConsul < GOALS.oursVsConsul,
    within1_5xGunzip: ratios.oursVsGunzip <= GOALS.oursVsGunzip,
    peakRssUnder256MiB: oursPeakMiB !== null && oursPeakMiB < GOALS.peakRssMiB,
    largeFilePeakRssUnder256MiB: largePeakMiB !== null && largePeakMiB < GOALS.peakRssMiB,
  }

  const s = (ms) => `${(ms / 1000).toFixed(2)} s`
  const mib = (kib) => (kib === null ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`)
  const mark = (ok) => (ok ? 'met' : 'NOT met')
  const summary = [
    `file: ${fx.file} (${(fx.bytes / 2 ** 20).toFixed(1)} MiB, state.bin ${(fx.stateBinBytes / 2 ** 20).toFixed(1)} MiB), ${rounds} rounds, medians`,
    `ours   ${s(med.ours).padStart(8)}   peak RSS ${mib(peak.ours)}`,
    `consul ${s(med.consul).padStart(8)}   peak RSS ${mib(peak.consul)}`,
    `gunzip ${s(med.gunzip).padStart(8)}   peak RSS ${mib(peak.gunzip)}   (Node zlib, the floor)`,
    `ours/consul ${ratios.oursVsConsul.toFixed(2)}x (goal < 1: ${mark(goals.fasterThanConsul)})`,
    `ours/gunzip ${ratios.oursVsGunzip.toFixed(2)}x (goal ≤ 1.5: ${mark(goals.within1_5xGunzip)})`,
    `peak RSS goal < 256 MiB: ${mark(goals.peakRssUnder256MiB)}`,
    `output identical to consul's: ${identicalOutput ? 'yes' : 'NO'}`,
    `large file: ${(large.stateBinBytes / 2 ** 20).toFixed(0)} MiB state.bin — ours ${s(largeOurs.ms)} / ${mib(largeOurs.peakRssKiB)}, ` +
      `gunzip ${s(largeGunzip.ms)} / ${mib(largeGunzip.peakRssKiB)} ` +
      `(RSS goal < 256 MiB: ${mark(goals.largeFilePeakRssUnder256MiB)})`,
  ]

  return {
    summary,
    metrics: {
      fixture: { file: fx.file, bytes: fx.bytes, stateBinBytes: fx.stateBinBytes },
      rounds,
      medianMs: med,
      runsMs: runs,
      peakRssKiB: peak,
      ratios,
      identicalOutput,
      large: {
        file: large.file,
        bytes: large.bytes,
        stateBinBytes: large.stateBinBytes,
        ours: { ms: largeOurs.ms, peakRssKiB: largeOurs.peakRssKiB },
        gunzip: { ms: largeGunzip.ms, peakRssKiB: largeGunzip.peakRssKiB },
      },
      goals,
    },
  }
}
