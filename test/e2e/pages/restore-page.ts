import { expect, type Locator, type Page } from '@playwright/test'

export class RestorePage {
  constructor(readonly page: Page) {}

  get screen(): Locator {
    return this.page.locator('[data-screen="restore"]')
  }

  async chooseHostFile(hostPath: string): Promise<void> {
    await this.page.getByTestId('restore-host-path').fill(hostPath)
    await this.page.getByRole('button', { name: 'Use this file' }).click()
    await expect(this.screen).toHaveAttribute('data-state', 'review')
  }

  async toTarget(): Promise<void> {
    await this.page.getByTestId('restore-next').click()
    await expect(this.screen).toHaveAttribute('data-state', 'target')
  }

  /** Picks the target and waits for the preflight answer. */
  async chooseTarget(profileName: string): Promise<Locator> {
    await this.page.locator(`[data-testid="restore-target"][data-profile-name="${profileName}"]`).check()
    const preflight = this.page.getByTestId('preflight')
    await expect(preflight).toBeVisible()
    return preflight
  }

  async toConfirm(): Promise<void> {
    await this.page.getByTestId('restore-to-confirm').click()
    await expect(this.screen).toHaveAttribute('data-state', 'confirm')
  }

  get safetySnapshot(): Locator {
    return this.page.getByTestId('safety-snapshot')
  }

  /** Where the confirmation says the safety snapshot will be written. */
  get safetyFolder(): Locator {
    return this.page.getByTestId('safety-folder').locator('code')
  }

  get startButton(): Locator {
    return this.page.getByTestId('restore-start')
  }

  async typeConfirmation(text: string): Promise<void> {
    await this.page.getByTestId('restore-confirmation').fill(text)
  }

  async start(): Promise<Locator> {
    await this.startButton.click()
    const done = this.page.getByTestId('restore-done')
    await expect(done).toBeVisible({ timeout: 90_000 })
    return done
  }
}
