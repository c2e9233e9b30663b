import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import { loadAgentConfig, type AgentFlags } from '../../../src/main/services/backups/agent-config'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ss-s3-config-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function configFile(content: unknown, name = 's3.json'): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, JSON.stringify(content))
  return path
}
const load = async (flags: AgentFlags) => loadAgentConfig({ flags, env: {}, cwd: dir })
async function refusal(flags: AgentFlags): Promise<string> {
  const error = await load(flags).then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppError)
  return (error as AppError).message
}

describe('aws_storage (the single-store form)', () => {
  it('replaces local storage, with the Enterprise defaults', async () => {
    const path = await configFile({
      snapshot_agent: {
        local_storage: { path: '.' },
        aws_storage: {
          s3_region: 'eu-west-1',
          s3_bucket: 'backups',
          access_key_id: '',
          secret_access_key: '',
        },
      },
    })
    expect((await load({ configFiles: [path] })).destinations).toEqual([
      {
        kind: 's3',
        region: 'eu-west-1',
        bucket: 'backups',
        keyPrefix: 'consul-snapshot',
        endpoint: null,
        forcePathStyle: false,
        serverSideEncryption: { mode: 'none' },
        staticSnapshotName: null,
        credentials: null,
        caFile: null,
      },
    ])
  })

  it('reads every key: endpoint without scheme, KMS, static name, static keys, CA bundle', async () => {
    const path = await configFile({
      snapshot_agent: {
        aws_storage: {
          access_key_id: 'AKIDEXAMPLE',
          secret_access_key: 'wJalrXUtnFEMI',
          session_token: 'tok',
          s3_region: 'us-east-1',
          s3_bucket: 'b',
          s3_key_prefix: '/consul/prod/',
          s3_endpoint: 'minio.internal:9000',
          s3_force_path_style: true,
          s3_server_side_encryption: true,
          s3_enable_kms: true,
          s3_kms_key: 'alias/backups',
          s3_static_snapshot_name: 'latest.snap',
          s3_ca_file: 'ca.pem',
        },
      },
    })
    expect((await load({ configFiles: [path] })).destinations[0]).toEqual({
      kind: 's3',
      region: 'us-east-1',
      bucket: 'b',
      keyPrefix: 'consul/prod',
      endpoint: 'https://minio.internal:9000',
      forcePathStyle: true,
      serverSideEncryption: { mode: 'aws:kms', keyId: 'alias/backups' },
      staticSnapshotName: 'latest.snap',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI', sessionToken: 'tok' },
      caFile: join(dir, 'ca.pem'),
    })
  })

  it('"/" as prefix puts snapshots at the top of the bucket; AES256 without KMS', async () => {
    const path = await configFile({
      snapshot_agent: {
        aws_storage: { s3_region: 'r', s3_bucket: 'b', s3_key_prefix: '/', s3_server_side_encryption: true },
      },
    })
    expect((await load({ configFiles: [path] })).destinations[0]).toMatchObject({
      keyPrefix: '',
      serverSideEncryption: { mode: 'AES256' },
    })
  })

  it('takes the -aws-* flags over the file, and from flags alone', async () => {
    const path = await configFile({
      snapshot_agent: { aws_storage: { s3_region: 'r', s3_bucket: 'from-file' } },
    })
    expect(
      (await load({ configFiles: [path], awsStorage: { s3_bucket: 'from-flag', s3_force_path_style: true } }))
        .destinations[0],
    ).toMatchObject({ kind: 's3', bucket: 'from-flag', region: 'r', forcePathStyle: true })
    expect((await load({ awsStorage: { s3_bucket: 'b', s3_region: 'r' } })).destinations).toMatchObject([
      { kind: 's3', bucket: 'b' },
    ])
  })

  it.each<[string, Record<string, unknown>, string]>([
    ['no region', { s3_bucket: 'b' }, 's3.json: snapshot_agent.aws_storage.s3_region: is required'],
    [
      'a path as bucket',
      { s3_bucket: 'b/x', s3_region: 'r' },
      'snapshot_agent.aws_storage.s3_bucket: "b/x" is not a bucket name',
    ],
    [
      'a key id without secret',
      { s3_bucket: 'b', s3_region: 'r', access_key_id: 'AKID' },
      'snapshot_agent.aws_storage.secret_access_key: is required with access_key_id',
    ],
    [
      'a KMS key without KMS',
      { s3_bucket: 'b', s3_region: 'r', s3_kms_key: 'k' },
      'snapshot_agent.aws_storage.s3_kms_key: is set but s3_enable_kms is not',
    ],
    [
      'an endpoint that is not http',
      { s3_bucket: 'b', s3_region: 'r', s3_endpoint: 'ftp://x' },
      'snapshot_agent.aws_storage.s3_endpoint: "ftp://x" is not an http(s) address',
    ],
    [
      'a role in the file',
      { s3_bucket: 'b', s3_region: 'r', role_arn: 'arn:aws:iam::1:role/x' },
      'snapshot_agent.aws_storage.role_arn: is not supported by this agent',
    ],
    [
      'a bad prefix',
      { s3_bucket: 'b', s3_region: 'r', s3_key_prefix: 'a//b' },
      's3_key_prefix: "a//b" is not a usable key prefix',
    ],
    [
      'an unknown key',
      { s3_bucket: 'b', s3_region: 'r', s3_buckets: 'x' },
      'snapshot_agent.aws_storage.s3_buckets: unknown key',
    ],
  ])('refuses %s, naming the file and key', async (_label, aws, message) => {
    const path = await configFile({ snapshot_agent: { aws_storage: aws } })
    expect(await refusal({ configFiles: [path] })).toContain(message)
  })

  it('names the flag when the flags named the store', async () => {
    expect(await refusal({ awsStorage: { s3_bucket: 'b' } })).toContain('flags: -aws-s3-region: is required')
  })

  it('never puts a secret into an error', async () => {
    const path = await configFile({
      snapshot_agent: {
        aws_storage: { s3_bucket: 'b', s3_region: 'r', secret_access_key: 'SECRET-VALUE-42' },
      },
    })
    const message = await refusal({ configFiles: [path] })
    expect(message).toContain('access_key_id: is required with secret_access_key')
    expect(message).not.toContain('SECRET-VALUE-42')
  })
})

