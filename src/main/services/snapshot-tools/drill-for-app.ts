import { AppError } from '../../../shared/app-error'
import type { DrillPhaseWire, DrillResultWire } from '../../../shared/snapshot-tools-types'
import { findConsulBinary } from '../drill/consul-binary'
import { runDrill, type DrillTarget } from '../drill/run-drill'

export interface DrillForAppOptions {
  /** The host's own environment: CONSUL_BIN, else consul on PATH. */
  env: Record<string, string | undefined>
  signal: AbortSignal
  onPhase: (phase: DrillPhaseWire) => void
  /** A scratch cluster's profile connection (checked by the engine), else the dev agent. */
  target?: DrillTarget
}

/**
 * The restore drill as the app runs it. The binary is always the host's (CONSUL_BIN or PATH):
 * a page that could name one could make the host execute any file. Without one the error says
 * what the operator of the host can do, instead of the CLI's advice to pass -consul.
 */
export async function drillForApp(path: string, options: DrillForAppOptions): Promise<DrillResultWire> {
  if (options.target?.kind === 'scratch-cluster')
    return runDrill(path, {
      target: options.target,
      signal: options.signal,
      onPhase: options.onPhase,
    })
  let binary: string
  try {
    binary = (await findConsulBinary(undefined, options.env)).path
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'FILE_NOT_FOUND') throw error
    throw new AppError(
      'FILE_NOT_FOUND',
      `The restore drill needs a consul binary on this host: ${error.message}`,
      {
        hint: 'Install consul on the host, or set CONSUL_BIN to its path before starting Snapshot Studio.',
      },
    )
  }
  return runDrill(path, {
    consulPath: binary,
    env: options.env,
    signal: options.signal,
    onPhase: options.onPhase,
  })
}
