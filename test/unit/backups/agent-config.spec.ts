import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import { loadAgentConfig, type AgentFlags } from '../../../src/main/services/backups/agent-config'

const example = resolve(__dirname, '../../fixtures/agent/hashicorp-documented-example.json')
let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-agent-config-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name)
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}
const load = (flags: AgentFlags, env: Record<string, string | undefined> = {}) =>
  loadAgentConfig({ flags, env, cwd: dir })
async function failure(flags: AgentFlags, env: Record<string, string | undefined> = {}): Promise<string> {
  try {
    await load(flags, env)
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    return (error as AppError).message
  }
  throw new Error('expected the config to be refused')
}

describe("HashiCorp's documented example", () => {
  it('is read unchanged, trailing comma and empty remote stores included, with the documented defaults', async () => {
    const config = await load({ configFiles: [example] })
    expect(config).toMatchObject({
      once: false,
      intervalMs: 3_600_000,
      schedule: { kind: 'interval', intervalMs: 3_600_000, jitterMs: 0 },
      stale: false,
      service: 'consul-snapshot',
      deregisterAfterMs: 72 * 3_600_000,
      lockKey: 'consul-snapshot/lock',
      maxFailures: 3,
      log: { level: 'info', json: false },
      destinations: [{ kind: 'local', path: dir }],
      retention: { retain: 30, maxAgeMs: null, daily: 0 },
      leadership: { sessionTtlMs: 15_000, lockDelayMs: 15_000 },
      nameTemplate: null,
      datacenter: null,
    })
    expect(config.connection.settings.address).toBe('127.0.0.1:8500')
    expect(config.connection.token).toBeUndefined()
  })
})

describe('defaults without any file', () => {
  it('are the Enterprise agent defaults', async () => {
    const config = await load({})
    expect(config).toMatchObject({
      intervalMs: 3_600_000,
      service: 'consul-snapshot',
      maxFailures: 3,
      retention: { retain: 30 },
    })
    expect(config.connection.settings.address).toBe('127.0.0.1:8500')
  })
})

describe('precedence: flags > files > CONSUL_HTTP_* environment > defaults', () => {
  it.each([
    { name: 'default', env: {}, file: {}, flags: {}, address: '127.0.0.1:8500' },
    {
      name: 'environment over default',
      env: { CONSUL_HTTP_ADDR: 'env:8500' },
      file: {},
      flags: {},
      address: 'env:8500',
    },
    {
      name: 'file over environment',
      env: { CONSUL_HTTP_ADDR: 'env:8500' },
      file: { http_addr: 'file:8500' },
      flags: {},
      address: 'file:8500',
    },
    {
      name: 'flag over file',
      env: { CONSUL_HTTP_ADDR: 'env:8500' },
      file: { http_addr: 'file:8500' },
      flags: { httpAddr: 'flag:8500' },
      address: 'flag:8500',
    },
  ])('$name', async ({ env, file: section, flags, address }) => {
    const path = await file('a.json', { snapshot_agent: section })
    const config = await load({ configFiles: [path], ...flags }, env)
    expect(config.connection.settings.address).toBe(address)
  })

  it('tokens follow the same order', async () => {
    const path = await file('a.json', { snapshot_agent: { token: 'from-file' } })
    expect((await load({ configFiles: [path] }, { CONSUL_HTTP_TOKEN: 'from-env' })).connection.token).toBe(
      'from-file',
    )
    expect((await load({ configFiles: [path], token: 'from-flag' })).connection.token).toBe('from-flag')
    expect((await load({}, { CONSUL_HTTP_TOKEN: 'from-env' })).connection.token).toBe('from-env')
  })

  it('later files override earlier ones, key by key', async () => {
    await file('conf/10-base.json', { snapshot_agent: { snapshot: { interval: '5m', retain: 3 } } })
    await file('conf/20-override.json', { snapshot_agent: { snapshot: { retain: 7 } } })
    const config = await load({ configDirs: ['conf'] })
    expect(config.intervalMs).toBe(300_000)
    expect(config.retention.retain).toBe(7)
  })

  it('flags override snapshot settings from files', async () => {
    const path = await file('a.json', {
      snapshot_agent: { snapshot: { interval: '5m', retain: 3, service: 'a' } },
    })
    const config = await load({ configFiles: [path], interval: '10s', retain: 9, service: 'b' })
    expect([config.intervalMs, config.retention.retain, config.service]).toEqual([10_000, 9, 'b'])
  })
})

