import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadAgentConfig } from '../../../src/main/services/backups/agent-config'
import { exportPlanForServers, SECRET_PLACEHOLDER } from '../../../src/main/services/plans/plan-export'
import type { StoredPlan } from '../../../src/main/services/plans/plan-file'
import { defaultPlanInput } from '../../../src/shared/backup-plan-schema'

const plan: StoredPlan = {
  id: 'plan1',
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
  input: {
    ...defaultPlanInput(['p1'], '/var/backups/consul prod'),
    name: 'prod nightly',
    schedule: { kind: 'cron', expression: '30 2 * * *', timeZone: 'Europe/Berlin', jitterMs: 300_000 },
    retention: {
      retain: 7,
      maxAgeMs: 90 * 24 * 3_600_000,
      hourly: 0,
      daily: 14,
      weekly: 8,
      monthly: 12,
      yearly: 0,
      timeZone: 'Europe/Berlin',
    },
    options: { stale: true, datacenter: 'eu-1', nameTemplate: '{profile}-{dc}-{time}.snap' },
  },
}
const target = {
  profileName: 'prod',
  connection: {
    address: 'consul.example:8501',
    useTls: true,
    tls: { caFile: '/etc/consul/ca.pem', insecureSkipVerify: false },
  },
}

describe('a plan exported for servers', () => {
  it('is read back by the agent with the same schedule, retention, options and destination', async () => {
    const [config] = exportPlanForServers(plan, target)
    const dir = await mkdtemp(join(tmpdir(), 'ss-plan-export-'))
    await writeFile(join(dir, config!.name), config!.content)
    const loaded = await loadAgentConfig({ flags: { configFiles: [config!.name] }, env: {}, cwd: dir })
    expect(loaded.schedule).toEqual({
      kind: 'cron',
      expression: '30 2 * * *',
      timeZone: 'Europe/Berlin',
      jitterMs: 300_000,
    })
    expect(loaded.retention).toEqual(plan.input.retention)
    expect(loaded).toMatchObject({
      stale: true,
      datacenter: 'eu-1',
      nameTemplate: '{profile}-{dc}-{time}.snap',
      destinations: [{ kind: 'local', path: '/var/backups/consul prod' }],
      connection: { name: 'prod', settings: { address: 'https://consul.example:8501' } },
    })
    expect(loaded.connection.settings.tls.caFile).toBe('/etc/consul/ca.pem')
  })

  it('exports remote destinations as the agent\u2019s backup_destinations, with a placeholder where the secret goes', async () => {
    const remote: StoredPlan = {
      ...plan,
      input: {
        ...plan.input,
        destinations: [
          { kind: 'local', path: '/var/backups/consul' },
          {
            kind: 's3',
            id: 'd1',
            secretSet: true,
            region: 'eu-central-1',
            bucket: 'backups',
            prefix: '',
            endpoint: 'https://minio.example:9000',
            forcePathStyle: true,
            serverSideEncryption: { mode: 'aws:kms', keyId: 'alias/consul' },
            caFile: null,
            credentials: { kind: 'static', accessKeyId: 'AKIAEXAMPLE' },
          },
          { kind: 'gcs', bucket: 'snaps', prefix: 'prod', endpoint: null, projectId: null, keyFile: null },
        ],
      },
    }
    const [config] = exportPlanForServers(remote, target)
    expect(config!.content).toContain(SECRET_PLACEHOLDER)
    const dir = await mkdtemp(join(tmpdir(), 'ss-plan-export-'))
    await writeFile(join(dir, config!.name), config!.content.replace(SECRET_PLACEHOLDER, 'the-secret'))
    const loaded = await loadAgentConfig({ flags: { configFiles: [config!.name] }, env: {}, cwd: dir })
    expect(loaded.destinations).toEqual([
      { kind: 'local', path: '/var/backups/consul' },
      {
        kind: 's3',
        region: 'eu-central-1',
        bucket: 'backups',
        keyPrefix: '',
        endpoint: 'https://minio.example:9000',
        forcePathStyle: true,
        serverSideEncryption: { mode: 'aws:kms', keyId: 'alias/consul' },
        staticSnapshotName: null,
        credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'the-secret' },
        caFile: null,
      },
      { kind: 'gcs', bucket: 'snaps', prefix: 'prod', keyFile: null, endpoint: null, projectId: null },
    ])
  })

  it('writes an interval as a Go duration, and no secret anywhere', () => {
    const hourly: StoredPlan = {
      ...plan,
      input: { ...plan.input, schedule: { kind: 'interval', intervalMs: 5_400_000, jitterMs: 0 } },
    }
    const files = exportPlanForServers(hourly, target)
    const config = JSON.parse(files[0]!.content) as { snapshot_agent: { snapshot: Record<string, unknown> } }
    expect(config.snapshot_agent.snapshot.interval).toBe('1h30m0s')
    expect(files.map((f) => f.content).join('\n')).not.toMatch(/token"\s*:/)
  })

  it('keeps every hardening line of the shipped unit and makes the plan\u2019s folder writable', async () => {
    const shipped = await readFile(
      resolve(__dirname, '../../../resources/agent/consul-snapshot.service'),
      'utf8',
    )
    const unit = exportPlanForServers(plan, target)[1]!.content
    const directives = (text: string) =>
      text.split('\n').filter((line) => /^[A-Z][A-Za-z]+=/.test(line) && !line.startsWith('ReadWritePaths='))
    expect(directives(unit)).toEqual(directives(shipped))
    expect(unit).toContain('ReadWritePaths="/var/backups/consul prod"')
  })

  it('ships the same ACL rules as resources/agent', async () => {
    const shipped = await readFile(
      resolve(__dirname, '../../../resources/agent/snapshot-agent-policy.hcl'),
      'utf8',
    )
    const rules = (text: string) =>
      text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'))
    expect(rules(exportPlanForServers(plan, target)[2]!.content)).toEqual(rules(shipped))
  })
})
