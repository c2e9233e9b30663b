/**
 * Running long operations by id, each with its AbortController, so `operations.cancel` and a
 * closed window or socket can stop them. An operation belongs to the client that started it:
 * another client cannot cancel it or read its progress.
 */
import { AppError } from '../../shared/app-error'

interface RunningOperation {
  clientId: string
  controller: AbortController
}

export class OperationRegistry {
  private readonly running = new Map<string, RunningOperation>()

  /** Registers an operation; the id must not be in use. */
  start(operationId: string, clientId: string): AbortController {
    if (this.running.has(operationId)) {
      throw new AppError('INVALID_ARGUMENT', `An operation with id ${operationId} is already running.`, {
        hint: 'Each long operation needs a fresh id; the client makes one per call.',
      })
    }
    const controller = new AbortController()
    this.running.set(operationId, { clientId, controller })
    return controller
  }

  finish(operationId: string): void {
    this.running.delete(operationId)
  }

  /** True when a running operation of this client was told to stop. */
  cancel(operationId: string, clientId: string): boolean {
    const operation = this.running.get(operationId)
    if (operation === undefined || operation.clientId !== clientId) return false
    operation.controller.abort(new AppError('CANCELLED', 'The operation was cancelled.'))
    return true
  }

  /** Stops everything a client started, e.g. when its window or socket goes away. */
  cancelClient(clientId: string): number {
    let count = 0
    for (const [operationId, operation] of this.running) {
      if (operation.clientId === clientId) {
        operation.controller.abort(
          new AppError('CANCELLED', 'The window that started this operation went away.'),
        )
        this.running.delete(operationId)
        count += 1
      }
    }
    return count
  }

  cancelAll(): void {
    for (const operation of this.running.values())
      operation.controller.abort(new AppError('CANCELLED', 'Snapshot Studio is shutting down.'))
    this.running.clear()
  }

  clientOf(operationId: string): string | undefined {
    return this.running.get(operationId)?.clientId
  }

  get size(): number {
    return this.running.size
  }
}
