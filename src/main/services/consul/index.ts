/** The Consul side of Snapshot Studio: what the desktop app and the CLI call. */
export {
  ConsulSnapshotService,
  connectionFromInput,
  type ConnectionRef,
  type ConsulSnapshotServiceDependencies,
} from './consul-snapshot-service'
export { testConnection, type TestConnectionOptions } from './test-connection'
export { saveSnapshot, type SaveSnapshotOptions, type SaveDependencies } from './save-snapshot'
export { saveMany, type SaveManyOptions, type SaveManyTarget } from './save-many'
export {
  preflightRestore,
  restoreSnapshot,
  type PreflightRestoreOptions,
  type RestoreSnapshotOptions,
  type RestoreDependencies,
} from './restore-snapshot'
export {
  readConsulEnvironment,
  CONSUL_ENV_VARIABLES,
  DEFAULT_CONSUL_ADDRESS,
  type EnvironmentConnection,
} from './consul-environment'
export { parseConsulAddress, describeEndpoint, type ConsulEndpoint } from './consul-address'
export { createDispatcherFactory, type DispatcherFactory } from './consul-dispatcher'
export type { ConsulConnection } from './consul-connection'
export type {
  VerifySnapshot,
  VerifySnapshotStream,
  VerifyWrittenFile,
  VerifiedArchive,
} from './snapshot-engine'
export {
  DEFAULT_FILE_NAME_TEMPLATE,
  renderFileName,
  validateFileNameTemplate,
  versionFromFileName,
} from './snapshot-file-name'
export { sidecarPathFor } from './snapshot-sidecar'
export {
  verifiedArchive,
  verifyStreamWithEngine,
  verifyWithEngine,
  verifyWrittenFileWithEngine,
} from './verify-with-engine'
export { VerifiedFiles, sameIdentity } from './verified-files'
export { createTransferVerifiers, type TransferVerifiers } from './transfer-verifiers'
export { fileIdentity, type FileIdentity } from './restore-preflight'
