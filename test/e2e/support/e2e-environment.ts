import { readFileSync } from 'node:fs'
import path from 'node:path'

/** What global setup started, handed to the specs through a file (they run in other processes). */
export interface E2eEnvironment {
  /** the URL `snapshot-studio web` printed, token included */
  url: string
  dataDir: string
  /** an empty folder for saved snapshots */
  saveDir: string
  source: AgentInfo
  target: AgentInfo
  /** a key the source agent holds, with its value, to find in the snapshot */
  knownKey: { key: string; value: string }
  /** a real S3 server (versitygw) and its empty bucket */
  s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; bucket: string }
  /** Azurite and its empty container (the emulator's documented development account) */
  azure: { blobEndpoint: string; accountName: string; accountKey: string; container: string }
  /** the bundled sample snapshot, a file on the host */
  sampleSnapshot: string
}

export interface AgentInfo {
  httpAddr: string
  token: string
  datacenter: string
}

export const environmentFile = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  'test-results',
  'e2e-environment.json',
)

export function e2eEnvironment(): E2eEnvironment {
  return JSON.parse(readFileSync(environmentFile, 'utf8')) as E2eEnvironment
}
