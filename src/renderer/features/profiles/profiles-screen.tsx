import { useEffect } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { EmptyState } from '../../components/empty-state'
import { EnvironmentBadge } from '../../components/environment-badge'
import { ProtectionBadge } from '../../components/protection-badge'
import { ScratchClusterBadge } from '../../components/scratch-cluster-badge'
import { selectNewProfileRequest, selectOpenSample, useNavigationStore } from '../../store/navigation-store'
import type { ProfileView } from '../../../shared/profile-types'
import { ConnectionTestView } from './connection-test-view'
import { ProfileFormView } from './profile-form-view'
import {
  selectConnectionTests,
  selectProfileForm,
  selectProfiles,
  selectProfilesStatus,
  useProfilesStore,
} from './profiles-store'

let handledNewProfileRequest = 0

export function ProfilesScreen() {
  const profiles = useProfilesStore(selectProfiles)
  const status = useProfilesStore(selectProfilesStatus)
  const form = useProfilesStore(selectProfileForm)
  const { startNew, importFromEnvironment } = useProfilesStore(
    useShallow((s) => ({ startNew: s.startNew, importFromEnvironment: s.importFromEnvironment })),
  )
  const newProfileRequest = useNavigationStore(selectNewProfileRequest)
  const openSample = useNavigationStore(selectOpenSample)

  useEffect(() => {
    // A request is handled once, not again each time the screen is shown.
    if (newProfileRequest <= handledNewProfileRequest) return
    handledNewProfileRequest = newProfileRequest
    startNew()
  }, [newProfileRequest, startNew])

  return (
    <section className="screen" aria-labelledby="profiles-title" data-screen="profiles" data-state={status}>
      <header className="screen-header">
        <h1 id="profiles-title">Connections</h1>
        <div className="actions">
          <button type="button" onClick={() => void importFromEnvironment()}>
            Import from Consul CLI environment
          </button>
          <button type="button" className="button-primary" onClick={() => startNew()}>
            New profile
          </button>
        </div>
      </header>
      {form !== null && <ProfileFormView />}
      {profiles.some((p) => p.secretStorage === 'plain-file') && (
        <p className="notice warn">
          Tokens are stored in a file readable only by your user (0600), not encrypted: this system has no
          keyring Snapshot Studio can use.
        </p>
      )}
      {status === 'ready' && profiles.length === 0 && form === null && (
        <EmptyState title="No profiles yet" testId="profiles-empty">
          <p>
            A profile remembers how to reach one Consul cluster: its address, datacenter, token and TLS
            settings.
          </p>
          <p>
            Create one with <strong>New profile</strong>, or take the settings your terminal already uses
            (CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN, …) with <strong>Import from Consul CLI environment</strong>.
          </p>
          <p>
            No cluster at hand? Snapshot files open without any profile — try the sample to see what Inspect
            shows.
          </p>
          <div className="actions">
            <button type="button" className="button-primary" onClick={() => startNew()}>
              New profile
            </button>
            <button type="button" onClick={openSample} data-testid="empty-open-sample">
              Open the sample snapshot
            </button>
          </div>
        </EmptyState>
      )}
      {profiles.length > 0 && (
        <ul className="profile-list" aria-label="Connection profiles">
          {profiles.map((p) => (
            <ProfileCard key={p.id} profile={p} />
          ))}
        </ul>
      )}
    </section>
  )
}

function ProfileCard({ profile }: { profile: ProfileView }) {
  const test = useProfilesStore(selectConnectionTests)[profile.id]
  const { startEdit, duplicate, remove, runTest } = useProfilesStore(
    useShallow((s) => ({
      startEdit: s.startEdit,
      duplicate: s.duplicate,
      remove: s.remove,
      runTest: s.test,
    })),
  )
  return (
    <li className="profile-card" data-testid="profile-card" data-profile-name={profile.name}>
      <div className="profile-card-main">
        <div className="profile-card-title">
          <h2>{profile.name}</h2>
          <EnvironmentBadge environment={profile.environment} />{' '}
          <ProtectionBadge protection={profile.protection} />
          {profile.scratchCluster && (
            <>
              {' '}
              <ScratchClusterBadge />
            </>
          )}
        </div>
        <dl className="facts">
          <dt>Address</dt>
          <dd>
            <code>{profile.connection.address}</code>
          </dd>
          {profile.connection.datacenter && (
            <>
              <dt>Datacenter</dt>
              <dd>{profile.connection.datacenter}</dd>
            </>
          )}
          <dt>Token</dt>
          <dd>{profile.tokenSet ? 'token set' : 'no token'}</dd>
          {profile.connection.tls.insecureSkipVerify && (
            <>
              <dt>TLS</dt>
              <dd className="warn">verification off</dd>
            </>
          )}
        </dl>
      </div>
      <div className="profile-card-actions">
        <button type="button" onClick={() => void runTest(profile.id)} disabled={test?.state === 'running'}>
          {test?.state === 'running' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" onClick={() => startEdit(profile.id)}>
          Edit
        </button>
        <button type="button" onClick={() => void duplicate(profile.id)}>
          Duplicate
        </button>
        <button
          type="button"
          className="button-danger"
          onClick={() => {
            if (window.confirm(`Delete the profile “${profile.name}”? Its stored token is deleted too.`))
              void remove(profile.id)
          }}
        >
          Delete
        </button>
      </div>
      {test !== undefined && <ConnectionTestView test={test} />}
    </li>
  )
}
