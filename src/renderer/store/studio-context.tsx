/**
 * The stores of one window and the typed client they talk through, handed to components by
 * React context. main.tsx builds them over the real transport; tests build them over the
 * in-memory transport, so a store never reaches for a global to find its API.
 */
import { createContext, useContext, type ReactNode } from 'react'
import type { ApiClient } from '../../shared/api-client'
import type { BackupsStore } from '../features/backups/backups-store'
import type { FleetStore } from '../features/fleet/fleet-store'
import type { GrowthStore } from '../features/growth/growth-store'
import type { ContentStore } from '../features/inspect/content-store'
import type { InspectStore } from '../features/inspect/inspect-store'
import type { ProfilesStore } from '../features/profiles/profiles-store'
import type { RestoreStore } from '../features/restore/restore-store'
import type { SaveStore } from '../features/save/save-store'

export interface StudioStores {
  client: ApiClient
  profiles: ProfilesStore
  inspect: InspectStore
  content: ContentStore
  save: SaveStore
  restore: RestoreStore
  fleet: FleetStore
  backups: BackupsStore
  growth: GrowthStore
}

const StudioContext = createContext<StudioStores | null>(null)

export function StudioProvider({ stores, children }: { stores: StudioStores; children: ReactNode }) {
  return <StudioContext.Provider value={stores}>{children}</StudioContext.Provider>
}

export function useStudio(): StudioStores {
  const stores = useContext(StudioContext)
  if (stores === null) throw new Error('useStudio() needs a <StudioProvider> above it (see main.tsx)')
  return stores
}

/** What the platform offers: native pickers in the desktop app, uploads in browser mode. */
export function usePlatform(): ApiClient['platform'] {
  return useStudio().client.platform
}
