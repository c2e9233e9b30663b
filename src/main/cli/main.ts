import { printableText } from '../../shared/printable-text'
import { runCli } from './run-cli'

// Process entry of the CLI (built to out/main/cli.js, run by bin/snapshot-studio.js).
const controller = new AbortController()
process.once('SIGINT', () => controller.abort())
// A closed pipe (`... | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
})

// Every line on stderr is ours (errors, warnings, progress, questions) but may quote what a file
// holds: control characters are escaped there, whichever command writes it. stdout is left as
// each command writes it (inspect must print keys byte for byte as Consul does).
const stderr = {
  write: (text: string) => process.stderr.write(printableText(text, true)),
  isTTY: process.stderr.isTTY,
}

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
  stdin: process.stdin,
})
  .then((code) => {
    process.exitCode = code
  })
  .catch((error: unknown) => {
    stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  })
