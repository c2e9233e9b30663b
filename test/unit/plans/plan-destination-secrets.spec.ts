// Remote destinations in backup plans: their secrets live in the SecretStore under the
// destination's id, never in plans.json and never in what the renderer gets back; a change of
// store or sign-in drops a kept secret unless it is entered again; removing a destination or the
// plan removes its secret; a run reaches the store with the stored secret, and fails with the
// reason when it has none.
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  defaultPlanInput,
  newPlanDestination,
  type PlanDestination,
  type PlanInput,
  type S3PlanDestination,
} from '../../../src/shared/backup-plan-schema'
import { PlanStore } from '../../../src/main/services/plans/plan-store'
import { planDestinationConfig } from '../../../src/main/services/plans/plan-destination-config'
import { FileSecretStore } from '../../../src/main/services/profiles'
import { PlanRunner } from '../../../src/main/services/plans/plan-runner'
import { silentLogger } from '../../../src/main/services/backups/agent-logger'

let dir: string
let secrets: FileSecretStore
let store: PlanStore
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-plan-secrets-'))
  secrets = new FileSecretStore(join(dir, 'secrets.json'))
  let ids = 0
  store = (
    await PlanStore.open({
      dataDir: dir,
      profileExists: () => true,
      secrets,
      clock: () => new Date('2026-12-01T10:00:00Z'),
      newId: () => `plan${++ids}`,
    })
  ).store
})

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'

const s3 = (over: Partial<S3PlanDestination> = {}): S3PlanDestination => ({
  ...(newPlanDestination('s3') as S3PlanDestination),
  bucket: 'backups',
  endpoint: 'http://127.0.0.1:7070',
  forcePathStyle: true,
  credentials: { kind: 'static', accessKeyId: 'AKIAEXAMPLE' },
  ...over,
})

const plan = (destinations: PlanDestination[]): PlanInput => ({
  ...defaultPlanInput(['p1']),
  name: 'prod',
  destinations,
})

async function failure(work: Promise<unknown>): Promise<{ code: string; message: string; field: unknown }> {
  const error = (await work.then(
    () => null,
    (e: unknown) => e,
  )) as { code: string; message: string; details?: { field?: unknown } } | null
  if (error === null) throw new Error('expected a failure')
  return { code: error.code, message: error.message, field: error.details?.field }
}

const stored = (planId: string, index = 0) => store.get(planId).input.destinations[index] as S3PlanDestination

