import { defineConfig } from 'vitest/config'

// Two projects: `unit` runs in milliseconds without Consul; `integration` starts real Consul
// agents (test/consul) and so runs its files one at a time on this 2-core machine.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.spec.{ts,tsx}'],
          environment: 'node',
          setupFiles: ['test/support/dom-wait-budget.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.spec.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
