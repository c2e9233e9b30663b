// The desktop screens in browser mode (`snapshot-studio web` + Debian Chromium): from choosing
// the ≥100 MB real-Consul snapshot to (1) the summary on screen and (2) the KV tree listing keys
// and scrollable. Baseline measured in the same run on the same file: our CLI's `inspect -kvdetails`
// (child process, so it pays its start-up like the UI pays its request) — the ratios say what
// the screens add on top of reading the file once.
// The functions passed to page.evaluate run in Chromium, where these exist.
/* global window, document, MutationObserver, requestAnimationFrame */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { median } from './context.mjs'
import { kv100mbSnapshot } from './fixtures.mjs'

export const title =
  'UI: 100 MB snapshot → summary → KV tree scrollable; scrolling a folder of 1,000,000 keys (browser mode, Chromium)'

const MILLION = 1_000_000

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const STEP_TIMEOUT_MS = 300_000

export async function run(ctx) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
  const fx = await ctx.fixture('kv-100mb', kv100mbSnapshot)
  const { chromium } = await import('playwright-core')
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ui-bench-'))
  const web = await startWeb(ctx, scratch)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } })
    const blocked = []
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text())
    })

    // Warm-up: page cache for the file, the host's worker, the renderer bundle.
    await openOnce(page, web.url, fx.file)
    await ctx.measure(process.execPath, [ctx.cliScript, 'inspect', '-kvdetails', fx.file])

    const ui = { summary: [], tree: [] }
    const cli = []
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first so neither always runs on a cache the other just warmed.
      const order = round % 2 === 0 ? ['ui', 'cli'] : ['cli', 'ui']
      for (const who of order) {
        if (who === 'ui') {
          const t = await openOnce(page, web.url, fx.file)
          ui.summary.push(t.summaryMs)
          ui.tree.push(t.treeMs)
        } else {
          // -kvdetails: the summary screen shows the KV breakdown too, so the work is the same.
          const r = await ctx.measure(process.execPath, [ctx.cliScript, 'inspect', '-kvdetails', fx.file])
          if (r.code !== 0) throw new Error(`CLI inspect exited ${r.code}: ${r.stderr.slice(0, 2000)}`)
          cli.push(r.ms)
        }
      }
      ctx.log(
        `round ${round + 1}/${rounds}: summary ${s(ui.summary.at(-1))}, tree ${s(ui.tree.at(-1))}, CLI inspect ${s(cli.at(-1))}`,
      )
    }

    // Smoothness: frame times while flinging through a folder of a million keys, against the
    // same fling through a folder of a few keys (the baseline: what the page costs anyway).
    const million = await ctx.fixture('kv-1m-keys', millionKeySnapshot)
    // KV details at depth 2 makes a million one-key groups here: the table draws the largest
    // 500. Time to that table on screen, against the CLI's `inspect -kvdetails` on the same file.
    await openOnce(page, web.url, million.file)
    const groups = { ui: [], cli: [] }
    for (let round = 0; round < rounds; round++) {
      const t = await openOnce(page, web.url, million.file)
      if (t.kvDetailsMs === null) throw new Error('KV details never showed for the million-key file')
      groups.ui.push(t.kvDetailsMs)
      const r = await ctx.measure(process.execPath, [ctx.cliScript, 'inspect', '-kvdetails', million.file])
      if (r.code !== 0) throw new Error(`CLI inspect exited ${r.code}: ${r.stderr.slice(0, 2000)}`)
      groups.cli.push(r.ms)
    }
    const groupsMed = { ui: median(groups.ui), cli: median(groups.cli) }
    ctx.log(
      `million groups: KV details on screen ${s(groupsMed.ui)}, CLI inspect -kvdetails ${s(groupsMed.cli)}`,
    )
    await openFolder(page, web.url, million.file, 'million/')
    const flingBig = await fling(page)
    // The same stretch again: every page of rows is already here, so what is left is drawing.
    await page.evaluate(() => {
      document.querySelector('[data-testid="kv-scroll"]').scrollTop = 0
    })
    const flingCached = await fling(page)
    const endMs = await jumpToEnd(page, 'million/')
    await openFolder(page, web.url, million.file, 'small/')
    const flingSmall = await fling(page)
    ctx.log(
      `fling frames: p50 ${flingBig.p50.toFixed(1)} / p95 ${flingBig.p95.toFixed(1)} ms over ${flingBig.frames} frames in the million-key folder; idle page p95 ${flingSmall.p95.toFixed(1)} ms; jump to the last key ${endMs.toFixed(0)} ms`,
    )

    const med = { summary: median(ui.summary), tree: median(ui.tree), cli: median(cli) }
    const ratios = { summaryVsCli: round2(med.summary / med.cli), treeVsCli: round2(med.tree / med.cli) }
    return {
      summary: [
        `file: ${(fx.bytes / 2 ** 20).toFixed(1)} MiB (state.bin ${(fx.stateBinBytes / 2 ** 20).toFixed(1)} MiB), ${rounds} rounds, medians`,
        `summary on screen:   ${s(med.summary)}  = ${ratios.summaryVsCli}× the CLI inspect (${s(med.cli)})`,
        `KV tree scrollable:  ${s(med.tree)}  = ${ratios.treeVsCli}× the CLI inspect`,
        `1,000,000-key folder, fling: frame p50 ${flingBig.p50.toFixed(1)} ms, p95 ${flingBig.p95.toFixed(1)} ms (${round2(flingBig.p95 / Math.max(1, flingSmall.p95))}× the p95 of the same page over a 3-key folder, ${flingSmall.p95.toFixed(1)} ms); ${flingBig.longFrames}/${flingBig.frames} frames over 50 ms`,
        `  same fling again with every row already fetched: p50 ${flingCached.p50.toFixed(1)} ms, p95 ${flingCached.p95.toFixed(1)} ms`,
        `1,000,000-key folder: End → last key on screen in ${endMs.toFixed(0)} ms`,
        `1,000,000 KV groups: KV details on screen ${s(groupsMed.ui)} = ${round2(groupsMed.ui / groupsMed.cli)}× the CLI inspect -kvdetails (${s(groupsMed.cli)})`,
        `CSP violations reported by Chromium: ${blocked.length}`,
      ],
      metrics: {
        fileBytes: fx.bytes,
        stateBinBytes: fx.stateBinBytes,
        rounds,
        medianMs: {
          summary: Math.round(med.summary),
          kvTree: Math.round(med.tree),
          cliInspect: Math.round(med.cli),
        },
        ratios,
        millionKeyFolder: {
          flingP50FrameMs: round2(flingBig.p50),
          flingP95FrameMs: round2(flingBig.p95),
          flingFrames: flingBig.frames,
          cachedFlingP50FrameMs: round2(flingCached.p50),
          cachedFlingP95FrameMs: round2(flingCached.p95),
          baselineP95FrameMs: round2(flingSmall.p95),
          p95Ratio: round2(flingBig.p95 / Math.max(1, flingSmall.p95)),
          longFrames: flingBig.longFrames,
          jumpToLastKeyMs: Math.round(endMs),
          kvDetailsMillionGroupsMs: Math.round(groupsMed.ui),
          cliInspectKvDetailsMs: Math.round(groupsMed.cli),
          kvDetailsVsCli: round2(groupsMed.ui / groupsMed.cli),
        },
        cspViolations: blocked.length,
      },
    }
  } finally {
    await browser.close()
    await web.stop()
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** One fresh page: type the host path, press Open, time the two milestones inside the page. */
async function openOnce(page, url, file) {
  await freshPage(page, url)
  await page.waitForSelector('html[data-ready="true"]', { timeout: STEP_TIMEOUT_MS })
  await page.locator('[data-nav="inspect"]').click()
  await page.getByTestId('host-path').fill(file)
  // Milestones are stamped by a MutationObserver in the page, so polling from here adds nothing.
  await page.evaluate(() => {
    const marks = {}
    window.__uiBench = marks
    const check = () => {
      if (marks.summary === undefined && document.querySelector('[data-testid="snapshot-summary"]'))
        marks.summary = performance.now()
      if (marks.tree === undefined && document.querySelector('[data-testid="kv-scroll"] .kv-row[data-key]'))
        marks.tree = performance.now()
      if (
        marks.kvDetails === undefined &&
        document.querySelector('[data-testid="kv-details-table"] tbody tr')
      )
        marks.kvDetails = performance.now()
      if (marks.error === undefined && document.querySelector('[data-testid="error-item"]'))
        marks.error = document.querySelector('[data-testid="error-item"]').textContent
    }
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true, attributes: true })
    marks.start = performance.now()
    document.querySelector('[data-testid="host-path"]').form.requestSubmit()
  })
  await page.waitForFunction(
    () => window.__uiBench.tree !== undefined || window.__uiBench.error !== undefined,
    null,
    { timeout: STEP_TIMEOUT_MS, polling: 100 },
  )
  const marks = await page.evaluate(() => window.__uiBench)
  if (marks.error !== undefined) throw new Error(`the UI reported an error: ${marks.error}`)
  // Scrollable means the list really moves: scroll it and see rows further down.
  const scrolled = await page.evaluate(() => {
    const el = document.querySelector('[data-testid="kv-scroll"]')
    el.scrollTop = el.scrollHeight
    return el.scrollHeight > el.clientHeight ? el.scrollTop > 0 : true
  })
  if (!scrolled) throw new Error('the KV tree did not scroll')
  return {
    summaryMs: marks.summary - marks.start,
    treeMs: marks.tree - marks.start,
    kvDetailsMs: marks.kvDetails === undefined ? null : marks.kvDetails - marks.start,
  }
}

