import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiClient } from '../../../shared/api-client'
import { DEFAULT_AGENT_LOCK_KEY, DEFAULT_AGENT_SERVICE, type FleetStatus } from '../../../shared/fleet-types'
import { reportError } from '../../store/error-store'
import { useStudio } from '../../store/studio-context'

export interface FleetState {
  status: 'idle' | 'loading' | 'ready' | 'error'
  fleet: FleetStatus | null
  /** The agents' service name and lock key (the Enterprise defaults unless the agents were configured otherwise). */
  service: string
  lockKey: string
  load(): Promise<void>
  setNames(patch: Partial<Pick<FleetState, 'service' | 'lockKey'>>): void
}

export type FleetStore = StoreApi<FleetState>

export function createFleetStore(client: ApiClient): FleetStore {
  let latest = 0
  return createStore<FleetState>()((set, get) => ({
    status: 'idle',
    fleet: null,
    service: DEFAULT_AGENT_SERVICE,
    lockKey: DEFAULT_AGENT_LOCK_KEY,
    async load() {
      const asked = ++latest
      set({ status: 'loading' })
      try {
        const { service, lockKey } = get()
        const fleet = await client.fleet.status({ service: service.trim(), lockKey: lockKey.trim() })
        // A slower, older answer must not replace a newer one.
        if (asked === latest) set({ fleet, status: 'ready' })
      } catch (error) {
        if (asked !== latest) return
        set({ status: 'error' })
        reportError('Reading the fleet', error)
      }
    },
    setNames(patch) {
      set(patch)
    },
  }))
}

export function useFleetStore<T>(selector: (s: FleetState) => T): T {
  return useStore(useStudio().fleet, selector)
}

export const selectFleet = (s: FleetState): FleetStatus | null => s.fleet
export const selectFleetStatus = (s: FleetState): FleetState['status'] => s.status
export const selectFleetNames = (s: FleetState): Pick<FleetState, 'service' | 'lockKey'> => ({
  service: s.service,
  lockKey: s.lockKey,
})
