import { silentLogger as sharedSilentLogger, type Logger } from '../../logging/logger'
import { createLogger } from '../../logging/pino-logger'

/**
 * The agent logs through the app's one logger (src/main/logging: pino, redaction of secrets and
 * home paths before any sink) to stderr: readable text by default, JSON lines with `-log-json`.
 */
export type AgentLogger = Pick<Logger, 'trace' | 'debug' | 'info' | 'warn' | 'error'>

export type AgentLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error'

export interface LogSink {
  write(line: string): unknown
}

export function createAgentLogger(options: {
  level: AgentLogLevel
  json: boolean
  sink?: LogSink
}): AgentLogger {
  const sink = options.sink ?? { write: (line: string) => process.stderr.write(line) }
  return createLogger({
    sinks: [
      { level: options.level, format: options.json ? 'json' : 'text', write: (line) => sink.write(line) },
    ],
  })
}

export const silentLogger: AgentLogger = sharedSilentLogger
