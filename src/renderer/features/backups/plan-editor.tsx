import { useShallow } from 'zustand/react/shallow'
import type { PlanInput } from '../../../shared/backup-plan-schema'
import type { RetentionPreview } from '../../../shared/backup-plan-types'
import { describeDestination } from './describe-plan'
import { DestinationsEditor } from './destinations-editor'
import { selectBackupProfiles, selectEditor, useBackupsStore, type PlanEditor } from './backups-store'

const TIERS = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const
const count = (value: string) => Math.max(0, Math.floor(Number(value) || 0))

/** The plan editor: what, when, where, how long; with the next runs and the retention preview. */
export function PlanEditorForm() {
  const editor = useBackupsStore(selectEditor)
  const profiles = useBackupsStore(selectBackupProfiles)
  const { change, save, closeEditor, previewRetention } = useBackupsStore(
    useShallow((s) => ({
      change: s.change,
      save: s.save,
      closeEditor: s.closeEditor,
      previewRetention: s.previewRetention,
    })),
  )
  if (editor === null) return null
  const { draft, errors } = editor
  const error = (field: string) =>
    errors[field] ? (
      <p className="field-error" data-testid={`plan-error-${field}`}>
        {errors[field]}
      </p>
    ) : null
  const schedule = draft.schedule
  const setSchedule = (next: PlanInput['schedule']) => change({ schedule: next })
  const retention = draft.retention
  const setRetention = (patch: Partial<PlanInput['retention']>) =>
    change({ retention: { ...retention, ...patch } })
  const options = draft.options

  return (
    <form
      className="card plan-editor"
      data-testid="plan-editor"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        void save()
      }}
    >
      <header className="card-header">
        <h2>{editor.id === null ? 'New backup plan' : `Edit ${draft.name}`}</h2>
      </header>
      <div className="form-grid">
        <label htmlFor="plan-name">Name</label>
        <div>
          <input id="plan-name" value={draft.name} onChange={(e) => change({ name: e.target.value })} />
          {error('name')}
        </div>

        <span>Clusters</span>
        <div>
          <ul className="check-list">
            {profiles.map((p) => (
              <li key={p.id}>
                <label className="inline-check">
                  <input
                    type="checkbox"
                    checked={draft.profileIds.includes(p.id)}
                    data-testid="plan-profile"
                    data-profile-name={p.name}
                    onChange={() =>
                      change({
                        profileIds: draft.profileIds.includes(p.id)
                          ? draft.profileIds.filter((id) => id !== p.id)
                          : [...draft.profileIds, p.id],
                      })
                    }
                  />
                  <span>{p.name}</span>
                </label>
              </li>
            ))}
          </ul>
          {error('profileIds')}
        </div>

        <label htmlFor="plan-schedule-kind">Schedule</label>
        <div className="inline-fields">
          <select
            id="plan-schedule-kind"
            value={schedule.kind}
            onChange={(e) =>
              setSchedule(
                e.target.value === 'cron'
                  ? { kind: 'cron', expression: '0 2 * * *', timeZone: 'UTC', jitterMs: schedule.jitterMs }
                  : { kind: 'interval', intervalMs: 3_600_000, jitterMs: schedule.jitterMs },
              )
            }
          >
            <option value="interval">Every …</option>
            <option value="cron">Cron</option>
          </select>
          {schedule.kind === 'interval' ? (
            <label>
              <input
                type="number"
                min={1}
                aria-label="Interval in minutes"
                data-testid="plan-interval"
                value={schedule.intervalMs / 60_000}
                onChange={(e) =>
                  setSchedule({ ...schedule, intervalMs: Math.round(Number(e.target.value) * 60_000) || 0 })
                }
              />{' '}
              minutes
            </label>
          ) : (
            <>
              <input
                aria-label="Cron expression"
                data-testid="plan-cron"
                value={schedule.expression}
                spellCheck={false}
                onChange={(e) => setSchedule({ ...schedule, expression: e.target.value })}
              />
              <input
                aria-label="Time zone"
                value={schedule.timeZone}
                spellCheck={false}
                onChange={(e) => setSchedule({ ...schedule, timeZone: e.target.value })}
              />
            </>
          )}
          <label>
            jitter{' '}
            <input
              type="number"
              min={0}
              aria-label="Jitter in minutes"
              value={schedule.jitterMs / 60_000}
              onChange={(e) =>
                setSchedule({ ...schedule, jitterMs: Math.round(Number(e.target.value) * 60_000) || 0 })
              }
            />{' '}
            min
          </label>
          {Object.entries(errors)
            .filter(([field]) => field.startsWith('schedule'))
            .slice(0, 1)
            .map(([field, message]) => (
              <p key={field} className="field-error">
                {message}
              </p>
            ))}
          <NextRuns editor={editor} />
        </div>

        <span>Destinations</span>
        <DestinationsEditor
          destinations={draft.destinations}
          errors={errors}
          onChange={(destinations) => change({ destinations })}
        />

        <span>Retention</span>
        <div className="inline-fields retention-fields">
          <label>
            newest{' '}
            <input
              type="number"
              min={0}
              aria-label="Keep the newest"
              value={retention.retain}
              onChange={(e) => setRetention({ retain: count(e.target.value) })}
            />
          </label>
          {TIERS.map((tier) => (
            <label key={tier}>
              {tier}{' '}
              <input
                type="number"
                min={0}
                aria-label={`Keep ${tier}`}
                value={retention[tier]}
                onChange={(e) => setRetention({ [tier]: count(e.target.value) })}
              />
            </label>
          ))}
          <label>
            max age (days){' '}
            <input
              type="number"
              min={0}
              aria-label="Maximum age in days"
              value={retention.maxAgeMs === null ? '' : retention.maxAgeMs / 86_400_000}
              onChange={(e) => {
                const days = Number(e.target.value)
                setRetention({
                  maxAgeMs: e.target.value === '' || !(days > 0) ? null : Math.round(days * 86_400_000),
                })
              }}
            />
          </label>
          {Object.entries(errors)
            .filter(([field]) => field.startsWith('retention'))
            .slice(0, 1)
            .map(([field, message]) => (
              <p key={field} className="field-error">
                {message}
              </p>
            ))}
          <button type="button" onClick={() => void previewRetention()} data-testid="plan-retention-preview">
            Preview retention
          </button>
          <RetentionPreviewList editor={editor} />
        </div>

        <label htmlFor="plan-template">File name</label>
        <div>
          <input
            id="plan-template"
            className="wide"
            spellCheck={false}
            placeholder="consul-<unix ns>.snap (as the Enterprise agent)"
            value={options.nameTemplate ?? ''}
            onChange={(e) =>
              change({
                options: { ...options, nameTemplate: e.target.value.trim() === '' ? null : e.target.value },
              })
            }
          />
          {error('options.nameTemplate')}
        </div>

        <label htmlFor="plan-datacenter">Datacenter</label>
        <div>
          <input
            id="plan-datacenter"
            placeholder="the connection's own"
            value={options.datacenter ?? ''}
            onChange={(e) =>
              change({
                options: { ...options, datacenter: e.target.value.trim() === '' ? null : e.target.value },
              })
            }
          />
          {error('options.datacenter')}
        </div>
        <span />
        <label className="inline-check">
          <input
            type="checkbox"
            checked={options.stale}
            onChange={(e) => change({ options: { ...options, stale: e.target.checked } })}
          />{' '}
          Allow a stale snapshot from any server
        </label>
      </div>
      <div className="actions">
        <button type="button" onClick={closeEditor}>
          Cancel
        </button>
        <button type="submit" className="button-primary" disabled={editor.saving} data-testid="plan-save">
          {editor.saving ? 'Saving…' : 'Save plan'}
        </button>
      </div>
    </form>
  )
}

