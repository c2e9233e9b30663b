import { expect, type Locator, type Page } from '@playwright/test'

export class SavePage {
  constructor(readonly page: Page) {}

  async choose(profileName: string): Promise<void> {
    await this.page.locator(`[data-testid="save-profile"][data-profile-name="${profileName}"]`).check()
  }

  async setFolder(folder: string): Promise<void> {
    await this.page.getByTestId('save-folder').fill(folder)
  }

  async start(): Promise<void> {
    await this.page.getByTestId('save-start').click()
  }

  result(profileName: string): Locator {
    return this.page.locator(`[data-testid="save-result"][data-profile-name="${profileName}"]`)
  }

  /** Waits for the save to finish and returns the saved file's path. */
  async savedPath(profileName: string): Promise<string> {
    const result = this.result(profileName)
    await expect(result).toHaveAttribute('data-ok', 'true')
    return (await result.getByTestId('save-result-path').textContent()) ?? ''
  }
}
