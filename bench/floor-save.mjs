// node bench/floor-save.mjs URL TOKEN FILE [--inflate]
//
// A save with nothing of ours in it, for the transfer bench's floor: undici (the same two files of
// it the CLI loads) GETs /v1/snapshot into a new file in 1 MiB writes, as curl -o does, with no
// fsync, no hashing and no checks. With --inflate, every 1 MiB also goes through Node's gunzip,
// and its output through SHA-256: the least any check of state.bin's digest must do. What this
// costs beside curl is what Node and undici cost on the machine, not what our code adds.
import { open } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { createGunzip } from 'node:zlib'

const [url, token, file, mode] = process.argv.slice(2)
const require = createRequire(import.meta.url)
const Agent = require('undici/lib/dispatcher/agent.js')
const request = require('undici/lib/api/api-request.js')

const target = new URL(url)
const asked = performance.now()
const response = await request.call(new Agent(), {
  origin: target.origin,
  path: target.pathname,
  method: 'GET',
  headers: { 'x-consul-token': token },
})
if (response.statusCode !== 200) throw new Error(`GET ${url}: HTTP ${response.statusCode}`)
// Seconds to the answer, as curl's %{time_starttransfer}: the bench sets Consul's build aside.
process.stdout.write(`answered ${((performance.now() - asked) / 1000).toFixed(3)}\n`)

const handle = await open(file, 'wx', 0o600)
const inflated = mode === '--inflate' ? inflateAndHash() : null
let batch = []
let batched = 0
await new Promise((resolve, reject) => {
  response.body.on('data', (chunk) => {
    batch.push(chunk)
    batched += chunk.length
    if (batched < 1 << 20) return
    const full = batch
    batch = []
    batched = 0
    response.body.pause()
    inflated?.gunzip.write(Buffer.concat(full))
    handle.writev(full).then(() => response.body.resume(), reject)
  })
  response.body.on('end', resolve)
  response.body.on('error', reject)
})
if (batch.length > 0) {
  inflated?.gunzip.write(Buffer.concat(batch))
  await handle.writev(batch)
}
await handle.close()
if (inflated) {
  inflated.gunzip.end()
  await inflated.done
}
process.exit(0)

function inflateAndHash() {
  const gunzip = createGunzip({ chunkSize: 1 << 18 })
  const hash = createHash('sha256')
  gunzip.on('data', (chunk) => hash.update(chunk))
  const done = new Promise((resolve, reject) => {
    gunzip.on('end', () => resolve(hash.digest('hex')))
    gunzip.on('error', reject)
  })
  return { gunzip, done }
}
