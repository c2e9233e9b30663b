import type { ApiClient } from '../../../shared/api-client'
import { toErrorPayload, type AppErrorPayload } from '../../../shared/app-error'
import type {
  StoredBackupList,
  StoredBackupVerifyReport,
  StoredVerifyProgress,
} from '../../../shared/stored-backup-types'
import type { SourceDecryption } from '../../../shared/snapshot-wire-types'
import { followOperation } from '../../api/follow-operation'
import { reportError } from '../../store/error-store'
import { useNavigationStore } from '../../store/navigation-store'

/** One plan destination's backups as the Backups view shows them. */
export interface StoredBackupsBrowser {
  planId: string
  destinationIndex: number
  status: 'loading' | 'ready' | 'error'
  list: StoredBackupList | null
  error: AppErrorPayload | null
  /** '' shows every cluster. */
  cluster: string
  /** The backup an action (download, restore, inspect) is busy with. */
  busy: string | null
  downloaded: { name: string; path: string } | null
  verifying: StoredVerifyProgress | null
  verified: StoredBackupVerifyReport | null
  /** The age identity or passphrase for encrypted backups: sent with each request, never saved. */
  decryption: SourceDecryption | null
}

export interface StoredBackupsSlice {
  browser: StoredBackupsBrowser | null
  browse(planId: string, destinationIndex: number): Promise<void>
  closeBrowser(): void
  filterCluster(cluster: string): void
  setStoredKey(key: SourceDecryption | null): void
  inspectStored(name: string): void
  downloadStored(name: string, folder: string): Promise<void>
  restoreStored(name: string): Promise<void>
  deleteStored(name: string, confirmation: string): Promise<boolean>
  verifyStored(): Promise<void>
  cancelStoredWork(): void
}

type Set = (partial: Partial<StoredBackupsSlice>) => void
type Get = () => StoredBackupsSlice

/**
 * The Backups view of one destination: what the store holds (newest first), and what can be done
 * with one backup without downloading it first. Inspect and Restore hand over to their screens:
 * Inspect reads the backup streamed from the store, Restore gets a verified copy in the host's
 * upload area and runs the wizard's own checks on it.
 */
export function createStoredBackupsSlice(client: ApiClient, set: Set, get: Get): StoredBackupsSlice {
  let work: AbortController | null = null
  const ref = () => {
    const browser = get().browser
    return browser === null ? null : { planId: browser.planId, destinationIndex: browser.destinationIndex }
  }
  const key = () => {
    const decryption = get().browser?.decryption ?? null
    return decryption === null ? {} : { decryption }
  }
  const patch = (next: Partial<StoredBackupsBrowser>) => {
    const browser = get().browser
    if (browser !== null) set({ browser: { ...browser, ...next } })
  }
  const begin = () => {
    work?.abort()
    work = new AbortController()
    return work
  }
  const load = async () => {
    const at = ref()
    if (at === null) return
    try {
      const list = await client.storedBackups.list(at)
      const now = ref()
      if (now?.planId === at.planId && now.destinationIndex === at.destinationIndex)
        patch({ status: 'ready', list, error: null })
    } catch (error) {
      patch({ status: 'error', error: toErrorPayload(error) })
    }
  }

  return {
    browser: null,
    async browse(planId, destinationIndex) {
      work?.abort()
      set({
        browser: {
          planId,
          destinationIndex,
          status: 'loading',
          list: null,
          error: null,
          cluster: '',
          busy: null,
          downloaded: null,
          verifying: null,
          verified: null,
          decryption: null,
        },
      })
      await load()
    },
    closeBrowser() {
      work?.abort()
      set({ browser: null })
    },
    filterCluster(cluster) {
      patch({ cluster })
    },
    setStoredKey(decryption) {
      patch({ decryption })
    },
    inspectStored(name) {
      const at = ref()
      if (at !== null) useNavigationStore.getState().openStoredInInspect({ ...at, name, ...key() })
    },
    async downloadStored(name, folder) {
      const at = ref()
      if (at === null) return
      const op = begin()
      patch({ busy: name, downloaded: null })
      try {
        const result = await followOperation(
          client.storedBackups.download({
            ...at,
            name,
            ...(folder.trim() ? { folder: folder.trim() } : {}),
            ...key(),
          }),
          op.signal,
        )
        patch({ downloaded: { name, path: result.path } })
      } catch (error) {
        if (!op.signal.aborted) reportError(`Downloading ${name}`, error)
      } finally {
        patch({ busy: null })
      }
    },
    async restoreStored(name) {
      const at = ref()
      if (at === null) return
      const op = begin()
      patch({ busy: name })
      try {
        const uploaded = await followOperation(
          client.storedBackups.prepareRestore({ ...at, name, ...key() }),
          op.signal,
        )
        useNavigationStore
          .getState()
          .openInRestore({ kind: 'upload', uploadId: uploaded.uploadId, name: uploaded.name })
      } catch (error) {
        if (!op.signal.aborted) reportError(`Fetching ${name} for a restore`, error)
      } finally {
        patch({ busy: null })
      }
    },
    async deleteStored(name, confirmation) {
      const at = ref()
      if (at === null) return false
      try {
        await client.storedBackups.delete({ ...at, name, confirmation })
        await load()
        return true
      } catch (error) {
        reportError(`Deleting ${name}`, error)
        return false
      }
    },
    async verifyStored() {
      const at = ref()
      if (at === null) return
      const op = begin()
      patch({ verified: null, verifying: { done: 0, total: 0, name: '', bytes: 0, totalBytes: null } })
      try {
        const report = await followOperation(
          client.storedBackups.verify({ ...at, ...key() }),
          op.signal,
          (event) => {
            if (event.kind === 'stored-verify' && work === op) patch({ verifying: event.progress })
          },
        )
        patch({ verified: report })
      } catch (error) {
        if (!op.signal.aborted) reportError('Verifying the stored backups', error)
      } finally {
        if (work === op) patch({ verifying: null })
      }
    },
    cancelStoredWork() {
      work?.abort()
    },
  }
}
