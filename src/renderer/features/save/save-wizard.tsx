import { useEffect } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { EmptyState } from '../../components/empty-state'
import { EnvironmentBadge } from '../../components/environment-badge'
import { ProtectionBadge } from '../../components/protection-badge'
import { formatBytes, formatRate } from '../../components/format-bytes'
import { WizardSteps } from '../../components/wizard-steps'
import { usePlatform } from '../../store/studio-context'
import { selectGo, selectOpenInInspect, useNavigationStore } from '../../store/navigation-store'
import {
  selectSaveErrors,
  selectFolderSuggestions,
  selectSaveOptions,
  selectSaveOutcomes,
  selectSaveProfiles,
  selectSaveProfilesStatus,
  selectSaveProgress,
  selectSaveStep,
  useSaveStore,
  TEMPLATE_PLACEHOLDERS,
  type SaveStep,
} from './save-store'

const STEPS: ReadonlyArray<{ id: SaveStep; label: string }> = [
  { id: 'choose', label: 'Clusters and options' },
  { id: 'running', label: 'Saving' },
  { id: 'done', label: 'Result' },
]

export function SaveWizard() {
  const step = useSaveStore(selectSaveStep)
  const status = useSaveStore(selectSaveProfilesStatus)
  const load = useSaveStore((s) => s.load)
  useEffect(() => {
    void load()
  }, [load])
  return (
    <section
      className="screen"
      aria-labelledby="save-title"
      data-screen="save"
      data-state={status === 'ready' ? step : status}
    >
      <header className="screen-header">
        <h1 id="save-title">Save snapshots</h1>
      </header>
      <WizardSteps steps={STEPS} current={step} />
      {step === 'choose' && <ChooseStep />}
      {step === 'running' && <RunningStep />}
      {step === 'done' && <DoneStep />}
    </section>
  )
}

/** The default save folder and the recently used ones, one click each; no typing of host paths. */
function FolderChoices({ current, onChoose }: { current: string; onChoose: (folder: string) => void }) {
  const suggestions = useSaveStore(selectFolderSuggestions)
  if (suggestions === null) return null
  const recent = suggestions.recentFolders.filter((folder) => folder !== suggestions.defaultFolder)
  const choices: Array<{ folder: string; label: string }> = [
    { folder: suggestions.defaultFolder, label: 'Default' },
    ...recent.map((folder) => ({ folder, label: 'Recent' })),
  ]
  return (
    <div className="folder-choices" role="group" aria-label="Folders to save into">
      {choices.map(({ folder, label }) => (
        <button
          key={folder}
          type="button"
          className="button-quiet"
          aria-pressed={current.trim() === folder}
          onClick={() => onChoose(folder)}
          data-testid="save-folder-choice"
        >
          <span className="muted">{label}</span> <code>{folder}</code>
        </button>
      ))}
    </div>
  )
}

function ChooseStep() {
  const profiles = useSaveStore(selectSaveProfiles)
  const status = useSaveStore(selectSaveProfilesStatus)
  const options = useSaveStore(selectSaveOptions)
  const errors = useSaveStore(selectSaveErrors)
  const { toggle, setOptions, chooseFolder, start } = useSaveStore(
    useShallow((s) => ({
      toggle: s.toggle,
      setOptions: s.setOptions,
      chooseFolder: s.chooseFolder,
      start: s.start,
    })),
  )
  const go = useNavigationStore(selectGo)
  const nativeDialogs = usePlatform().nativeDialogs
  if (status === 'ready' && profiles.length === 0)
    return (
      <EmptyState title="No clusters to back up yet">
        <p>Saving needs a connection profile.</p>
        <button type="button" className="button-primary" onClick={() => go('profiles')}>
          Add a profile
        </button>
      </EmptyState>
    )
  return (
    <form
      className="card wizard-body"
      onSubmit={(e) => {
        e.preventDefault()
        void start()
      }}
      noValidate
    >
      <fieldset aria-describedby={errors.selected ? 'save-selected-error' : undefined}>
        <legend>Clusters</legend>
        <ul className="check-list">
          {profiles.map((p) => (
            <li key={p.id}>
              <label className="inline-check">
                <input
                  type="checkbox"
                  checked={options.selected.includes(p.id)}
                  onChange={() => toggle(p.id)}
                  data-testid="save-profile"
                  data-profile-name={p.name}
                />
                <span>{p.name}</span> <EnvironmentBadge environment={p.environment} />{' '}
                <ProtectionBadge protection={p.protection} />{' '}
                <code className="muted">{p.connection.address}</code>
              </label>
            </li>
          ))}
        </ul>
        {errors.selected && (
          <p id="save-selected-error" className="field-error">
            {errors.selected}
          </p>
        )}
      </fieldset>
      <fieldset>
        <legend>Options</legend>
        <div className="form-grid">
          <label htmlFor="save-datacenter">Datacenter</label>
          <div>
            <input
              id="save-datacenter"
              value={options.datacenter}
              onChange={(e) => setOptions({ datacenter: e.target.value })}
              placeholder="each profile's own"
              spellCheck={false}
              aria-invalid={errors.datacenter !== undefined}
              aria-describedby={errors.datacenter ? 'save-datacenter-error' : undefined}
              data-testid="save-datacenter"
            />
            {errors.datacenter && (
              <p id="save-datacenter-error" className="field-error">
                {errors.datacenter}
              </p>
            )}
          </div>
          <span />
          <label className="inline-check">
            <input
              type="checkbox"
              checked={options.stale}
              onChange={(e) => setOptions({ stale: e.target.checked })}
            />{' '}
            Allow a stale snapshot from any server (when the cluster has no leader)
          </label>
          <label htmlFor="save-folder">Folder</label>
          <div className="inline-fields">
            <input
              id="save-folder"
              value={options.folder}
              onChange={(e) => setOptions({ folder: e.target.value })}
              className="wide"
              spellCheck={false}
              aria-invalid={errors.folder !== undefined}
              data-testid="save-folder"
            />
            {nativeDialogs && (
              <button type="button" onClick={() => void chooseFolder()}>
                Choose…
              </button>
            )}
            {errors.folder && <p className="field-error">{errors.folder}</p>}
            <FolderChoices current={options.folder} onChoose={(folder) => setOptions({ folder })} />
            {!nativeDialogs && (
              <p className="hint">A folder on the computer that runs Snapshot Studio, not this browser's.</p>
            )}
          </div>
          <label htmlFor="save-template">File name</label>
          <div>
            <input
              id="save-template"
              value={options.template}
              onChange={(e) => setOptions({ template: e.target.value })}
              className="wide"
              spellCheck={false}
              aria-invalid={errors.template !== undefined}
              aria-describedby="save-template-help"
            />
            <p id="save-template-help" className="hint">
              Placeholders: {TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}. {'{time}'} is UTC.
            </p>
            {errors.template && <p className="field-error">{errors.template}</p>}
          </div>
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="button-primary" data-testid="save-start">
          Save {options.selected.length > 1 ? `${options.selected.length} snapshots` : 'snapshot'}
        </button>
      </div>
    </form>
  )
}

