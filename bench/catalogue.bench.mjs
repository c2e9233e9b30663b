// The contents path against `inspect -kvdetails`, measured in the same run on the same file: the
// goal is both within 2x of it.
// - kv-export: `snapshot-studio kv-export` (verify, each KV entry encoded as `consul kv export`
//   JSON while the archive is read and held, in memory then a working file, until the verdict,
//   then copied out) vs `snapshot-studio inspect -kvdetails`, child processes; plain `inspect`
//   and a plain gunzip in Node are shown as floors.
// - contents ready: opening the catalogue (what the content browser waits for) vs
//   inspectSnapshot with kvDetails, both in this process, alternated.
// - peak RSS of kv-export on a small file holding one 100 MiB value, and on a ~300 MB state.bin.
// In-process numbers for browsing (index size, paging and search latency) come from one open of
// the 100 MB file.
import { median } from './context.mjs'
import { hugeValueSnapshot, kv100mbSnapshot, kv300mbSyntheticSnapshot } from './fixtures.mjs'

export const title = 'kv-export and contents-ready vs inspect -kvdetails; kv-export peak RSS'

const GOALS = { exportVsInspectKv: 2, contentsReadyVsInspectKv: 2, peakRssMiB: 256 }
const GUNZIP_SCRIPT =
  "const fs=require('node:fs'),zlib=require('node:zlib');" +
  "fs.createReadStream(process.argv[1]).pipe(zlib.createGunzip()).on('data',()=>{}).on('end',()=>{})"

async function time(f) {
  const t0 = performance.now()
  await f()
  return performance.now() - t0
}

/** Opening the catalogue vs inspect -kvdetails, in this process, alternated over rounds. */
async function contentsReady(ctx, file, rounds) {
  const { openSnapshotCatalogue } = await ctx.importTs('src/main/services/snapshot/catalogue/index.ts')
  const { inspectSnapshot } = await ctx.importTs('src/main/services/snapshot/index.ts')
  const open = []
  const inspect = []
  await inspectSnapshot(file, { kvDetails: true }) // warm-up: page cache, JIT
  await (await openSnapshotCatalogue(file)).close()
  for (let round = 0; round < rounds; round++) {
    inspect.push(await time(() => inspectSnapshot(file, { kvDetails: true })))
    let catalogue
    open.push(await time(async () => (catalogue = await openSnapshotCatalogue(file))))
    await catalogue.close()
  }
  return { openMs: median(open), inspectKvMs: median(inspect), runs: { open, inspect } }
}

async function browsing(ctx, file) {
  const { openSnapshotCatalogue } = await ctx.importTs('src/main/services/snapshot/catalogue/index.ts')
  const catalogue = await openSnapshotCatalogue(file)
  try {
    const summary = catalogue.summary()
    const middle = Math.floor(summary.kvKeys / 2)
    const firstKey = catalogue.kvRange({ start: middle, limit: 1 }).entries[0]?.key ?? ''
    return {
      kvKeys: summary.kvKeys,
      indexBytes: summary.indexBytes,
      kvListRootMs: await time(() => catalogue.kvList({ prefix: '' })),
      kvRangeMiddleMs: await time(() => catalogue.kvRange({ start: middle, limit: 200 })),
      kvGetMs: await time(() => catalogue.kvGet(firstKey)),
      searchNoHitMs: await time(() => catalogue.search('no-such-key-anywhere')),
    }
  } finally {
    await catalogue.close()
  }
}

