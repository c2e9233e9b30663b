/**
 * The one definition of what a connection profile may hold. The contract checks requests with
 * it at the boundary, the profile service checks again before anything is stored and reads its
 * file with it, and the profile form takes its limits from it, so the three cannot disagree.
 */
import { z } from 'zod'
import { datacenterSchema } from './consul-names'
import { environmentColours, protectionLevels, type ProfileInput } from './profile-types'

export const profileLimits = {
  /** Shown in lists and typed in full to confirm a restore. */
  name: 80,
  /** A short badge such as "production". */
  environmentLabel: 40,
  /** An ACL token is a UUID and a basic-auth password a line; 4 KiB leaves room and bounds the secret store. */
  secret: 4096,
  address: 2048,
  path: 4096,
  /** A DNS name. */
  serverName: 253,
  basicAuthUser: 256,
} as const

const optionalPath = z.string().trim().min(1).max(profileLimits.path).optional()

export const environmentLabelSchema = z.strictObject({
  label: z.string().trim().max(profileLimits.environmentLabel),
  colour: z.enum(environmentColours),
})

export const protectionLevelSchema = z.enum(protectionLevels)

export const tlsSettingsSchema = z.strictObject({
  caFile: optionalPath,
  caPath: optionalPath,
  clientCertFile: optionalPath,
  clientKeyFile: optionalPath,
  serverName: z.string().trim().min(1).max(profileLimits.serverName).optional(),
  insecureSkipVerify: z.boolean(),
})

export const connectionSettingsSchema = z.strictObject({
  address: z.string().trim().min(1).max(profileLimits.address),
  useTls: z.boolean(),
  datacenter: datacenterSchema.optional(),
  tokenFile: optionalPath,
  basicAuthUser: z.string().max(profileLimits.basicAuthUser).optional(),
  tls: tlsSettingsSchema,
})

const secretChangeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('keep') }),
  z.strictObject({ kind: z.literal('set'), value: z.string().min(1).max(profileLimits.secret) }),
  z.strictObject({ kind: z.literal('clear') }),
])

export const profileNameSchema = z.string().trim().min(1, 'a profile needs a name').max(profileLimits.name)

export const profileInputSchema = z.strictObject({
  name: profileNameSchema,
  environment: environmentLabelSchema,
  protection: protectionLevelSchema.optional(),
  scratchCluster: z.boolean().optional(),
  connection: connectionSettingsSchema,
  token: secretChangeSchema.optional(),
  basicAuthPassword: secretChangeSchema.optional(),
}) satisfies z.ZodType<ProfileInput>
