import { expect, type Locator, type Page } from '@playwright/test'

/** The Fleet screen: one card per profile, one row per snapshot agent instance. */
export class FleetPage {
  constructor(readonly page: Page) {}

  get screen(): Locator {
    return this.page.locator('[data-screen="fleet"]')
  }

  cluster(profileName: string): Locator {
    return this.page.locator(`[data-profile="${profileName}"]`)
  }

  instances(profileName: string, role: 'leader' | 'standby'): Locator {
    return this.cluster(profileName).locator(`tbody tr[data-role="${role}"]`)
  }

  async refresh(): Promise<void> {
    await this.page.getByRole('button', { name: 'Refresh' }).click()
    await expect(this.screen).toHaveAttribute('data-state', 'ready')
  }
}
