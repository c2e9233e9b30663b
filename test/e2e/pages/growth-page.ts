import { expect, type Locator, type Page } from '@playwright/test'

/** The Growth over time screen: a folder in, movers, chart and tables out. */
export class GrowthPage {
  constructor(readonly page: Page) {}

  get screen(): Locator {
    return this.page.locator('[data-screen="growth"]')
  }

  get movers(): Locator {
    return this.page.getByTestId('growth-movers').getByRole('listitem')
  }

  async analyse(folder: string): Promise<void> {
    await this.page.getByLabel('Folder of backups').fill(folder)
    await this.page.getByRole('button', { name: 'Analyse' }).click()
    await expect(this.page.getByTestId('growth-result')).toBeVisible()
    await expect(this.screen).toHaveAttribute('data-state', 'ready')
  }
}
