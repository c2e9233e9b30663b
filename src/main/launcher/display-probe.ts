/**
 * Whether a window can open here. Only Linux (and the BSDs) run without a display server in
 * practice: headless servers, containers, SSH sessions without X forwarding.
 */
import type { Check } from './desktop-or-browser'

export function findDisplay(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): Check {
  if (platform === 'darwin' || platform === 'win32') return { ok: true }
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return { ok: true }
  return { ok: false, reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' }
}
