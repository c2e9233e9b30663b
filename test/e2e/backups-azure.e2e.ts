// A plan with an Azure Blob destination, end to end against Azurite (started by the global setup)
// and a real Consul agent: configured in the app with the account key, run, the blob seen by an
// independent client under the prefix, and listed in that destination's Backups view.
import { expect, test } from '@playwright/test'
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob'
import { BackupsPage } from './pages/backups-page'
import { ConnectionsPage } from './pages/connections-page'
import { StudioApp } from './pages/studio-app'
import { e2eEnvironment } from './support/e2e-environment'

const env = e2eEnvironment()
const prefix = 'consul/ledger'

test('an Azure Blob destination: run a plan, see the blob in the container\u2019s Backups view', async ({
  page,
}) => {
  const app = new StudioApp(page)
  await app.open(env.url)
  await new ConnectionsPage(page).add({
    name: 'ledger-prod',
    address: env.source.httpAddr,
    token: env.source.token,
    environment: 'production',
    colour: 'red',
  })

  await app.go('backups')
  const backups = new BackupsPage(page)
  await backups.createAzure({
    name: 'ledger to azure',
    profiles: ['ledger-prod'],
    azure: { ...env.azure, prefix },
  })
  // The account key went to the host once; editing the plan shows it only as kept.
  await backups.editShowingSecretKept('ledger to azure')
  await backups.editor.getByRole('button', { name: 'Cancel' }).click()

  await backups.runNow('ledger to azure')
  await expect(backups.plan('ledger to azure').getByTestId('plan-last-result')).toContainText(/^saved /)

  // An independent client sees the blob under the prefix, and nothing else but its sidecar.
  const container = new BlobServiceClient(
    env.azure.blobEndpoint,
    new StorageSharedKeyCredential(env.azure.accountName, env.azure.accountKey),
  ).getContainerClient(env.azure.container)
  const names: string[] = []
  for await (const blob of container.listBlobsFlat({ prefix: `${prefix}/` })) names.push(blob.name)
  const snapshotBlob = names.find((name) => name.endsWith('.snap'))
  expect(snapshotBlob).toBeDefined()
  expect(names.sort()).toEqual([snapshotBlob!, `${snapshotBlob!}.json`])
  const name = snapshotBlob!.slice(prefix.length + 1)

  const stored = await backups.browse('ledger to azure')
  const row = stored.getByTestId('stored-backup')
  await expect(row).toHaveCount(1)
  await expect(row).toHaveAttribute('data-name', name)
  await expect(row).toContainText('ledger-prod')
})
