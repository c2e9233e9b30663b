import { resolve } from 'node:path'
import { z } from 'zod'
import { AppError } from '../../../shared/app-error'
import type { EncryptionTarget } from '../encryption/age-keys'

/**
 * The agent's client-side encryption (ours; the Enterprise agent has only S3 SSE/KMS):
 * `snapshot_agent.encryption.recipients` (age X25519 `age1…` or SSH public keys) and/or
 * `recipients_file` (`age -R` form), or `-encrypt-recipient` flags, which replace the files'
 * recipients. Recipients only: an unattended agent has no one to type a passphrase, and a
 * recipient's public key on a server cannot open the backups it writes.
 */
export const encryptionSection = z
  .strictObject({
    recipients: z.array(z.string()),
    recipients_file: z.string(),
    /** Read only by the scheduled verify and drill steps, never for writing (agent-checks-config.ts). */
    identity_file: z.string(),
  })
  .partial()

/** A `backup_destinations` entry's own recipients, replacing the agent-wide ones for it. */
export const destinationEncryptionSection = z
  .strictObject({ recipients: z.array(z.string()), recipients_file: z.string() })
  .partial()

export type EncryptionSection = z.infer<typeof encryptionSection>
export type DestinationEncryptionSection = z.infer<typeof destinationEncryptionSection>

export interface AgentEncryption {
  /** Every recipient, checked; the cycle encrypts each snapshot once to all of them. */
  recipients: string[]
}

export function encryptionTarget(encryption: AgentEncryption): EncryptionTarget {
  return { kind: 'recipients', recipients: encryption.recipients }
}

/**
 * Resolves and checks the recipients before any snapshot is taken, so a typo fails at start-up
 * with the key that holds it. `origin` names the config file a key came from.
 */
export async function resolveAgentEncryption(
  section: EncryptionSection | undefined,
  flagRecipients: string[] | undefined,
  ctx: { cwd: string; origin: (path: string[]) => string },
): Promise<AgentEncryption | null> {
  if (flagRecipients !== undefined && flagRecipients.length > 0) {
    const { parseRecipient } = await ageKeys()
    return {
      recipients: flagRecipients.map((r, i) => parseRecipient(r, `flags: -encrypt-recipient #${i + 1}`)),
    }
  }
  return resolveRecipients(section, ['encryption'], ctx)
}

/**
 * A `backup_destinations` entry's own `encryption`: its recipients replace the agent-wide ones for
 * that destination only. `path` is where it sits, e.g. `backup_destinations.aws_storage[1]`.
 */
export async function resolveDestinationEncryption(
  section: DestinationEncryptionSection | undefined,
  path: string,
  ctx: { cwd: string; where: string },
): Promise<AgentEncryption | null> {
  return resolveRecipients(section, [path, 'encryption'], { cwd: ctx.cwd, origin: () => ctx.where })
}

async function resolveRecipients(
  section: DestinationEncryptionSection | undefined,
  path: string[],
  ctx: { cwd: string; origin: (path: string[]) => string },
): Promise<AgentEncryption | null> {
  if (section === undefined) return null
  const { parseRecipient, readRecipientsFile } = await ageKeys()
  const key = ['snapshot_agent', ...path].join('.')
  const recipients = (section.recipients ?? [])
    .filter((r) => r.trim() !== '')
    .map((r, i) => parseRecipient(r, `${ctx.origin([...path, 'recipients'])}: ${key}.recipients[${i}]`))
  const file = section.recipients_file?.trim() ?? ''
  if (file !== '') recipients.push(...(await readRecipientsFile(resolve(ctx.cwd, file))))
  if (recipients.length === 0) {
    if (section.recipients === undefined && file === '') return null
    throw new AppError(
      'INVALID_ARGUMENT',
      `${ctx.origin(path)}: ${key}: no recipient is listed, so nothing could decrypt the backups`,
      {
        hint: 'List age recipients (age1…) or SSH public keys in recipients or recipients_file, or remove the encryption object.',
        details: { key },
      },
    )
  }
  return { recipients: [...new Set(recipients)] }
}

/**
 * The age library loads only for a config that encrypts: it would otherwise stay in the memory of
 * every daemon for its whole life (the cycle and check processes load it when they need it).
 */
function ageKeys(): Promise<typeof import('../encryption/age-keys')> {
  return import('../encryption/age-keys')
}
