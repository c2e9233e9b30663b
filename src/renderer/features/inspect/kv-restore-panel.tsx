import { useEffect, useRef, useState } from 'react'
import type { ProfileView } from '../../../shared/profile-types'
import type {
  KvChangeWire,
  KvRestorePlanWire,
  KvRestoreResultWire,
  KvValueSide,
} from '../../../shared/selective-restore-types'
import { followOperation } from '../../api/follow-operation'
import { EnvironmentBadge } from '../../components/environment-badge'
import { formatBytes } from '../../components/format-bytes'
import { ProtectionBadge } from '../../components/protection-badge'
import { reportError } from '../../store/error-store'
import { useStudio } from '../../store/studio-context'
import { base64ToBytes, classifyValue } from './value-format'

export interface KvChoice {
  prefixes: string[]
  keys: string[]
}

type Step = 'options' | 'planning' | 'review' | 'applying' | 'done'

/**
 * "Restore selected…": the chosen keys and folders of the open snapshot against a profile's live
 * cluster. A dry run always comes first and lists every change with both values; applying it
 * takes the typed profile name (and, for a protected profile, a second confirmation of what is
 * lost). The host enforces the same rules; this screen only says them first.
 */
export function KvRestorePanel(props: { catalogueId: string; choice: KvChoice; onClose(): void }) {
  const { client } = useStudio()
  const [profiles, setProfiles] = useState<ProfileView[]>([])
  const [profileId, setProfileId] = useState<string>('')
  const [rewriteFrom, setRewriteFrom] = useState('')
  const [rewriteTo, setRewriteTo] = useState('')
  const [deleteMissing, setDeleteMissing] = useState(false)
  const [step, setStep] = useState<Step>('options')
  const [plan, setPlan] = useState<KvRestorePlanWire | null>(null)
  const [confirmation, setConfirmation] = useState('')
  const [lossAcknowledged, setLossAcknowledged] = useState(false)
  const [result, setResult] = useState<KvRestoreResultWire | null>(null)
  const running = useRef<AbortController | null>(null)

  useEffect(() => {
    void client.profiles.list({}).then(
      (list) => setProfiles(list.profiles),
      (error: unknown) => reportError('Listing the connection profiles', error),
    )
    return () => running.current?.abort()
  }, [client])

  const target = profiles.find((p) => p.id === profileId) ?? null
  const rewriteOn = rewriteFrom !== '' || rewriteTo !== ''

  async function dryRun() {
    if (target === null) return
    const op = (running.current = new AbortController())
    setStep('planning')
    try {
      const planned = await followOperation(
        client.selectiveRestore.plan({
          catalogueId: props.catalogueId,
          profileId: target.id,
          prefixes: props.choice.prefixes,
          keys: props.choice.keys,
          deleteMissing,
          ...(rewriteOn ? { rewrite: { from: rewriteFrom, to: rewriteTo } } : {}),
        }),
        op.signal,
      )
      setPlan(planned)
      setConfirmation('')
      setLossAcknowledged(false)
      setStep('review')
    } catch (error) {
      setStep('options')
      if (!op.signal.aborted) reportError(`Dry run of the restore into ${target.name}`, error)
    }
  }

  async function apply() {
    if (target === null || plan === null) return
    const op = (running.current = new AbortController())
    setStep('applying')
    try {
      const applied = await followOperation(
        client.selectiveRestore.apply({
          planId: plan.planId,
          confirmation,
          acknowledgeLoss: lossAcknowledged,
        }),
        op.signal,
      )
      setResult(applied)
      setStep('done')
    } catch (error) {
      // A refused or failed apply used up its dry run: run it again from the options.
      setStep('options')
      setPlan(null)
      if (!op.signal.aborted) reportError(`Restoring keys into ${target.name}`, error)
    }
  }

  const blocked =
    target === null || plan === null
      ? 'Run the dry run first.'
      : confirmation !== target.name
        ? `Type the profile name “${target.name}” exactly as shown to confirm.`
        : target.protection === 'protected' && !lossAcknowledged
          ? `${target.name} is protected: confirm what will be lost as well.`
          : null

  return (
    <section
      className="card kv-restore"
      aria-labelledby="kv-restore-title"
      data-testid="kv-restore"
      data-step={step}
    >
      <header className="card-header">
        <h3 id="kv-restore-title">Restore selected keys into a live cluster</h3>
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </header>
      <p>
        From the file: {props.choice.prefixes.map((p) => `${p || '(every key)'}*`).join(', ')}
        {props.choice.prefixes.length > 0 && props.choice.keys.length > 0 ? ', ' : ''}
        {props.choice.keys.join(', ')}
      </p>
      {(step === 'options' || step === 'planning') && (
        <div className="kv-restore-options">
          <label htmlFor="kv-restore-target">Into</label>
          <select
            id="kv-restore-target"
            value={profileId}
            onChange={(e) => setProfileId(e.target.value)}
            data-testid="kv-restore-target"
          >
            <option value="">Choose a profile…</option>
            {profiles.map((p) => (
              <option key={p.id} value={p.id} disabled={p.protection === 'read-only'}>
                {p.name}
                {p.protection === 'read-only'
                  ? ' (read-only)'
                  : p.protection === 'protected'
                    ? ' (protected)'
                    : ''}
              </option>
            ))}
          </select>
          {target !== null && (
            <p>
              <EnvironmentBadge environment={target.environment} />{' '}
              <ProtectionBadge protection={target.protection} />{' '}
              <code className="muted">{target.connection.address}</code>
            </p>
          )}
          <label htmlFor="kv-restore-from">Rewrite prefix (optional)</label>
          <div className="inline-fields">
            <input
              id="kv-restore-from"
              placeholder="old/"
              value={rewriteFrom}
              onChange={(e) => setRewriteFrom(e.target.value)}
              data-testid="kv-restore-rewrite-from"
            />
            <span aria-hidden="true">→</span>
            <input
              aria-label="Rewrite to"
              placeholder="new/"
              value={rewriteTo}
              onChange={(e) => setRewriteTo(e.target.value)}
              data-testid="kv-restore-rewrite-to"
            />
          </div>
          <label className="inline-check">
            <input
              type="checkbox"
              checked={deleteMissing}
              onChange={(e) => setDeleteMissing(e.target.checked)}
            />{' '}
            Delete live keys under the chosen folders that the file lacks
          </label>
          <div className="actions">
            <button
              type="button"
              disabled={target === null || step === 'planning'}
              onClick={() => void dryRun()}
              data-testid="kv-restore-dry-run"
            >
              {step === 'planning' ? 'Comparing with the cluster…' : 'Dry run'}
            </button>
          </div>
        </div>
      )}
      {(step === 'review' || step === 'applying') && plan !== null && target !== null && (
        <form
          className="danger-zone"
          onSubmit={(e) => {
            e.preventDefault()
            if (blocked === null) void apply()
          }}
        >
          <p data-testid="kv-restore-summary">
            Dry run against <strong>{target.name}</strong> (datacenter {plan.target.datacenter ?? 'unknown'}):{' '}
            {plan.counts.create} to create, {plan.counts.update} to update, {plan.counts.delete} to delete,{' '}
            {plan.unchanged} already equal.
          </p>
          <ChangeList changes={plan.changes} />
          {plan.changes.length > 0 && (
            <>
              <label htmlFor="kv-restore-confirmation">
                Type the profile name <strong className="confirm-name">{target.name}</strong> exactly as shown
                to apply these changes
              </label>
              <input
                id="kv-restore-confirmation"
                value={confirmation}
                onChange={(e) => setConfirmation(e.target.value)}
                autoComplete="off"
                spellCheck={false}
                data-testid="kv-restore-confirmation"
              />
              {target.protection === 'protected' && (
                <label className="inline-check warn">
                  <input
                    type="checkbox"
                    checked={lossAcknowledged}
                    onChange={(e) => setLossAcknowledged(e.target.checked)}
                    data-testid="kv-restore-acknowledge-loss"
                  />{' '}
                  I accept that {plan.counts.update} live values are overwritten and {plan.counts.delete} keys
                  deleted; only the undo file brings them back.
                </label>
              )}
              <p className="hint" aria-live="polite">
                {blocked ?? 'Ready. The live values about to change are saved to an undo file first.'}
              </p>
            </>
          )}
          <div className="actions">
            <button type="button" onClick={() => setStep('options')} disabled={step === 'applying'}>
              Back
            </button>
            {plan.changes.length > 0 && (
              <button
                type="submit"
                className="button-danger"
                disabled={blocked !== null || step === 'applying'}
                data-testid="kv-restore-apply"
              >
                {step === 'applying' ? 'Applying…' : `Apply ${plan.changes.length} changes to ${target.name}`}
              </button>
            )}
          </div>
        </form>
      )}
      {step === 'done' && result !== null && (
        <div data-testid="kv-restore-result">
          <p>
            Applied {result.applied} changes in {result.transactions}{' '}
            {result.transactions === 1 ? 'transaction' : 'transactions'}.
          </p>
          {result.skipped.length > 0 && (
            <div className="warn">
              <p>Not touched, because they changed after the dry run:</p>
              <ul data-testid="kv-restore-skipped">
                {result.skipped.map((s) => (
                  <li key={s.key}>
                    <code>{s.key}</code> ({s.action}): {s.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <p>
            Undo file (the values this replaced; apply it with <code>snapshot-studio restore-keys FILE</code>
            ): <code data-testid="kv-restore-undo">{result.undoPath}</code>
          </p>
        </div>
      )}
    </section>
  )
}

const SIGN = { create: '+', update: '~', delete: '−' } as const

function ChangeList({ changes }: { changes: KvChangeWire[] }) {
  if (changes.length === 0)
    return <p className="muted">Nothing to change: the live keys already hold these values.</p>
  return (
    <ul className="kv-changes" data-testid="kv-restore-changes">
      {changes.map((change) => (
        <li key={change.key} data-action={change.action} data-key={change.key}>
          <p>
            <span className={`kv-change-${change.action}`}>
              {SIGN[change.action]} {change.action}
            </span>{' '}
            <code>{change.key}</code>
            {change.sourceKey !== undefined && <span className="muted"> from {change.sourceKey}</span>}
          </p>
          <div className="kv-diff">
            <ValueSide label="Live now" side={change.before} />
            <ValueSide label="After" side={change.after} />
          </div>
        </li>
      ))}
    </ul>
  )
}

function ValueSide({ label, side }: { label: string; side: KvValueSide | null }) {
  if (side === null)
    return (
      <div>
        <span className="muted">{label}: (no key)</span>
      </div>
    )
  const view = classifyValue(base64ToBytes(side.valueBase64))
  const shown = view.kind === 'json' ? view.pretty : view.kind === 'text' ? view.text : view.hex
  return (
    <div>
      <span className="muted">
        {label}: {formatBytes(side.size)}
        {side.flags !== '0' ? `, flags ${side.flags}` : ''}
        {side.truncated ? ' (first part shown)' : ''}
      </span>
      <pre>{shown}</pre>
    </div>
  )
}

/** Choosing what to restore while browsing: the folder on screen, or the key being viewed. */
export function KvChoiceBar(props: {
  prefix: string
  selectedKey: string | null
  choice: KvChoice
  onChange(choice: KvChoice): void
  onRestore(): void
}) {
  const { prefix, selectedKey, choice, onChange } = props
  const count = choice.prefixes.length + choice.keys.length
  const add = (kind: 'prefixes' | 'keys', value: string) =>
    onChange({ ...choice, [kind]: choice[kind].includes(value) ? choice[kind] : [...choice[kind], value] })
  const remove = (kind: 'prefixes' | 'keys', value: string) =>
    onChange({ ...choice, [kind]: choice[kind].filter((v) => v !== value) })
  return (
    <div className="kv-choice" data-testid="kv-choice">
      <button type="button" onClick={() => add('prefixes', prefix)} data-testid="kv-choose-folder">
        Select {prefix === '' ? 'every key' : `folder ${prefix}`}
      </button>
      {selectedKey !== null && (
        <button type="button" onClick={() => add('keys', selectedKey)} data-testid="kv-choose-key">
          Select key {selectedKey}
        </button>
      )}
      {choice.prefixes.map((p) => (
        <span key={`p:${p}`} className="tag">
          {p || '(every key)'}*{' '}
          <button
            type="button"
            className="link"
            aria-label={`Remove ${p || 'every key'}`}
            onClick={() => remove('prefixes', p)}
          >
            ×
          </button>
        </span>
      ))}
      {choice.keys.map((k) => (
        <span key={`k:${k}`} className="tag">
          {k}{' '}
          <button type="button" className="link" aria-label={`Remove ${k}`} onClick={() => remove('keys', k)}>
            ×
          </button>
        </span>
      ))}
      <button
        type="button"
        disabled={count === 0}
        onClick={props.onRestore}
        data-testid="kv-restore-selected"
      >
        Restore selected…
      </button>
    </div>
  )
}
