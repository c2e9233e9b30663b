/**
 * The engine's inspection as it crosses the API: 64-bit values (bigint in the engine) become
 * decimal strings, and the text `consul snapshot inspect` would print rides along so the window
 * can show and copy exactly that.
 */
import { formatInspectJson, formatInspectPretty, type SnapshotInspection } from '../../services/snapshot'
import type { SnapshotInspectionWire } from '../../../shared/snapshot-wire-types'

export function toInspectionWire(inspection: SnapshotInspection, kvDetails: boolean): SnapshotInspectionWire {
  const { meta } = inspection
  return {
    meta: {
      id: meta.id,
      size: meta.size.toString(),
      index: meta.index.toString(),
      term: meta.term.toString(),
      version: meta.version,
      configurationIndex: meta.configurationIndex.toString(),
      servers: meta.servers.map((server) => ({
        suffrage: server.suffrage,
        id: server.id,
        address: server.address,
      })),
      peers: meta.peers,
    },
    stats: inspection.stats.map((stat) => ({ name: stat.name, count: stat.count, sum: stat.sum })),
    totalSize: inspection.totalSize,
    kvStats:
      inspection.kvStats === null
        ? null
        : inspection.kvStats.map((stat) => ({ name: stat.name, count: stat.count, sum: stat.sum })),
    totalSizeKV: inspection.totalSizeKV,
    integrity: {
      verified: inspection.integrity.verified,
      files: inspection.integrity.files.map((file) => ({ ...file })),
    },
    archiveBytes: inspection.archiveBytes,
    lastIndex: inspection.lastIndex.toString(),
    enterpriseTypes: [...inspection.enterpriseTypes],
    text: { pretty: formatInspectPretty(inspection, { kvDetails }), json: formatInspectJson(inspection) },
  }
}
