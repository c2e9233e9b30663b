import { agentCommand } from '../cli/commands/agent'
import { retentionCommand } from '../cli/commands/retention'
import { reportError } from '../cli/report-error'

/**
 * Entry of the standalone agent (bundled into out/agent/snapshot-agent.js by
 * scripts/build-agent.mjs): one file that plain `node` ≥ 20 runs on a server without the desktop
 * app or its node_modules.
 *
 *   node snapshot-agent.js [agent flags]          = snapshot-studio agent [flags]
 *   node snapshot-agent.js status [flags]         = snapshot-studio agent status [flags]
 *   node snapshot-agent.js retention plan [flags] = snapshot-studio retention plan [flags]
 */
const controller = new AbortController()
const argv = process.argv.slice(2)
const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
}
const run = argv[0] === 'retention' ? retentionCommand.run(argv.slice(1), io) : agentCommand.run(argv, io)
run
  .then((code) => {
    process.exitCode = code
  })
  .catch((error: unknown) => {
    process.exitCode = reportError(io, error)
  })