describe('remote plan destinations and their secrets', () => {
  it('keeps an entered secret in the SecretStore, out of plans.json and out of the plan it returns', async () => {
    const created = await store.create(plan([s3({ secret: { kind: 'set', value: SECRET } })]))
    const destination = created.input.destinations[0] as S3PlanDestination
    expect(destination.secretSet).toBe(true)
    expect(destination.secret).toBeUndefined()
    expect(destination.id).toMatch(/.+/)
    expect(await readFile(join(dir, 'plans.json'), 'utf8')).not.toContain(SECRET)
    const config = await planDestinationConfig(created.id, destination, secrets)
    expect(config).toMatchObject({
      kind: 's3',
      bucket: 'backups',
      keyPrefix: 'consul-snapshot',
      endpoint: 'http://127.0.0.1:7070',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET },
    })
  })

  it('refuses a destination that signs in with static keys when no secret is given', async () => {
    const refused = await failure(store.create(plan([s3()])))
    expect(refused).toMatchObject({ code: 'PLAN_INVALID', field: 'destinations.0.secret' })
    expect(refused.message).toMatch(/secret access key is needed/)
  })

  it('keeps the secret across an edit that leaves the store alone (the editor sends no secret back)', async () => {
    const created = await store.create(plan([s3({ secret: { kind: 'set', value: SECRET } })]))
    const { secretSet: _set, ...fromView } = stored(created.id)
    await store.update(created.id, plan([{ ...fromView, prefix: 'consul/prod' }]))
    expect(stored(created.id)).toMatchObject({ prefix: 'consul/prod', secretSet: true })
    const config = await planDestinationConfig(created.id, stored(created.id), secrets)
    expect(config).toMatchObject({ keyPrefix: 'consul/prod', credentials: { secretAccessKey: SECRET } })
  })

  it('drops a kept secret when the endpoint, bucket or access key changes, unless it is entered again', async () => {
    const created = await store.create(plan([s3({ secret: { kind: 'set', value: SECRET } })]))
    const before = stored(created.id)
    for (const moved of [
      { endpoint: 'https://elsewhere.example.com' },
      { bucket: 'other' },
      { credentials: { kind: 'static' as const, accessKeyId: 'AKIAOTHER' } },
    ]) {
      const refused = await failure(store.update(created.id, plan([{ ...before, ...moved }])))
      expect(refused).toMatchObject({ code: 'PLAN_INVALID', field: 'destinations.0.secret' })
      expect(refused.message).toMatch(/enter it again/)
    }
    // Refused edits change nothing: the secret still reaches the store it was given for.
    expect(await planDestinationConfig(created.id, stored(created.id), secrets)).toMatchObject({
      credentials: { secretAccessKey: SECRET },
    })
    await store.update(
      created.id,
      plan([{ ...before, bucket: 'other', secret: { kind: 'set', value: 'another-secret' } }]),
    )
    expect(await planDestinationConfig(created.id, stored(created.id), secrets)).toMatchObject({
      bucket: 'other',
      credentials: { secretAccessKey: 'another-secret' },
    })
  })

  it('removes the secret when the destination switches to the AWS chain, leaves the plan, or the plan is deleted', async () => {
    const created = await store.create(
      plan([
        s3({ secret: { kind: 'set', value: 'first' } }),
        s3({ bucket: 'second', secret: { kind: 'set', value: 'second' } }),
      ]),
    )
    const [first, second] = store.get(created.id).input.destinations as S3PlanDestination[]
    await store.update(created.id, plan([{ ...first!, credentials: { kind: 'chain' } }, second!]))
    expect(stored(created.id, 0).secretSet).toBe(false)
    expect(await secrets.get(`plan:${created.id}:destination:${first!.id}`)).toBeUndefined()
    expect(await planDestinationConfig(created.id, stored(created.id, 0), secrets)).toMatchObject({
      credentials: null,
    })

    await store.update(created.id, plan([stored(created.id, 0)]))
    expect(await secrets.get(`plan:${created.id}:destination:${second!.id}`)).toBeUndefined()

    const other = await store.create({
      ...plan([s3({ secret: { kind: 'set', value: 'x' } })]),
      name: 'other',
    })
    const id = stored(other.id).id!
    await store.remove(other.id)
    expect(await secrets.get(`plan:${other.id}:destination:${id}`)).toBeUndefined()
  })

  it('does not let a request claim a secret it did not send (secretSet comes from the host)', async () => {
    const refused = await failure(store.create(plan([s3({ secretSet: true })])))
    expect(refused).toMatchObject({ code: 'PLAN_INVALID', field: 'destinations.0.secret' })
  })

  it('builds Azure and GCS destinations with the secret for the chosen sign-in', async () => {
    const created = await store.create(
      plan([
        {
          ...newPlanDestination('azure-blob'),
          kind: 'azure-blob',
          auth: 'sas',
          accountName: 'devstoreaccount1',
          container: 'snapshots',
          secret: { kind: 'set', value: 'sv=2024&sig=abc' },
        } as PlanDestination,
        { kind: 'gcs', bucket: 'snaps', prefix: 'prod', endpoint: null, projectId: null, keyFile: null },
      ]),
    )
    const [azure, gcs] = created.input.destinations
    expect(await planDestinationConfig(created.id, azure!, secrets)).toMatchObject({
      kind: 'azure-blob',
      container: 'snapshots',
      credentials: { kind: 'sas', accountName: 'devstoreaccount1', sasToken: 'sv=2024&sig=abc' },
    })
    expect(await planDestinationConfig(created.id, gcs!, secrets)).toEqual({
      kind: 'gcs',
      bucket: 'snaps',
      prefix: 'prod',
      keyFile: null,
      endpoint: null,
      projectId: null,
    })
  })

  it('fails a run whose destination has lost its secret with the reason, before anything is saved', async () => {
    const created = await store.create(plan([s3({ secret: { kind: 'set', value: SECRET } })]))
    // As after restoring plans.json without the app's secret store.
    await secrets.delete(`plan:${created.id}:destination:${stored(created.id).id}`)
    let saves = 0
    const runner = new PlanRunner({
      store,
      dataDir: dir,
      secrets,
      connectionFor: async () => ({
        name: 'prod',
        settings: { address: 'http://127.0.0.1:1', useTls: false, tls: { insecureSkipVerify: false } },
      }),
      save: async () => {
        saves++
        throw new Error('not reached')
      },
      logger: silentLogger,
    })
    const run = await runner.runNow(created.id)
    expect(saves).toBe(0)
    expect(run.ok).toBe(false)
    expect(run.cycles[0]!.error).toMatchObject({ code: 'PLAN_INVALID' })
    expect(run.cycles[0]!.error!.message).toMatch(/S3 destination has no secret access key stored/)
    await runner.stop()
  })
})
