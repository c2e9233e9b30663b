// Upload of the bench's 100 MB-class snapshot (kv-100mb: about 92 MB) to a local S3 server
// (versitygw, as the integration specs start it): our S3 destination (streamed multipart upload,
// then the size/ETag check) against Debian's `s3cmd put` of the same file to the same server, as a ratio of medians in the same run.
// Ours runs in this process (its time starts at put() and ends after the verification); s3cmd's
// is the wall time of its process, so its Python start-up (shown separately) is in its figure.
// "ours encrypted" is what an agent with encryption does for S3: the age encryption of the
// snapshot to a recipient, made block by block while it uploads (no scratch copy); it is held to
// the same goal against s3cmd putting the plain file. Encryption alone against `age` is in
// encryption.bench.mjs, as information.
// Then reading back: `inspect` of one stored copy streamed from the same server (GetObject into
// the engine, nothing written; what the Backups view and `inspect s3://…` do) against inspect of
// the local file, alternating, as a ratio of medians (goal ≤ 1.3×), with each side's CPU time
// beside it (on a loaded box the wall time of the path that needs the S3 server too stretches most).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { generateX25519Identity, identityToRecipient } from 'age-encryption'
import os from 'node:os'
import path from 'node:path'
import { median } from './context.mjs'
import { kv100mbSnapshot } from './fixtures.mjs'

export const title = 'S3 upload of the kv-100mb snapshot: snapshot-studio vs s3cmd put, same server'

const GOAL_RATIO = 1.2
const INSPECT_GOAL_RATIO = 1.3

