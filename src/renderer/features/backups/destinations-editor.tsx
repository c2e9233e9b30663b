import type { ReactNode } from 'react'
import {
  azureAuthKinds,
  azureEnvironments,
  destinationNeedsSecret,
  destinationSecretName,
  newPlanDestination,
  planLimits,
  type AzureBlobPlanDestination,
  type GcsPlanDestination,
  type PlanDestination,
  type S3PlanDestination,
} from '../../../shared/backup-plan-schema'
import type { PlanErrors } from './plan-validation'

const KIND_LABELS: Record<PlanDestination['kind'], string> = {
  local: 'Folder',
  s3: 'S3 or S3-compatible',
  'azure-blob': 'Azure Blob',
  gcs: 'Google Cloud Storage',
}

const AZURE_AUTH_LABELS: Record<AzureBlobPlanDestination['auth'], string> = {
  'shared-key': 'Account key',
  sas: 'SAS token',
  'connection-string': 'Connection string',
  'service-principal': 'Service principal',
}

interface Props {
  destinations: PlanDestination[]
  errors: PlanErrors
  onChange(destinations: PlanDestination[]): void
}

/**
 * Where a plan's backups go: any number of folders and stores, each with its own settings. A
 * store's secret is typed here and sent once; afterwards the host says only that one is kept.
 */
