import { describe, expect, it } from 'vitest'
import { withOperationLog } from '../../../src/main/host/operation-log'
import { createLogger } from '../../../src/main/logging/pino-logger'
import { AppError } from '../../../src/shared/app-error'
import type { SaveManyEntry } from '../../../src/shared/consul-types'
import { createFakeHostServices } from '../api/fake-host-services'

function recordedLog() {
  const lines: Array<Record<string, unknown>> = []
  const log = createLogger({
    sinks: [
      {
        level: 'trace',
        format: 'json',
        write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>),
      },
    ],
  })
  return { log, lines }
}

const work = { signal: new AbortController().signal, onProgress: () => undefined }

describe('the operation log', () => {
  it('logs a save when it starts and when it ends, with what was saved and what failed', async () => {
    const { log, lines } = recordedLog()
    const entries: SaveManyEntry[] = [
      {
        profileId: 'p1',
        profileName: 'prod',
        ok: false,
        error: { code: 'CONSUL_NO_LEADER', message: 'no leader' },
      },
    ]
    const services = withOperationLog(
      createFakeHostServices({ save: { saveMany: async () => entries } }),
      log.child('host'),
    )

    const result = await services.save?.saveMany({ profileIds: ['p1'], stale: false }, work)

    expect(result).toBe(entries)
    expect(lines).toMatchObject([
      { level: 'info', scope: 'host', msg: 'Save started', profileIds: ['p1'] },
      {
        level: 'info',
        msg: 'Save finished',
        saved: [],
        failed: [{ profileId: 'p1', code: 'CONSUL_NO_LEADER' }],
      },
    ])
    expect(typeof lines[1]?.ms).toBe('number')
  })

  it('logs a refused restore as a warning with its code, and passes the error on unchanged', async () => {
    const { log, lines } = recordedLog()
    const refusal = new AppError('RESTORE_REFUSED', 'The confirmation does not match.')
    const services = withOperationLog(
      createFakeHostServices({
        restore: {
          preflight: async () => {
            throw refusal
          },
          restore: async () => {
            throw refusal
          },
        },
      }),
      log,
    )

    const attempt = services.restore?.restore(
      { profileId: 'p1', path: '/backups/prod.snap', confirmation: 'nope', safetySnapshot: true },
      work,
    )

    await expect(attempt).rejects.toBe(refusal)
    expect(lines[1]).toMatchObject({
      level: 'warn',
      msg: 'Restore failed',
      file: '/backups/prod.snap',
      err: { code: 'RESTORE_REFUSED', message: 'The confirmation does not match.' },
    })
  })

  it('names a tested connection by its address, never by its token', async () => {
    const { log, lines } = recordedLog()
    const refused = async (): Promise<never> => {
      throw new AppError('CONSUL_REFUSED', 'Nothing accepts connections at https://consul.example:8501.')
    }
    const services = withOperationLog(
      createFakeHostServices({
        profiles: {
          list: refused,
          create: refused,
          update: refused,
          duplicate: refused,
          remove: refused,
          importFromEnv: refused,
          test: refused,
        },
      }),
      log,
    )
    const token = '9c1d7e3a-5b2f-4a6c-8e0d-1f3b5a7c9e2d'

    await services.profiles
      ?.test(
        {
          input: {
            name: 'prod',
            environment: { label: '', colour: 'red' },
            connection: {
              address: 'https://consul.example:8501',
              useTls: true,
              tls: { insecureSkipVerify: false },
            },
            token: { kind: 'set', value: token },
          },
        },
        work.signal,
      )
      .catch(() => undefined)

    expect(lines).toMatchObject([
      { msg: 'Connection test started', address: 'https://consul.example:8501' },
      { level: 'warn', msg: 'Connection test failed', err: { code: 'CONSUL_REFUSED' } },
    ])
    expect(JSON.stringify(lines)).not.toContain(token)
  })
})
