/**
 * The one dispatch both transports call: validate the input with the contract's schema, run the
 * handler, and answer an envelope. Long operations get an AbortController from the registry and a
 * progress function that reaches only the calling client. Events fan out to connected clients.
 */
import {
  apiMethods,
  isMethodName,
  type EventName,
  type EventPayload,
  type MethodName,
  type OperationProgress,
  type RequestOf,
  type ResponseOf,
} from '../../shared/api-contract'
import { failure, ok, type ApiResult } from '../../shared/api-result'
import { AppError } from '../../shared/app-error'
import { OperationRegistry } from './operation-registry'
import { createProgressThrottle } from './progress-throttle'

export type HostKind = 'electron' | 'browser'

export interface CallContext {
  clientId: string
  host: HostKind
  /** Aborted when the operation is cancelled or its client goes away. */
  signal: AbortSignal
  /** Reports progress of a long operation to its client; a no-op for plain calls. */
  progress(progress: OperationProgress): void
}

export type MethodHandler<M extends MethodName> = (
  input: RequestOf<M>,
  context: CallContext,
) => Promise<ResponseOf<M>>

/** Methods a host implements; `operations.cancel` is answered by the dispatcher itself. */
export type HandledMethodName = Exclude<MethodName, 'operations.cancel'>

/** Total: a host that leaves out a method of the contract does not compile. */
export type ApiHandlers = { [M in HandledMethodName]: MethodHandler<M> }

/** A connected window or socket. `send` must not throw for a closed peer. */
export interface ClientConnection {
  id: string
  send<E extends EventName>(event: E, payload: EventPayload<E>): void
}

export interface Dispatcher {
  connect(connection: ClientConnection): () => void
  dispatch(clientId: string, method: unknown, input: unknown): Promise<ApiResult<unknown>>
  /** Sends an event to every connected client. */
  broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void
  /** Sends an event to one client; false when it is not connected. */
  sendTo<E extends EventName>(clientId: string, event: E, payload: EventPayload<E>): boolean
  /** Stops every running operation (shutdown). */
  close(): void
  readonly runningOperations: number
}

export interface DispatcherOptions {
  host: HostKind
  handlers: ApiHandlers
  /** Sees failures that are not AppErrors (bugs), already turned into payloads for the caller. */
  onUnexpectedError?: (method: string, error: unknown) => void
  /** At most one progress batch per operation per interval (default 100 ms). */
  progressIntervalMs?: number
  now?: () => number
}

const neverAborted = new AbortController().signal

export function describeIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): string {
  return issues
    .slice(0, 3)
    .map((issue) =>
      issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ')
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const registry = new OperationRegistry()
  const clients = new Map<string, ClientConnection>()

  function sendTo<E extends EventName>(clientId: string, event: E, payload: EventPayload<E>): boolean {
    const client = clients.get(clientId)
    if (client === undefined) return false
    client.send(event, payload)
    return true
  }

  async function run(clientId: string, method: MethodName, input: unknown): Promise<unknown> {
    const definition = apiMethods[method]
    if (definition.availability === 'electron' && options.host !== 'electron') {
      throw new AppError('UNSUPPORTED', `${method} is only available in the desktop app.`, {
        hint: 'In browser mode, upload the file or type a path the host can read.',
      })
    }
    const parsed = definition.request.safeParse(input)
    if (!parsed.success) {
      throw new AppError(
        'INVALID_ARGUMENT',
        `Invalid request for ${method}: ${describeIssues(parsed.error.issues)}.`,
        {
          details: { method, issues: parsed.error.issues.length },
        },
      )
    }
    const value = parsed.data as Record<string, unknown>

    if (method === 'operations.cancel') {
      return { cancelled: registry.cancel(String(value.operationId), clientId) }
    }

    const handler = options.handlers[method] as MethodHandler<HandledMethodName>

    if (!definition.operation) {
      return handler(value as RequestOf<HandledMethodName>, {
        clientId,
        host: options.host,
        signal: neverAborted,
        progress: () => undefined,
      })
    }

    const operationId = String(value.operationId)
    const controller = registry.start(operationId, clientId)
    const throttle = createProgressThrottle(
      (progress) => sendTo(clientId, 'operation.progress', { operationId, progress }),
      options.progressIntervalMs ?? 100,
      options.now,
    )
    const context: CallContext = {
      clientId,
      host: options.host,
      signal: controller.signal,
      progress: (progress) => {
        if (!controller.signal.aborted) throttle.push(progress)
      },
    }
    try {
      const result = await handler(value as RequestOf<HandledMethodName>, context)
      // A service that ignored the signal still must not report success for a cancelled operation.
      if (controller.signal.aborted) throw new AppError('CANCELLED', 'The operation was cancelled.')
      throttle.flush()
      return result
    } catch (error) {
      throttle.discard()
      if (controller.signal.aborted)
        throw new AppError('CANCELLED', 'The operation was cancelled.', { cause: error })
      throw error
    } finally {
      throttle.discard()
      registry.finish(operationId)
    }
  }

  return {
    connect(connection) {
      clients.set(connection.id, connection)
      return () => {
        if (clients.get(connection.id) === connection) clients.delete(connection.id)
        registry.cancelClient(connection.id)
      }
    },

    async dispatch(clientId, method, input) {
      if (!isMethodName(method)) {
        return failure(
          new AppError('INVALID_ARGUMENT', `Unknown method ${JSON.stringify(String(method)).slice(0, 80)}.`),
        )
      }
      try {
        return ok(await run(clientId, method, input))
      } catch (error) {
        if (!(error instanceof AppError)) options.onUnexpectedError?.(method, error)
        return failure(error)
      }
    },

    broadcast(event, payload) {
      for (const client of clients.values()) client.send(event, payload)
    },

    sendTo,

    close() {
      registry.cancelAll()
    },

    get runningOperations() {
      return registry.size
    },
  }
}
