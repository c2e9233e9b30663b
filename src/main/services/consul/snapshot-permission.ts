import { AppError } from '../../../shared/app-error'
import type { SnapshotPermission } from '../../../shared/consul-types'
import type { ConsulClient } from './consul-client'

const GLOBAL_MANAGEMENT_POLICY_ID = '00000000-0000-0000-0000-000000000001'
/** `acl = "write"` in HCL or `"acl": "write"` in JSON policy rules. */
const ACL_WRITE_RULE = /(^|[\s{,])"?acl"?\s*[=:]\s*"write"/m

/**
 * Answers "may this token take snapshots?" without touching /v1/snapshot: snapshots need
 * `acl = "write"` (docs/consul-api.md §6), so we read the token itself (GET /v1/acl/token/self, allowed for
 * any valid token) and its policies and roles. Reading a policy needs acl:read, which every
 * acl:write token has: a 403 there is itself a "no". ACLs disabled means anyone may.
 */
export async function checkSnapshotPermission(
  client: ConsulClient,
  signal?: AbortSignal,
): Promise<SnapshotPermission> {
  const self = await client.getJson('/v1/acl/token/self', { signal, accept: [401, 403] })
  if (self.status !== 200) {
    const text = typeof self.value === 'string' ? self.value : ''
    if (/ACL support disabled/i.test(text))
      return { answer: 'yes', reason: 'ACLs are disabled on this cluster, so any client may take snapshots.' }
    if (/ACL not found/i.test(text)) return { answer: 'no', reason: 'Consul does not know this token.' }
    return {
      answer: 'no',
      reason: `Consul refused to describe the token (${text.trim() || `HTTP ${self.status}`}).`,
    }
  }
  const token = asRecord(self.value)
  const policyIds = links(token.Policies)
  if (policyIds.includes(GLOBAL_MANAGEMENT_POLICY_ID)) {
    return { answer: 'yes', reason: 'The token has the global-management policy.' }
  }
  try {
    for (const id of policyIds) {
      if (await policyGrantsAclWrite(client, id, signal))
        return { answer: 'yes', reason: 'One of the token\u2019s policies grants acl = "write".' }
    }
    for (const roleId of links(token.Roles)) {
      const role = asRecord(
        (await client.getJson(`/v1/acl/role/${encodeURIComponent(roleId)}`, { signal })).value,
      )
      const rolePolicies = links(role.Policies)
      if (rolePolicies.includes(GLOBAL_MANAGEMENT_POLICY_ID))
        return { answer: 'yes', reason: 'One of the token\u2019s roles has the global-management policy.' }
      for (const id of rolePolicies) {
        if (await policyGrantsAclWrite(client, id, signal))
          return { answer: 'yes', reason: 'A policy of one of the token\u2019s roles grants acl = "write".' }
      }
    }
  } catch (error) {
    if (error instanceof AppError && error.code === 'CONSUL_ACL_DENIED') {
      return {
        answer: 'no',
        reason: 'The token may not even read ACL policies (acl:read), so it cannot have acl = "write".',
      }
    }
    throw error
  }
  return { answer: 'no', reason: 'None of the token\u2019s policies or roles grants acl = "write".' }
}

async function policyGrantsAclWrite(
  client: ConsulClient,
  id: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const policy = asRecord(
    (await client.getJson(`/v1/acl/policy/${encodeURIComponent(id)}`, { signal })).value,
  )
  return typeof policy.Rules === 'string' && ACL_WRITE_RULE.test(policy.Rules)
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

function links(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  return value.map((item) => asRecord(item).ID).filter((id): id is string => typeof id === 'string')
}
