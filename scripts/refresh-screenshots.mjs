#!/usr/bin/env node
// `npm run screenshots`: the end-to-end suite, writing its screenshots over docs/screenshots
// (every other run writes them to the ignored test-results/screenshots). Commit the result.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SNAPSHOT_STUDIO_SCREENSHOT_DIR: 'docs/screenshots' },
})
process.exit(run.status ?? 1)
