#!/usr/bin/env node
// The command line runs the built main bundle (electron-vite build, run by `npm install`'s
// prepare step), so `npx snapshot-studio` works without a TypeScript loader.
'use strict'
const path = require('node:path')
const fs = require('node:fs')
const cli = path.join(__dirname, '..', 'out', 'main', 'cli.js')
if (!fs.existsSync(cli)) {
  process.stderr.write(
    'snapshot-studio is not built yet: run `npm run build` in ' + path.dirname(__dirname) + '\n',
  )
  process.exit(1)
}
require(cli)
