import { expect, type Locator, type Page } from '@playwright/test'

/** "Restore selected…" in the content browser: choose, dry run, confirm, apply. */
export class KvRestorePage {
  constructor(readonly page: Page) {}

  get panel(): Locator {
    return this.page.getByTestId('kv-restore')
  }

  /** Opens a folder of the KV tree by its full prefix, one level at a time from the root. */
  async openFolder(prefix: string): Promise<void> {
    let at = ''
    for (const part of prefix.split('/').filter((p) => p !== '')) {
      at += `${part}/`
      await this.page.locator(`[data-testid="kv-tree"] .kv-row[data-key="${at}"]`).click()
      await expect(this.page.getByTestId('kv-tree')).toHaveAttribute('data-prefix', at)
    }
  }

  async chooseCurrentFolder(): Promise<void> {
    await this.page.getByTestId('kv-choose-folder').click()
    await this.page.getByTestId('kv-restore-selected').click()
    await expect(this.panel).toBeVisible()
  }

  async dryRun(profileName: string, rewrite?: { from: string; to: string }): Promise<void> {
    await this.panel.getByTestId('kv-restore-target').selectOption({ label: profileName })
    if (rewrite) {
      await this.panel.getByTestId('kv-restore-rewrite-from').fill(rewrite.from)
      await this.panel.getByTestId('kv-restore-rewrite-to').fill(rewrite.to)
    }
    await this.panel.getByTestId('kv-restore-dry-run').click()
    await expect(this.panel).toHaveAttribute('data-step', 'review')
  }

  change(key: string): Locator {
    return this.panel.locator(`[data-testid="kv-restore-changes"] li[data-key="${key}"]`)
  }

  async confirmAndApply(profileName: string): Promise<void> {
    const apply = this.panel.getByTestId('kv-restore-apply')
    await expect(apply).toBeDisabled()
    await this.panel.getByTestId('kv-restore-confirmation').fill(profileName)
    await apply.click()
    await expect(this.panel).toHaveAttribute('data-step', 'done')
  }
}
