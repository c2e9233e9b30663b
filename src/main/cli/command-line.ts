import type { CliIo } from './cli-io'
import { parseFlags, type FlagSpec, type ParsedFlags } from './parse-flags'
import { reportError } from './report-error'

/**
 * The opening every command shares: parse its flags, answer `--help`, or report a flag error.
 * Returns the parsed flags, or the exit code when the command has nothing more to do.
 */
export function parseCommandLine(
  argv: string[],
  flags: readonly FlagSpec[],
  help: string,
  io: CliIo,
): ParsedFlags | number {
  let parsed: ParsedFlags
  try {
    parsed = parseFlags(argv, flags)
  } catch (error) {
    return reportError(io, error)
  }
  if (parsed.help) {
    io.stdout.write(help)
    return 0
  }
  return parsed
}
