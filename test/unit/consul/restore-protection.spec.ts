import { describe, expect, it } from 'vitest'
import type { ConsulConnection } from '../../../src/main/services/consul/consul-connection'
import { assertRestoreAllowed } from '../../../src/main/services/consul/restore-protection'
import { restoreSnapshot } from '../../../src/main/services/consul/restore-snapshot'
import type { ProtectionLevel } from '../../../src/shared/profile-types'

const connection = (protection?: ProtectionLevel): ConsulConnection => ({
  name: 'prod',
  // Nothing listens here: a refusal must come before any request.
  settings: { address: 'http://127.0.0.1:1', useTls: false, tls: { insecureSkipVerify: false } },
  ...(protection ? { protection } : {}),
})
const everything = { safetyCopy: true, lossAcknowledged: true }

describe('restore protection levels', () => {
  it('refuses every kind of restore on a read-only profile, however it is confirmed', () => {
    for (const kind of ['restore', 'selective restore'] as const)
      expect(() => assertRestoreAllowed(connection('read-only'), kind, everything)).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringContaining('read-only') }),
      )
  })

  it('lets a normal profile (and a connection from flags) restore without a safety copy or a second confirmation', () => {
    const bare = { safetyCopy: false, lossAcknowledged: false }
    expect(() => assertRestoreAllowed(connection('normal'), 'restore', bare)).not.toThrow()
    expect(() => assertRestoreAllowed(connection(), 'selective restore', bare)).not.toThrow()
  })

  it('holds a protected profile to its safety copy and to the second confirmation', () => {
    expect(() =>
      assertRestoreAllowed(connection('protected'), 'restore', { safetyCopy: false, lossAcknowledged: true }),
    ).toThrow(expect.objectContaining({ code: 'RESTORE_REFUSED', message: expect.stringContaining('copy') }))
    expect(() =>
      assertRestoreAllowed(connection('protected'), 'restore', { safetyCopy: true, lossAcknowledged: false }),
    ).toThrow(
      expect.objectContaining({
        code: 'RESTORE_REFUSED',
        message: expect.stringContaining('second confirmation'),
      }),
    )
    expect(() => assertRestoreAllowed(connection('protected'), 'restore', everything)).not.toThrow()
  })

  it('is enforced by the restore itself, before the file or the cluster is touched', async () => {
    const deps = { verify: () => Promise.reject(new Error('the file must not be read')) }
    await expect(
      restoreSnapshot(
        {
          connection: connection('read-only'),
          path: '/nonexistent.snap',
          safetySnapshot: { enabled: false },
        },
        deps,
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(
      restoreSnapshot(
        {
          connection: connection('protected'),
          path: '/nonexistent.snap',
          safetySnapshot: { enabled: false },
        },
        deps,
      ),
    ).rejects.toMatchObject({ code: 'RESTORE_REFUSED' })
  })
})
