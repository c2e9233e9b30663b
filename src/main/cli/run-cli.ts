import { LOG_LEVEL_VARIABLE, resolveLogLevel, silentLogger, textSink } from '../logging/logger'
import type { CliIo } from './cli-io'
import { commands } from './commands'
import { reportError } from './report-error'
import { version } from '../../../package.json'

export type { CliIo, CliCommand } from './cli-io'

function topLevelHelp(): string {
  const names = Object.keys(commands).sort()
  const width = Math.max(...names.map((name) => name.length))
  const lines = names.map((name) => `    ${name.padEnd(width)}    ${commands[name]?.summary ?? ''}`)
  return `Usage: snapshot-studio [--version] [--help] [-log-level=LEVEL] <command> [args]

  Snapshot Studio for Consul: back up, inspect and restore Consul snapshots.

Available commands are:
${lines.join('\n')}

Run "snapshot-studio <command> --help" for a command's options.
-log-level (or ${LOG_LEVEL_VARIABLE}) logs what a command does to stderr: trace, debug,
info, warn, error or silent (the default; web logs warnings).
`
}

/**
 * `-log-level=LEVEL`, `--log-level LEVEL` and their spellings before the command name. Taken
 * there only, so a command's own -log-level (the agent's) stays the command's.
 */
function takeLogLevel(argv: string[]): { level: string | undefined; rest: string[] } {
  let level: string | undefined
  let index = 0
  while (index < argv.length) {
    const match = /^--?log-level(?:=(.*))?$/.exec(argv[index] ?? '')
    if (match === null) break
    if (match[1] !== undefined) {
      level = match[1]
      index += 1
    } else {
      level = argv[index + 1] ?? ''
      index += 2
    }
  }
  return { level, rest: argv.slice(index) }
}

/** Runs one command line and returns the exit code; every failure is one `Error: ...` line. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const asked = takeLogLevel(argv)
  const [first, ...rest] = asked.rest
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
    const level =
      asked.level !== undefined
        ? resolveLogLevel(asked.level, 'silent', '-log-level')
        : resolveLogLevel(io.env[LOG_LEVEL_VARIABLE], command.defaultLogLevel ?? 'silent')
    // pino is loaded only for a log that was asked for: a save or restore pays for every module
    // loaded before its first request, and nothing overlaps that wait.
    const log =
      level === 'silent'
        ? silentLogger
        : (await import('../logging/pino-logger'))
            .createLogger({ sinks: [textSink(io.stderr, level)] })
            .child(first)
    const started = performance.now()
    log.debug('Command started')
    const code = await command.run(rest, { ...io, log })
    log.debug('Command finished', { exitCode: code, ms: Math.round(performance.now() - started) })
    return code
  } catch (error) {
    return reportError(io, error)
  }
}
