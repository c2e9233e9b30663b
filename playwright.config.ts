import { defineConfig } from '@playwright/test'

// Browser mode end to end: `snapshot-studio web` in front of real Consul agents, driven by the
// Debian Chromium (Playwright's own browser download is not available on this machine).
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.e2e.ts',
  globalSetup: './test/e2e/support/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  // The journey starts from an empty data folder (first run), so it goes before the specs that
  // add profiles of their own.
  projects: [
    { name: 'journey', testMatch: 'operator-journey.e2e.ts' },
    { name: 'errors', testMatch: 'errors.e2e.ts', dependencies: ['journey'] },
    { name: 'token-isolation', testMatch: 'token-isolation.e2e.ts', dependencies: ['journey'] },
    { name: 'fleet-growth', testMatch: 'fleet-growth.e2e.ts', dependencies: ['journey'] },
    { name: 'backups', testMatch: 'backups.e2e.ts', dependencies: ['journey'] },
    { name: 'backups-s3', testMatch: 'backups-s3.e2e.ts', dependencies: ['journey'] },
    { name: 'backups-azure', testMatch: 'backups-azure.e2e.ts', dependencies: ['journey'] },
    { name: 'compare', testMatch: 'compare.e2e.ts', dependencies: ['journey'] },
    { name: 'selective-restore', testMatch: 'selective-restore.e2e.ts', dependencies: ['journey'] },
    { name: 'snapshot-tools', testMatch: 'snapshot-tools.e2e.ts', dependencies: ['journey'] },
  ],
  outputDir: 'test-results/e2e',
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1360, height: 900 },
    colorScheme: 'light',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    },
  },
})
