/**
 * Electron's safeStorage (Keychain, DPAPI, libsecret/kwallet) as the profile secrets' cipher.
 * Without a usable backend (e.g. Linux with only the "basic_text" fallback) secrets stay in the
 * 0600 file unencrypted and the UI says so.
 */
import type { SafeStorage } from 'electron'
import type { SecretCipher } from '../services/profiles'

export function safeStorageCipher(
  safeStorage: Pick<
    SafeStorage,
    'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'
  >,
  platform: string,
): SecretCipher | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return undefined
  return {
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (encrypted) => safeStorage.decryptString(encrypted),
  }
}
