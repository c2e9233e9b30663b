import { z } from 'zod'

const optionalPath = z.string().trim().min(1).max(4096).optional()

export const tlsSettingsSchema = z.object({
  caFile: optionalPath,
  caPath: optionalPath,
  clientCertFile: optionalPath,
  clientKeyFile: optionalPath,
  serverName: z.string().trim().min(1).max(255).optional(),
  insecureSkipVerify: z.boolean(),
})

export const connectionSettingsSchema = z.object({
  address: z.string().trim().min(1).max(2048),
  useTls: z.boolean(),
  datacenter: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a datacenter name uses letters, digits, "-", "_" and "."')
    .optional(),
  tokenFile: optionalPath,
  basicAuthUser: z.string().max(256).optional(),
  tls: tlsSettingsSchema,
})

export const environmentLabelSchema = z.object({
  label: z.string().trim().max(40),
  colour: z.enum(['red', 'orange', 'yellow', 'green', 'teal', 'blue', 'purple', 'grey']),
})

const secretChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('keep') }),
  z.object({ kind: z.literal('set'), value: z.string().min(1).max(4096) }),
  z.object({ kind: z.literal('clear') }),
])

export const profileInputSchema = z.object({
  name: z.string().trim().min(1, 'a profile needs a name').max(80),
  environment: environmentLabelSchema,
  connection: connectionSettingsSchema,
  token: secretChangeSchema.optional(),
  basicAuthPassword: secretChangeSchema.optional(),
})

export const storedProfileSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  environment: environmentLabelSchema,
  connection: connectionSettingsSchema,
  hasToken: z.boolean(),
  hasBasicAuthPassword: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
})

export const profileFileSchema = z.object({
  version: z.literal(1),
  profiles: z.array(storedProfileSchema),
})

export type StoredProfile = z.infer<typeof storedProfileSchema>
export type ProfileFile = z.infer<typeof profileFileSchema>
