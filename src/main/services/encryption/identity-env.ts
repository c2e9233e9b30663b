/** The environment variable holding an age identity (or its file's path) for reading backups. */
export const IDENTITY_ENV = 'SNAPSHOT_STUDIO_AGE_IDENTITY'
