/**
 * Growth over time as the host offers it: backups in a folder, each file read by the host's
 * inspect runner (a worker thread in the apps) and its statistics cached in the data folder.
 */
import { join } from 'node:path'
import { folderSource } from '../services/growth/backup-source'
import { GrowthService } from '../services/growth/growth-service'
import { StatisticsCache } from '../services/growth/statistics-cache'
import type { GrowthPort, InspectRunner } from './host-services'

export function createGrowthPort(options: { dataDir: string; inspect: InspectRunner }): GrowthPort {
  const growth = new GrowthService({
    cache: new StatisticsCache(join(options.dataDir, 'growth-cache')),
    scan: (path, { kvDepth }, work) =>
      options.inspect.inspect(path, { kvDetails: true, kvDepth, kvFilter: '' }, work),
  })
  return {
    async analyse(request, work) {
      return growth.analyse(await folderSource(request.folder), request, work)
    },
  }
}