/**
 * Loads the app anew. The URL carries the token in its fragment, which the page then drops from
 * the address bar: going to it again from the app would only change the fragment (no reload).
 */
async function freshPage(page, url) {
  await page.goto('about:blank')
  await page.goto(url)
}

/** Opens a snapshot by host path and drills into one top-level KV folder. */
async function openFolder(page, url, file, folder) {
  await freshPage(page, url)
  await page.waitForSelector('html[data-ready="true"]', { timeout: STEP_TIMEOUT_MS })
  await page.locator('[data-nav="inspect"]').click()
  await page.getByTestId('host-path').fill(file)
  await page.getByRole('button', { name: 'Open', exact: true }).click()
  await page.locator(`.kv-row[data-key="${folder}"]`).click({ timeout: STEP_TIMEOUT_MS })
  await page.waitForSelector(
    `[data-testid="kv-tree"][data-prefix="${folder}"] .kv-row[data-key^="${folder}"]`,
    { timeout: STEP_TIMEOUT_MS },
  )
}

/** Scrolls the KV list 1,200 px per frame (≈ 70,000 px/s, a hard fling) for 2 s, recording frame durations. */
async function fling(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const el = document.querySelector('[data-testid="kv-scroll"]')
        const frames = []
        let last = performance.now()
        const started = last
        const step = (now) => {
          frames.push(now - last)
          last = now
          el.scrollTop += 1200
          if (now - started < 2000) requestAnimationFrame(step)
          else {
            frames.sort((a, b) => a - b)
            resolve({
              p50: frames[Math.floor(frames.length * 0.5)] ?? 0,
              p95: frames[Math.floor(frames.length * 0.95)] ?? 0,
              longFrames: frames.filter((f) => f > 50).length,
              frames: frames.length,
            })
          }
        }
        requestAnimationFrame(step)
      }),
  )
}

