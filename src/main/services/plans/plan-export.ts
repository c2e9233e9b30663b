import type { PlanDestination } from '../../../shared/backup-plan-schema'
import type { ExportedFile } from '../../../shared/backup-plan-types'
import type { ConnectionSettings } from '../../../shared/profile-types'
import { AGENT_DEFAULTS } from '../backups/agent-config'
import { formatGoDuration } from '../backups/go-duration'
import type { StoredPlan } from './plan-file'

/**
 * A plan as what a server needs to run it without the app: the agent's config file (the
 * Enterprise agent's keys, plus ours from docs/agent.md for cron, jitter, GFS retention and name
 * templates), a hardened systemd unit and the ACL policy. One cluster per agent, as on a server:
 * a plan with several connections is exported once per connection.
 *
 * No secret is written: the unit reads the token from a file (CONSUL_HTTP_TOKEN_FILE) that the
 * operator installs, and a store's secret is a placeholder the operator replaces. Lock key and service name stay the defaults, so the shipped policy fits.
 */
export interface ExportTarget {
  /** The connection's name: `{profile}` in name templates, and `cluster` in the config. */
  profileName: string
  connection: ConnectionSettings
}

export const SERVER_CONFIG_DIR = '/etc/consul-snapshot.d'
export const AGENT_SCRIPT = '/opt/snapshot-studio/snapshot-agent.js'

export function exportPlanForServers(plan: StoredPlan, target: ExportTarget): ExportedFile[] {
  return [
    {
      name: 'snapshot-agent.json',
      purpose: `The agent's configuration: install as ${SERVER_CONFIG_DIR}/snapshot-agent.json (0640, group consul-snapshot).`,
      content: JSON.stringify(agentConfigFor(plan, target), null, 2) + '\n',
    },
    {
      name: 'consul-snapshot.service',
      purpose:
        'The systemd unit: install as /etc/systemd/system/consul-snapshot.service on every Consul server.',
      content: systemdUnitFor(plan),
    },
    {
      name: 'snapshot-agent-policy.hcl',
      purpose:
        'The ACL policy of the agent\u2019s token (consul acl policy create -rules @snapshot-agent-policy.hcl).',
      content: aclPolicy(),
    },
  ]
}

