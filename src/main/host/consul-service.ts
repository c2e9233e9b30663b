/**
 * Consul operations composed once for the desktop app, browser mode and the CLI, so each
 * operation takes the same path everywhere: a save verifies while it downloads, a restore of a
 * file not verified before verifies while it uploads, and a file verified in this process (an
 * inspection, a preflight) is not verified again while its identity is unchanged.
 */
import {
  ConsulSnapshotService,
  VerifiedFiles,
  createTransferVerifiers,
  fileIdentity,
  sameIdentity,
  verifiedArchive,
  type ConsulSnapshotServiceDependencies,
  type VerifySnapshot,
} from '../services/consul'
import type { SnapshotInspectionWire } from '../../shared/snapshot-wire-types'
import { bundleDir } from './bundle-dir'
import type { InspectRunner } from './host-services'

export interface ConsulComposition {
  consul: ConsulSnapshotService
  /** The given runner, recording every full verification it makes for the restores that follow. */
  inspect: InspectRunner
}

export function composeConsulService(options: {
  inspect: InspectRunner
  profiles?: ConsulSnapshotServiceDependencies['profiles']
  /** Where the built worker entries sit (the running bundle's folder by default). */
  workersDir?: string
  /** Browser mode: paths in profiles came from a page (token files are held to their shape). */
  untrustedPaths?: boolean
}): ConsulComposition {
  const verified = new VerifiedFiles()
  const verifiers = createTransferVerifiers({
    bundleDir: options.workersDir ?? bundleDir(),
    verifyFile: verifyThrough(options.inspect),
  })
  return {
    consul: new ConsulSnapshotService({
      profiles: options.profiles,
      ...verifiers,
      verified,
      untrustedPaths: options.untrustedPaths,
    }),
    inspect: recordingVerifications(options.inspect, verified),
  }
}

/** Save and restore verify files at rest through the runner (a worker thread in the apps). */
function verifyThrough(runner: InspectRunner): VerifySnapshot {
  return async (path, options) => {
    const inspection = await runner.verify(path, {
      signal: options.signal ?? new AbortController().signal,
      onProgress: (progress) => options.onProgress?.(progress),
    })
    return verifiedArchive(inspection)
  }
}

/**
 * An inspection reads and checks the whole archive exactly as a verification does; remembering
 * it lets the restore wizard's preview be the verification its preflight and upload rely on.
 */
function recordingVerifications(runner: InspectRunner, verified: VerifiedFiles): InspectRunner {
  async function remembering(
    path: string,
    run: () => Promise<SnapshotInspectionWire>,
  ): Promise<SnapshotInspectionWire> {
    const before = await fileIdentity(path).catch(() => null)
    const inspection = await run()
    // raft restores only format versions 0 and 1; other files are left for the preflight to refuse.
    if (before !== null && (inspection.meta.version === 0 || inspection.meta.version === 1)) {
      const after = await fileIdentity(path).catch(() => null)
      if (after !== null && sameIdentity(before, after))
        verified.set(path, before, verifiedArchive(inspection))
    }
    return inspection
  }
  return {
    inspect: (path, options, work) => remembering(path, () => runner.inspect(path, options, work)),
    verify: (path, work) => remembering(path, () => runner.verify(path, work)),
  }
}
