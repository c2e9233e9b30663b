import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * The folder the desktop app keeps its profiles in (Electron's userData for "snapshot-studio"),
 * so `--profile NAME` on the command line sees the same profiles. SNAPSHOT_STUDIO_DATA_DIR overrides it.
 */
export function appDataDir(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.SNAPSHOT_STUDIO_DATA_DIR) return env.SNAPSHOT_STUDIO_DATA_DIR
  const home = env.HOME || homedir()
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'snapshot-studio')
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'snapshot-studio')
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'snapshot-studio')
}