describe('backup_destinations.aws_storage (several stores in one run)', () => {
  it('keeps local and S3 entries in order', async () => {
    const path = await configFile({
      snapshot_agent: {
        backup_destinations: {
          local_storage: [{ path: 'here' }],
          aws_storage: [
            { s3_region: 'r', s3_bucket: 'one' },
            { s3_region: 'r', s3_bucket: 'two', s3_key_prefix: 'dc1' },
          ],
        },
      },
    })
    expect((await load({ configFiles: [path] })).destinations).toMatchObject([
      { kind: 'local', path: join(dir, 'here') },
      { kind: 's3', bucket: 'one', keyPrefix: 'consul-snapshot' },
      { kind: 's3', bucket: 'two', keyPrefix: 'dc1' },
    ])
  })

  it('names the entry of a bad store', async () => {
    const path = await configFile({
      snapshot_agent: {
        backup_destinations: { aws_storage: [{ s3_region: 'r', s3_bucket: 'one' }, { s3_bucket: 'two' }] },
      },
    })
    expect(await refusal({ configFiles: [path] })).toContain(
      's3.json: snapshot_agent.backup_destinations.aws_storage[1].s3_region: is required',
    )
  })

  it('cannot be combined with -aws-* flags, aws_storage, or be empty', async () => {
    const path = await configFile({
      snapshot_agent: { backup_destinations: { aws_storage: [{ s3_region: 'r', s3_bucket: 'one' }] } },
    })
    expect(await refusal({ configFiles: [path], awsStorage: { s3_bucket: 'x' } })).toContain(
      'flags: -aws-s3-bucket: cannot be combined with snapshot_agent.backup_destinations',
    )
    const both = await configFile(
      {
        snapshot_agent: {
          aws_storage: { s3_region: 'r', s3_bucket: 'x' },
          backup_destinations: { aws_storage: [{ s3_region: 'r', s3_bucket: 'one' }] },
        },
      },
      'both.json',
    )
    expect(await refusal({ configFiles: [both] })).toContain(
      'both.json: snapshot_agent.aws_storage: cannot be combined',
    )
    const empty = await configFile({ snapshot_agent: { backup_destinations: {} } }, 'empty.json')
    expect(await refusal({ configFiles: [empty] })).toContain(
      'empty.json: snapshot_agent.backup_destinations: lists no destination',
    )
  })
})
