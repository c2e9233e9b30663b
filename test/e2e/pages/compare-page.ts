import { expect, type Locator, type Page } from '@playwright/test'

/** The Compare screen: two sides, a summary by kind, the changes of a kind, a key's two values. */
export class ComparePage {
  constructor(readonly page: Page) {}

  get screen(): Locator {
    return this.page.locator('[data-screen="compare"]')
  }

  async chooseHostFile(side: 'before' | 'after', hostPath: string): Promise<void> {
    await this.page.getByTestId(`compare-${side}-path`).fill(hostPath)
    await this.screen.locator(`[data-side="${side}"]`).getByRole('button', { name: 'Use this file' }).click()
    await expect(this.page.getByTestId(`compare-${side}-chosen`)).toHaveText(hostPath.split('/').pop() ?? '')
  }

  /** Runs the comparison and waits for its result. */
  async compare(): Promise<void> {
    await this.page.getByTestId('compare-run').click()
    await expect(this.screen).toHaveAttribute('data-state', 'done')
  }

  summaryRow(kind: string): Locator {
    return this.page.locator(`.compare-summary tr[data-kind="${kind}"]`)
  }

  async showKind(label: string): Promise<void> {
    await this.page.locator('.compare-summary').getByRole('button', { name: label, exact: true }).click()
    await expect(this.page.getByTestId('compare-changes').getByRole('heading', { name: label })).toBeVisible()
  }

  change(id: string): Locator {
    return this.page.locator(`[data-testid="compare-changes"] [data-change="${id}"]`)
  }

  /** Opens a changed key's side-by-side values. */
  async openValues(key: string): Promise<Locator> {
    await this.change(key).getByRole('button', { name: 'Compare values' }).click()
    const panel = this.page.getByTestId('value-diff')
    await expect(panel).toBeVisible()
    return panel
  }
}