/** Presses End in the list and times until the last key's row (not a placeholder) is drawn. */
async function jumpToEnd(page, folder) {
  await page.locator(`.kv-row[data-key^="${folder}"]`).first().focus()
  await page.evaluate(() => {
    window.__endStart = performance.now()
  })
  await page.keyboard.press('End')
  const last = await page.evaluate(
    () => Number(document.querySelector('[data-testid="kv-tree"]').dataset.total) - 1,
  )
  await page.waitForSelector(`[data-index="${last}"] .kv-row[data-key]`, { timeout: STEP_TIMEOUT_MS })
  return page.evaluate(() => performance.now() - window.__endStart)
}

/**
 * A snapshot whose KV store holds one folder of a million small keys (`million/k0000000`…) next
 * to a folder of three: the sample snapshot's records plus a million KVS records, packed like
 * Consul packs. Cached next to the other bench fixtures.
 */
async function millionKeySnapshot(ctx) {
  const file = path.join(ctx.cacheDir, 'kv-1m-keys.snap')
  if (!existsSync(file)) {
    const { readSnapshotParts, insertBeforeChunkingState, encodeRecord, packSnapshot } = await ctx.importTs(
      'test/support/consul-snapshot-craft.ts',
    )
    ctx.log(`generating ${file}: ${MILLION.toLocaleString('en-US')} keys in one folder`)
    const { meta, stateBin } = await readSnapshotParts(
      path.join(ctx.repoRoot, 'resources', 'sample', 'sample.snap'),
    )
    const record = (key, value) =>
      encodeRecord(2, {
        CreateIndex: 5,
        Flags: 0,
        Key: key,
        LockIndex: 0,
        ModifyIndex: 5,
        Session: '',
        Value: Buffer.from(value),
      })
    const records = []
    for (let i = 0; i < 3; i++) records.push(record(`small/k${i}`, `value ${i}`))
    for (let i = 0; i < MILLION; i++) records.push(record(`million/k${String(i).padStart(7, '0')}`, `v${i}`))
    const packed = await packSnapshot({ meta, stateBin: insertBeforeChunkingState(stateBin, records) })
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(`${file}.partial`, packed)
    renameSync(`${file}.partial`, file)
    ctx.log(`${(statSync(file).size / 2 ** 20).toFixed(1)} MiB`)
  }
  return { file }
}

function startWeb(ctx, scratch) {
  const child = spawn(
    process.execPath,
    [
      ctx.cliScript,
      'web',
      '--port',
      '0',
      '--no-open',
      '--data-dir',
      path.join(scratch, 'data'),
      '--save-dir',
      path.join(scratch, 'saved'),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`snapshot-studio web printed no URL:\n${output}`))
    }, 30_000)
    const onData = (chunk) => {
      output += chunk
      const match = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(output)
      if (!match) return
      clearTimeout(timer)
      resolve({
        url: match[0],
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done()
            child.once('exit', () => done())
            child.kill('SIGTERM')
          }),
      })
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`snapshot-studio web exited ${code}:\n${output}`))
    })
  })
}

const s = (ms) => `${(ms / 1000).toFixed(2)} s`
const round2 = (x) => Math.round(x * 100) / 100
