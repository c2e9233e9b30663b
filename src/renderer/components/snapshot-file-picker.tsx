import { useRef, useState } from 'react'
import { usePlatform } from '../store/studio-context'

export interface SnapshotFilePickerProps {
  /** Accessible name of the hidden file input a browser picks from. */
  fileInputLabel: string
  fileInputTestId: string
  /** id and test id of the field for a path on the host (browser mode only). */
  hostPathId: string
  /** The choose button as the screen's main action. */
  primary?: boolean
  /** The host path field takes the wide width. */
  wide?: boolean
  /** The OS picker (desktop). */
  onDialog(): void
  /** A file picked in the browser, to be uploaded. */
  onFile(file: File): void
  /** A path typed for a file already on the host. */
  onHostPath(path: string): void
}

/**
 * How a snapshot to read is chosen where a screen takes one file (Restore, each side of Compare):
 * the OS picker in the desktop app; in a browser, a file picked there (uploaded to the host) or the
 * path of a file already on the host.
 */
export function SnapshotFilePicker(props: SnapshotFilePickerProps) {
  const platform = usePlatform()
  const input = useRef<HTMLInputElement>(null)
  const [hostPath, setHostPath] = useState('')
  return (
    <>
      <div className="actions">
        <button
          type="button"
          className={props.primary ? 'button-primary' : undefined}
          onClick={() => (platform.nativeDialogs ? props.onDialog() : input.current?.click())}
        >
          Choose snapshot…
        </button>
        <input
          ref={input}
          type="file"
          accept=".snap,.tgz,.gz,application/gzip"
          className="visually-hidden"
          tabIndex={-1}
          aria-label={props.fileInputLabel}
          data-testid={props.fileInputTestId}
          onChange={(e) => {
            const file = e.target.files?.[0]
            e.target.value = ''
            if (file) props.onFile(file)
          }}
        />
      </div>
      {!platform.nativeDialogs && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault()
            props.onHostPath(hostPath)
          }}
        >
          <label htmlFor={props.hostPathId}>Or a file on the host</label>
          <input
            id={props.hostPathId}
            value={hostPath}
            onChange={(e) => setHostPath(e.target.value)}
            className={props.wide ? 'wide' : undefined}
            spellCheck={false}
            data-testid={props.hostPathId}
          />
          <button type="submit" disabled={hostPath.trim() === ''}>
            Use this file
          </button>
        </form>
      )}
    </>
  )
}
