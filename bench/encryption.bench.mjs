// age encryption of a ≥100 MB snapshot: ours (encryptFile, as the agent's cycle runs it) against
// Debian's `age -r` on the same file, and decryption (as inspect, kv-export and restore read a
// .snap.age) against `age -d -i`, as ratios of medians in the same run, plus our peak RSS. Our
// side is test/support/age-peak-rss-child.ts bundled once with esbuild (tsx's and vite's) and run
// by plain node, as the shipped CLI is a bundle: running it under tsx would time tsx's on-the-fly
// compilation (about a second on this box), not our code. Both sides pay their process start-up.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import { median } from './context.mjs'
import { kv100mbSnapshot } from './fixtures.mjs'

export const title = 'age encryption of a ≥100 MB snapshot: snapshot-studio vs age on the same file'

const GOALS = { peakRssMiB: 200 }

export async function run(ctx) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
  const fx = await ctx.fixture('kv-100mb', kv100mbSnapshot)
  const work = mkdtempSync(path.join(os.tmpdir(), 'ss-bench-encryption-'))
  try {
    const keyFile = path.join(work, 'key.txt')
    execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' })
    const recipient = execFileSync('age-keygen', ['-y', keyFile], { encoding: 'utf8' }).trim()
    const identity = execFileSync('grep', ['^AGE-SECRET-KEY-', keyFile], { encoding: 'utf8' }).trim()
    const child = path.join(work, 'age-peak-rss-child.mjs')
    await build({
      entryPoints: [path.join(ctx.repoRoot, 'test', 'support', 'age-peak-rss-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: child,
      logLevel: 'error',
    })
    const ours = path.join(work, 'ours.snap.age')
    const theirs = path.join(work, 'age.snap.age')
    const fresh = (file) => rmSync(file, { force: true })
    const contenders = {
      'age -r': () => (fresh(theirs), ctx.measure('age', ['-r', recipient, '-o', theirs, fx.file])),
      'ours encrypt': () => (
        fresh(ours),
        ctx.measure(process.execPath, [child, 'encrypt', fx.file, ours, recipient], {
          keepStdout: true,
        })
      ),
      'age -d': () => ctx.measure('age', ['-d', '-i', keyFile, '-o', '/dev/null', theirs]),
      'ours decrypt': () =>
        ctx.measure(process.execPath, [child, 'decrypt', theirs, '-', identity], {
          keepStdout: true,
        }),
    }
    for (const name of Object.keys(contenders)) await must(name, contenders[name]())

    const runs = Object.fromEntries(Object.keys(contenders).map((n) => [n, []]))
    const rss = { 'ours encrypt': [], 'ours decrypt': [] }
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? Object.keys(contenders) : Object.keys(contenders).reverse()
      for (const name of order) {
        const r = await must(name, contenders[name]())
        runs[name].push(r.ms)
        if (name in rss && r.peakRssKiB !== null) rss[name].push(r.peakRssKiB)
      }
      ctx.log(
        `round ${round + 1}/${rounds}: ${order.map((n) => `${n} ${(runs[n].at(-1) / 1000).toFixed(2)} s`).join(', ')}`,
      )
    }
    const med = Object.fromEntries(Object.entries(runs).map(([n, v]) => [n, median(v)]))
    const ratios = {
      encrypt: med['ours encrypt'] / med['age -r'],
      decrypt: med['ours decrypt'] / med['age -d'],
    }
    const peaks = Object.fromEntries(
      Object.entries(rss).map(([n, v]) => [n, v.length ? Math.max(...v) / 1024 : null]),
    )
    const goals = {
      peakRssUnder200MiB: Object.values(peaks).every((p) => p !== null && p < GOALS.peakRssMiB),
    }
    const s = (ms) => `${(ms / 1000).toFixed(2)} s`
    const mib = (v) => (v === null ? 'n/a' : `${v.toFixed(0)} MiB`)
    return {
      summary: [
        `file: ${(fx.bytes / 2 ** 20).toFixed(1)} MiB, encrypted ${(statSync(ours).size / 2 ** 20).toFixed(1)} MiB; ${rounds} rounds, medians`,
        `encrypt: ours ${s(med['ours encrypt'])} vs age -r ${s(med['age -r'])} → ${ratios.encrypt.toFixed(2)}x`,
        `decrypt: ours ${s(med['ours decrypt'])} vs age -d ${s(med['age -d'])} → ${ratios.decrypt.toFixed(2)}x`,
        `peak RSS of our process: encrypt ${mib(peaks['ours encrypt'])}, decrypt ${mib(peaks['ours decrypt'])} (goal < ${GOALS.peakRssMiB} MiB: ${goals.peakRssUnder200MiB ? 'met' : 'NOT met'})`,
      ],
      metrics: { rounds, fileBytes: fx.bytes, medianMs: med, ratios, peakRssMiB: peaks, goals },
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

async function must(name, promise) {
  const r = await promise
  if (r.code !== 0) throw new Error(`${name} exited ${r.code}: ${r.stderr.slice(0, 2000)}`)
  // Our child reports failures in its output (it always exits 0 so specs can read the figure).
  if (r.stdout !== null && !r.stdout.toString('utf8').includes('"outcome":"ok"'))
    throw new Error(`${name} failed: ${r.stdout.toString('utf8').slice(0, 500)}`)
  return r
}
