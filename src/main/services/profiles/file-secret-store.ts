import { chmod, readFile, stat } from 'node:fs/promises'
import { AppError } from '../../../shared/app-error'
import { writeFileAtomic } from './atomic-write-file'
import type { SecretCipher, SecretStore } from './secret-store'

/** The file says how its values are stored, so a reader never mistakes ciphertext for a token. */
interface SecretFile {
  format: 'plain' | 'encrypted'
  secrets: Record<string, string>
}

/**
 * Secrets in one JSON file, mode 0600, written atomically. With a cipher (Electron safeStorage)
 * the values are encrypted (base64 of the cipher's bytes) and `kind` is "encrypted"; without one
 * they are plain text protected only by the file mode, and `kind` is "plain-file" so the UI warns.
 */
export class FileSecretStore implements SecretStore {
  readonly kind: 'encrypted' | 'plain-file'
  private cache: Record<string, string> | undefined
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly path: string,
    private readonly cipher?: SecretCipher,
  ) {
    this.kind = cipher ? 'encrypted' : 'plain-file'
  }

  async get(key: string): Promise<string | undefined> {
    const stored = (await this.load())[key]
    if (stored === undefined) return undefined
    return this.cipher ? this.cipher.decrypt(Buffer.from(stored, 'base64')) : stored
  }

  set(key: string, value: string): Promise<void> {
    return this.serialise(async () => {
      const all = { ...(await this.load()) }
      all[key] = this.cipher ? this.cipher.encrypt(value).toString('base64') : value
      await this.save(all)
    })
  }

  delete(key: string): Promise<void> {
    return this.serialise(async () => {
      const all = { ...(await this.load()) }
      if (!(key in all)) return
      delete all[key]
      await this.save(all)
    })
  }

  private serialise(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work, work)
    this.queue = run.catch(() => undefined)
    return run
  }

  private async load(): Promise<Record<string, string>> {
    if (this.cache) return this.cache
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return (this.cache = {})
      throw error
    }
    // Someone loosened the mode: tighten it again rather than keep secrets world-readable.
    if (((await stat(this.path)).mode & 0o077) !== 0) await chmod(this.path, 0o600).catch(() => undefined)
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    const file = parsed as Partial<SecretFile> | undefined
    const secrets = file?.secrets
    if (
      typeof file !== 'object' ||
      (file.format !== 'plain' && file.format !== 'encrypted') ||
      typeof secrets !== 'object' ||
      secrets === null ||
      !Object.values(secrets).every((v) => typeof v === 'string')
    ) {
      // Never overwrite a damaged secrets file: the operator may still recover tokens from it.
      throw new AppError('SETTINGS_CORRUPT', `The secrets file ${this.path} is damaged.`, {
        hint: 'Move it away (saved tokens will have to be entered again) and retry.',
        details: { path: this.path },
      })
    }
    if (file.format !== this.format) {
      throw new AppError(
        'SETTINGS_CORRUPT',
        `The secrets in ${this.path} are ${file.format === 'encrypted' ? 'encrypted by the desktop app' : 'stored unencrypted'} and cannot be read here.`,
        {
          hint:
            file.format === 'encrypted'
              ? 'The command line cannot use the desktop app\u2019s encrypted tokens: pass -token or -token-file (or CONSUL_HTTP_TOKEN_FILE).'
              : 'Open the profiles in the app that saved them.',
          details: { path: this.path },
        },
      )
    }
    return (this.cache = secrets)
  }

  private get format(): SecretFile['format'] {
    return this.cipher ? 'encrypted' : 'plain'
  }

  private async save(all: Record<string, string>): Promise<void> {
    const file: SecretFile = { format: this.format, secrets: all }
    await writeFileAtomic(this.path, JSON.stringify(file, null, 2) + '\n', 0o600)
    this.cache = all
  }
}
