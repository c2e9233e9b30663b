/**
 * Facts about the built app both hosts need: its version, where the built renderer and the
 * inspect worker sit next to the running bundle, and the sample snapshot.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { bundleDir } from './bundle-dir'
import { createInProcessInspectRunner } from './workers/in-process-inspect-runner'
import { createWorkerInspectRunner } from './workers/worker-inspect-runner'
import { createCataloguePort } from './workers/catalogue-port'
import type { CataloguePort, InspectRunner } from './host-services'
import { createWorkerCataloguePort } from './workers/worker-catalogue-port'

export function appVersion(root = resolve(bundleDir(), '..', '..')): string {
  try {
    const parsed = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }
    return typeof parsed.version === 'string' ? parsed.version : '0.0.0'
  } catch {
    return '0.0.0'
  }
}

/** out/renderer next to out/main, or null when the renderer was not built. */
export function builtRendererDir(): string | null {
  const candidate = resolve(bundleDir(), '..', 'renderer')
  return existsSync(join(candidate, 'index.html')) ? candidate : null
}

/** A worker-thread runner when the worker bundle is present (built app), else in-process. */
export function createInspectRunner(): InspectRunner {
  const worker = join(bundleDir(), 'inspect-worker.js')
  return existsSync(worker) ? createWorkerInspectRunner(worker) : createInProcessInspectRunner()
}

/** Catalogues in a worker thread when the worker bundle is present (built app), else in-process. */
export function createCatalogue(
  options: { spillDir?: string } = {},
): CataloguePort & { closeAll(): Promise<void> } {
  const worker = join(bundleDir(), 'catalogue-worker.js')
  return existsSync(worker) ? createWorkerCataloguePort(worker, options) : createCataloguePort(options)
}

/** The sample snapshot shipped in resources/ (next to the app's package root). */
export function sampleSnapshotPath(root = resolve(bundleDir(), '..', '..')): string {
  return join(root, 'resources', 'sample', 'sample.snap')
}
