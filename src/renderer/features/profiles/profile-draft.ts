import { clearTextDestination, clearTextTokenMessage } from '../../../shared/clear-text-address'
import { DATACENTER_RULE, isDatacenterName } from '../../../shared/consul-names'
import { profileLimits } from '../../../shared/profile-schema'
import {
  environmentColours,
  type EnvironmentColour,
  type ProfileInput,
  type ProfileView,
  type ProtectionLevel,
} from '../../../shared/profile-types'

/** The profile form's fields, flat and all strings/booleans, as the inputs hold them. */
export interface ProfileDraft {
  name: string
  address: string
  datacenter: string
  environmentLabel: string
  colour: EnvironmentColour
  protection: ProtectionLevel
  /** a throw-away cluster that restore drills may overwrite; only with `normal` protection */
  scratchCluster: boolean
  /** a new token typed in; empty keeps the stored one */
  token: string
  clearToken: boolean
  caFile: string
  tlsServerName: string
  insecureSkipVerify: boolean
}

export type DraftErrors = Partial<Record<'name' | 'address' | 'datacenter' | 'environmentLabel', string>>

export const COLOURS: readonly EnvironmentColour[] = environmentColours

/** Suggested environments; the label stays free text. */
export const ENVIRONMENT_PRESETS: ReadonlyArray<{ label: string; colour: EnvironmentColour }> = [
  { label: 'production', colour: 'red' },
  { label: 'staging', colour: 'orange' },
  { label: 'development', colour: 'green' },
  { label: 'local', colour: 'grey' },
]

export function blankDraft(): ProfileDraft {
  return {
    name: '',
    address: 'http://127.0.0.1:8500',
    datacenter: '',
    environmentLabel: 'development',
    colour: 'green',
    protection: 'normal',
    scratchCluster: false,
    token: '',
    clearToken: false,
    caFile: '',
    tlsServerName: '',
    insecureSkipVerify: false,
  }
}

export function draftFromProfile(profile: ProfileView | ProfileInput): ProfileDraft {
  const c = profile.connection
  return {
    name: profile.name,
    address: c.address,
    datacenter: c.datacenter ?? '',
    environmentLabel: profile.environment.label,
    colour: profile.environment.colour,
    protection: profile.protection ?? 'normal',
    scratchCluster: profile.scratchCluster ?? false,
    token: 'token' in profile && profile.token?.kind === 'set' ? profile.token.value : '',
    clearToken: false,
    caFile: c.tls.caFile ?? '',
    tlsServerName: c.tls.serverName ?? '',
    insecureSkipVerify: c.tls.insecureSkipVerify,
  }
}

/**
 * The form as a contract input. Settings the form does not show (client certificates, a token
 * file, basic auth) are carried over from `base` so an edit never drops them.
 */
export function draftToInput(draft: ProfileDraft, base?: ProfileView | ProfileInput): ProfileInput {
  const baseConnection = base?.connection
  const address = draft.address.trim()
  return {
    name: draft.name.trim(),
    environment: { label: draft.environmentLabel.trim(), colour: draft.colour },
    protection: draft.protection,
    scratchCluster: draft.scratchCluster,
    connection: {
      ...baseConnection,
      address,
      useTls: /^https:\/\//i.test(address) || (baseConnection?.useTls ?? false),
      datacenter: optional(draft.datacenter),
      tls: {
        ...baseConnection?.tls,
        caFile: optional(draft.caFile),
        serverName: optional(draft.tlsServerName),
        insecureSkipVerify: draft.insecureSkipVerify,
      },
    },
    token: draft.clearToken
      ? { kind: 'clear' }
      : draft.token !== ''
        ? { kind: 'set', value: draft.token }
        : { kind: 'keep' },
  }
}

/**
 * The warning shown while the form would send a token (typed now, or kept from before) over plain
 * http to another machine: before any test or save sends it.
 */
export function clearTextTokenWarning(
  draft: ProfileDraft,
  tokenSet: boolean,
  base?: ProfileView | ProfileInput,
): string | null {
  const sendsToken = draft.token !== '' || (tokenSet && !draft.clearToken)
  if (!sendsToken) return null
  const { address, useTls } = draftToInput(draft, base).connection
  const host = clearTextDestination(address, useTls)
  return host === null ? null : clearTextTokenMessage(host)
}

function optional(value: string): string | undefined {
  const trimmed = value.trim()
  return trimmed === '' ? undefined : trimmed
}

/** What the form refuses before anything is sent; the service validates again. */
export function validateDraft(draft: ProfileDraft, others: ProfileView[], editingId?: string): DraftErrors {
  const errors: DraftErrors = {}
  const name = draft.name.trim()
  if (name === '') errors.name = 'Give the profile a name.'
  else if (name.length > profileLimits.name)
    errors.name = `Keep the name to ${profileLimits.name} characters; it is typed in full to confirm a restore.`
  else if (others.some((p) => p.id !== editingId && p.name.toLowerCase() === name.toLowerCase()))
    errors.name = `A profile named “${name}” already exists.`
  const address = draft.address.trim()
  if (address === '') errors.address = 'Enter the address of a Consul agent, e.g. http://127.0.0.1:8500.'
  else if (!/^(unix:\/\/\/\S+|(https?:\/\/)?[^\s/:]+(:\d{1,5})?(\/\S*)?)$/i.test(address))
    errors.address = 'Use host:port, http(s)://host:port or unix:///path, as in CONSUL_HTTP_ADDR.'
  const datacenter = draft.datacenter.trim()
  if (datacenter !== '' && !isDatacenterName(datacenter)) errors.datacenter = DATACENTER_RULE
  const label = draft.environmentLabel.trim()
  if (label === '') errors.environmentLabel = 'Name the environment, e.g. production.'
  else if (label.length > profileLimits.environmentLabel)
    errors.environmentLabel = `Keep the environment to ${profileLimits.environmentLabel} characters.`
  return errors
}
