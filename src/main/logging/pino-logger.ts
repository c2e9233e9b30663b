/**
 * The logger behind the Logger interface of logger.ts: pino, with redaction inside it, before any
 * sink sees a byte (fields by name, messages and the finished line by shape: see redact.ts). Kept
 * apart from logger.ts so that code which only passes a Logger around, and a CLI command run
 * without -log-level, does not load pino (a tenth of the CLI's start-up, which a save or restore
 * pays before its first request).
 */
import { homedir } from 'node:os'
import pino from 'pino'
import { redactText, redactValue } from './redact'
import {
  SEVERITY,
  silentLogger,
  type LogFields,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type RecordLevel,
} from './logger'

export function createLogger(options: LoggerOptions): Logger {
  const sinks = options.sinks.filter((sink) => sink.level !== 'silent')
  if (sinks.length === 0) return silentLogger
  const home = options.home ?? homedir()
  const least = sinks.reduce<LogLevel>(
    (min, sink) => (SEVERITY[sink.level] < SEVERITY[min] ? sink.level : min),
    'error',
  )
  const root = pino(
    {
      level: least,
      base: options.base === undefined ? null : (redactValue(options.base) as LogFields),
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // Fields are masked by name here, before pino serialises them.
        log: (fields) => redactValue(fields) as Record<string, unknown>,
        bindings: (bindings) => redactValue(bindings) as Record<string, unknown>,
      },
      // The finished line is masked by shape once more, whatever field a secret slipped into.
      hooks: { streamWrite: (line) => redactText(line, home) },
    },
    {
      write(line: string) {
        const level = levelOf(line)
        for (const sink of sinks) {
          if (SEVERITY[level] < SEVERITY[sink.level]) continue
          sink.write(sink.format === 'json' ? line : toText(line))
        }
      },
    },
  )
  return wrap(root, undefined)
}

function wrap(logger: pino.Logger, scope: string | undefined): Logger {
  const at =
    (level: RecordLevel) =>
    (message: string, fields?: LogFields): void => {
      if (fields === undefined) logger[level](message)
      else logger[level](fields, message)
    }
  return {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child(name, fields) {
      const joined = scope === undefined ? name : `${scope}.${name}`
      return wrap(logger.child({ ...fields, scope: joined }), joined)
    },
  }
}

function levelOf(line: string): RecordLevel {
  const match = /"level":"(trace|debug|info|warn|error)"/.exec(line)
  return (match?.[1] as RecordLevel | undefined) ?? 'error'
}

/** `2026-12-01T12:00:00.000Z INFO  [host.consul] Saved snapshot bytes=123 file=~/x.snap` */
function toText(line: string): string {
  let record: Record<string, unknown>
  try {
    record = JSON.parse(line) as Record<string, unknown>
  } catch {
    return line
  }
  const { time, level, msg, scope, ...rest } = record
  const extra = Object.entries(rest)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ')
  const where = typeof scope === 'string' ? ` [${scope}]` : ''
  return `${String(time ?? '')} ${String(level ?? '')
    .toUpperCase()
    .padEnd(5)}${where} ${String(msg ?? '')}${extra ? ` ${extra}` : ''}\n`
}
