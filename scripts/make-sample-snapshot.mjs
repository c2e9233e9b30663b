#!/usr/bin/env node
// Produces resources/sample/sample.snap, the snapshot behind "Open the sample snapshot": a real
// Consul v1.14.8 dev agent, filled with every record kind the test helpers know, saved with
// `consul snapshot save`. Run it again after changing test/support/consul-populate.ts.
import { mkdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tsImport } from 'tsx/esm/api'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const target = join(root, 'resources', 'sample', 'sample.snap')
const MAX_BYTES = 200 * 1024

const { startConsulAgent, runConsul } = await tsImport('../test/support/consul-agent.ts', import.meta.url)
const { populateEveryRecordKind } = await tsImport('../test/support/consul-populate.ts', import.meta.url)

const agent = await startConsulAgent({ datacenter: 'sample-dc1', nodeName: 'sample-node' })
try {
  const manifest = await populateEveryRecordKind(agent)
  // The populate helper writes a 400 KiB random value to exercise large reads; the sample ships
  // in the repository, so that one key goes (it stays in the snapshot as a tombstone).
  for (const entry of manifest.kv.filter((e) => e.value.length > 16 * 1024)) {
    const response = await fetch(`${agent.httpAddr}/v1/kv/${entry.key}`, {
      method: 'DELETE',
      headers: { 'X-Consul-Token': agent.token },
    })
    if (!response.ok) throw new Error(`deleting ${entry.key}: HTTP ${response.status}`)
  }
  mkdirSync(dirname(target), { recursive: true })
  const saved = await runConsul([
    'snapshot',
    'save',
    `-http-addr=${agent.httpAddr}`,
    `-token=${agent.token}`,
    target,
  ])
  if (saved.code !== 0) throw new Error(`consul snapshot save failed: ${saved.stderr}`)
  const size = statSync(target).size
  if (size > MAX_BYTES) throw new Error(`${target} is ${size} bytes; the sample must stay under ${MAX_BYTES}`)
  process.stdout.write(
    `${target}: ${size} bytes, ${manifest.kv.filter((e) => e.value.length <= 16 * 1024).length} keys, ${manifest.services.length} services, ${manifest.aclTokens.length} ACL tokens\n`,
  )
} finally {
  await agent.stop()
}
