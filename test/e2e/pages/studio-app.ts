import { expect, type Locator, type Page } from '@playwright/test'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { e2eEnvironment } from '../support/e2e-environment'

const repoRoot = path.resolve(__dirname, '..', '..', '..')

/**
 * Every run writes its screenshots to the ignored test-results/screenshots, so `npm test` leaves
 * the tree as it found it; `npm run screenshots` points this at docs/screenshots to refresh the
 * README's pictures on purpose.
 */
export function screenshotDir(): string {
  const chosen = process.env.SNAPSHOT_STUDIO_SCREENSHOT_DIR
  return chosen ? path.resolve(repoRoot, chosen) : path.join(repoRoot, 'test-results', 'screenshots')
}

export type Screen = 'profiles' | 'inspect' | 'save' | 'restore' | 'backups' | 'fleet' | 'growth' | 'compare'

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

  /**
   * A PNG for the README. The run's scratch folder (a random temporary path) is shown as the
   * home folder it stands for while the picture is taken, and the checkout (wherever it was cloned,
   * a temporary folder in CI) as `~/snapshot-studio`; a picture that would still show a temporary
   * path fails the run instead of being written.
   */
  async capture(name: string, options: { fullPage?: boolean } = {}): Promise<void> {
    // Caret blink and hover states make screenshots noisy; park the mouse outside the content.
    await this.page.mouse.move(0, 899)
    const scratch = path.dirname(e2eEnvironment().saveDir)
    // Longest first, so a scratch folder inside the checkout (or the reverse) is named by its own.
    const shownAs: Array<[string, string]> = [
      [scratch, '~'],
      [repoRoot, '~/snapshot-studio'],
    ]
    shownAs.sort((a, b) => b[0].length - a[0].length)
    const leftover = await this.page.evaluate(showAsHome, { shownAs, temporary: tmpdir() })
    try {
      expect(leftover, `screenshot ${name} would show a temporary path`).toEqual([])
      await this.page.screenshot({
        path: path.join(screenshotDir(), `${name}.png`),
        fullPage: options.fullPage ?? false,
        caret: 'hide',
        animations: 'disabled',
      })
    } finally {
      await this.page.evaluate(restoreShownPaths)
    }
  }
}

interface PathSwap {
  restore: Array<() => void>
}

/**
 * Runs in the page: writes each real path as the name it is shown under, in text and form fields
 * (React keeps its own state, so nothing the app does next is affected), and returns the texts
 * that still name the temporary folder.
 */
function showAsHome({
  shownAs,
  temporary,
}: {
  shownAs: Array<[string, string]>
  temporary: string
}): string[] {
  const swap: PathSwap = { restore: [] }
  ;(window as unknown as { __pathSwap?: PathSwap }).__pathSwap = swap
  const rename = (text: string) => shownAs.reduce((out, [real, shown]) => out.split(real).join(shown), text)
  const leftover: string[] = []
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    const text = node.nodeValue ?? ''
    const shown = rename(text)
    if (shown !== text) {
      const target = node
      target.nodeValue = shown
      swap.restore.push(() => (target.nodeValue = text))
    }
    if (shown.includes(temporary)) leftover.push(shown)
  }
  for (const field of document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')) {
    const value = field.value
    const shown = rename(value)
    if (shown !== value) {
      field.value = shown
      swap.restore.push(() => (field.value = value))
    }
    if (shown.includes(temporary)) leftover.push(shown)
  }
  return leftover
}

function restoreShownPaths(): void {
  const holder = window as unknown as { __pathSwap?: PathSwap }
  for (const undo of holder.__pathSwap?.restore ?? []) undo()
  delete holder.__pathSwap
}
