import type { CliCommand } from '../cli-io'

/**
 * The commands of `snapshot-studio`, by name. Each module is loaded only when its command runs,
 * so `inspect` does not pay for the HTTP client or the web host at startup (it is benchmarked
 * against `consul snapshot inspect`). Adding a command is one line here: its name, its summary
 * for the top-level help, and how to load it.
 */
function lazy(
  summary: string,
  load: () => Promise<CliCommand>,
  options: Pick<CliCommand, 'defaultLogLevel'> = {},
): CliCommand {
  return { summary, ...options, run: async (argv, io) => (await load()).run(argv, io) }
}

export const commands: Record<string, CliCommand> = {
  agent: lazy(
    'Scheduled snapshots with retention, leader election and health checks (snapshot agent)',
    async () => (await import('./agent')).agentCommand,
  ),
  diff: lazy(
    'Compare two snapshots, or a snapshot with a live cluster (exit 0 same, 1 different, 2 error)',
    async () => (await import('./diff')).diffCommand,
  ),
  drill: lazy(
    'Restore a snapshot into a throw-away Consul and check that it comes back whole',
    async () => (await import('./drill')).drillCommand,
  ),
  inspect: lazy(
    'Verify a snapshot file and show what it holds (like consul snapshot inspect)',
    async () => (await import('./inspect')).inspectCommand,
  ),
  'kv-export': lazy(
    'Print the KV data of a snapshot file as JSON (like consul kv export)',
    async () => (await import('./kv-export')).kvExportCommand,
  ),
  redact: lazy(
    'Write a copy of a snapshot with its secrets replaced (still restorable)',
    async () => (await import('./redact')).redactCommand,
  ),
  restore: lazy(
    'Verifies a snapshot file and restores it into a Consul cluster',
    async () => (await import('./restore')).restoreCommand,
  ),
  'restore-keys': lazy(
    'Restores chosen KV keys of a snapshot into a live cluster (dry run, check-and-set, undo file)',
    async () => (await import('./restore-keys')).restoreKeysCommand,
  ),
  retention: lazy(
    'Show what the agent retention policy would keep and delete, and why (deletes nothing)',
    async () => (await import('./retention')).retentionCommand,
  ),
  save: lazy(
    'Saves a verified snapshot of a Consul cluster',
    async () => (await import('./save')).saveCommand,
  ),
  search: lazy(
    'Search inside the values of a snapshot (KV, service metadata, config entries)',
    async () => (await import('./search')).searchCommand,
  ),
  status: lazy(
    'Tests a connection: leader, version, datacenter, snapshot permission',
    async () => (await import('./status')).statusCommand,
  ),
  verify: lazy(
    'Stream stored backups (s3://…) through full verification without writing them to disk',
    async () => (await import('./verify')).verifyCommand,
  ),
  web: lazy(
    'Serve Snapshot Studio to a web browser on 127.0.0.1 (browser mode)',
    async () => (await import('./web')).webCommand,
    // A server's warnings and unexpected failures belong on its terminal.
    { defaultLogLevel: 'warn' },
  ),
}
