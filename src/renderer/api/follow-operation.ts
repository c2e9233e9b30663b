import type { OperationProgress } from '../../shared/api-contract'
import type { OperationHandle } from '../../shared/api-client'

/**
 * Waits for a long operation while passing its progress on, and turns an AbortSignal (how the
 * stores say "one read at a time" or "the operator pressed Cancel") into the host-side cancel.
 */
export async function followOperation<T>(
  handle: OperationHandle<T>,
  signal: AbortSignal,
  onProgress?: (progress: OperationProgress) => void,
): Promise<T> {
  const stopProgress = onProgress ? handle.onProgress(onProgress) : () => undefined
  const cancel = () => void handle.cancel().catch(() => undefined)
  if (signal.aborted) cancel()
  else signal.addEventListener('abort', cancel, { once: true })
  try {
    return await handle.result
  } finally {
    signal.removeEventListener('abort', cancel)
    stopProgress()
  }
}
