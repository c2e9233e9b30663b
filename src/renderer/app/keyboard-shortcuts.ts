import { useEffect } from 'react'
import type { MenuCommand } from '../../shared/api-contract'

export function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
}

/** The Electron menu's accelerators, for browser mode and for focus inside the page. */
export function commandForKey(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
  mac: boolean,
): MenuCommand | null {
  const primary = mac ? e.metaKey : e.ctrlKey
  if (!primary || e.shiftKey || e.altKey) return null
  switch (e.key.toLowerCase()) {
    case 'o':
      return 'open-snapshot'
    case 'n':
      return 'new-profile'
    case 's':
      return 'save-snapshot'
    default:
      return null
  }
}

export function useKeyboardShortcuts(run: (command: MenuCommand) => void): void {
  useEffect(() => {
    const mac = isMac()
    const onKey = (e: KeyboardEvent) => {
      const command = commandForKey(e, mac)
      if (command === null) return
      // The browser's own Ctrl+O/N/S (open file, new window, save page) would only confuse here.
      e.preventDefault()
      run(command)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [run])
}