describe('-config-dir', () => {
  it('reads only *.json, alphabetically, ignores files without snapshot_agent and other top-level keys', async () => {
    await file('conf/b.json', { snapshot_agent: { snapshot: { retain: 2 } } })
    await file('conf/a.json', { snapshot_agent: { snapshot: { retain: 1, interval: '2m' } } })
    await file('conf/consul.json', { datacenter: 'dc1', server: true, ports: { http: 8500 } })
    await file('conf/c.hcl', 'snapshot_agent { nonsense }')
    await file('conf/d.json.bak', '{not json')
    await file('conf/mixed.json', { node_name: 'x', snapshot_agent: { snapshot: { service: 'mixed' } } })
    const config = await load({ configDirs: ['conf'] })
    expect(config.sources.map((s) => s.split('/').pop())).toEqual(['a.json', 'b.json', 'mixed.json'])
    expect(config.retention.retain).toBe(2)
    expect(config.intervalMs).toBe(120_000)
    expect(config.service).toBe('mixed')
  })
})

describe('one-shot mode', () => {
  it.each([
    [{ interval: '0' }, true],
    [{ once: true }, true],
    [{ interval: '30s' }, false],
  ])('%j → once %s', async (flags, once) => {
    expect((await load(flags)).once).toBe(once)
  })
})

describe('bad input: one line naming the key and the file', () => {
  it.each([
    [
      'unknown key',
      { snapshot_agent: { snapshot: { intervall: '1h' } } },
      'bad.json: snapshot_agent.snapshot.intervall: unknown key',
    ],
    [
      'unknown top-level agent key',
      { snapshot_agent: { http_address: 'x' } },
      'bad.json: snapshot_agent.http_address: unknown key',
    ],
    [
      'bad duration',
      { snapshot_agent: { snapshot: { interval: '1 hour' } } },
      'bad.json: snapshot_agent.snapshot.interval: "1 hour" is not a duration',
    ],
    [
      'bad deregister_after',
      { snapshot_agent: { snapshot: { deregister_after: '3d' } } },
      'bad.json: snapshot_agent.snapshot.deregister_after: "3d" is not a duration',
    ],
    [
      'negative duration',
      { snapshot_agent: { snapshot: { interval: '-1h' } } },
      'bad.json: snapshot_agent.snapshot.interval: "-1h" is not a duration',
    ],
    [
      'wrong type',
      { snapshot_agent: { snapshot: { retain: '30' } } },
      'bad.json: snapshot_agent.snapshot.retain: must be a whole number',
    ],
    [
      'negative count',
      { snapshot_agent: { snapshot: { max_failures: -1 } } },
      'bad.json: snapshot_agent.snapshot.max_failures: must not be negative',
    ],
    [
      'bad cron',
      { snapshot_agent: { snapshot: { schedule: '0 25 * * *' } } },
      'bad.json: snapshot_agent.snapshot.schedule:',
    ],
    [
      'bad time zone',
      { snapshot_agent: { snapshot: { schedule: '@daily', time_zone: 'Nowhere/City' } } },
      'bad.json: snapshot_agent.snapshot.time_zone:',
    ],
    [
      'bad log level',
      { snapshot_agent: { log: { level: 'loud' } } },
      'bad.json: snapshot_agent.log.level: "loud" is not a log level',
    ],
    [
      'a bucket GCS would refuse',
      { snapshot_agent: { google_storage: { bucket: 'Bad_Bucket' } } },
      'bad.json: snapshot_agent.google_storage.bucket: GCS bucket name "Bad_Bucket" is not valid',
    ],
    [
      'template without time',
      { snapshot_agent: { snapshot: { name_template: '{dc}-{index}.snap' } } },
      'bad.json: snapshot_agent.snapshot.name_template: must contain {time}',
    ],
    ['not JSON', '{"snapshot_agent": {', 'bad.json: (file): not valid JSON'],
  ])('%s', async (_what, content, message) => {
    const path = await file('bad.json', content)
    expect(await failure({ configFiles: [path] })).toContain(message)
  })

  it('names the file that set the bad key when several are merged', async () => {
    await file('conf/a.json', { snapshot_agent: { snapshot: { interval: 'soon' } } })
    await file('conf/b.json', { snapshot_agent: { snapshot: { retain: 1 } } })
    expect(await failure({ configDirs: ['conf'] })).toContain('a.json: snapshot_agent.snapshot.interval')
  })

  it('a missing snapshot_agent names snapshot_agent', async () => {
    const path = await file('consul.json', { datacenter: 'dc1' })
    expect(await failure({ configFiles: [path] })).toContain(
      'consul.json: snapshot_agent: no config file has a top-level "snapshot_agent" object',
    )
  })

  it('bad flag values name the flag', async () => {
    expect(await failure({ interval: 'often' })).toContain('flags: -interval: "often" is not a duration')
  })

  it('config files must end in .json, as the Enterprise agent requires', async () => {
    const path = await file('agent.hcl', '{}')
    expect(await failure({ configFiles: [path] })).toContain(
      'agent.hcl: -config-file: config files must end in .json',
    )
  })

  it('a missing file is named', async () => {
    expect(await failure({ configFiles: [join(dir, 'absent.json')] })).toMatch(
      /absent\.json: -config-file: the file cannot be read \(ENOENT\)/,
    )
  })
})

