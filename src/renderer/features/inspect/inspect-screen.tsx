import { useEffect } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { ProgressBar } from '../../components/progress-bar'
import {
  selectInspectRequest,
  selectStoredInspectRequest,
  useNavigationStore,
} from '../../store/navigation-store'
import { ContentBrowser } from './content-browser'
import { EncryptedFilePrompt } from './encrypted-file-prompt'
import {
  selectInspectProgress,
  selectInspectStatus,
  selectInspection,
  selectIntegrity,
  selectKvOptions,
  selectKvStatus,
  selectOpenError,
  selectPending,
  selectSource,
  useInspectStore,
} from './inspect-store'
import { KvDetails } from './kv-details'
import { OpenSnapshotControls, RecentFiles } from './open-snapshot-controls'
import { RecordTypeTable } from './record-type-table'
import { SnapshotSummary } from './snapshot-summary'
import { SnapshotTools } from './snapshot-tools'

let handledRequest = 0

export function InspectScreen() {
  const status = useInspectStore(selectInspectStatus)
  const inspection = useInspectStore(selectInspection)
  const integrity = useInspectStore(selectIntegrity)
  const source = useInspectStore(selectSource)
  const { progress, phase } = useInspectStore(useShallow(selectInspectProgress))
  const kvOptions = useInspectStore(selectKvOptions)
  const kvStatus = useInspectStore(selectKvStatus)
  const pending = useInspectStore(selectPending)
  const openError = useInspectStore(selectOpenError)
  const { open, openSample, cancel, applyKvOptions, close, dismissOpenError } = useInspectStore(
    useShallow((s) => ({
      open: s.open,
      openSample: s.openSample,
      cancel: s.cancel,
      applyKvOptions: s.applyKvOptions,
      close: s.close,
      dismissOpenError: s.dismissOpenError,
    })),
  )
  const request = useNavigationStore(selectInspectRequest)
  const storedRequest = useNavigationStore(selectStoredInspectRequest)
  const streamed = useInspectStore((s) => s.streamed)
  const openStored = useInspectStore((s) => s.openStored)

  // The Backups view asked for a stored backup: read it streamed from its store.
  useEffect(() => {
    if (storedRequest === null || storedRequest.seq <= handledRequest) return
    handledRequest = storedRequest.seq
    void openStored(storedRequest.backup)
  }, [storedRequest, openStored])

  // Another screen (Save's "Open in Inspect") asked for a file.
  useEffect(() => {
    if (request === null || request.seq <= handledRequest) return
    handledRequest = request.seq
    if (request.path === null) void openSample()
    else
      void open({ kind: 'path', path: request.path, name: request.path.split(/[\\/]/).pop() ?? request.path })
  }, [request, open, openSample])

  return (
    <section className="screen" aria-labelledby="inspect-title" data-screen="inspect" data-state={status}>
      <header className="screen-header">
        <h1 id="inspect-title">Inspect</h1>
        {status === 'ready' && (
          <div className="actions">
            <OpenSnapshotControls compact />
            <button type="button" onClick={close}>
              Close file
            </button>
          </div>
        )}
      </header>
      {status === 'reading' && (
        <ProgressBar
          label={
            phase === 'upload'
              ? 'Uploading the snapshot to the host'
              : `Reading ${source?.name ?? streamed?.name ?? 'the snapshot'}`
          }
          progress={progress}
          onCancel={cancel}
        />
      )}
      {(status === 'empty' || status === 'error') && (
        <>
          <div className="drop-zone" data-testid="drop-zone">
            <p className="drop-zone-title">Drop a .snap file anywhere in this window</p>
            <p className="muted">
              It is read on this machine and never changed. Checksums are verified as it is read.
            </p>
            <OpenSnapshotControls />
          </div>
          <RecentFiles />
        </>
      )}
      {status === 'ready' && pending !== null && (
        <ProgressBar
          label={`${phase === 'upload' ? 'Uploading' : 'Reading'} ${pending}; ${source?.name ?? 'the open file'} stays open until it has verified`}
          progress={progress}
          onCancel={cancel}
        />
      )}
      <EncryptedFilePrompt />
      {status === 'ready' && openError !== null && (
        <div className="notice error open-error" role="alert" data-testid="open-error">
          <p>
            <strong>{openError.name}</strong> could not be opened: {openError.error.message}
            {openError.error.hint && <> {openError.error.hint}</>}
          </p>
          <p className="muted">Still showing {source?.name ?? 'the open file'}.</p>
          <button type="button" className="button-quiet" onClick={dismissOpenError}>
            Dismiss
          </button>
        </div>
      )}
      {status === 'ready' && inspection !== null && streamed !== null && (
        <p className="notice" data-testid="inspect-streamed">
          <strong>{streamed.name}</strong>, read streamed from its store (nothing downloaded).
        </p>
      )}
      {status === 'ready' && inspection !== null && (
        <div className="inspect-grid">
          <SnapshotSummary source={source} inspection={inspection} integrity={integrity} />
          <RecordTypeTable inspection={inspection} />
          <KvDetails
            inspection={inspection}
            options={kvOptions}
            busy={kvStatus === 'reading'}
            apply={(o) => void applyKvOptions(o)}
          />
          {source !== null && (
            <SnapshotTools key={source.kind === 'path' ? source.path : source.uploadId} source={source} />
          )}
          <ContentBrowser />
        </div>
      )}
    </section>
  )
}
