import { isAppError } from '../../shared/app-error'
import { printableText } from '../../shared/printable-text'
import type { CliIo } from './cli-io'

/**
 * Every failure reaches the terminal as one line: `Error: <what is wrong> <what to do>`, never a
 * stack trace. Unexpected errors keep only their message. Messages quote what a file holds (entry
 * names, keys), so control characters are shown escaped, never sent to the terminal.
 */
export function reportError(io: CliIo, error: unknown, context?: string): number {
  let line: string
  if (isAppError(error)) line = error.hint ? `${withStop(error.message)} ${error.hint}` : error.message
  else line = error instanceof Error ? error.message : String(error)
  line = line.replace(/\s*\n\s*/g, ' ').trim()
  io.stderr.write(`Error${context ? ` ${context}` : ''}: ${printableText(line)}\n`)
  return 1
}

function withStop(text: string): string {
  return /[.!?:)]$/.test(text) ? text : `${text}.`
}
