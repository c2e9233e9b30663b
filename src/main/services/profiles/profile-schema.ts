/**
 * The profile file's format. What a profile may hold is defined once, in src/shared/profile-schema.ts.
 */
import { z } from 'zod'
import {
  connectionSettingsSchema,
  environmentLabelSchema,
  protectionLevelSchema,
} from '../../../shared/profile-schema'

export const storedProfileSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  environment: environmentLabelSchema,
  // Files written before protection levels existed load as `normal`, what those profiles allowed.
  protection: protectionLevelSchema.default('normal'),
  // Files written before scratch clusters existed load as false: no drill may overwrite them.
  scratchCluster: z.boolean().default(false),
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
