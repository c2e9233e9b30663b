import type { CliCommand } from '../cli-io'
import { inspectCommand } from './inspect'
import { kvExportCommand } from './kv-export'

/**
 * The commands of `snapshot-studio`, by name. Adding one is one import and one line here.
 */
export const commands: Record<string, CliCommand> = {
  inspect: inspectCommand,
  'kv-export': kvExportCommand,
}
