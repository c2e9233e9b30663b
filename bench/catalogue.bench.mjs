// Browsing and exporting a big snapshot: `snapshot-studio kv-export` (opens a catalogue — one
// streaming pass that spills state.bin and indexes every record — then streams every KV value
// out as `consul kv export` JSON) against two floors measured in the same run on the same file:
// `snapshot-studio inspect` (the skipping scan alone) and a plain gunzip in Node. A ~300 MB
// synthetic file shows whether peak RSS follows the file size. In-process numbers for the
// catalogue (index size, open time, paging and search latency) come from one open of the 100 MB
// file.
import { median } from './context.mjs'
import { kv100mbSnapshot, kv300mbSyntheticSnapshot } from './fixtures.mjs'

export const title = 'kv-export / catalogue: open + export vs inspect scan vs plain gunzip'

const GOALS = { exportVsInspect: 4, peakRssMiB: 256 }
const GUNZIP_SCRIPT =
  "const fs=require('node:fs'),zlib=require('node:zlib');" +
  "fs.createReadStream(process.argv[1]).pipe(zlib.createGunzip()).on('data',()=>{}).on('end',()=>{})"

async function inProcess(ctx, file) {
  const { openSnapshotCatalogue } = await ctx.importTs('src/main/services/snapshot/catalogue/index.ts')
  const time = async (f) => {
    const t0 = performance.now()
    await f()
    return performance.now() - t0
  }
  let catalogue
  const openMs = await time(async () => (catalogue = await openSnapshotCatalogue(file)))
  try {
    const summary = catalogue.summary()
    const firstKey =
      catalogue.kvRange({ start: Math.floor(summary.kvKeys / 2), limit: 1 }).entries[0]?.key ?? ''
    return {
      openMs,
      kvKeys: summary.kvKeys,
      indexBytes: summary.indexBytes,
      kvListRootMs: await time(() => catalogue.kvList({ prefix: '' })),
      kvRangeMiddleMs: await time(() =>
        catalogue.kvRange({ start: Math.floor(summary.kvKeys / 2), limit: 200 }),
      ),
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

  const contenders = {
    export: (file) => ctx.measure(process.execPath, [ctx.cliScript, 'kv-export', file]),
    inspect: (file) => ctx.measure(process.execPath, [ctx.cliScript, 'inspect', file]),
    gunzip: (file) => ctx.measure(process.execPath, ['-e', GUNZIP_SCRIPT, file]),
  }
  const names = Object.keys(contenders)

  // Warm-up (page cache) and a sanity check that the export ran.
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

  const largeExport = await contenders.export(large.file)
  if (largeExport.code !== 0)
    throw new Error(
      `export of the large file exited ${largeExport.code}: ${largeExport.stderr.slice(0, 2000)}`,
    )

  const inside = await inProcess(ctx, fx.file)

  const ratios = { exportVsInspect: med.export / med.inspect, exportVsGunzip: med.export / med.gunzip }
  const mib = (kib) => (kib === null ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`)
  const goals = {
    exportWithin4xInspect: ratios.exportVsInspect <= GOALS.exportVsInspect,
    peakRssUnder256MiB: peak.export !== null && peak.export / 1024 < GOALS.peakRssMiB,
    largeFilePeakRssUnder256MiB:
      largeExport.peakRssKiB !== null && largeExport.peakRssKiB / 1024 < GOALS.peakRssMiB,
  }
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`
  const mark = (ok) => (ok ? 'met' : 'NOT met')
  const summary = [
    `file: ${fx.file} (${(fx.bytes / 2 ** 20).toFixed(1)} MiB, state.bin ${(fx.stateBinBytes / 2 ** 20).toFixed(1)} MiB, ${inside.kvKeys} keys), ${rounds} rounds, medians`,
    `kv-export ${s(med.export).padStart(8)}   peak RSS ${mib(peak.export)}`,
    `inspect   ${s(med.inspect).padStart(8)}   peak RSS ${mib(peak.inspect)}   (scan only)`,
    `gunzip    ${s(med.gunzip).padStart(8)}   peak RSS ${mib(peak.gunzip)}   (Node zlib, the floor)`,
    `export/inspect ${ratios.exportVsInspect.toFixed(2)}x (goal ≤ ${GOALS.exportVsInspect}: ${mark(goals.exportWithin4xInspect)}), export/gunzip ${ratios.exportVsGunzip.toFixed(2)}x`,
    `peak RSS goal < ${GOALS.peakRssMiB} MiB: ${mark(goals.peakRssUnder256MiB)}`,
    `large file: ${(large.stateBinBytes / 2 ** 20).toFixed(0)} MiB state.bin — export ${s(largeExport.ms)} / ${mib(largeExport.peakRssKiB)} ` +
      `(RSS goal: ${mark(goals.largeFilePeakRssUnder256MiB)})`,
    `in-process: open ${s(inside.openMs)}, index ${(inside.indexBytes / 2 ** 20).toFixed(1)} MiB for ${inside.kvKeys} keys; ` +
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
      ratios,
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