function NextRuns({ editor }: { editor: PlanEditor }) {
  if (editor.scheduleError !== null)
    return (
      <p className="field-error" data-testid="plan-schedule-error">
        {editor.scheduleError}
      </p>
    )
  if (editor.nextRuns.length === 0) return null
  return (
    <div className="next-runs">
      <span className="hint">Next runs:</span>
      <ol data-testid="plan-next-runs">
        {editor.nextRuns.map((run) => (
          <li key={run.at}>
            <time dateTime={run.at}>{new Date(run.at).toLocaleString()}</time>
          </li>
        ))}
      </ol>
    </div>
  )
}

/** What retention would do now in each destination of the draft, each from its own listing. */
function RetentionPreviewList({ editor }: { editor: PlanEditor }) {
  const outcomes = editor.retention
  if (outcomes === null) return null
  return (
    <div className="retention-preview" data-testid="plan-retention-result">
      {outcomes.map((outcome, index) => {
        const where = editor.draft.destinations[index]
        return (
          <section key={index} data-testid="plan-retention-destination">
            {outcome.ok ? (
              <PreviewOf preview={outcome.preview} />
            ) : (
              <p className="field-error">
                In {where ? describeDestination(where) : `destination ${index + 1}`}: cannot preview —{' '}
                {outcome.error.message}
                {outcome.error.hint ? ` ${outcome.error.hint}` : ''}
              </p>
            )}
          </section>
        )
      })}
    </div>
  )
}

function PreviewOf({ preview }: { preview: RetentionPreview }) {
  return (
    <>
      <p>
        In {preview.destination}: keeps {preview.keep.length}, deletes {preview.delete.length}
        {preview.deferred.length > 0 ? `, ${preview.deferred.length} later` : ''}
        {preview.ignoredCount > 0 ? `; ${preview.ignoredCount} other files never touched` : ''}.
      </p>
      {preview.delete.length > 0 && (
        <ul className="retention-deletes">
          {preview.delete.map((entry) => (
            <li key={entry.name}>
              <code>{entry.name}</code> — {entry.reasons.join('; ')}
            </li>
          ))}
        </ul>
      )}
    </>
  )
}
