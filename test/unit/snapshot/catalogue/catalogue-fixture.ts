// A small snapshot with one of everything the catalogue shows, and the secrets planted in it, so
// specs can assert both what is listed and that no secret leaks.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { catalogueFromStateStream } from '../../../../src/main/services/snapshot/catalogue/catalogue-sink'
import type { SnapshotCatalogue } from '../../../../src/main/services/snapshot/catalogue/snapshot-catalogue'
import {
  aclAuthMethodRecord,
  aclBindingRuleRecord,
  aclPolicyRecord,
  aclRoleRecord,
  aclTokenRecord,
  buildStateBin,
  chunkingStateRecord,
  configEntryRecord,
  goMap,
  indexRecord,
  kvsRecord,
  legacyIntentionRecord,
  preparedQueryRecord,
  registerCheckRecord,
  registerNodeRecord,
  registerServiceRecord,
  sessionRecord,
  systemMetadataRecord,
  tombstoneRecord,
  type StateRecord,
} from '../../../support/state-bin-writer'

export const SECRETS = {
  tokenSecret: '5f1c2d3e-aaaa-bbbb-cccc-000000000001',
  anonymousSecret: 'anonymous',
  queryToken: 'query-token-9d8c7b6a',
  managementToken: 'server-mgmt-token-1234',
  jwt: 'eyJhbGciOiJSUzI1NiJ9.k8s-service-account-jwt',
  privateKey: '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIKk\n-----END EC PRIVATE KEY-----\n',
  authHeader: 'Bearer check-header-secret',
}

const web = {
  node: 'web-1',
  id: '11111111-1111-1111-1111-111111111111',
  address: '10.0.0.1',
  meta: { rack: 'r1' },
}
const db = { node: 'db-1', id: '22222222-2222-2222-2222-222222222222', address: '10.0.0.2' }

export const BINARY_VALUE = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f])

