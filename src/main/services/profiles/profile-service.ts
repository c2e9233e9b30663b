import { randomBytes, randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../../shared/app-error'
import type {
  ConnectionSettings,
  EnvProfileDraft,
  ProfileInput,
  ProfileStoreNotice,
  ProfileView,
  SecretChange,
} from '../../../shared/profile-types'
import { clearTextTokenWarning } from '../consul/clear-text-token'
import { parseConsulAddress } from '../consul/consul-address'
import type { ConsulConnection } from '../consul/consul-connection'
import { readConsulEnvironment } from '../consul/consul-environment'
import { loadProfileFile, saveProfileFile } from './profile-file'
import { profileInputSchema } from '../../../shared/profile-schema'
import type { ProfileFile, StoredProfile } from './profile-schema'
import type { SecretStore } from './secret-store'

export interface ProfileServiceDependencies {
  /** The app's data folder; the profiles live in `profiles.json` there. */
  dataDir: string
  secrets: SecretStore
  clock?: () => Date
  newId?: () => string
}

type SecretName = 'token' | 'basic-auth-password'

/**
 * What a saved secret is bound to: where it is sent and how the other end is authenticated. A
 * token kept across a change of any of these would go to a place the user never gave it to.
 */
function endpointOf(connection: ConnectionSettings): string {
  const tls = connection.tls
  return JSON.stringify([
    connection.address.trim(),
    connection.useTls,
    connection.tokenFile ?? null,
    connection.basicAuthUser ?? null,
    tls.caFile ?? null,
    tls.caPath ?? null,
    tls.clientCertFile ?? null,
    tls.clientKeyFile ?? null,
    tls.serverName ?? null,
    tls.insecureSkipVerify,
  ])
}

/** Stands for a secret read from the environment in drafts, so its value never leaves the host. */
const environmentReferencePrefix = 'from-environment:'

/**
 * Connection profiles: validated on the way in, written atomically, secrets kept in the
 * SecretStore. Views never carry a secret, only whether one is set.
 */
export class ProfileService {
  private queue: Promise<unknown> = Promise.resolve()
  /** Secrets of drafts made by importFromEnv, by the reference the draft carries instead. */
  private readonly environmentSecrets = new Map<string, string>()

  private constructor(
    private readonly path: string,
    private file: ProfileFile,
    private readonly deps: Required<ProfileServiceDependencies>,
  ) {}

  /** Loads the profiles; `notice` is set when a damaged file was kept aside. */
  static async open(
    deps: ProfileServiceDependencies,
  ): Promise<{ service: ProfileService; notice?: ProfileStoreNotice }> {
    const full: Required<ProfileServiceDependencies> = { clock: () => new Date(), newId: randomUUID, ...deps }
    // On first use the data folder does not exist yet: create it, private (secrets live there).
    await mkdir(deps.dataDir, { recursive: true, mode: 0o700 })
    const path = join(deps.dataDir, 'profiles.json')
    const loaded = await loadProfileFile(path, full.clock)
    const service = new ProfileService(path, loaded.file, full)
    return loaded.notice ? { service, notice: loaded.notice } : { service }
  }

  list(): ProfileView[] {
    return this.file.profiles.map((p) => this.view(p))
  }

  get(id: string): ProfileView {
    return this.view(this.stored(id))
  }

  findByName(name: string): ProfileView | undefined {
    const wanted = name.trim().toLowerCase()
    const found = this.file.profiles.find((p) => p.name.toLowerCase() === wanted)
    return found ? this.view(found) : undefined
  }

  create(input: unknown): Promise<ProfileView> {
    return this.serialise(async () => {
      const valid = this.withEnvironmentSecrets(validate(input))
      this.assertNameFree(valid.name)
      const at = this.deps.clock().toISOString()
      const id = this.deps.newId()
      const stored: StoredProfile = {
        id,
        name: valid.name,
        environment: valid.environment,
        protection: valid.protection ?? 'normal',
        scratchCluster: valid.scratchCluster ?? false,
        connection: valid.connection,
        hasToken: false,
        hasBasicAuthPassword: false,
        createdAt: at,
        updatedAt: at,
      }
      assertScratchIsNormal(stored)
      stored.hasToken = await this.applySecret(id, 'token', valid.token, false)
      stored.hasBasicAuthPassword = await this.applySecret(
        id,
        'basic-auth-password',
        valid.basicAuthPassword,
        false,
      )
      await this.persist({ ...this.file, profiles: [...this.file.profiles, stored] })
      return this.view(stored)
    })
  }

  update(id: string, input: unknown): Promise<ProfileView> {
    return this.serialise(async () => {
      const current = this.stored(id)
      const valid = this.withEnvironmentSecrets(validate(input))
      this.assertNameFree(valid.name, id)
      // Saved secrets stay with the endpoint they were given for: moving the profile elsewhere
      // (address, TLS, token file) drops them unless they are entered again (docs/threat-model.md).
      if (endpointOf(current.connection) !== endpointOf(valid.connection)) {
        if (valid.token === undefined || valid.token.kind === 'keep') valid.token = { kind: 'clear' }
        if (valid.basicAuthPassword === undefined || valid.basicAuthPassword.kind === 'keep')
          valid.basicAuthPassword = { kind: 'clear' }
      }
      const next: StoredProfile = {
        ...current,
        name: valid.name,
        environment: valid.environment,
        protection: valid.protection ?? current.protection,
        scratchCluster: valid.scratchCluster ?? current.scratchCluster,
        connection: valid.connection,
        updatedAt: this.deps.clock().toISOString(),
      }
      assertScratchIsNormal(next)
      next.hasToken = await this.applySecret(id, 'token', valid.token, current.hasToken)
      next.hasBasicAuthPassword = await this.applySecret(
        id,
        'basic-auth-password',
        valid.basicAuthPassword,
        current.hasBasicAuthPassword,
      )
      await this.persist({ ...this.file, profiles: this.file.profiles.map((p) => (p.id === id ? next : p)) })
      return this.view(next)
    })
  }

  /** A copy with its secrets, named "<name> copy" (or "<name> copy 2", ...) unless a name is given. */
  duplicate(id: string, name?: string): Promise<ProfileView> {
    return this.serialise(async () => {
      const source = this.stored(id)
      const newName = name?.trim() || this.freeCopyName(source.name)
      this.assertNameFree(newName)
      const at = this.deps.clock().toISOString()
      const copy: StoredProfile = {
        ...structuredClone(source),
        id: this.deps.newId(),
        name: newName,
        createdAt: at,
        updatedAt: at,
      }
      for (const secret of ['token', 'basic-auth-password'] as const) {
        const value = await this.deps.secrets.get(secretKey(source.id, secret))
        if (value !== undefined) await this.deps.secrets.set(secretKey(copy.id, secret), value)
      }
      await this.persist({ ...this.file, profiles: [...this.file.profiles, copy] })
      return this.view(copy)
    })
  }

  remove(id: string): Promise<void> {
    return this.serialise(async () => {
      this.stored(id)
      await this.persist({ ...this.file, profiles: this.file.profiles.filter((p) => p.id !== id) })
      await this.deps.secrets.delete(secretKey(id, 'token'))
      await this.deps.secrets.delete(secretKey(id, 'basic-auth-password'))
    })
  }

  /**
   * A draft from the Consul CLI's variables; the caller reviews it and passes it to create().
   * Secrets in it are references (`from-environment:…`), never their values: the draft goes to
   * the renderer, and create(), update() and resolveDraft() swap the real value back in.
   */
  importFromEnv(
    env: Record<string, string | undefined>,
    name = 'Imported from environment',
  ): EnvProfileDraft {
    const read = readConsulEnvironment(env)
    const input: ProfileInput = {
      name,
      environment: { label: '', colour: 'grey' },
      connection: read.settings,
    }
    if (read.token) input.token = { kind: 'set', value: this.referTo(read.token) }
    if (read.basicAuthPassword)
      input.basicAuthPassword = { kind: 'set', value: this.referTo(read.basicAuthPassword) }
    const clearText = read.token ? clearTextTokenWarning(read.settings) : null
    const warnings = clearText === null ? read.warnings : [...read.warnings, clearText]
    return { input, usedVariables: read.usedVariables, warnings }
  }

  /** A draft's input with environment references replaced by their secrets (to test a draft). */
  resolveDraft(input: ProfileInput): ProfileInput {
    return this.withEnvironmentSecrets(structuredClone(input))
  }

  private referTo(secret: string): string {
    const reference = `${environmentReferencePrefix}${randomBytes(16).toString('hex')}`
    this.environmentSecrets.set(reference, secret)
    return reference
  }

  private withEnvironmentSecrets(input: ProfileInput): ProfileInput {
    for (const field of ['token', 'basicAuthPassword'] as const) {
      const change = input[field]
      if (change?.kind !== 'set' || !change.value.startsWith(environmentReferencePrefix)) continue
      const secret = this.environmentSecrets.get(change.value)
      if (secret === undefined)
        throw new AppError('PROFILE_INVALID', 'The imported secret is no longer available.', {
          hint: 'Import from the environment again, or type the token.',
          details: { field },
        })
      input[field] = { kind: 'set', value: secret }
    }
    return input
  }

  /** Main-process only: the connection with its secrets, for the Consul services. */
  async connectionFor(id: string): Promise<ConsulConnection> {
    const stored = this.stored(id)
    const connection: ConsulConnection = {
      name: stored.name,
      settings: structuredClone(stored.connection),
      protection: stored.protection,
      scratchCluster: stored.scratchCluster,
    }
    if (stored.hasToken) {
      const token = await this.deps.secrets.get(secretKey(id, 'token'))
      if (token !== undefined) connection.token = token
    }
    if (stored.hasBasicAuthPassword) {
      const password = await this.deps.secrets.get(secretKey(id, 'basic-auth-password'))
      if (password !== undefined) connection.basicAuthPassword = password
    }
    return connection
  }

  private stored(id: string): StoredProfile {
    const found = this.file.profiles.find((p) => p.id === id)
    if (!found)
      throw new AppError('PROFILE_NOT_FOUND', `No connection profile has the id "${id}".`, {
        hint: 'It may have been removed; reload the list.',
      })
    return found
  }

  private view(p: StoredProfile): ProfileView {
    return {
      id: p.id,
      name: p.name,
      environment: { ...p.environment },
      protection: p.protection,
      scratchCluster: p.scratchCluster,
      connection: structuredClone(p.connection),
      tokenSet: p.hasToken,
      basicAuthPasswordSet: p.hasBasicAuthPassword,
      secretStorage: this.deps.secrets.kind,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    }
  }

  private assertNameFree(name: string, exceptId?: string): void {
    const lower = name.toLowerCase()
    if (this.file.profiles.some((p) => p.id !== exceptId && p.name.toLowerCase() === lower)) {
      throw new AppError('PROFILE_INVALID', `A profile named "${name}" already exists.`, {
        hint: 'Profile names are unique (the CLI selects them with --profile NAME).',
      })
    }
  }

  private freeCopyName(base: string): string {
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? `${base} copy` : `${base} copy ${n}`
      if (!this.file.profiles.some((p) => p.name.toLowerCase() === candidate.toLowerCase())) return candidate
    }
  }

  /** Applies a secret change and returns whether a secret is now set. */
  private async applySecret(
    id: string,
    name: SecretName,
    change: SecretChange | undefined,
    hadOne: boolean,
  ): Promise<boolean> {
    if (!change || change.kind === 'keep') return hadOne
    if (change.kind === 'clear') {
      await this.deps.secrets.delete(secretKey(id, name))
      return false
    }
    await this.deps.secrets.set(secretKey(id, name), change.value)
    return true
  }

  private async persist(file: ProfileFile): Promise<void> {
    await saveProfileFile(this.path, file)
    this.file = file
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work)
    this.queue = run.catch(() => undefined)
    return run
  }
}

