import pino from 'pino'

/**
 * The agent's log: structured (pino) with redaction before any sink, written to stderr. Text mode
 * prints the Enterprise agent's shape (`2016/11/16 21:21:13 [INFO] Saved snapshot 1479…`) so
 * operators' log filters keep working; `-log-json` prints pino's JSON lines.
 */
export interface AgentLogger {
  trace(message: string, fields?: Record<string, unknown>): void
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export type AgentLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error'

/** Field names that can carry secrets; their values never reach a sink. */
const REDACT = [
  'token',
  'secret',
  'password',
  'authorization',
  '*.token',
  '*.secret',
  '*.password',
  '*.authorization',
]

export interface LogSink {
  write(line: string): unknown
}

export function createAgentLogger(options: {
  level: AgentLogLevel
  json: boolean
  sink?: LogSink
}): AgentLogger {
  const sink = options.sink ?? { write: (line: string) => process.stderr.write(line) }
  const logger = pino(
    {
      level: options.level,
      base: null,
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      hooks: options.json ? {} : { streamWrite: toText },
    },
    { write: (line: string) => sink.write(line) },
  )
  const at =
    (level: AgentLogLevel) =>
    (message: string, fields?: Record<string, unknown>): void =>
      fields ? logger[level](fields, message) : logger[level](message)
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

function toText(line: string): string {
  let record: Record<string, unknown>
  try {
    record = JSON.parse(line) as Record<string, unknown>
  } catch {
    return line
  }
  const { time, level, msg, ...rest } = record
  const when = typeof time === 'string' ? time.slice(0, 19).replace('T', ' ').replace(/-/g, '/') : ''
  const extra = Object.entries(rest)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ')
  return `${when} [${String(level).toUpperCase()}] ${String(msg ?? '')}${extra ? ` ${extra}` : ''}\n`
}

/** For tests and library use: drops everything. */
export const silentLogger: AgentLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
}
