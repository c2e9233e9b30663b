/**
 * Browser mode's host: the same services as the desktop app behind the loopback web host, with
 * uploads instead of native pickers. `snapshot-studio web` starts it and prints its URL; the
 * end-to-end suite and the fallback of `npm start` run it the same way. Never imports electron.
 */
import { join } from 'node:path'
import { createHandlers } from '../api/create-handlers'
import { createDispatcher } from '../api/dispatcher'
import type { Logger } from '../logging/logger'
import { FileSecretStore } from '../services/profiles'
import { startWebHost } from '../transport/web-host'
import { createHostServices, type HostServicesHandle } from './create-host-services'
import {
  appVersion,
  builtRendererDir,
  createCatalogue,
  createInspectRunner,
  sampleSnapshotPath,
} from './host-runtime'
import { createInstanceFolder, sweepAbandonedInstanceFolders } from './instance-folder'
import { createUploadFolder, createUploadStore, sweepStaleUploadFolders } from './upload-store'

export interface BrowserHostOptions {
  /** Profiles, secrets and recent files. */
  dataDir: string
  /** Default folder for saved snapshots. */
  saveDir: string
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number
  /** The environment CONSUL_* variables are imported from. */
  env: Record<string, string | undefined>
  log: Logger
  /** Called when a page has connected with the token. */
  onClientConnected?(): void
}

export interface BrowserHost {
  /** The loopback URL with its token: whoever has it has the whole API. */
  url: string
  /** False when out/renderer was not built: only the API is served. */
  servesRenderer: boolean
  close(): Promise<void>
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const rendererDir = builtRendererDir()
  // Working copies and uploads hold KV values and ACL secrets: they live in this run's own
  // folder, removed on every exit (the 'exit' hook covers a process that ends while close still
  // waits on an unref'd worker); what a crashed run left is swept now (docs/threat-model.md).
  sweepAbandonedInstanceFolders()
  await sweepStaleUploadFolders()
  const instance = createInstanceFolder()
  const removeOnExit = () => instance.removeSync()
  process.once('exit', removeOnExit)
  const uploads = createUploadStore(await createUploadFolder(instance.path))
  let host: HostServicesHandle | null = null
  try {
    host = await createHostServices({
      kind: 'browser',
      version: appVersion(),
      platform: process.platform,
      dataDir: options.dataDir,
      env: options.env,
      defaultSaveFolder: options.saveDir,
      secrets: new FileSecretStore(join(options.dataDir, 'secrets.json')),
      inspect: createInspectRunner(),
      catalogue: createCatalogue({ spillDir: instance.spillDir }),
      spillDir: instance.spillDir,
      uploads,
      sampleSnapshotPath: sampleSnapshotPath(),
      log: options.log,
    })
    const dispatcher = createDispatcher({
      host: 'browser',
      handlers: createHandlers(host.services),
      onUnexpectedError: (method, error) => options.log.error('Unexpected failure', { method, err: error }),
    })
    host.onPlanRunFinished((event) => dispatcher.broadcast('plans.runFinished', event))
    const web = await startWebHost({
      dispatcher,
      rendererDir,
      uploads,
      port: options.port,
      onClientConnected: options.onClientConnected,
    })
    const services = host
    options.log.info('Browser mode started', { dataDir: options.dataDir, port: new URL(web.url).port })
    return {
      url: web.url,
      servesRenderer: rendererDir !== null,
      async close() {
        options.log.info('Browser mode stopping')
        await web.close()
        await services.dispose()
        await instance.remove()
        process.off('exit', removeOnExit)
      },
    }
  } catch (error) {
    // Nothing may stay behind when the host cannot start (a port in use, say): the upload
    // folder and any worker go with it.
    await (host === null ? uploads.dispose() : host.dispose())
    await instance.remove()
    process.off('exit', removeOnExit)
    throw error
  }
}