export async function run(ctx) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
  const fx = await ctx.fixture('kv-100mb', kv100mbSnapshot)
  const { startS3Server } = await ctx.importTs('test/support/s3-server.ts')
  const { S3Destination } = await ctx.importTs('src/main/services/backups/s3-destination.ts')
  const { openEncryptedFile } = await ctx.importTs('src/main/services/encryption/age-stream.ts')
  const { inspectSnapshot, inspectSnapshotStream } = await ctx.importTs('src/main/services/snapshot/index.ts')
  const { openStoredSnapshot } = await ctx.importTs(
    'src/main/services/stored-backups/stored-backup-reader.ts',
  )
  const recipient = await identityToRecipient(await generateX25519Identity())
  const server = await startS3Server()
  const work = mkdtempSync(path.join(os.tmpdir(), 'ss-bench-storage-'))
  try {
    await server.createBucket('bench')
    const host = new URL(server.endpoint).host
    const s3cfg = path.join(work, 's3cfg')
    writeFileSync(
      s3cfg,
      [
        '[default]',
        `access_key = ${server.accessKeyId}`,
        `secret_key = ${server.secretAccessKey}`,
        `host_base = ${host}`,
        `host_bucket = ${host}`,
        'use_https = False',
        'signature_v2 = False',
        '',
      ].join('\n'),
    )
    const destination = new S3Destination({
      kind: 's3',
      region: server.region,
      bucket: 'bench',
      keyPrefix: 'ours',
      endpoint: server.endpoint,
      forcePathStyle: true,
      serverSideEncryption: { mode: 'none' },
      staticSnapshotName: null,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      caFile: null,
    })
    let n = 0
    // Its CPU time too: on a shared, loaded box wall time is mostly waiting for a core.
    const encryptedCpuMs = []
    const contenders = {
      ours: async () => {
        const start = process.hrtime.bigint()
        await destination.put(`consul-${++n}.snap`, { path: fx.file, size: fx.bytes })
        return Number(process.hrtime.bigint() - start) / 1e6
      },
      'ours encrypted': async () => {
        const start = process.hrtime.bigint()
        const cpu = process.cpuUsage()
        const sealed = await openEncryptedFile(fx.file, { kind: 'recipients', recipients: [recipient] })
        try {
          const name = `consul-${++n}.snap.age`
          await destination.putStream(name, { size: sealed.size, pieces: sealed.pieces(), label: name })
        } finally {
          await sealed.close()
        }
        const used = process.cpuUsage(cpu)
        encryptedCpuMs.push((used.user + used.system) / 1000)
        return Number(process.hrtime.bigint() - start) / 1e6
      },
      's3cmd put': async () => {
        const r = await ctx.measure('s3cmd', [
          '-c',
          s3cfg,
          '--no-progress',
          'put',
          fx.file,
          `s3://bench/s3cmd/consul-${++n}.snap`,
        ])
        if (r.code !== 0) throw new Error(`s3cmd put exited ${r.code}: ${r.stderr.slice(0, 2000)}`)
        return r.ms
      },
    }
    for (const name of Object.keys(contenders)) await contenders[name]() // warm-up
    const runs = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]))
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? Object.keys(contenders) : Object.keys(contenders).reverse()
      for (const name of order) runs[name].push(await contenders[name]())
      ctx.log(
        `round ${round + 1}/${rounds}: ${order.map((k) => `${k} ${(runs[k].at(-1) / 1000).toFixed(2)} s`).join(', ')}`,
      )
    }
    const inspect = await inspectRounds(
      ctx,
      rounds,
      {
        'inspect streamed from S3': async () =>
          inspectSnapshotStream(await openStoredSnapshot(destination, 'stored.snap', null), {
            label: 'stored.snap',
          }),
        'inspect of the local copy': () => inspectSnapshot(fx.file),
      },
      () => destination.put('stored.snap', { path: fx.file, size: fx.bytes }),
    )
    destination.close()
    const startup = []
    for (let i = 0; i < rounds; i++) startup.push((await ctx.measure('s3cmd', ['--version'])).ms)
    const med = {
      ...Object.fromEntries(Object.entries(runs).map(([name, ms]) => [name, median(ms)])),
      ...inspect.wall,
      'inspect streamed from S3, CPU': inspect.cpu['inspect streamed from S3'],
      'inspect of the local copy, CPU': inspect.cpu['inspect of the local copy'],
      's3cmd start-up': median(startup),
      'ours encrypted CPU': median(encryptedCpuMs.slice(1)),
    }
    const ratio = med.ours / med['s3cmd put']
    const encryptedRatio = med['ours encrypted'] / med['s3cmd put']
    const inspectRatio = med['inspect streamed from S3'] / med['inspect of the local copy']
    const inspectCpuRatio = med['inspect streamed from S3, CPU'] / med['inspect of the local copy, CPU']
    const s = (ms) => `${(ms / 1000).toFixed(2)} s`
    const version = execFileSync('s3cmd', ['--version'], { encoding: 'utf8' }).trim()
    return {
      summary: [
        `file: ${(fx.bytes / 2 ** 20).toFixed(1)} MiB; ${rounds} rounds, medians; ${version}, versitygw 1.8.0 posix on loopback`,
        `upload: ours ${s(med.ours)} vs s3cmd put ${s(med['s3cmd put'])} (of which start-up ${s(med['s3cmd start-up'])}) → ${ratio.toFixed(2)}x (goal ≤ ${GOAL_RATIO}x: ${ratio <= GOAL_RATIO ? 'met' : 'NOT met'})`,
        `inspect: streamed from S3 ${s(med['inspect streamed from S3'])} vs of the local copy ${s(med['inspect of the local copy'])} → ${inspectRatio.toFixed(2)}x (goal ≤ ${INSPECT_GOAL_RATIO}x: ${inspectRatio <= INSPECT_GOAL_RATIO ? 'met' : 'NOT met'}); CPU of this process ${s(med['inspect streamed from S3, CPU'])} vs ${s(med['inspect of the local copy, CPU'])} → ${inspectCpuRatio.toFixed(2)}x (the S3 server's own is not in it)`,
        `upload with encryption: ours (age encryption made while it uploads, as the agent does for S3) ${s(med['ours encrypted'])} (${s(med['ours encrypted CPU'])} of CPU) vs s3cmd put of the plain file ${s(med['s3cmd put'])} → ${encryptedRatio.toFixed(2)}x (goal ≤ ${GOAL_RATIO}x: ${encryptedRatio <= GOAL_RATIO ? 'met' : 'NOT met'})`,
      ],
      metrics: {
        rounds,
        fileBytes: fx.bytes,
        medianMs: med,
        ratio,
        encryptedRatio,
        inspectRatio,
        inspectCpuRatio,
        goals: {
          inspectStreamedWithin1_3x: inspectRatio <= INSPECT_GOAL_RATIO,
          uploadWithin1_2x: ratio <= GOAL_RATIO,
          encryptedUploadWithin1_2x: encryptedRatio <= GOAL_RATIO,
        },
      },
    }
  } finally {
    await server.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

/**
 * Stores one copy, then times each contender once per round (order alternating), after a warm-up:
 * medians of wall time and of this process's CPU time (all its threads: on a shared, loaded box
 * the wall time is mostly waiting for a core, the CPU time is what each path costs).
 */
async function inspectRounds(ctx, rounds, contenders, store) {
  await store()
  for (const name of Object.keys(contenders)) await contenders[name]() // warm-up
  const wall = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]))
  const cpu = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]))
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? Object.keys(contenders) : Object.keys(contenders).reverse()
    for (const name of order) {
      const start = process.hrtime.bigint()
      const used = process.cpuUsage()
      await contenders[name]()
      const spent = process.cpuUsage(used)
      wall[name].push(Number(process.hrtime.bigint() - start) / 1e6)
      cpu[name].push((spent.user + spent.system) / 1000)
    }
    ctx.log(
      `inspect round ${round + 1}/${rounds}: ${order.map((k) => `${k} ${(wall[k].at(-1) / 1000).toFixed(2)} s (CPU ${(cpu[k].at(-1) / 1000).toFixed(2)} s)`).join(', ')}`,
    )
  }
  const medians = (runs) => Object.fromEntries(Object.entries(runs).map(([name, ms]) => [name, median(ms)]))
  return { wall: medians(wall), cpu: medians(cpu) }
}
