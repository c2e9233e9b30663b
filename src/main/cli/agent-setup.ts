import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { loadAgentConfig, type AgentConfig, type AgentFlags } from '../services/backups/agent-config'
import { createAgentLogger, type AgentLogger } from '../services/backups/agent-logger'
import { abortableSleep } from '../services/backups/consul-lock'
import type { Destination } from '../services/backups/destination'
import { createDestinations, firstLocalPath } from '../services/backups/destination-factory'
import { noJournal, openRunJournal } from '../services/backups/run-journal'
import type { AgentRuntime } from '../services/backups/snapshot-agent'
import { ConsulClient } from '../services/consul/consul-client'
import type { TransferVerifiers } from '../services/consul/transfer-verifiers'
import { AWS_STORAGE_FLAGS, awsStorageFlagsFrom } from './aws-storage-flags'
import { azureBlobStorageFlagsFrom, CLOUD_STORAGE_FLAGS, googleStorageFlagsFrom } from './cloud-storage-flags'
import type { CliIo } from './cli-io'
import { boolFlag, intFlag, stringFlag, type FlagSpec, type ParsedFlags } from './parse-flags'

/**
 * What `agent`, `agent status` and `retention plan` share: the Enterprise agent's flags, reading
 * them into AgentFlags, and building the runtime (client, destinations, logger, journal) from
 * the typed config.
 */
export const CONFIG_FLAGS: FlagSpec[] = [
  {
    name: 'config-file',
    kind: 'string',
    repeatable: true,
    valueName: 'path',
    usage: 'A JSON config file with a "snapshot_agent" object. Repeatable; later files win.',
  },
  {
    name: 'config-dir',
    kind: 'string',
    repeatable: true,
    valueName: 'path',
    usage: 'A folder of *.json config files, read alphabetically (not recursively). Repeatable.',
  },
  {
    name: 'http-addr',
    kind: 'string',
    valueName: 'address',
    usage: 'The Consul agent. Env: CONSUL_HTTP_ADDR. Default 127.0.0.1:8500 (http).',
  },
  {
    name: 'token',
    kind: 'string',
    valueName: 'value',
    usage: 'ACL token (needs acl = "write"). Env: CONSUL_HTTP_TOKEN.',
  },
  {
    name: 'token-file',
    kind: 'string',
    valueName: 'path',
    usage: 'File holding the ACL token. Env: CONSUL_HTTP_TOKEN_FILE.',
  },
  {
    name: 'datacenter',
    kind: 'string',
    valueName: 'name',
    usage: "Datacenter to snapshot. Default: the agent's own.",
  },
  {
    name: 'ca-file',
    kind: 'string',
    valueName: 'path',
    usage: 'CA bundle for HTTPS to Consul. Env: CONSUL_CACERT.',
  },
  {
    name: 'ca-path',
    kind: 'string',
    valueName: 'path',
    usage: 'Folder of CA certificates. Env: CONSUL_CAPATH.',
  },
  {
    name: 'client-cert',
    kind: 'string',
    valueName: 'path',
    usage: 'Client certificate. Env: CONSUL_CLIENT_CERT.',
  },
  { name: 'client-key', kind: 'string', valueName: 'path', usage: 'Client key. Env: CONSUL_CLIENT_KEY.' },
  {
    name: 'tls-server-name',
    kind: 'string',
    valueName: 'name',
    usage: 'TLS server name. Env: CONSUL_TLS_SERVER_NAME.',
  },
  {
    name: 'interval',
    kind: 'string',
    valueName: 'duration',
    usage: 'Time between snapshots (Go duration). 0 = one snapshot and exit. Default 1h.',
  },
  {
    name: 'schedule',
    kind: 'string',
    valueName: 'cron',
    usage: 'A cron expression (5 fields or @daily…) instead of -interval.',
  },
  {
    name: 'time-zone',
    kind: 'string',
    valueName: 'zone',
    usage: 'IANA time zone of -schedule. Default UTC.',
  },
  {
    name: 'jitter',
    kind: 'string',
    valueName: 'duration',
    usage: 'Delay each run by a stable random amount up to this.',
  },
  {
    name: 'retain',
    kind: 'int',
    valueName: 'n',
    usage: 'Keep the n newest snapshots; 0 keeps all. Default 30.',
  },
  { name: 'stale', kind: 'bool', usage: 'Let any server answer (?stale), not only the leader.' },
  {
    name: 'service',
    kind: 'string',
    valueName: 'name',
    usage: 'Service name registered in Consul. Default consul-snapshot.',
  },
  {
    name: 'deregister-after',
    kind: 'string',
    valueName: 'duration',
    usage: 'Critical this long → Consul deregisters the instance; 0 never. Default 72h.',
  },
  {
    name: 'lock-key',
    kind: 'string',
    valueName: 'key',
    usage: 'KV key of the leader election. Default consul-snapshot/lock.',
  },
  {
    name: 'max-failures',
    kind: 'int',
    valueName: 'n',
    usage: 'Failed cycles before giving up leadership. Default 3.',
  },
  {
    name: 'local-scratch-path',
    kind: 'string',
    valueName: 'path',
    usage: 'Staging folder. Default: the local destination itself.',
  },
  {
    name: 'local-path',
    kind: 'string',
    valueName: 'path',
    usage: 'Folder for the snapshots. Default "." (the current folder).',
  },
  {
    name: 'encrypt-recipient',
    kind: 'string',
    repeatable: true,
    valueName: 'recipient',
    usage:
      'Encrypt every backup (age, consul-<ID>.snap.age) to this age recipient (age1…) or SSH public key. Repeatable; replaces snapshot_agent.encryption.',
  },
  {
    name: 'verify-interval',
    kind: 'string',
    valueName: 'duration',
    usage:
      'The leader re-verifies the newest backup of every destination this often (e.g. 24h). 0 or unset: off.',
  },
  {
    name: 'drill-interval',
    kind: 'string',
    valueName: 'duration',
    usage:
      'The leader restores the newest backup into a throw-away Consul this often (e.g. 168h). 0 or unset: off.',
  },
  {
    name: 'drill-consul',
    kind: 'string',
    valueName: 'path',
    usage: 'The consul binary the drill starts. Default: $CONSUL_BIN, else consul on the PATH.',
  },
  {
    name: 'log-level',
    kind: 'string',
    valueName: 'level',
    usage: 'trace, debug, info, warn or error. Default info.',
  },
  { name: 'log-json', kind: 'bool', usage: 'Log JSON lines instead of text.' },
  ...AWS_STORAGE_FLAGS,
  ...CLOUD_STORAGE_FLAGS,
  // Accepted so Enterprise command lines run unchanged; logs go to stderr (journald under systemd).
  {
    name: 'syslog',
    kind: 'bool',
    usage: 'Accepted for compatibility; logs always go to stderr.',
    hidden: true,
  },
  { name: 'syslog-facility', kind: 'string', usage: 'Accepted for compatibility.', hidden: true },
]

