/**
 * Where tokens and passwords live. The desktop app encrypts them with Electron's safeStorage
 * (an adapter in src/main/transport/electron-*); outside Electron a 0600 file is used and
 * `kind` says so, so the UI can warn that secrets are not encrypted at rest.
 */
export interface SecretStore {
  readonly kind: 'encrypted' | 'plain-file'
  get(key: string): Promise<string | undefined>
  set(key: string, value: string): Promise<void>
  delete(key: string): Promise<void>
}

/** Encrypts and decrypts secrets, e.g. Electron's safeStorage.encryptString/decryptString. */
export interface SecretCipher {
  encrypt(plain: string): Buffer
  decrypt(encrypted: Buffer): string
}
