import { expect, type Locator, type Page } from '@playwright/test'

export class InspectPage {
  constructor(readonly page: Page) {}

  get screen(): Locator {
    return this.page.locator('[data-screen="inspect"]')
  }

  /** Browser mode: a path on the host that runs `snapshot-studio web`. */
  async openHostPath(hostPath: string): Promise<void> {
    await this.page.getByTestId('host-path').fill(hostPath)
    await this.page.getByRole('button', { name: 'Open', exact: true }).click()
  }

  /** Browser mode: the file is uploaded to the host, as "Open snapshot…" does. */
  async upload(localPath: string): Promise<void> {
    await this.page.getByTestId('snapshot-file-input').setInputFiles(localPath)
  }

  /** Drags a file onto the window, as an operator dropping it from a file manager. */
  async drop(name: string, bytes: Buffer): Promise<void> {
    const transfer = await this.page.evaluateHandle(
      ({ name, base64 }) => {
        const binary = atob(base64)
        const data = new Uint8Array(binary.length)
        for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i)
        const dt = new DataTransfer()
        dt.items.add(new File([data], name, { type: 'application/octet-stream' }))
        return dt
      },
      { name, base64: bytes.toString('base64') },
    )
    for (const type of ['dragenter', 'dragover', 'drop'])
      await this.page.dispatchEvent('main', type, { dataTransfer: transfer })
  }

  async openSample(): Promise<void> {
    await this.page.getByTestId('open-sample').click()
  }

  /** Why a file could not be opened, shown beside the file that stayed open. */
  get openError(): Locator {
    return this.page.getByTestId('open-error')
  }

  /** With `file`: the summary of that file, not the one still shown while it is read. */
  async waitForSummary(file?: string): Promise<void> {
    await expect(this.screen).toHaveAttribute('data-state', 'ready')
    await expect(this.page.getByTestId('snapshot-summary')).toBeVisible()
    if (file !== undefined) await expect(this.page.getByTestId('summary-file')).toHaveText(file)
  }

  /** With `file`: the contents of that file (a file opened beside another replaces them late). */
  async waitForContents(file?: string): Promise<void> {
    const browser = this.page.getByTestId('content-browser')
    if (file !== undefined) await expect(browser).toHaveAttribute('data-source', file)
    await expect(browser).toHaveAttribute('data-state', 'ready')
  }

  summaryValue(field: 'id' | 'index' | 'term' | 'version' | 'size'): Locator {
    return this.page.getByTestId(`meta-${field}`)
  }

  get integrity(): Locator {
    return this.page.getByTestId('integrity-verdict')
  }

  typeRow(type: string): Locator {
    return this.page.getByTestId('type-table').locator(`tr[data-type="${type}"]`)
  }

  /** Finds a key with the search box and opens its value. */
  async openKey(key: string): Promise<Locator> {
    await this.page.getByLabel('Search keys and names').fill(key)
    const hit = this.page.locator(`[data-testid="search-results"] [data-hit-kind="kv"][data-hit-id="${key}"]`)
    await hit.click()
    const viewer = this.page.getByTestId('value-viewer')
    await expect(viewer).toHaveAttribute('data-state', 'ready')
    await expect(viewer.locator('.value-key')).toHaveText(key)
    return this.page.getByTestId('value-body')
  }

  async showTab(label: RegExp | string): Promise<void> {
    await this.page.getByRole('tab', { name: label }).click()
  }
}
