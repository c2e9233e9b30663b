// Loaded with `node --import` by specs about what a command loads: every file under node_modules
// that an ES import or a CommonJS require brought in is written to stderr as `module-loaded <path>`.
// Resolve hooks run on their own thread in Node 20, so they write with writeSync.
import { createRequire, register } from 'node:module'

const hooks = `import { writeSync } from 'node:fs'
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  if (resolved.url.includes('/node_modules/')) writeSync(2, 'module-loaded ' + resolved.url + '\\n')
  return resolved
}`
register(`data:text/javascript,${encodeURIComponent(hooks)}`)

const cache = createRequire(import.meta.url).cache
process.on('exit', () => {
  for (const file of Object.keys(cache))
    if (file.includes('/node_modules/')) process.stderr.write(`module-loaded ${file}\n`)
})