export function agentFlagsFrom(parsed: ParsedFlags): AgentFlags {
  const list = (name: string) => {
    const value = parsed.values.get(name)
    return Array.isArray(value) ? value : undefined
  }
  const flags: AgentFlags = {
    configFiles: list('config-file'),
    configDirs: list('config-dir'),
    httpAddr: stringFlag(parsed, 'http-addr'),
    token: stringFlag(parsed, 'token'),
    tokenFile: stringFlag(parsed, 'token-file'),
    datacenter: stringFlag(parsed, 'datacenter'),
    caFile: stringFlag(parsed, 'ca-file'),
    caPath: stringFlag(parsed, 'ca-path'),
    clientCert: stringFlag(parsed, 'client-cert'),
    clientKey: stringFlag(parsed, 'client-key'),
    tlsServerName: stringFlag(parsed, 'tls-server-name'),
    logLevel: stringFlag(parsed, 'log-level'),
    logJson: boolFlag(parsed, 'log-json'),
    interval: stringFlag(parsed, 'interval'),
    retain: intFlag(parsed, 'retain'),
    stale: boolFlag(parsed, 'stale'),
    service: stringFlag(parsed, 'service'),
    deregisterAfter: stringFlag(parsed, 'deregister-after'),
    lockKey: stringFlag(parsed, 'lock-key'),
    maxFailures: intFlag(parsed, 'max-failures'),
    localScratchPath: stringFlag(parsed, 'local-scratch-path'),
    localPath: stringFlag(parsed, 'local-path'),
    schedule: stringFlag(parsed, 'schedule'),
    timeZone: stringFlag(parsed, 'time-zone'),
    jitter: stringFlag(parsed, 'jitter'),
    once: boolFlag(parsed, 'once'),
    awsStorage: awsStorageFlagsFrom(parsed),
    azureBlobStorage: azureBlobStorageFlagsFrom(parsed),
    googleStorage: googleStorageFlagsFrom(parsed),
    encryptRecipients: list('encrypt-recipient'),
    verifyInterval: stringFlag(parsed, 'verify-interval'),
    drillInterval: stringFlag(parsed, 'drill-interval'),
    drillConsul: stringFlag(parsed, 'drill-consul'),
  }
  for (const key of Object.keys(flags) as (keyof AgentFlags)[])
    if (flags[key] === undefined) delete flags[key]
  return flags
}

export async function loadConfigFromFlags(parsed: ParsedFlags, io: CliIo): Promise<AgentConfig> {
  return loadAgentConfig({ flags: agentFlagsFrom(parsed), env: io.env, cwd: io.cwd })
}

export function destinationsFor(config: AgentConfig): Destination[] {
  return createDestinations(config.destinations)
}

export function loggerFor(config: AgentConfig, io: CliIo): AgentLogger {
  return createAgentLogger({
    level: config.log.level,
    json: config.log.json,
    sink: { write: (line) => io.stderr.write(line) },
  })
}

export async function buildRuntime(config: AgentConfig, io: CliIo): Promise<AgentRuntime> {
  const destinations = destinationsFor(config)
  const client = await ConsulClient.open(config.connection)
  // The same verification as `snapshot-studio save`: in a worker thread when its built entry
  // sits beside this bundle, in-process otherwise (the single-file agent bundle). Loaded at the
  // first save: the daemon saves in a child process, and idles without the snapshot engine.
  let verifiers: TransferVerifiers | undefined
  return {
    config,
    client,
    save: async (options) => {
      const [{ saveSnapshot }, { createTransferVerifiers }, { bundleDir }] = await Promise.all([
        import('../services/consul/save-snapshot'),
        import('../services/consul/transfer-verifiers'),
        import('../host/bundle-dir'),
      ])
      verifiers ??= createTransferVerifiers({ bundleDir: bundleDir() })
      return saveSnapshot(options, verifiers)
    },
    destinations,
    // As the Enterprise agent: with local storage the snapshot is staged in the destination
    // folder itself, so handing it over is a link, not a copy. Remote stores only: the OS temp
    // folder, never the local default path.
    scratchPath: config.scratchPath ?? firstLocalPath(config.destinations) ?? tmpdir(),
    serviceId: `${config.service}:${randomUUID()}`,
    clock: () => new Date(),
    now: () => performance.now(),
    sleep: abortableSleep,
    logger: loggerFor(config, io),
    journal: config.journalPath ? openRunJournal(config.journalPath) : noJournal,
  }
}
