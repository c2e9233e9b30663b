#!/usr/bin/env node
// `npm run fuzz`: the archive fuzz properties (test/unit/snapshot/archive-fuzz.spec.ts) with many
// more cases than `npm test` runs: FUZZ_RUNS per layer (default 2500, so 10,000 damaged files in
// all, each read by inspect, kv-export and the catalogue; no time limit). Prints the verdict counts
// per layer.
// `npm run fuzz -- 5000` picks another count.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const runs = process.argv[2] ?? process.env.FUZZ_RUNS ?? '2500'
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs')
const result = spawnSync(
  process.execPath,
  [vitest, 'run', '--project', 'unit', 'test/unit/snapshot/archive-fuzz.spec.ts'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FUZZ_RUNS: String(runs) } },
)
process.exit(result.status ?? 1)
