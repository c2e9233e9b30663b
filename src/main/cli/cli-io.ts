import type { Logger, LogLevel } from '../logging/logger'

/** What a command may touch of its process: injected so tests run commands in-process. */
export interface CliIo {
  /** Bytes are written as is (inspect prints KV keys that are not valid UTF-8 raw, like Consul). */
  stdout: { write(chunk: string | Uint8Array): unknown }
  stderr: { write(chunk: string): unknown }
  env: Record<string, string | undefined>
  cwd: string
  /** Aborted on Ctrl-C: long commands stop and clean up. */
  signal?: AbortSignal
  /** For typed confirmations (restore); absent means not interactive. */
  stdin?: NodeJS.ReadableStream
  /**
   * The command's log, on stderr and only when asked (`snapshot-studio -log-level=debug CMD` or
   * SNAPSHOT_STUDIO_LOG_LEVEL); stdout stays the command's output, byte for byte. runCli sets it.
   */
  log?: Logger
}

export interface CliCommand {
  /** One line for the top-level help. */
  summary: string
  /** The log level when none is asked for; silent unless the command is a server (web). */
  defaultLogLevel?: LogLevel
  /** Returns the exit code. Never throws for expected failures; prints one `Error: ...` line. */
  run(argv: string[], io: CliIo): Promise<number>
}
