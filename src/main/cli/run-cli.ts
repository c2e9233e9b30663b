import type { CliIo } from './cli-io'
import { commands } from './commands'
import { reportError } from './report-error'
import { version } from '../../../package.json'

export type { CliIo, CliCommand } from './cli-io'

function topLevelHelp(): string {
  const names = Object.keys(commands).sort()
  const width = Math.max(...names.map((name) => name.length))
  const lines = names.map((name) => `    ${name.padEnd(width)}    ${commands[name]?.summary ?? ''}`)
  return `Usage: snapshot-studio [--version] [--help] <command> [args]

  Snapshot Studio for Consul: back up, inspect and restore Consul snapshots.

Available commands are:
${lines.join('\n')}

Run "snapshot-studio <command> --help" for a command's options.
`
}

/** Runs one command line and returns the exit code; every failure is one `Error: ...` line. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv
  try {
    if (first === undefined || first === '-h' || first === '--help' || first === '-help') {
      io.stdout.write(topLevelHelp())
      return first === undefined ? 1 : 0
    }
    if (first === 'help') {
      const topic = rest[0]
      const command = topic === undefined ? undefined : commands[topic]
      if (command) return await command.run(['--help'], io)
      io.stdout.write(topLevelHelp())
      return topic === undefined ? 0 : 1
    }
    if (first === '--version' || first === '-version' || first === '-v' || first === 'version') {
      io.stdout.write(`snapshot-studio ${version}\n`)
      return 0
    }
    const command = Object.hasOwn(commands, first) ? commands[first] : undefined
    if (!command) {
      io.stderr.write(
        `Error: unknown command "${first}". Run "snapshot-studio --help" to see the commands.\n`,
      )
      return 1
    }
    return await command.run(rest, io)
  } catch (error) {
    return reportError(io, error)
  }
}