function secretKey(id: string, name: SecretName): string {
  return `profile/${id}/${name}`
}

/**
 * A scratch cluster is one whose state a drill throws away; read-only and protected say the
 * opposite, so a profile cannot be both (checked on the merged profile: an edit that leaves the
 * level out keeps the stored one).
 */
function assertScratchIsNormal(profile: Pick<StoredProfile, 'scratchCluster' | 'protection'>): void {
  if (!profile.scratchCluster || profile.protection === 'normal') return
  throw new AppError(
    'PROFILE_INVALID',
    `A scratch cluster cannot be ${profile.protection}: restore drills replace its whole state.`,
    {
      hint: 'Set the protection level to normal, or leave the profile unmarked as a scratch cluster.',
      details: { field: 'scratchCluster' },
    },
  )
}

function validate(input: unknown): ProfileInput {
  const parsed = profileInputSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.join('.') || 'profile'
    throw new AppError(
      'PROFILE_INVALID',
      `The profile is not valid: ${field}: ${issue?.message ?? 'invalid'}.`,
      { hint: 'Correct the highlighted field and save again.', details: { field } },
    )
  }
  const value = parsed.data as ProfileInput
  parseConsulAddress(value.connection.address, value.connection.useTls)
  const tls = value.connection.tls
  if (Boolean(tls.clientCertFile) !== Boolean(tls.clientKeyFile)) {
    throw new AppError(
      'PROFILE_INVALID',
      'A client certificate needs its key, and a key needs its certificate.',
      { hint: 'Set both files, or neither.', details: { field: 'connection.tls' } },
    )
  }
  return value
}