describe('our additions', () => {
  it('cron schedule, time zone, jitter, retention tiers, leadership timings and the journal', async () => {
    const path = await file('a.json', {
      snapshot_agent: {
        snapshot: {
          schedule: '0 3 * * *',
          time_zone: 'Europe/Berlin',
          jitter: '5m',
          name_template: '{profile}-{dc}-{index}-{time}.snap',
          cluster: 'prod',
        },
        retention: { max_age: '2160h', hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 2 },
        leadership: { session_ttl: '10s', lock_delay: '1s' },
        run_journal: { path: 'journal/runs.jsonl' },
      },
    })
    const config = await load({ configFiles: [path] })
    expect(config.schedule).toEqual({
      kind: 'cron',
      expression: '0 3 * * *',
      timeZone: 'Europe/Berlin',
      jitterMs: 300_000,
    })
    expect(config.retention).toEqual({
      retain: 30,
      maxAgeMs: 2160 * 3_600_000,
      hourly: 24,
      daily: 7,
      weekly: 4,
      monthly: 12,
      yearly: 2,
      timeZone: 'Europe/Berlin',
    })
    expect(config.leadership).toEqual({ sessionTtlMs: 10_000, lockDelayMs: 1_000 })
    expect(config.journalPath).toBe(join(dir, 'journal/runs.jsonl'))
    expect(config.nameTemplate).toBe('{profile}-{dc}-{index}-{time}.snap')
    expect(config.connection.name).toBe('prod')
  })

  it('backup_destinations lists several local folders', async () => {
    const path = await file('a.json', {
      snapshot_agent: { backup_destinations: { local_storage: [{ path: 'one' }, { path: '/srv/two' }] } },
    })
    expect((await load({ configFiles: [path] })).destinations).toEqual([
      { kind: 'local', path: join(dir, 'one') },
      { kind: 'local', path: '/srv/two' },
    ])
    expect(await failure({ configFiles: [path], localPath: 'x' })).toContain(
      '-local-path: cannot be combined',
    )
  })
})
