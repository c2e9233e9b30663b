import { expect, type Locator, type Page } from '@playwright/test'

export interface ProfileFields {
  name: string
  address: string
  token?: string
  environment?: string
  colour?: string
}

export class ConnectionsPage {
  constructor(readonly page: Page) {}

  get emptyState(): Locator {
    return this.page.getByTestId('profiles-empty')
  }

  card(name: string): Locator {
    return this.page.locator(`[data-testid="profile-card"][data-profile-name="${name}"]`)
  }

  async add(fields: ProfileFields): Promise<void> {
    await this.page.getByRole('button', { name: 'New profile' }).first().click()
    await this.fill(fields)
    await this.page.getByRole('button', { name: 'Save profile' }).click()
    await expect(this.card(fields.name)).toBeVisible()
  }

  async fill(fields: ProfileFields): Promise<void> {
    const form = this.page.getByTestId('profile-form')
    await form.getByLabel('Name', { exact: true }).fill(fields.name)
    await form.getByLabel('Address', { exact: true }).fill(fields.address)
    if (fields.environment) await form.getByLabel('Environment', { exact: true }).fill(fields.environment)
    if (fields.colour) await form.getByLabel('Colour', { exact: true }).selectOption(fields.colour)
    if (fields.token) await form.getByLabel('ACL token', { exact: true }).fill(fields.token)
  }

  /** Runs the connection test and returns the card's result panel once it has an answer. */
  async test(name: string): Promise<Locator> {
    const card = this.card(name)
    await card.getByRole('button', { name: 'Test connection' }).click()
    const result = card.getByTestId('connection-test')
    await expect(result).not.toHaveAttribute('data-state', 'running')
    return result
  }
}