export function agentConfigFor(
  plan: StoredPlan,
  target: ExportTarget,
): { snapshot_agent: Record<string, unknown> } {
  const { input } = plan
  const connection = target.connection
  const address = connection.address.trim()
  const tls = connection.tls
  const snapshot: Record<string, unknown> = {
    retain: input.retention.retain,
    stale: input.options.stale,
    service: AGENT_DEFAULTS.service,
    lock_key: AGENT_DEFAULTS.lockKey,
    cluster: target.profileName,
  }
  if (input.schedule.kind === 'interval') {
    snapshot.interval = formatGoDuration(input.schedule.intervalMs)
  } else {
    snapshot.schedule = input.schedule.expression
    snapshot.time_zone = input.schedule.timeZone
  }
  if (input.schedule.jitterMs > 0) snapshot.jitter = formatGoDuration(input.schedule.jitterMs)
  if (input.options.nameTemplate !== null) snapshot.name_template = input.options.nameTemplate

  const retention: Record<string, unknown> = { time_zone: input.retention.timeZone }
  for (const tier of ['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const)
    if (input.retention[tier] > 0) retention[tier] = input.retention[tier]
  if (input.retention.maxAgeMs !== null) retention.max_age = formatGoDuration(input.retention.maxAgeMs)

  const section: Record<string, unknown> = {
    http_addr: connection.useTls && !address.includes('://') ? `https://${address}` : address,
  }
  const datacenter = input.options.datacenter ?? connection.datacenter
  if (datacenter) section.datacenter = datacenter
  if (tls.caFile) section.ca_file = tls.caFile
  if (tls.caPath) section.ca_path = tls.caPath
  if (tls.clientCertFile) section.cert_file = tls.clientCertFile
  if (tls.clientKeyFile) section.key_file = tls.clientKeyFile
  if (tls.serverName) section.tls_server_name = tls.serverName
  section.log = { level: 'INFO' }
  section.snapshot = snapshot
  section.retention = retention
  const locals = input.destinations.filter((d) => d.kind === 'local')
  if (locals.length === 1 && input.destinations.length === 1)
    section.local_storage = { path: locals[0]!.path }
  else section.backup_destinations = storeSections(input.destinations)
  return { snapshot_agent: section }
}

/**
 * Where a secret belongs in the exported config: the app never writes one out, so the operator
 * replaces this text with the value (the agent refuses the file until then).
 */
export const SECRET_PLACEHOLDER = 'ENTER-THE-SECRET-HERE'

/** The plan's destinations as the agent's `backup_destinations` arrays (Enterprise keys, then ours). */
function storeSections(destinations: PlanDestination[]): Record<string, unknown[]> {
  const sections: Record<string, unknown[]> = {}
  const add = (key: string, value: unknown) => (sections[key] ??= []).push(value)
  for (const d of destinations) {
    switch (d.kind) {
      case 'local':
        add('local_storage', { path: d.path })
        break
      case 's3':
        add('aws_storage', {
          s3_region: d.region,
          s3_bucket: d.bucket,
          // The agent reads "" as its default prefix; "/" asks for none.
          s3_key_prefix: d.prefix === '' ? '/' : d.prefix,
          ...(d.endpoint !== null ? { s3_endpoint: d.endpoint } : {}),
          ...(d.forcePathStyle ? { s3_force_path_style: true } : {}),
          ...(d.serverSideEncryption.mode === 'AES256' ? { s3_server_side_encryption: true } : {}),
          ...(d.serverSideEncryption.mode === 'aws:kms'
            ? {
                s3_enable_kms: true,
                ...(d.serverSideEncryption.keyId ? { s3_kms_key: d.serverSideEncryption.keyId } : {}),
              }
            : {}),
          ...(d.caFile !== null ? { s3_ca_file: d.caFile } : {}),
          ...(d.credentials.kind === 'static'
            ? { access_key_id: d.credentials.accessKeyId, secret_access_key: SECRET_PLACEHOLDER }
            : {}),
        })
        break
      case 'azure-blob':
        add('azure_blob_storage', {
          container_name: d.container,
          ...(d.auth !== 'connection-string' ? { account_name: d.accountName } : {}),
          ...(d.auth === 'shared-key' ? { account_key: SECRET_PLACEHOLDER } : {}),
          ...(d.auth === 'sas' ? { sas_token: SECRET_PLACEHOLDER } : {}),
          ...(d.auth === 'connection-string' ? { connection_string: SECRET_PLACEHOLDER } : {}),
          ...(d.auth === 'service-principal'
            ? {
                tenant_id: d.tenantId,
                service_principal_id: d.clientId,
                service_principal_secret: SECRET_PLACEHOLDER,
              }
            : {}),
          ...(d.environment !== 'AzurePublicCloud' ? { environment: d.environment } : {}),
          ...(d.endpoint !== null ? { endpoint: d.endpoint } : {}),
          ...(d.prefix !== '' ? { prefix: d.prefix } : {}),
        })
        break
      case 'gcs':
        add('google_storage', {
          bucket: d.bucket,
          ...(d.prefix !== '' ? { prefix: d.prefix } : {}),
          ...(d.endpoint !== null ? { endpoint: d.endpoint } : {}),
          ...(d.projectId !== null ? { project_id: d.projectId } : {}),
          ...(d.keyFile !== null ? { credentials_file: d.keyFile } : {}),
        })
        break
    }
  }
  return sections
}

/** The hardening of resources/agent/consul-snapshot.service, with the plan's folders writable. */
export function systemdUnitFor(plan: StoredPlan): string {
  const writable = plan.input.destinations.filter((d) => d.kind === 'local').map((d) => quoteUnitPath(d.path))
  return `# systemd unit for the open snapshot agent, exported from the backup plan "${plan.input.name.replace(/\n/g, ' ')}".
# Install on every Consul server (one instance saves, the others stand by):
#   useradd --system --home-dir /var/lib/consul-snapshot --shell /usr/sbin/nologin consul-snapshot
${writable.length > 0 ? `#   install -d -o consul-snapshot -g consul-snapshot -m 0750 ${writable.join(' ')}\n` : ''}#   install -D -m 0644 snapshot-agent.js ${AGENT_SCRIPT}
#   install -D -m 0640 -g consul-snapshot snapshot-agent.json ${SERVER_CONFIG_DIR}/snapshot-agent.json
#   install -D -m 0640 -g consul-snapshot /dev/stdin ${SERVER_CONFIG_DIR}/token   # the ACL token
#   systemctl enable --now consul-snapshot
[Unit]
Description=Consul snapshot agent (Snapshot Studio)
Wants=network-online.target
After=network-online.target consul.service

[Service]
Type=simple
User=consul-snapshot
Group=consul-snapshot
Environment=CONSUL_HTTP_TOKEN_FILE=${SERVER_CONFIG_DIR}/token
ExecStart=/usr/bin/node ${AGENT_SCRIPT} -config-dir ${SERVER_CONFIG_DIR}
KillSignal=SIGTERM
TimeoutStopSec=30
Restart=on-failure
RestartSec=10
UMask=0027

NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=${writable.join(' ')}
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
CapabilityBoundingSet=
AmbientCapabilities=
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources

[Install]
WantedBy=multi-user.target
`
}

function quoteUnitPath(path: string): string {
  // systemd splits ReadWritePaths= on spaces; a quoted path keeps them.
  return /\s/.test(path) ? `"${path.replace(/(["\\])/g, '\\$1')}"` : path
}

export function aclPolicy(): string {
  return `# ACL policy for the snapshot agent (see docs/agent.md). Snapshots hold every secret: acl = "write".
acl = "write"

key_prefix "${AGENT_DEFAULTS.lockKey}" {
  policy = "write"
}

session_prefix "" {
  policy = "write"
}

service "${AGENT_DEFAULTS.service}" {
  policy = "write"
}

node_prefix "" {
  policy = "read"
}
agent_prefix "" {
  policy = "read"
}
`
}
