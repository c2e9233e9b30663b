import { create } from 'zustand'
import { AppError, toErrorPayload, type AppErrorPayload } from '../../shared/app-error'

/**
 * The one place errors go. Every screen reports failures here and the error center renders
 * them, so an operator always finds the message and the next step in the same spot.
 */
export interface ReportedError extends AppErrorPayload {
  id: number
  /** what the operator was doing, e.g. "Testing connection to prod-east" */
  context: string
}

interface ErrorState {
  errors: ReportedError[]
  report(context: string, error: unknown): ReportedError | undefined
  dismiss(id: number): void
  clear(): void
}

let nextId = 1

/** Whatever crossed the transport as data, or an AppError thrown locally, becomes one payload. */
export function toPayload(error: unknown): AppErrorPayload {
  if (error instanceof AppError) return error.toPayload()
  if (isPayload(error))
    return { code: error.code, message: error.message, hint: error.hint, details: error.details }
  return toErrorPayload(error)
}

function isPayload(value: unknown): value is AppErrorPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  )
}

export const useErrorStore = create<ErrorState>((set) => ({
  errors: [],
  report(context, error) {
    const payload = toPayload(error)
    // A cancel is the operator's own choice, not something to explain back to them.
    if (payload.code === 'CANCELLED') return undefined
    const reported: ReportedError = { ...payload, id: nextId++, context }
    // Newest first, and the same failure repeated replaces itself instead of stacking up.
    set((state) => ({
      errors: [
        reported,
        ...state.errors.filter((e) => !(e.code === reported.code && e.context === reported.context)),
      ].slice(0, 5),
    }))
    return reported
  },
  dismiss(id) {
    set((state) => ({ errors: state.errors.filter((e) => e.id !== id) }))
  },
  clear() {
    set({ errors: [] })
  },
}))

export const selectErrors = (state: ErrorState): ReportedError[] => state.errors
export const selectDismissError = (state: ErrorState): ErrorState['dismiss'] => state.dismiss
export const reportError = (context: string, error: unknown): ReportedError | undefined =>
  useErrorStore.getState().report(context, error)