export function fixtureRecords(): StateRecord[] {
  return [
    registerNodeRecord(web),
    registerServiceRecord(web, { id: 'web', service: 'web', port: 8080, tags: ['v1'] }),
    registerServiceRecord(web, {
      id: 'web-sidecar-proxy',
      service: 'web-sidecar-proxy',
      kind: 'connect-proxy',
      port: 21000,
    }),
    registerCheckRecord(web, { checkId: 'serfHealth', name: 'Serf Health Status' }),
    registerCheckRecord(web, {
      checkId: 'web-http',
      name: 'web http',
      serviceId: 'web',
      serviceName: 'web',
      http: 'http://10.0.0.1:8080/health',
      headers: { Authorization: [SECRETS.authHeader] },
      status: 'critical',
    }),
    registerNodeRecord(db),
    registerServiceRecord(db, { id: 'postgres', service: 'postgres', port: 5432 }),
    sessionRecord({
      id: 'aaaaaaaa-0000-0000-0000-000000000001',
      name: 'leader-lock',
      node: 'web-1',
      ttl: '15s',
    }),
    aclTokenRecord({
      accessorId: '00000000-0000-0000-0000-000000000002',
      secretId: SECRETS.anonymousSecret,
      description: 'Anonymous Token',
    }),
    aclTokenRecord({
      accessorId: 'bbbbbbbb-0000-0000-0000-000000000001',
      secretId: SECRETS.tokenSecret,
      description: 'deploy pipeline',
      policies: [{ ID: 'cccccccc-0000-0000-0000-000000000001', Name: 'kv-writer' }],
    }),
    aclPolicyRecord({ id: '00000000-0000-0000-0000-000000000001', name: 'global-management', rules: '' }),
    aclPolicyRecord({
      id: 'cccccccc-0000-0000-0000-000000000001',
      name: 'kv-writer',
      rules: 'key_prefix "" { policy = "write" }',
    }),
    aclRoleRecord({ id: 'dddddddd-0000-0000-0000-000000000001', name: 'operators' }),
    aclBindingRuleRecord({
      id: 'eeeeeeee-0000-0000-0000-000000000001',
      authMethod: 'k8s',
      bindName: '${serviceaccount.name}',
    }),
    aclAuthMethodRecord({
      name: 'k8s',
      type: 'kubernetes',
      config: { Host: 'https://k8s.local', ServiceAccountJWT: SECRETS.jwt },
    }),
    kvsRecord({ key: 'app/', value: null, createIndex: 20 }),
    kvsRecord({
      key: 'app/config.json',
      value: '{"debug": true, "level": 3}',
      flags: 42,
      createIndex: 21,
      modifyIndex: 25,
    }),
    kvsRecord({
      key: 'app/db/password',
      value: 'hunter2',
      session: 'aaaaaaaa-0000-0000-0000-000000000001',
      lockIndex: 1,
    }),
    kvsRecord({ key: 'app/db/url', value: 'postgres://db-1:5432/app' }),
    kvsRecord({ key: 'bin/blob', value: BINARY_VALUE, flags: 18446744073709551615n }),
    kvsRecord({ key: 'empty', value: null }),
    kvsRecord({ key: 'html/<tag>&amp', value: 'x' }),
    kvsRecord({ key: 'top', value: 'level' }),
    tombstoneRecord('app/deleted', 30),
    preparedQueryRecord({
      id: 'ffffffff-0000-0000-0000-000000000001',
      name: 'nearest-web',
      service: 'web',
      token: SECRETS.queryToken,
    }),
    legacyIntentionRecord({
      id: '99999999-0000-0000-0000-000000000001',
      source: 'legacy-src',
      destination: 'legacy-dst',
      action: 'deny',
    }),
    configEntryRecord(
      'proxy-defaults',
      { Name: 'global', Config: goMap({ protocol: 'http' }) },
      { selfMarshalled: true },
    ),
    configEntryRecord('service-defaults', {
      Name: 'web',
      Protocol: 'http',
      Meta: null,
      CreateIndex: 40,
      ModifyIndex: 40,
    }),
    configEntryRecord('service-intentions', {
      Name: 'postgres',
      Sources: [
        { Name: 'web', Action: 'allow', Precedence: 9, Type: 'consul', Description: 'web may query' },
        { Name: '*', Action: 'deny', Precedence: 8, Type: 'consul', Description: '' },
      ],
      CreateIndex: 41,
      ModifyIndex: 41,
    }),
    configEntryRecord('inline-certificate', {
      Name: 'gw-cert',
      Certificate: '-----BEGIN CERTIFICATE-----',
      PrivateKey: SECRETS.privateKey,
    }),
    configEntryRecord('service-resolver', { Name: 'big-hash', Hash: 18208480688038965425n }),
    systemMetadataRecord('intention-format', 'config-entry'),
    systemMetadataRecord('server-management-token', SECRETS.managementToken),
    indexRecord('kvs', 30),
    chunkingStateRecord(),
  ]
}

export function fixtureStateBin(): Buffer {
  return buildStateBin(99, fixtureRecords())
}

/** Yields `bytes` in chunks of pseudo-random sizes (1..maxChunk), to cross every boundary. */
export async function* chunked(bytes: Buffer, maxChunk: number, seed = 7): AsyncGenerator<Buffer> {
  let s = seed
  let pos = 0
  while (pos < bytes.length) {
    s = (s * 1103515245 + 12345) % 2147483648
    const n = 1 + (s % maxChunk)
    yield bytes.subarray(pos, pos + n)
    pos += n
  }
}

export interface OpenedFixture {
  catalogue: SnapshotCatalogue
  spillDir: string
  cleanup: () => Promise<void>
}

export async function openFixture(
  stateBin: Buffer = fixtureStateBin(),
  maxChunk = 64,
): Promise<OpenedFixture> {
  const spillDir = mkdtempSync(path.join(tmpdir(), 'catalogue-spec-'))
  const catalogue = await catalogueFromStateStream(chunked(stateBin, maxChunk), { spillDir })
  return {
    catalogue,
    spillDir,
    cleanup: async () => {
      await catalogue.close()
      rmSync(spillDir, { recursive: true, force: true })
    },
  }
}

export const filesIn = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String)
