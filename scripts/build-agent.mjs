#!/usr/bin/env node
// Builds out/agent/snapshot-agent.js: the snapshot agent and everything it imports (undici,
// pino, croner, zod, tar-stream, rotating-file-stream) in one CommonJS file, so a server needs
// only `node` ≥ 20 and this file. Run by `npm run build` after electron-vite; esbuild comes
// with vite, so no new dependency.
import { build } from 'esbuild'
import { chmodSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outfile = path.join(root, 'out', 'agent', 'snapshot-agent.js')
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))

await build({
  entryPoints: [path.join(root, 'src', 'main', 'agent', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Electron is never reachable from the agent; keep it out even if a type import slips in.
  external: ['electron'],
  banner: {
    js: `#!/usr/bin/env node\n// snapshot-studio ${version} snapshot agent (bundled; see docs/agent.md)`,
  },
  legalComments: 'linked',
  // The daemon's idle memory grows with its source (V8 keeps the script text): whitespace and
  // comments out, identifiers kept so a stack trace still names functions.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
})
// One character above U+00FF anywhere makes V8 hold the whole script as UTF-16, doubling it.
const wide = /[\u0100-\uffff]/.exec(readFileSync(outfile, 'utf8'))
if (wide) {
  const at = readFileSync(outfile, 'utf8').slice(Math.max(0, wide.index - 40), wide.index + 10)
  console.error(`${path.relative(root, outfile)} holds a character above U+00FF near: ${at}`)
  console.error('Write it as an escape (\\uXXXX) in the source.')
  process.exit(1)
}
chmodSync(outfile, 0o755)
console.log(`built ${path.relative(root, outfile)}`)
