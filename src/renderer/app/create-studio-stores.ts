import type { ApiClient } from '../../shared/api-client'
import { createBackupsStore } from '../features/backups/backups-store'
import { createFleetStore } from '../features/fleet/fleet-store'
import { createGrowthStore } from '../features/growth/growth-store'
import { createContentStore } from '../features/inspect/content-store'
import { createInspectStore } from '../features/inspect/inspect-store'
import { createProfilesStore } from '../features/profiles/profiles-store'
import { createRestoreStore } from '../features/restore/restore-store'
import { createSaveStore } from '../features/save/save-store'
import type { StudioStores } from '../store/studio-context'

/** Every feature store of one window, each talking to the host through `client` only. */
export function createStudioStores(client: ApiClient): StudioStores {
  const content = createContentStore(client)
  return {
    client,
    profiles: createProfilesStore(client),
    inspect: createInspectStore(client, content),
    content,
    save: createSaveStore(client),
    restore: createRestoreStore(client),
    fleet: createFleetStore(client),
    backups: createBackupsStore(client),
    growth: createGrowthStore(client),
  }
}
