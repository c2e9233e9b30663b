export { ProfileService, type ProfileServiceDependencies } from './profile-service'
export type { SecretStore, SecretCipher } from './secret-store'
export { FileSecretStore } from './file-secret-store'
export { writeFileAtomic } from './atomic-write-file'
