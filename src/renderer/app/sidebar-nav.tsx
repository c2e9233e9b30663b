import { AboutLine } from './about-line'
import { selectGo, selectScreen, useNavigationStore, type Screen } from '../store/navigation-store'

const ITEMS: ReadonlyArray<{ screen: Screen; label: string; shortcut?: string }> = [
  { screen: 'profiles', label: 'Connections', shortcut: 'N' },
  { screen: 'inspect', label: 'Inspect', shortcut: 'O' },
  { screen: 'save', label: 'Save', shortcut: 'S' },
  { screen: 'restore', label: 'Restore' },
  { screen: 'backups', label: 'Backups' },
  { screen: 'fleet', label: 'Fleet' },
  { screen: 'growth', label: 'Growth' },
  { screen: 'compare', label: 'Compare' },
]

export function SidebarNav({ modifier }: { modifier: string }) {
  const screen = useNavigationStore(selectScreen)
  const go = useNavigationStore(selectGo)
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        <span>
          Snapshot Studio
          <small>for Consul</small>
        </span>
      </div>
      <ul>
        {ITEMS.map((item) => (
          <li key={item.screen}>
            <button
              type="button"
              className="nav-item"
              aria-current={screen === item.screen ? 'page' : undefined}
              onClick={() => go(item.screen)}
              data-nav={item.screen}
            >
              <span>{item.label}</span>
              {item.shortcut && (
                <kbd aria-label={`shortcut ${modifier} ${item.shortcut}`}>
                  {modifier}
                  {item.shortcut}
                </kbd>
              )}
            </button>
          </li>
        ))}
      </ul>
      <AboutLine />
    </nav>
  )
}
