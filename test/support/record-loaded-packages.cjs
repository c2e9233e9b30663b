// Preloaded (`node -r`) into a CLI child by specs that check what a command loads: every package
// the process requires is appended, one name a line, to the file named by
// SNAPSHOT_STUDIO_LOADED_PACKAGES when the process exits.
'use strict'
const Module = require('node:module')
const { appendFileSync } = require('node:fs')

const file = process.env.SNAPSHOT_STUDIO_LOADED_PACKAGES
if (file) {
  const seen = new Set()
  const load = Module._load
  Module._load = function recordPackage(request, ...rest) {
    if (!/^(\.|\/|node:)/.test(request)) {
      const parts = request.split('/')
      seen.add(request.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0])
    }
    return load.call(this, request, ...rest)
  }
  process.on('exit', () => appendFileSync(file, [...seen].map((name) => `${name}\n`).join('')))
}