export async function run(ctx) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
  const fx = await ctx.fixture('kv-100mb', kv100mbSnapshot)
  const large = await ctx.fixture('kv-300mb-synthetic', kv300mbSyntheticSnapshot)
  const huge = await ctx.fixture('kv-100mib-value', hugeValueSnapshot)

  const cli = (...args) => ctx.measure(process.execPath, [ctx.cliScript, ...args])
  const contenders = {
    export: (file) => cli('kv-export', file),
    inspectKv: (file) => cli('inspect', '-kvdetails', file),
    inspect: (file) => cli('inspect', file),
    gunzip: (file) => ctx.measure(process.execPath, ['-e', GUNZIP_SCRIPT, file]),
  }
  const names = Object.keys(contenders)

  // Warm-up (page cache) and a sanity check that each ran.
  for (const name of names) {
    const r = await contenders[name](fx.file)
    if (r.code !== 0) throw new Error(`${name} exited ${r.code}: ${r.stderr.slice(0, 2000)}`)
    if (name === 'export') ctx.log(`export wrote ${(r.stdoutBytes / 2 ** 20).toFixed(1)} MiB of JSON`)
  }

  const runs = Object.fromEntries(names.map((n) => [n, []]))
  const rss = Object.fromEntries(names.map((n) => [n, []]))
  for (let round = 0; round < rounds; round++) {
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

  const ready = await contentsReady(ctx, fx.file, rounds)
  ctx.log(
    `contents ready ${(ready.openMs / 1000).toFixed(2)} s vs inspect -kvdetails ${(ready.inspectKvMs / 1000).toFixed(2)} s (in process)`,
  )

  const hugeExport = await contenders.export(huge.file)
  if (hugeExport.code !== 0)
    throw new Error(`export of the 100 MiB value exited ${hugeExport.code}: ${hugeExport.stderr}`)
  const largeExport = await contenders.export(large.file)
  if (largeExport.code !== 0)
    throw new Error(
      `export of the large file exited ${largeExport.code}: ${largeExport.stderr.slice(0, 2000)}`,
    )

  const inside = await browsing(ctx, fx.file)

  const ratios = {
    exportVsInspectKv: med.export / med.inspectKv,
    contentsReadyVsInspectKv: ready.openMs / ready.inspectKvMs,
    exportVsGunzip: med.export / med.gunzip,
  }
  const mib = (kib) => (kib === null ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`)
  const under = (kib) => kib !== null && kib / 1024 < GOALS.peakRssMiB
  const goals = {
    exportWithin2xInspectKv: ratios.exportVsInspectKv <= GOALS.exportVsInspectKv,
    contentsReadyWithin2xInspectKv: ratios.contentsReadyVsInspectKv <= GOALS.contentsReadyVsInspectKv,
    exportPeakRssUnder256MiB: under(peak.export),
    hugeValuePeakRssUnder256MiB: under(hugeExport.peakRssKiB),
    largeFilePeakRssUnder256MiB: under(largeExport.peakRssKiB),
  }
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`
  const mark = (ok) => (ok ? 'met' : 'NOT met')
  const summary = [
    `file: ${fx.file} (${(fx.bytes / 2 ** 20).toFixed(1)} MiB, state.bin ${(fx.stateBinBytes / 2 ** 20).toFixed(1)} MiB, ${inside.kvKeys} keys), ${rounds} rounds, medians`,
    `kv-export          ${s(med.export).padStart(8)}   peak RSS ${mib(peak.export)}`,
    `inspect -kvdetails ${s(med.inspectKv).padStart(8)}   peak RSS ${mib(peak.inspectKv)}   (the baseline)`,
    `inspect            ${s(med.inspect).padStart(8)}   peak RSS ${mib(peak.inspect)}`,
    `gunzip             ${s(med.gunzip).padStart(8)}   peak RSS ${mib(peak.gunzip)}   (Node zlib, the floor)`,
    `kv-export / inspect -kvdetails ${ratios.exportVsInspectKv.toFixed(2)}x (goal ≤ ${GOALS.exportVsInspectKv}: ${mark(goals.exportWithin2xInspectKv)})`,
    `contents ready / inspect -kvdetails ${ratios.contentsReadyVsInspectKv.toFixed(2)}x in process (${s(ready.openMs)} vs ${s(ready.inspectKvMs)}; goal ≤ ${GOALS.contentsReadyVsInspectKv}: ${mark(goals.contentsReadyWithin2xInspectKv)})`,
    `kv-export peak RSS: ${mib(peak.export)} on this file, ${mib(hugeExport.peakRssKiB)} on one 100 MiB value (${(huge.bytes / 1024).toFixed(0)} KiB file), ` +
      `${mib(largeExport.peakRssKiB)} on ${(large.stateBinBytes / 2 ** 20).toFixed(0)} MiB state.bin (goal < ${GOALS.peakRssMiB} MiB: ${mark(goals.exportPeakRssUnder256MiB && goals.hugeValuePeakRssUnder256MiB && goals.largeFilePeakRssUnder256MiB)})`,
    `browsing: index ${(inside.indexBytes / 2 ** 20).toFixed(1)} MiB for ${inside.kvKeys} keys; ` +
      `kvList root ${inside.kvListRootMs.toFixed(1)} ms, kvRange page ${inside.kvRangeMiddleMs.toFixed(1)} ms, ` +
      `kvGet ${inside.kvGetMs.toFixed(1)} ms, search (full scan) ${inside.searchNoHitMs.toFixed(1)} ms`,
  ]
  return {
    summary,
    metrics: {
      fixture: { file: fx.file, bytes: fx.bytes, stateBinBytes: fx.stateBinBytes },
      rounds,
      medianMs: med,
      runsMs: runs,
      peakRssKiB: peak,
      contentsReady: ready,
      ratios,
      hugeValue: {
        file: huge.file,
        bytes: huge.bytes,
        export: { ms: hugeExport.ms, peakRssKiB: hugeExport.peakRssKiB },
      },
      large: {
        file: large.file,
        stateBinBytes: large.stateBinBytes,
        export: { ms: largeExport.ms, peakRssKiB: largeExport.peakRssKiB },
      },
      inProcess: inside,
      goals,
    },
  }
}
