// A plan with an S3 destination, end to end against a real S3 server (versitygw, started by the
// global setup) and real Consul agents: configured in the app, run, listed in the Backups view,
// inspected streamed from the bucket (a known key opened in its contents), restored into the second agent through the restore wizard
// (typed confirmation), and the restored data read back from that agent over HTTP.
import { expect, test } from '@playwright/test'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { BackupsPage } from './pages/backups-page'
import { ConnectionsPage } from './pages/connections-page'
import { InspectPage } from './pages/inspect-page'
import { RestorePage } from './pages/restore-page'
import { StudioApp } from './pages/studio-app'
import { e2eEnvironment } from './support/e2e-environment'

const env = e2eEnvironment()
const prefix = 'consul/payments'

test('an S3 destination: run a plan, see the backup in the bucket\u2019s Backups view, inspect it streamed, restore it into the second agent', async ({
  page,
}) => {
  const app = new StudioApp(page)
  await app.open(env.url)
  await new ConnectionsPage(page).add({
    name: 'payments-prod',
    address: env.source.httpAddr,
    token: env.source.token,
    environment: 'production',
    colour: 'red',
  })

  await app.go('backups')
  const backups = new BackupsPage(page)
  await backups.createS3({
    name: 'payments to s3',
    profiles: ['payments-prod'],
    s3: { ...env.s3, prefix },
  })
  // The secret went to the host once; editing the plan shows it only as kept.
  await backups.editShowingSecretKept('payments to s3')
  await app.capture('backups-s3-destination')
  await backups.editor.getByRole('button', { name: 'Cancel' }).click()

  await backups.runNow('payments to s3')
  await expect(backups.plan('payments to s3').getByTestId('plan-last-result')).toContainText(/^saved /)

  // An independent client sees the object under the prefix, and nothing else but its sidecar.
  const client = new S3Client({
    region: env.s3.region,
    endpoint: env.s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: env.s3.accessKeyId, secretAccessKey: env.s3.secretAccessKey },
  })
  const listed = await client.send(new ListObjectsV2Command({ Bucket: env.s3.bucket, Prefix: `${prefix}/` }))
  client.destroy()
  const keys = (listed.Contents ?? []).map((object) => object.Key ?? '')
  const snapshotKey = keys.find((key) => key.endsWith('.snap'))
  expect(snapshotKey).toBeDefined()
  const name = snapshotKey!.slice(prefix.length + 1)

  const stored = await backups.browse('payments to s3')
  const row = stored.getByTestId('stored-backup')
  await expect(row).toHaveCount(1)
  await expect(row).toHaveAttribute('data-name', name)
  await expect(row).toContainText('payments-prod')
  await app.capture('backups-s3-browser')

  await row.getByTestId('stored-inspect').click()
  const inspect = page.locator('[data-screen="inspect"]')
  await expect(inspect).toHaveAttribute('data-state', 'ready', { timeout: 60_000 })
  await expect(page.getByTestId('inspect-streamed')).toContainText(name)
  await app.capture('inspect-streamed-from-s3')
  // Its contents too: the known key, found by the key search and opened from the stored backup.
  const inspectPage = new InspectPage(page)
  await inspectPage.waitForContents(name)
  await expect(await inspectPage.openKey(env.knownKey.key)).toContainText('"image": "web:1.4.2"')

  // The key is taken away from the second agent first, so only the restore can bring it back.
  const removed = await fetch(`${env.target.httpAddr}/v1/kv/${env.knownKey.key}`, {
    method: 'DELETE',
    headers: { 'X-Consul-Token': env.target.token },
  })
  expect(removed.status).toBe(200)

  await app.go('backups')
  const again = await backups.browse('payments to s3')
  await again.getByTestId('stored-backup').getByTestId('stored-restore').click()
  const restore = new RestorePage(page)
  await expect(restore.screen).toHaveAttribute('data-state', 'review', { timeout: 60_000 })
  await restore.toTarget()
  const preflight = await restore.chooseTarget('restore-target')
  await expect(preflight).toHaveAttribute('data-blocked', 'false')
  await restore.toConfirm()
  await restore.typeConfirmation('restore-targe')
  await expect(restore.startButton).toBeDisabled()
  await restore.typeConfirmation('restore-target')
  const done = await restore.start()
  await expect(done).toHaveAttribute('data-healthy', 'true')

  const response = await fetch(`${env.target.httpAddr}/v1/kv/${env.knownKey.key}?raw`, {
    headers: { 'X-Consul-Token': env.target.token },
  })
  expect(response.status).toBe(200)
  expect(await response.text()).toBe(env.knownKey.value)
})
