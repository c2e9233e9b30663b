/**
 * The app's one logger (pino underneath): structured lines, a scope per part of the app
 * (`log.child('consul')`), several sinks each with its own level and format. Redaction happens
 * inside the logger, before any sink sees a byte: fields by name, messages and the finished line
 * by shape (see redact.ts). The desktop app writes JSON lines to a rotated file in its data
 * folder; the CLI writes text to stderr, and only when asked.
 */
import { homedir } from 'node:os'
import pino from 'pino'
import { AppError } from '../../shared/app-error'
import { redactText, redactValue } from './redact'

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
type RecordLevel = Exclude<LogLevel, 'silent'>

export type LogFields = Record<string, unknown>

export interface Logger {
  trace(message: string, fields?: LogFields): void
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
  /** A logger whose lines carry `scope` (joined with the parent's: `host.consul`) and the given fields. */
  child(scope: string, fields?: LogFields): Logger
}

export interface LogSink {
  /** The least severe level this sink takes. */
  level: LogLevel
  /** `json`: one JSON object a line (files, machines); `text`: one readable line (terminals). */
  format: 'json' | 'text'
  write(line: string): unknown
}

export interface LoggerOptions {
  sinks: LogSink[]
  /** Fields on every line (e.g. `{ app: 'desktop' }`). */
  base?: LogFields
  /** Replaced by `~` in every line; the current user's home unless given. */
  home?: string
}

const SEVERITY: Record<LogLevel, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  silent: Infinity,
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value)
}

/** The environment variable every host reads its log level from. */
export const LOG_LEVEL_VARIABLE = 'SNAPSHOT_STUDIO_LOG_LEVEL'

/** A level by name (a flag or SNAPSHOT_STUDIO_LOG_LEVEL), the fallback when none is given. */
export function resolveLogLevel(
  name: string | undefined,
  fallback: LogLevel,
  source = LOG_LEVEL_VARIABLE,
): LogLevel {
  if (name === undefined || name.trim() === '') return fallback
  const level = name.trim().toLowerCase()
  if (isLogLevel(level)) return level
  throw new AppError(
    'INVALID_ARGUMENT',
    `${source} must be one of ${LOG_LEVELS.join(', ')}; got "${name}".`,
    {
      hint: 'debug shows each step, info the outcomes, silent nothing.',
    },
  )
}

/** Readable lines to a terminal stream (stderr: stdout carries the commands' output). */
export function textSink(stream: { write(text: string): unknown }, level: LogLevel): LogSink {
  return { level, format: 'text', write: (line) => stream.write(line) }
}

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

/** Drops everything: for code run without a log (tests, library use). */
export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
}
