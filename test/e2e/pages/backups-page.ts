import { expect, type Locator, type Page } from '@playwright/test'

/** The Backups screen: plan cards, the plan editor and a plan's run history. */
export class BackupsPage {
  constructor(readonly page: Page) {}

  get screen(): Locator {
    return this.page.locator('[data-screen="backups"]')
  }

  plan(name: string): Locator {
    return this.page.locator(`[data-testid="plan-card"][data-plan="${name}"]`)
  }

  get editor(): Locator {
    return this.page.getByTestId('plan-editor')
  }

  /** Creates a plan for the named connections into a host folder; the editor shows the next runs first. */
  async create(plan: { name: string; profiles: string[]; folder: string; retain: number }): Promise<void> {
    await this.page.getByTestId('plan-new').click()
    await expect(this.editor).toBeVisible()
    await this.editor.getByLabel('Name', { exact: true }).fill(plan.name)
    for (const box of await this.editor.getByTestId('plan-profile').all()) {
      const wanted = plan.profiles.includes((await box.getAttribute('data-profile-name')) ?? '')
      if ((await box.isChecked()) !== wanted) await box.click()
    }
    await this.editor.getByTestId('plan-folder').fill(plan.folder)
    await this.editor.getByLabel('Keep the newest').fill(String(plan.retain))
    await expect(this.editor.getByTestId('plan-next-runs').locator('li')).toHaveCount(5)
    await this.savePlan(plan.name)
  }

  /** Creates a plan whose only destination is an S3 bucket, signed in with static keys. */
  async createS3(plan: {
    name: string
    profiles: string[]
    s3: {
      endpoint: string
      region: string
      bucket: string
      prefix: string
      accessKeyId: string
      secretAccessKey: string
    }
  }): Promise<void> {
    await this.startPlan(plan)
    await this.editor.getByTestId('plan-destination-add-s3').click()
    await this.editor.getByTestId('plan-destination-remove').first().click()
    const s3 = this.editor.locator('[data-testid="plan-destination"][data-kind="s3"]')
    await s3.getByTestId('plan-s3-bucket').fill(plan.s3.bucket)
    await s3.getByTestId('plan-s3-region').fill(plan.s3.region)
    await s3.getByTestId('plan-s3-prefix').fill(plan.s3.prefix)
    await s3.getByTestId('plan-s3-endpoint').fill(plan.s3.endpoint)
    await s3.getByTestId('plan-s3-path-style').check()
    await s3.getByTestId('plan-s3-credentials').selectOption('static')
    await s3.getByTestId('plan-s3-access-key-id').fill(plan.s3.accessKeyId)
    await s3.getByTestId('plan-destination-secret').fill(plan.s3.secretAccessKey)
    await this.savePlan(plan.name)
  }

  /** Creates a plan whose only destination is an Azure Blob container, signed in with the account key. */
  async createAzure(plan: {
    name: string
    profiles: string[]
    azure: {
      blobEndpoint: string
      accountName: string
      accountKey: string
      container: string
      prefix: string
    }
  }): Promise<void> {
    await this.startPlan(plan)
    await this.editor.getByTestId('plan-destination-add-azure-blob').click()
    await this.editor.getByTestId('plan-destination-remove').first().click()
    const azure = this.editor.locator('[data-testid="plan-destination"][data-kind="azure-blob"]')
    await azure.getByTestId('plan-azure-auth').selectOption('shared-key')
    await azure.getByTestId('plan-azure-account').fill(plan.azure.accountName)
    await azure.getByTestId('plan-azure-container').fill(plan.azure.container)
    await azure.getByTestId('plan-azure-prefix').fill(plan.azure.prefix)
    await azure.getByTestId('plan-azure-endpoint').fill(plan.azure.blobEndpoint)
    await azure.getByTestId('plan-destination-secret').fill(plan.azure.accountKey)
    await this.savePlan(plan.name)
  }

  /** Opens the Backups view of a plan's destination and waits for its listing. */
  async browse(name: string, destinationIndex = 0): Promise<Locator> {
    await this.plan(name).getByTestId('plan-destination-browse').nth(destinationIndex).click()
    const stored = this.page.getByTestId('stored-backups')
    await expect(stored).toHaveAttribute('data-state', 'ready')
    return stored
  }

  /** A new plan in the editor, named and with its connections chosen. */
  private async startPlan(plan: { name: string; profiles: string[] }): Promise<void> {
    await this.page.getByTestId('plan-new').click()
    await expect(this.editor).toBeVisible()
    await this.editor.getByLabel('Name', { exact: true }).fill(plan.name)
    for (const box of await this.editor.getByTestId('plan-profile').all()) {
      const wanted = plan.profiles.includes((await box.getAttribute('data-profile-name')) ?? '')
      if ((await box.isChecked()) !== wanted) await box.click()
    }
  }

  async runNow(name: string): Promise<void> {
    const card = this.plan(name)
    await card.getByTestId('plan-run-now').click()
    await expect(card.getByTestId('plan-run-now')).toHaveText('Run now', { timeout: 60_000 })
  }

  async showHistory(name: string): Promise<Locator> {
    // A plan just saved is selected already: its history shows and the button says "Hide history".
    const toggle = this.plan(name).getByTestId('plan-history-toggle')
    if ((await toggle.textContent()) === 'History') await toggle.click()
    const history = this.page.getByTestId('plan-history')
    await expect(history).toBeVisible()
    return history
  }

  /** Saves the plan open in the editor and waits for it in the list. */
  private async savePlan(name: string): Promise<void> {
    await this.editor.getByTestId('plan-save').click()
    await expect(this.editor).toBeHidden()
    await expect(this.plan(name)).toBeVisible()
  }

  /** Opens the plan's editor: a destination secret sent to the host once shows only as kept. */
  async editShowingSecretKept(name: string): Promise<void> {
    await this.plan(name).getByRole('button', { name: 'Edit' }).click()
    await expect(this.editor.getByTestId('plan-destination-secret')).toHaveValue('')
    await expect(this.editor.getByTestId('plan-destination-secret-kept')).toHaveText('kept')
  }
}
