import { readFile, rename } from 'node:fs/promises'
import { z } from 'zod'
import { AppError } from '../../../shared/app-error'
import { planInputSchema } from '../../../shared/backup-plan-schema'
import type { PlanStoreNotice } from '../../../shared/backup-plan-types'
import { writeFileAtomic } from '../profiles/atomic-write-file'

/** The plans file's format. What a plan may hold is defined once, in src/shared/backup-plan-schema.ts. */
export const storedPlanSchema = z.object({
  id: z.string().min(1),
  input: planInputSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
})

export const planFileSchema = z.object({
  version: z.literal(1),
  plans: z.array(storedPlanSchema),
})

export type StoredPlan = z.output<typeof storedPlanSchema>
export type PlanFile = z.output<typeof planFileSchema>

export interface LoadedPlans {
  file: PlanFile
  notice?: PlanStoreNotice
}

const empty = (): PlanFile => ({ version: 1, plans: [] })

/**
 * Reads the plans file. A damaged file is never silently replaced: it is renamed aside
 * (`plans.json.corrupt-<time>`) so nothing is lost, and the notice tells the user where.
 */
export async function loadPlanFile(path: string, clock: () => Date): Promise<LoadedPlans> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file: empty() }
    throw new AppError(
      'FILE_UNREADABLE',
      `The backup plans file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      { hint: 'Check the permissions of the app\u2019s data folder.', cause: error },
    )
  }
  let reason: string
  try {
    const parsed = planFileSchema.safeParse(JSON.parse(text))
    if (parsed.success) return { file: parsed.data }
    const issue = parsed.error.issues[0]
    reason = `its content does not match the expected shape (${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'})`
  } catch (error) {
    reason = `it is not valid JSON (${(error as Error).message})`
  }
  const keptAsidePath = `${path}.corrupt-${clock().toISOString().replace(/[:.]/g, '-')}`
  await rename(path, keptAsidePath)
  return { file: empty(), notice: { kind: 'corrupt-file-kept-aside', keptAsidePath, reason } }
}

export async function savePlanFile(path: string, file: PlanFile): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(file, null, 2) + '\n', 0o600)
}
