// Preloaded (`node -r`) into a measured Node child when GNU time is not installed: prints the
// process's peak resident set size on exit, in the same `MAXRSS_KB=<n>` form `time -f` gives.
'use strict'
process.on('exit', () => {
  process.stderr.write(`MAXRSS_KB=${process.resourceUsage().maxRSS}\n`)
})
