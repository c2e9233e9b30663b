// The snapshot agent: what one cycle costs over a plain `snapshot-studio save` of the same
// ≥100 MB cluster (the cycle adds the scratch folder, the hand-over to the destination, the
// retention listing and the KV status), what a running daemon costs while it waits between
// cycles (CPU and RSS from /proc), and how long a standby takes to lead after `kill -9` of the
// leader with short session timings (its bound is 2 × TTL + lock-delay).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { median } from './context.mjs'
import { kv100mbSnapshot } from './fixtures.mjs'

export const title = 'snapshot agent: cycle vs save, idle cost, takeover after kill -9'

const GOALS = { cycleRatio: 1.1, idleCpuPercent: 0.5, idleRssMiB: 80 }
const IDLE_SAMPLE_MS = Number(process.env.BENCH_AGENT_IDLE_MS ?? 20_000)
const TAKEOVER = { ttlS: 2, lockDelayS: 2 }

export async function run(ctx) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
  const fx = await ctx.fixture('kv-100mb', kv100mbSnapshot)
  const { startConsulAgent } = await ctx.importTs('test/support/consul-agent.ts')
  const { startAgentProcess } = await ctx.importTs('test/support/snapshot-agent-process.ts')
  const consul = await startConsulAgent({ extraConfig: 'session_ttl_min = "1s"\n' })
  const work = mkdtempSync(path.join(os.tmpdir(), 'ss-bench-agent-'))
  const agents = []
  try {
    const flags = ['-http-addr', consul.httpAddr, '-token', consul.token]
    await must(
      'load the cluster',
      ctx.measure(process.execPath, [
        ctx.cliScript,
        'restore',
        fx.file,
        ...flags,
        '--yes',
        '-safety-snapshot=false',
      ]),
    )

    // 1. One cycle (one-shot agent, retain 1 keeps the disk bounded) vs save, alternating.
    const contenders = {
      save: () =>
        ctx.measure(process.execPath, [
          ctx.cliScript,
          'save',
          path.join(work, 'save.snap'),
          ...flags,
          '-overwrite',
        ]),
      'agent cycle': () =>
        ctx.measure(process.execPath, [
          ctx.cliScript,
          'agent',
          '-once',
          ...flags,
          '-local-path',
          path.join(work, 'agent'),
          '-retain',
          '1',
        ]),
    }
    for (const name of Object.keys(contenders)) await must(`${name} (warm-up)`, contenders[name]())
    const runs = { save: [], 'agent cycle': [] }
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ['save', 'agent cycle'] : ['agent cycle', 'save']
      for (const name of order) runs[name].push((await must(name, contenders[name]())).ms)
      ctx.log(
        `round ${round + 1}/${rounds}: ${order.map((n) => `${n} ${(runs[n].at(-1) / 1000).toFixed(2)} s`).join(', ')}`,
      )
    }
    const cycleRatio = median(runs['agent cycle']) / median(runs.save)

    // 2. A daemon between cycles: interval 1h, so after its first snapshot it only keeps its
    //    session, its checks and its blocking query alive.
    const config = (name, extra) => {
      const file = path.join(work, `${name}.json`)
      writeFileSync(
        file,
        JSON.stringify({
          snapshot_agent: {
            http_addr: consul.httpAddr,
            local_storage: { path: path.join(work, name) },
            ...extra,
          },
        }),
      )
      return file
    }
    const env = { CONSUL_HTTP_TOKEN: consul.token }
    const idle = startAgentProcess(
      ['-config-file', config('idle', { snapshot: { interval: '1h', retain: 1, lock_key: 'idle/lock' } })],
      { cwd: work, env },
    )
    agents.push(idle)
    await idle.waitForLine(/Saved snapshot/, 120_000)
    // Idle starts when the cycle is over: the daemon records its status in KV as the cycle's last
    // step (the child process logs "Saved snapshot" before retention and its exit).
    await untilStatusRecorded(consul, 'idle/lock-status')
    const before = procStat(idle.pid)
    const started = performance.now()
    let rssMaxKiB = 0
    while (performance.now() - started < IDLE_SAMPLE_MS) {
      await new Promise((r) => setTimeout(r, 500))
      rssMaxKiB = Math.max(rssMaxKiB, procRssKiB(idle.pid))
    }
    const after = procStat(idle.pid)
    const seconds = (performance.now() - started) / 1000
    const idleCpuPercent = ((after - before) / 100 / seconds) * 100
    const idleRssMiB = rssMaxKiB / 1024
    idle.kill('SIGTERM')
    await idle.exited

    // 3. Takeover after kill -9 of the leader, short timings (bound 2 × TTL + lock-delay).
    const leadership = { session_ttl: `${TAKEOVER.ttlS}s`, lock_delay: `${TAKEOVER.lockDelayS}s` }
    const file = config('ha', { snapshot: { interval: '1h', retain: 1, lock_key: 'ha/lock' }, leadership })
    const pair = [
      startAgentProcess(['-config-file', file], { cwd: work, env }),
      startAgentProcess(['-config-file', file], { cwd: work, env }),
    ]
    agents.push(...pair)
    const leader = await Promise.any(
      pair.map((a) => a.waitForLine(/Obtained leadership/, 60_000).then(() => a)),
    )
    await leader.waitForLine(/Saved snapshot/, 120_000)
    const standby = pair.find((a) => a !== leader)
    const mark = standby.lines.length
    leader.kill('SIGKILL')
    const killedAt = performance.now()
    await standby.waitForLine(/Obtained leadership/, 120_000, mark)
    const takeoverS = (performance.now() - killedAt) / 1000
    const boundS = 2 * TAKEOVER.ttlS + TAKEOVER.lockDelayS
    standby.kill('SIGTERM')
    await standby.exited

    return {
      summary: [
        `one cycle ${(median(runs['agent cycle']) / 1000).toFixed(2)} s vs save ${(median(runs.save) / 1000).toFixed(2)} s: ${cycleRatio.toFixed(2)}x (goal ≤ ${GOALS.cycleRatio}x) ${cycleRatio <= GOALS.cycleRatio ? 'ok' : 'MISSED'}`,
        `idle daemon over ${seconds.toFixed(0)} s: CPU ${idleCpuPercent.toFixed(2)} % (goal < ${GOALS.idleCpuPercent} %), RSS max ${idleRssMiB.toFixed(1)} MiB (goal < ${GOALS.idleRssMiB} MiB)`,
        `takeover after kill -9: ${takeoverS.toFixed(1)} s with TTL ${TAKEOVER.ttlS} s, lock-delay ${TAKEOVER.lockDelayS} s (bound ${boundS} s)`,
      ],
      metrics: {
        cycleMs: median(runs['agent cycle']),
        saveMs: median(runs.save),
        cycleRatio,
        idleCpuPercent,
        idleRssMiB,
        takeoverS,
        takeoverBoundS: boundS,
        goals: GOALS,
      },
    }
  } finally {
    for (const agent of agents) agent.kill('SIGKILL')
    await consul.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

async function must(name, promise) {
  const result = await promise
  if (result.code !== 0) throw new Error(`${name} failed (exit ${result.code}): ${result.stderr}`)
  return result
}

/** utime + stime of a process, in clock ticks (100 per second on Linux). */
async function untilStatusRecorded(consul, key) {
  for (let tries = 0; tries < 600; tries++) {
    const response = await fetch(`${consul.httpAddr}/v1/kv/${key}`, {
      headers: { 'X-Consul-Token': consul.token },
    })
    await response.arrayBuffer()
    if (response.status === 200) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`the agent never recorded its status under ${key}`)
}

function procStat(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return Number(fields[11]) + Number(fields[12])
}

function procRssKiB(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) : 0
}
