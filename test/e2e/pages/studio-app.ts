import { expect, type Locator, type Page } from '@playwright/test'
import path from 'node:path'

const screenshotDir = path.resolve(__dirname, '..', '..', '..', 'docs', 'screenshots')

export type Screen = 'profiles' | 'inspect' | 'save' | 'restore'

/** The shell: navigation, the error center, readiness, screenshots. */
export class StudioApp {
  /** What Chromium reported as blocked by the Content Security Policy, for the whole session. */
  readonly cspViolations: string[] = []

  constructor(readonly page: Page) {
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) this.cspViolations.push(message.text())
    })
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url)
    await expect(this.page.locator('html[data-ready="true"]')).toBeAttached()
  }

  async go(screen: Screen): Promise<void> {
    await this.page.locator(`[data-nav="${screen}"]`).click()
    await expect(this.page.locator(`[data-screen="${screen}"]`)).toBeVisible()
  }

  screen(screen: Screen): Locator {
    return this.page.locator(`[data-screen="${screen}"]`)
  }

  get errors(): Locator {
    return this.page.getByTestId('error-item')
  }

  /** The newest error in the error center, once one is there. */
  async latestError(): Promise<{ code: string | null; text: string }> {
    const item = this.errors.first()
    await expect(item).toBeVisible()
    return { code: await item.getAttribute('data-code'), text: (await item.textContent()) ?? '' }
  }

  async dismissErrors(): Promise<void> {
    while ((await this.errors.count()) > 0)
      await this.errors
        .first()
        .getByRole('button', { name: /Dismiss/ })
        .click()
  }

  /** A PNG for the README, in docs/screenshots. */
  async capture(name: string, options: { fullPage?: boolean } = {}): Promise<void> {
    // Caret blink and hover states make screenshots noisy; park the mouse outside the content.
    await this.page.mouse.move(0, 899)
    await this.page.screenshot({
      path: path.join(screenshotDir, `${name}.png`),
      fullPage: options.fullPage ?? false,
      caret: 'hide',
      animations: 'disabled',
    })
  }
}
