import { useEffect, useRef, useState, type FormEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { usePlatform } from '../../store/studio-context'
import { selectOpenFileRequest, useNavigationStore } from '../../store/navigation-store'
import { selectRecent, useInspectStore } from './inspect-store'

/**
 * How a file gets in: the OS picker in Electron; in a browser, an upload (the picker's file is
 * sent to the host) or a path typed for a file already on the host. Drops work everywhere
 * (see app/window-drop.tsx).
 */
let handledOpenRequest = 0

export function OpenSnapshotControls({ compact = false }: { compact?: boolean }) {
  const platform = usePlatform()
  const { openFile, chooseWithDialog, openHostPath, openSample } = useInspectStore(
    useShallow((s) => ({
      openFile: s.openFile,
      chooseWithDialog: s.chooseWithDialog,
      openHostPath: s.openHostPath,
      openSample: s.openSample,
    })),
  )
  const fileInput = useRef<HTMLInputElement>(null)
  const [hostPath, setHostPath] = useState('')
  const openRequest = useNavigationStore(selectOpenFileRequest)

  const choose = () => {
    if (platform.nativeDialogs) void chooseWithDialog()
    else fileInput.current?.click()
  }
  useEffect(() => {
    // A request is handled once, not again each time the screen is shown.
    if (openRequest > handledOpenRequest) {
      handledOpenRequest = openRequest
      choose()
    }
  })

  const onHostPath = (e: FormEvent) => {
    e.preventDefault()
    void openHostPath(hostPath)
  }

  return (
    <div className={`open-controls${compact ? ' compact' : ''}`}>
      <div className="actions">
        <button type="button" className="button-primary" onClick={choose} data-testid="open-snapshot">
          Open snapshot…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".snap,.age,.tgz,.gz,application/gzip"
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Snapshot file to upload"
          data-testid="snapshot-file-input"
          onChange={(e) => {
            const file = e.target.files?.[0]
            e.target.value = ''
            if (file) void openFile(file)
          }}
        />
        {!compact && (
          <button type="button" onClick={() => void openSample()} data-testid="open-sample">
            Open the sample snapshot
          </button>
        )}
      </div>
      {!platform.nativeDialogs && !compact && (
        <form className="inline-form" onSubmit={onHostPath}>
          <label htmlFor="host-path">Or a file on the host</label>
          <input
            id="host-path"
            value={hostPath}
            onChange={(e) => setHostPath(e.target.value)}
            placeholder="/var/backups/consul/prod.snap"
            spellCheck={false}
            className="wide"
            data-testid="host-path"
          />
          <button type="submit" disabled={hostPath.trim() === ''}>
            Open
          </button>
        </form>
      )}
    </div>
  )
}

export function RecentFiles() {
  const recent = useInspectStore(selectRecent)
  const open = useInspectStore((s) => s.open)
  const loadRecent = useInspectStore((s) => s.loadRecent)
  useEffect(() => {
    void loadRecent()
  }, [loadRecent])
  if (recent.length === 0) return null
  return (
    <section className="recent" aria-labelledby="recent-title">
      <h2 id="recent-title">Recent files</h2>
      <ul>
        {recent.slice(0, 8).map((r) => (
          <li key={r.path}>
            <button
              type="button"
              className="link"
              onClick={() => void open({ kind: 'path', path: r.path, name: r.name })}
              title={r.path}
            >
              {r.name}
            </button>{' '}
            <span className="muted">{r.path}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}
