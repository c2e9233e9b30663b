import type { CliCommand } from '../cli-io'
import { inspectCommand } from './inspect'
import { kvExportCommand } from './kv-export'
import { restoreCommand } from './restore'
import { saveCommand } from './save'
import { statusCommand } from './status'
import { webCommand } from './web'

/**
 * The commands of `snapshot-studio`, by name. Adding one is one import and one line here.
 */
export const commands: Record<string, CliCommand> = {
  inspect: inspectCommand,
  'kv-export': kvExportCommand,
  restore: restoreCommand,
  save: saveCommand,
  status: statusCommand,
  web: webCommand,
}
