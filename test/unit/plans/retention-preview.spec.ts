import { mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LocalDestination } from '../../../src/main/services/backups/local-destination'
import { silentLogger } from '../../../src/main/services/backups/agent-logger'
import { applyRetention } from '../../../src/main/services/backups/snapshot-cycle'
import { enterpriseNamePattern, templateNamePattern } from '../../../src/main/services/backups/retention'
import { previewRetention, previewRetentionEach } from '../../../src/main/services/plans/retention-preview'
import { AppError } from '../../../src/shared/app-error'
import type { PlanRetention } from '../../../src/shared/backup-plan-schema'

const now = new Date('2026-12-01T12:00:00Z')
const hours = (n: number) => n * 3_600_000

async function folderWith(names: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ss-retention-preview-'))
  for (const name of names) await writeFile(join(dir, name), 'x')
  return dir
}

const policy: PlanRetention = {
  retain: 3,
  maxAgeMs: hours(24 * 20),
  hourly: 0,
  daily: 4,
  weekly: 2,
  monthly: 0,
  yearly: 0,
  timeZone: 'Europe/Berlin',
}

describe('retention preview', () => {
  it('lists exactly what the engine then deletes from the same folder (Enterprise names)', async () => {
    // Every 7 hours for 30 days, plus files that are not ours.
    const names = Array.from(
      { length: 100 },
      (_, i) => `consul-${BigInt(now.getTime() - hours(7 * i)) * 1_000_000n}.snap`,
    )
    const dir = await folderWith([...names, 'notes.txt', 'consul-latest.snap'])
    const preview = await previewRetention(new LocalDestination(dir), policy, null, 'prod', now)
    expect(preview.delete.length).toBeGreaterThan(0)
    // Other files are counted, never named: the preview is not a listing of the folder.
    expect(preview.ignoredCount).toBe(2)
    expect(JSON.stringify(preview)).not.toContain('notes.txt')

    const result = await applyRetention(new LocalDestination(dir), policy, enterpriseNamePattern(), {
      clock: () => now,
      logger: silentLogger,
    })
    expect(result.deleted).toEqual(preview.delete.map((d) => d.name))
    const left = (await readdir(dir)).sort()
    expect(left).toEqual(
      [
        ...preview.keep.map((k) => k.name),
        ...preview.deferred.map((d) => d.name),
        'consul-latest.snap',
        'notes.txt',
      ].sort(),
    )
  })

  it('reads a template\u2019s names for the chosen connection only', async () => {
    const stamp = (at: number) => new Date(at).toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z'
    const ours = Array.from({ length: 6 }, (_, i) => `prod-dc1-${stamp(now.getTime() - hours(i))}.snap`)
    const theirs = Array.from({ length: 6 }, (_, i) => `stage-dc1-${stamp(now.getTime() - hours(i))}.snap`)
    const dir = await folderWith([...ours, ...theirs])
    const template = '{profile}-{dc}-{time}.snap'
    const retainTwo = { ...policy, retain: 2, maxAgeMs: null, daily: 0, weekly: 0 }
    const preview = await previewRetention(new LocalDestination(dir), retainTwo, template, 'prod', now)
    expect(preview.keep.map((k) => k.name)).toEqual(ours.slice(0, 2))
    expect(preview.delete.map((d) => d.name).sort()).toEqual(ours.slice(2).sort())
    expect(preview.ignoredCount).toBe(theirs.length)
    const result = await applyRetention(
      new LocalDestination(dir),
      retainTwo,
      templateNamePattern(template, { profile: 'prod' }),
      {
        clock: () => now,
        logger: silentLogger,
      },
    )
    expect(result.deleted).toEqual(preview.delete.map((d) => d.name))
  })

  it('previews every destination from its own listing, in order, one that cannot be read beside the others', async () => {
    const enterprise = (hoursAgo: number) =>
      `consul-${BigInt(now.getTime() - hours(hoursAgo)) * 1_000_000n}.snap`
    const folder = await folderWith([enterprise(1), enterprise(2), enterprise(3)])
    const bucketLike = await folderWith([enterprise(1), enterprise(5), enterprise(6), enterprise(7)])
    const retainOne = { ...policy, retain: 1, maxAgeMs: null, daily: 0, weekly: 0 }
    const unreachable = new AppError('STORAGE_UNREACHABLE', 'The store at s3://backups cannot be reached.', {
      hint: 'Check the endpoint.',
    })

    const outcomes = await previewRetentionEach(
      [
        async () => new LocalDestination(folder),
        async () => {
          throw unreachable
        },
        async () => new LocalDestination(bucketLike),
      ],
      retainOne,
      null,
      'prod',
      now,
    )

    const alone = (dir: string) => previewRetention(new LocalDestination(dir), retainOne, null, 'prod', now)
    expect(outcomes).toEqual([
      { ok: true, preview: await alone(folder) },
      {
        ok: false,
        error: { code: 'STORAGE_UNREACHABLE', message: unreachable.message, hint: 'Check the endpoint.' },
      },
      { ok: true, preview: await alone(bucketLike) },
    ])
    expect(outcomes[0]).toMatchObject({ ok: true, preview: { destination: `local:${folder}` } })
    expect(outcomes[2]).toMatchObject({
      ok: true,
      preview: {
        keep: [{ name: enterprise(1) }],
        delete: [{ name: enterprise(7) }, { name: enterprise(6) }],
      },
    })
    // Previews delete nothing, anywhere.
    expect((await readdir(folder)).length).toBe(3)
    expect((await readdir(bucketLike)).length).toBe(4)
  })
})
