import { useEffect, useRef, type FormEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { ConnectionTestView } from './connection-test-view'
import { protectionLevels } from '../../../shared/profile-types'
import { PROTECTION_TEXT } from '../../components/protection-badge'
import { SCRATCH_CLUSTER_TEXT } from '../../components/scratch-cluster-badge'
import { clearTextTokenWarning, COLOURS, ENVIRONMENT_PRESETS } from './profile-draft'
import { selectProfileForm, useProfilesStore } from './profiles-store'

export function ProfileFormView() {
  const form = useProfilesStore(selectProfileForm)
  const { updateDraft, cancelForm, submitForm, testForm } = useProfilesStore(
    useShallow((s) => ({
      updateDraft: s.updateDraft,
      cancelForm: s.cancelForm,
      submitForm: s.submitForm,
      testForm: s.testForm,
    })),
  )
  const firstField = useRef<HTMLInputElement>(null)
  const formKey = form?.id ?? 'new'
  useEffect(() => {
    firstField.current?.focus()
  }, [formKey])
  if (form === null) return null
  const { draft, errors } = form
  const clearText = clearTextTokenWarning(draft, form.tokenSet, form.base)
  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    void submitForm()
  }
  return (
    <form
      className="card profile-form"
      onSubmit={onSubmit}
      aria-labelledby="profile-form-title"
      noValidate
      data-testid="profile-form"
    >
      <h2 id="profile-form-title">
        {form.id === undefined
          ? 'New profile'
          : `Edit ${form.base && 'name' in form.base ? form.base.name : draft.name}`}
      </h2>
      {form.notes.map((note) => (
        <p key={note} className="hint">
          {note}
        </p>
      ))}
      <div className="form-grid">
        <label htmlFor="profile-name">Name</label>
        <div>
          <input
            id="profile-name"
            ref={firstField}
            value={draft.name}
            onChange={(e) => updateDraft({ name: e.target.value })}
            aria-invalid={errors.name !== undefined}
            aria-describedby={errors.name ? 'profile-name-error' : undefined}
            autoComplete="off"
          />
          {errors.name && (
            <p id="profile-name-error" className="field-error">
              {errors.name}
            </p>
          )}
        </div>
        <label htmlFor="profile-address">Address</label>
        <div>
          <input
            id="profile-address"
            value={draft.address}
            onChange={(e) => updateDraft({ address: e.target.value })}
            aria-invalid={errors.address !== undefined}
            aria-describedby={errors.address ? 'profile-address-error' : undefined}
            placeholder="http://127.0.0.1:8500"
            autoComplete="off"
            spellCheck={false}
          />
          {errors.address && (
            <p id="profile-address-error" className="field-error">
              {errors.address}
            </p>
          )}
        </div>
        <label htmlFor="profile-datacenter">Datacenter</label>
        <div>
          <input
            id="profile-datacenter"
            value={draft.datacenter}
            onChange={(e) => updateDraft({ datacenter: e.target.value })}
            aria-invalid={errors.datacenter !== undefined}
            aria-describedby={errors.datacenter ? 'profile-datacenter-error' : undefined}
            placeholder="the agent's own"
            autoComplete="off"
          />
          {errors.datacenter && (
            <p id="profile-datacenter-error" className="field-error">
              {errors.datacenter}
            </p>
          )}
        </div>
        <label htmlFor="profile-environment">Environment</label>
        <div className="inline-fields">
          <input
            id="profile-environment"
            list="environment-presets"
            value={draft.environmentLabel}
            onChange={(e) => {
              const preset = ENVIRONMENT_PRESETS.find((p) => p.label === e.target.value)
              updateDraft(
                preset
                  ? { environmentLabel: preset.label, colour: preset.colour }
                  : { environmentLabel: e.target.value },
              )
            }}
            aria-invalid={errors.environmentLabel !== undefined}
            autoComplete="off"
          />
          <datalist id="environment-presets">
            {ENVIRONMENT_PRESETS.map((p) => (
              <option key={p.label} value={p.label} />
            ))}
          </datalist>
          <label htmlFor="profile-colour" className="visually-hidden">
            Colour
          </label>
          <select
            id="profile-colour"
            value={draft.colour}
            onChange={(e) => updateDraft({ colour: COLOURS.find((c) => c === e.target.value) ?? 'grey' })}
          >
            {COLOURS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          <span className={`env-swatch env-${draft.colour}`} aria-hidden="true" />
          {errors.environmentLabel && <p className="field-error">{errors.environmentLabel}</p>}
        </div>
        <label htmlFor="profile-protection">Protection</label>
        <div>
          <select
            id="profile-protection"
            value={draft.protection}
            disabled={draft.scratchCluster}
            onChange={(e) =>
              updateDraft({ protection: protectionLevels.find((p) => p === e.target.value) ?? 'normal' })
            }
          >
            {protectionLevels.map((level) => (
              <option key={level} value={level}>
                {PROTECTION_TEXT[level].label}
              </option>
            ))}
          </select>
          <p className="hint">{PROTECTION_TEXT[draft.protection].explanation}</p>
          <label className="inline-check">
            <input
              type="checkbox"
              checked={draft.scratchCluster}
              onChange={(e) =>
                // A scratch cluster's state is thrown away by drills, so it cannot also be guarded.
                updateDraft(
                  e.target.checked
                    ? { scratchCluster: true, protection: 'normal' }
                    : { scratchCluster: false },
                )
              }
            />{' '}
            Scratch cluster for restore drills
          </label>
          {draft.scratchCluster && <p className="hint">{SCRATCH_CLUSTER_TEXT.explanation}</p>}
        </div>
        <label htmlFor="profile-token">ACL token</label>
        <div>
          <input
            id="profile-token"
            type="password"
            value={draft.token}
            onChange={(e) => updateDraft({ token: e.target.value, clearToken: false })}
            placeholder={form.tokenSet ? 'token set — type to replace' : 'none'}
            autoComplete="off"
            spellCheck={false}
          />
          {form.tokenSet && (
            <label className="inline-check">
              <input
                type="checkbox"
                checked={draft.clearToken}
                onChange={(e) => updateDraft({ clearToken: e.target.checked, token: '' })}
              />{' '}
              Remove the stored token
            </label>
          )}
          {clearText !== null && (
            <p className="notice warn" role="alert" data-testid="clear-text-token">
              {clearText}
            </p>
          )}
        </div>
        <label htmlFor="profile-ca">CA file</label>
        <input
          id="profile-ca"
          value={draft.caFile}
          onChange={(e) => updateDraft({ caFile: e.target.value })}
          placeholder="CONSUL_CACERT (optional)"
          spellCheck={false}
        />
        <label htmlFor="profile-sni">TLS server name</label>
        <input
          id="profile-sni"
          value={draft.tlsServerName}
          onChange={(e) => updateDraft({ tlsServerName: e.target.value })}
          placeholder="CONSUL_TLS_SERVER_NAME (optional)"
          spellCheck={false}
        />
        <span />
        <label className="inline-check">
          <input
            type="checkbox"
            checked={draft.insecureSkipVerify}
            onChange={(e) => updateDraft({ insecureSkipVerify: e.target.checked })}
          />{' '}
          Skip TLS verification (CONSUL_HTTP_SSL_VERIFY=false)
        </label>
      </div>
      {form.test !== undefined && <ConnectionTestView test={form.test} />}
      <div className="actions">
        <button type="button" onClick={cancelForm}>
          Cancel
        </button>
        <button
          type="button"
          onClick={() => void testForm()}
          disabled={form.test?.state === 'running'}
          data-testid="profile-form-test"
        >
          {form.test?.state === 'running' ? 'Testing…' : 'Test these settings'}
        </button>
        <button type="submit" className="button-primary" disabled={form.saving}>
          {form.saving ? 'Saving…' : 'Save profile'}
        </button>
      </div>
    </form>
  )
}
