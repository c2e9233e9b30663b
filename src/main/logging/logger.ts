/**
 * The app's one logger (pino underneath, in pino-logger.ts): structured lines, a scope per part of the app
 * (`log.child('consul')`), several sinks each with its own level and format. Redaction happens
 * inside the logger, before any sink sees a byte: fields by name, messages and the finished line
 * by shape (see redact.ts). The desktop app writes JSON lines to a rotated file in its data
 * folder; the CLI writes text to stderr, and only when asked.
 */
import { AppError } from '../../shared/app-error'

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
export type RecordLevel = Exclude<LogLevel, 'silent'>

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

export const SEVERITY: Record<LogLevel, number> = {
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

/** Drops everything: for code run without a log (tests, library use). */
export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
}