export function DestinationsEditor({ destinations, errors, onChange }: Props) {
  const replace = (index: number, next: PlanDestination) =>
    onChange(destinations.map((d, i) => (i === index ? next : d)))
  return (
    <div className="destinations" data-testid="plan-destinations">
      {destinations.map((destination, index) => (
        <fieldset
          key={index}
          className="destination"
          data-testid="plan-destination"
          data-kind={destination.kind}
        >
          <legend>
            {KIND_LABELS[destination.kind]}
            {destinations.length > 1 && (
              <button
                type="button"
                className="link-button"
                data-testid="plan-destination-remove"
                onClick={() => onChange(destinations.filter((_, i) => i !== index))}
              >
                Remove
              </button>
            )}
          </legend>
          <DestinationFields
            destination={destination}
            first={index === 0}
            error={(field) => errors[`destinations.${index}.${field}`]}
            onChange={(next) => replace(index, next)}
          />
        </fieldset>
      ))}
      {errors.destinations && <p className="field-error">{errors.destinations}</p>}
      {destinations.length < planLimits.destinations && (
        <div className="inline-fields">
          <span className="hint">Add:</span>
          {(Object.keys(KIND_LABELS) as PlanDestination['kind'][]).map((kind) => (
            <button
              key={kind}
              type="button"
              data-testid={`plan-destination-add-${kind}`}
              onClick={() => onChange([...destinations, newPlanDestination(kind)])}
            >
              {KIND_LABELS[kind]}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}

interface FieldsProps<D extends PlanDestination> {
  destination: D
  first: boolean
  error(field: string): string | undefined
  onChange(next: PlanDestination): void
}

function DestinationFields(props: FieldsProps<PlanDestination>) {
  const { destination } = props
  switch (destination.kind) {
    case 'local':
      return (
        <Field
          label="Folder"
          error={props.error('path')}
          hint="A folder on the computer that runs Snapshot Studio."
        >
          <input
            id={props.first ? 'plan-folder' : undefined}
            className="wide"
            spellCheck={false}
            data-testid="plan-folder"
            value={destination.path}
            onChange={(e) => props.onChange({ ...destination, path: e.target.value })}
          />
        </Field>
      )
    case 's3':
      return <S3Fields {...props} destination={destination} />
    case 'azure-blob':
      return <AzureFields {...props} destination={destination} />
    case 'gcs':
      return <GcsFields {...props} destination={destination} />
  }
}

function S3Fields({ destination: d, error, onChange }: FieldsProps<S3PlanDestination>) {
  const set = (patch: Partial<S3PlanDestination>) => onChange({ ...d, ...patch })
  const sse = d.serverSideEncryption
  return (
    <div className="destination-fields">
      <Text
        label="Bucket"
        name="s3-bucket"
        value={d.bucket}
        error={error('bucket')}
        onChange={(bucket) => set({ bucket })}
      />
      <Text
        label="Region"
        name="s3-region"
        value={d.region}
        error={error('region')}
        onChange={(region) => set({ region })}
      />
      <Text
        label="Key prefix"
        name="s3-prefix"
        value={d.prefix}
        error={error('prefix')}
        hint="Empty stores at the top of the bucket."
        onChange={(prefix) => set({ prefix })}
      />
      <Optional
        label="Endpoint"
        name="s3-endpoint"
        value={d.endpoint}
        error={error('endpoint')}
        placeholder="AWS itself; or e.g. https://minio.example.com:9000"
        onChange={(endpoint) => set({ endpoint })}
      />
      <Check
        label="Path-style addressing"
        name="s3-path-style"
        checked={d.forcePathStyle}
        onChange={(forcePathStyle) => set({ forcePathStyle })}
      />
      <Field label="Server-side encryption" error={error('serverSideEncryption')}>
        <select
          data-testid="plan-s3-sse"
          value={sse.mode}
          onChange={(e) =>
            set({
              serverSideEncryption:
                e.target.value === 'aws:kms'
                  ? { mode: 'aws:kms', keyId: null }
                  : e.target.value === 'AES256'
                    ? { mode: 'AES256' }
                    : { mode: 'none' },
            })
          }
        >
          <option value="none">None</option>
          <option value="AES256">AES256 (S3-managed keys)</option>
          <option value="aws:kms">SSE-KMS</option>
        </select>
      </Field>
      {sse.mode === 'aws:kms' && (
        <Optional
          label="KMS key id"
          name="s3-kms-key"
          value={sse.keyId}
          error={error('serverSideEncryption.keyId')}
          placeholder="the bucket's default key"
          onChange={(keyId) => set({ serverSideEncryption: { mode: 'aws:kms', keyId } })}
        />
      )}
      <Optional
        label="CA file"
        name="s3-ca-file"
        value={d.caFile}
        error={error('caFile')}
        placeholder="the system's certificates"
        onChange={(caFile) => set({ caFile })}
      />
      <Field label="Credentials">
        <select
          data-testid="plan-s3-credentials"
          value={d.credentials.kind}
          onChange={(e) =>
            set({
              credentials:
                e.target.value === 'static' ? { kind: 'static', accessKeyId: '' } : { kind: 'chain' },
            })
          }
        >
          <option value="chain">The standard AWS chain (environment, profile, role)</option>
          <option value="static">Access key</option>
        </select>
      </Field>
      {d.credentials.kind === 'static' && (
        <>
          <Text
            label="Access key id"
            name="s3-access-key-id"
            value={d.credentials.accessKeyId}
            error={error('credentials.accessKeyId')}
            onChange={(accessKeyId) => set({ credentials: { kind: 'static', accessKeyId } })}
          />
          <SecretInput destination={d} error={error('secret')} onChange={onChange} />
        </>
      )}
    </div>
  )
}

function AzureFields({ destination: d, error, onChange }: FieldsProps<AzureBlobPlanDestination>) {
  const set = (patch: Partial<AzureBlobPlanDestination>) => onChange({ ...d, ...patch })
  return (
    <div className="destination-fields">
      <Field label="Sign in with">
        <select
          data-testid="plan-azure-auth"
          value={d.auth}
          onChange={(e) => set({ auth: e.target.value as AzureBlobPlanDestination['auth'] })}
        >
          {azureAuthKinds.map((kind) => (
            <option key={kind} value={kind}>
              {AZURE_AUTH_LABELS[kind]}
            </option>
          ))}
        </select>
      </Field>
      {d.auth !== 'connection-string' && (
        <Text
          label="Storage account"
          name="azure-account"
          value={d.accountName}
          error={error('accountName')}
          onChange={(accountName) => set({ accountName })}
        />
      )}
      <Text
        label="Container"
        name="azure-container"
        value={d.container}
        error={error('container')}
        onChange={(container) => set({ container })}
      />
      <Text
        label="Blob prefix"
        name="azure-prefix"
        value={d.prefix}
        error={error('prefix')}
        onChange={(prefix) => set({ prefix })}
      />
      {d.auth !== 'connection-string' && (
        <Optional
          label="Endpoint"
          name="azure-endpoint"
          value={d.endpoint}
          error={error('endpoint')}
          placeholder="the cloud's own; or e.g. http://127.0.0.1:10000/devstoreaccount1"
          onChange={(endpoint) => set({ endpoint })}
        />
      )}
      <Field label="Cloud">
        <select
          data-testid="plan-azure-environment"
          value={d.environment}
          onChange={(e) => set({ environment: e.target.value as AzureBlobPlanDestination['environment'] })}
        >
          {azureEnvironments.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </Field>
      {d.auth === 'service-principal' && (
        <>
          <Optional
            label="Tenant ID"
            name="azure-tenant"
            value={d.tenantId}
            error={error('tenantId')}
            onChange={(tenantId) => set({ tenantId })}
          />
          <Optional
            label="Client ID"
            name="azure-client"
            value={d.clientId}
            error={error('clientId')}
            onChange={(clientId) => set({ clientId })}
          />
        </>
      )}
      <SecretInput destination={d} error={error('secret')} onChange={onChange} />
    </div>
  )
}

function GcsFields({ destination: d, error, onChange }: FieldsProps<GcsPlanDestination>) {
  const set = (patch: Partial<GcsPlanDestination>) => onChange({ ...d, ...patch })
  return (
    <div className="destination-fields">
      <Text
        label="Bucket"
        name="gcs-bucket"
        value={d.bucket}
        error={error('bucket')}
        onChange={(bucket) => set({ bucket })}
      />
      <Text
        label="Object prefix"
        name="gcs-prefix"
        value={d.prefix}
        error={error('prefix')}
        onChange={(prefix) => set({ prefix })}
      />
      <Field label="Sign in with">
        <select
          data-testid="plan-gcs-auth"
          value={d.keyFile === null ? 'adc' : 'key-file'}
          // An empty path keeps the choice (and the schema's "a key file path is needed").
          onChange={(e) => set({ keyFile: e.target.value === 'key-file' ? '' : null })}
        >
          <option value="adc">Application Default Credentials</option>
          <option value="key-file">Service-account key file</option>
        </select>
      </Field>
      {d.keyFile === null ? (
        <p className="hint" data-testid="plan-gcs-adc-hint">
          GOOGLE_APPLICATION_CREDENTIALS, gcloud auth application-default login, or the metadata server of the
          computer that runs Snapshot Studio. With an endpoint (an emulator), requests are sent unsigned.
        </p>
      ) : (
        <Text
          label="Key file"
          name="gcs-key-file"
          value={d.keyFile}
          error={error('keyFile')}
          hint="The JSON key of a service account, on the computer that runs Snapshot Studio."
          onChange={(keyFile) => set({ keyFile })}
        />
      )}
      <Optional
        label="Project"
        name="gcs-project"
        value={d.projectId}
        error={error('projectId')}
        onChange={(projectId) => set({ projectId })}
      />
      <Optional
        label="Endpoint"
        name="gcs-endpoint"
        value={d.endpoint}
        error={error('endpoint')}
        placeholder="Google's own; or an emulator's address"
        onChange={(endpoint) => set({ endpoint })}
      />
    </div>
  )
}

/**
 * The destination's secret, masked. A kept secret is never sent back to the page, so the field
 * stays empty and says "kept"; typing replaces it on save.
 */
function SecretInput({
  destination,
  error,
  onChange,
}: {
  destination: S3PlanDestination | AzureBlobPlanDestination
  error: string | undefined
  onChange(next: PlanDestination): void
}) {
  if (!destinationNeedsSecret(destination)) return null
  const typed = destination.secret?.kind === 'set' ? destination.secret.value : ''
  const kept = destination.secretSet === true && typed === ''
  const name = destinationSecretName(destination).replace(/^the /, '')
  return (
    <Field label={name.charAt(0).toUpperCase() + name.slice(1)} error={error}>
      <span className="secret-field">
        <input
          type="password"
          autoComplete="off"
          spellCheck={false}
          data-testid="plan-destination-secret"
          placeholder={kept ? 'kept (type to replace)' : ''}
          value={typed}
          onChange={(e) => {
            const { secret: _secret, ...rest } = destination
            onChange(
              e.target.value === '' ? rest : { ...rest, secret: { kind: 'set', value: e.target.value } },
            )
          }}
        />
        {kept && (
          <span className="tag" data-testid="plan-destination-secret-kept">
            kept
          </span>
        )}
      </span>
    </Field>
  )
}

function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string
  error?: string
  hint?: string
  children: ReactNode
}) {
  return (
    <label className="destination-field">
      <span className="destination-label">{label}</span>
      {children}
      {hint && <span className="hint">{hint}</span>}
      {error && <span className="field-error">{error}</span>}
    </label>
  )
}

function Text(props: {
  label: string
  name: string
  value: string
  error?: string
  hint?: string
  placeholder?: string
  onChange(value: string): void
}) {
  return (
    <Field label={props.label} error={props.error} hint={props.hint}>
      <input
        spellCheck={false}
        data-testid={`plan-${props.name}`}
        placeholder={props.placeholder}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </Field>
  )
}

/** A setting that is null when left empty (the store's default). */
function Optional(
  props: Omit<Parameters<typeof Text>[0], 'value' | 'onChange'> & {
    value: string | null
    onChange(value: string | null): void
  },
) {
  return (
    <Text
      {...props}
      value={props.value ?? ''}
      onChange={(value) => props.onChange(value.trim() === '' ? null : value)}
    />
  )
}

function Check(props: { label: string; name: string; checked: boolean; onChange(value: boolean): void }) {
  return (
    <label className="inline-check destination-field">
      <input
        type="checkbox"
        data-testid={`plan-${props.name}`}
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
      />{' '}
      {props.label}
    </label>
  )
}
