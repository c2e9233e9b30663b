// Redaction record by record, on records shaped exactly as Consul writes them: each secret field
// is replaced, the record keeps every other byte, records without secrets pass through unchanged,
// and the copy is a snapshot that our Consul-faithful reader verifies.
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeMsgpackValue, MsgpackBytes, readSnapshot } from '../../../../src/main/services/snapshot'
import { RecordSplitter } from '../../../../src/main/services/snapshot/record-splitter'
import {
  redactSnapshot,
  type RedactReport,
} from '../../../../src/main/services/snapshot/redact/redact-snapshot'
import {
  aclTokenRecord,
  buildStateBin,
  chunkingStateRecord,
  configEntryRecord,
  encodeGo,
  kvsRecord,
  preparedQueryRecord,
  registerCheckRecord,
  systemMetadataRecord,
  writeSnapshotFile,
  type StateRecord,
} from '../../../support/state-bin-writer'

const PEM =
  '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkRuleOfThumbSecretMaterialForTheTest0123456789abcdefAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n'
const SECRET_A = '6b9a2c1e-0d4f-4b8e-9a7c-3e5f1d2b4c6a'
const SECRET_B = 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b'
const MGMT = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'

const records: StateRecord[] = [
  aclTokenRecord({ accessorId: '00000000-0000-0000-0000-000000000002', secretId: 'anonymous' }),
  aclTokenRecord({ accessorId: 'a0000000-0000-4000-8000-000000000001', secretId: SECRET_A }),
  aclTokenRecord({ accessorId: 'a0000000-0000-4000-8000-000000000002', secretId: SECRET_B }),
  kvsRecord({ key: 'app/secrets/db', value: 'hunter2-password' }),
  kvsRecord({ key: 'app/config/port', value: '8080' }),
  preparedQueryRecord({ id: 'q1', name: 'q', service: 'web', token: 'query-token-secret' }),
  configEntryRecord('inline-certificate', { Name: 'gw-cert', Certificate: 'PUBLIC CERT', PrivateKey: PEM }),
  configEntryRecord('service-defaults', { Name: 'web', Protocol: 'http' }),
  systemMetadataRecord('server-management-token', MGMT),
  chunkingStateRecord(),
  registerCheckRecord(
    { node: 'web-1', address: '10.0.0.5' },
    {
      checkId: 'api',
      name: 'API',
      http: 'https://10.0.0.5/health',
      headers: { Authorization: ['Bearer check-header-secret'], 'X-Env': ['prod', 'eu'] },
    },
  ),
]

async function recordsOf(file: string): Promise<Array<{ type: number; value: Buffer }>> {
  const out: Array<{ type: number; value: Buffer }> = []
  await readSnapshot(
    file,
    new RecordSplitter({
      header: () => undefined,
      record: (type, value) => out.push({ type, value: Buffer.from(value) }),
    }),
  )
  return out
}

const text = (v: unknown): string => (v instanceof MsgpackBytes ? v.text : '')
const decoded = (value: Buffer) => decodeMsgpackValue(value).value as Record<string, unknown>

describe('redactSnapshot', () => {
  let dir: string
  let report: RedactReport
  let after: Array<{ type: number; value: Buffer }>

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ss-redact-'))
    await writeSnapshotFile(join(dir, 'in.snap'), buildStateBin(42, records))
    report = await redactSnapshot(join(dir, 'in.snap'), join(dir, 'out.snap'), {
      kvPrefixes: ['/app/secrets/'],
    })
    after = await recordsOf(join(dir, 'out.snap'))
  })

  it('keeps every record, in order, and the verifier accepts the copy', () => {
    expect(after.map((r) => r.type)).toEqual(records.map((r) => r.type))
    expect(report.records).toBe(records.length)
  })

  it('gives token secrets fresh UUIDs but keeps the well-known anonymous one', () => {
    const secrets = after.filter((r) => r.type === 17).map((r) => text(decoded(r.value)['SecretID']))
    expect(secrets[0]).toBe('anonymous')
    expect(secrets.slice(1)).not.toContain(SECRET_A)
    expect(secrets.slice(1)).not.toContain(SECRET_B)
    for (const s of secrets.slice(1)) expect(s).toMatch(/^[0-9a-f-]{36}$/)
    expect(secrets[1]).not.toBe(secrets[2])
  })

  it('changes nothing in a token record but its SecretID', () => {
    const before = decoded(encodeGo(records[1]?.value))
    const changed = decoded(after[1]?.value as Buffer)
    expect({ ...changed, SecretID: null }).toEqual({ ...before, SecretID: null })
  })

  it('empties KV values only under the chosen prefix (a leading "/" is ignored)', () => {
    const kv = after.filter((r) => r.type === 2).map((r) => decoded(r.value))
    expect(text(kv[0]?.['Value'])).toBe('')
    expect(text(kv[1]?.['Value'])).toBe('8080')
  })

  it('blanks the prepared query token, the management token and an inline certificate private key', async () => {
    expect(text(decoded(after[5]?.value as Buffer)['Token'])).toBe('')
    const mgmt = text(decoded(after[8]?.value as Buffer)['Value'])
    expect(mgmt).not.toBe(MGMT)
    expect(mgmt).toMatch(/^[0-9a-f-]{36}$/)
    const inner = (after[6]?.value as Buffer).subarray(1 + (after[6]?.value[0] === 0xda ? 2 : 0))
    const kind = decodeMsgpackValue(inner)
    const request = decodeMsgpackValue(inner, kind.end).value as Record<string, Record<string, unknown>>
    expect(text(request['Entry']?.['PrivateKey'])).toBe('')
    expect(text(request['Entry']?.['Certificate'])).toBe('PUBLIC CERT')
    const bytes = gunzipSync(await readFile(join(dir, 'out.snap')))
    for (const secret of [SECRET_A, SECRET_B, MGMT, 'query-token-secret', 'hunter2-password', 'MHcCAQEEIBk'])
      expect(bytes.indexOf(secret), secret).toBe(-1)
  })

  it('empties every health-check header value, the names and the rest of the check kept', () => {
    const check = decoded(after[10]?.value as Buffer)['Check'] as Record<string, unknown>
    const definition = check['Definition'] as Record<string, unknown>
    const header = definition['Header'] as Map<unknown, unknown> | Record<string, unknown>
    const entries = header instanceof Map ? [...header.entries()] : Object.entries(header)
    expect(entries.map(([k, v]) => [text(k) || k, (v as unknown[]).map(text)])).toEqual([
      ['Authorization', ['']],
      ['X-Env', ['', '']],
    ])
    expect(text(definition['HTTP'])).toBe('https://10.0.0.5/health')
    expect(report.blanked['check-header']).toBe(3)
  })

  it('passes records without secrets through byte for byte', () => {
    for (const i of [0, 4, 7, 9]) expect(after[i]?.value.equals(encodeGo(records[i]?.value))).toBe(true)
  })

  it('reports the replacements by kind', () => {
    expect(report.blanked).toMatchObject({
      'acl-token-secret': 2,
      'kv-value': 1,
      'prepared-query-token': 1,
      'config-entry-private-key': 1,
      'server-management-token': 1,
    })
  })

  it('refuses to write over an existing file', async () => {
    await expect(redactSnapshot(join(dir, 'in.snap'), join(dir, 'out.snap'))).rejects.toMatchObject({
      code: 'FILE_EXISTS',
    })
  })
})
