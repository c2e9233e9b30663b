import { readFile, rename } from 'node:fs/promises'
import { AppError } from '../../../shared/app-error'
import type { ProfileStoreNotice } from '../../../shared/profile-types'
import { writeFileAtomic } from './atomic-write-file'
import { profileFileSchema, type ProfileFile } from './profile-schema'

export interface LoadedProfiles {
  file: ProfileFile
  notice?: ProfileStoreNotice
}

/**
 * Reads the profiles file. A damaged file is never silently replaced: it is renamed aside
 * (`profiles.json.corrupt-<time>`) so nothing is lost, and the notice tells the user where.
 */
export async function loadProfileFile(path: string, clock: () => Date): Promise<LoadedProfiles> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file: { version: 1, profiles: [] } }
    throw new AppError(
      'FILE_UNREADABLE',
      `The profiles file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      {
        hint: 'Check the permissions of the app\u2019s data folder.',
        cause: error,
      },
    )
  }
  let reason: string
  try {
    const parsed = profileFileSchema.safeParse(JSON.parse(text))
    if (parsed.success) return { file: parsed.data }
    reason = `its content does not match the expected shape (${parsed.error.issues[0]?.path.join('.') || 'root'}: ${parsed.error.issues[0]?.message ?? 'invalid'})`
  } catch (error) {
    reason = `it is not valid JSON (${(error as Error).message})`
  }
  const keptAsidePath = `${path}.corrupt-${clock().toISOString().replace(/[:.]/g, '-')}`
  await rename(path, keptAsidePath)
  return {
    file: { version: 1, profiles: [] },
    notice: { kind: 'corrupt-file-kept-aside', keptAsidePath, reason },
  }
}

export async function saveProfileFile(path: string, file: ProfileFile): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(file, null, 2) + '\n', 0o600)
}