function RunningStep() {
  const profiles = useSaveStore(selectSaveProfiles)
  const options = useSaveStore(selectSaveOptions)
  const progress = useSaveStore(selectSaveProgress)
  const cancel = useSaveStore((s) => s.cancel)
  return (
    <div className="card wizard-body" aria-busy="true">
      <ul className="progress-list">
        {profiles
          .filter((p) => options.selected.includes(p.id))
          .map((p) => {
            const pr = progress[p.id]
            return (
              <li key={p.id} data-testid="save-progress" data-profile-name={p.name}>
                <strong>{p.name}</strong> <EnvironmentBadge environment={p.environment} />{' '}
                <ProtectionBadge protection={p.protection} />
                <span className="progress-figures">
                  {pr === undefined
                    ? 'waiting'
                    : `${pr.phase} · ${formatBytes(pr.bytes)}${pr.bytesPerSecond > 0 ? ` · ${formatRate(pr.bytesPerSecond)}` : ''}`}
                </span>
                <progress aria-label={`Saving ${p.name}`} />
              </li>
            )
          })}
      </ul>
      <div className="actions">
        <button type="button" onClick={cancel}>
          Cancel
        </button>
      </div>
    </div>
  )
}

function DoneStep() {
  const outcomes = useSaveStore(selectSaveOutcomes)
  const reset = useSaveStore((s) => s.reset)
  const openInInspect = useNavigationStore(selectOpenInInspect)
  return (
    <div className="card wizard-body">
      <ul className="result-list">
        {outcomes.map((o) => (
          <li key={o.profileId} data-testid="save-result" data-profile-name={o.profileName} data-ok={o.ok}>
            <h3>
              {o.ok ? '✓' : '✗'} {o.profileName}
            </h3>
            {o.ok ? (
              <>
                <dl className="facts">
                  <dt>File</dt>
                  <dd>
                    <code data-testid="save-result-path">{o.result.path}</code>
                  </dd>
                  <dt>Size</dt>
                  <dd>{formatBytes(o.result.size)}</dd>
                  <dt>Index</dt>
                  <dd data-testid="save-result-index">{o.result.index}</dd>
                  <dt>Term</dt>
                  <dd>{o.result.term}</dd>
                  <dt>Verified</dt>
                  <dd className="ok">archive and checksums verified</dd>
                  <dt>SHA-256</dt>
                  <dd>
                    <code className="hash">{o.result.sha256}</code>
                  </dd>
                </dl>
                <button
                  type="button"
                  className="button-primary"
                  onClick={() => openInInspect(o.result.path)}
                  data-testid="open-in-inspect"
                >
                  Open in Inspect
                </button>
              </>
            ) : (
              <p className="field-error">
                {o.error.message} {o.error.hint}
              </p>
            )}
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" onClick={reset}>
          Save more
        </button>
      </div>
    </div>
  )
}
