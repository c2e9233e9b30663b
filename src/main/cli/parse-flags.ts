import { AppError } from '../../shared/app-error'

/**
 * Command-line flags the way Go's `flag` package (and so the Consul CLI) reads them, so scripts
 * written for `consul snapshot ...` work unchanged: `-name value`, `-name=value`, and the same with
 * `--`; boolean flags take no separate value (`-stale`, `-stale=false`); `--` ends the flags.
 * Unlike Go, flags may also follow the positional arguments (`inspect backup.snap -format json`),
 * which Consul would reject; that only accepts more.
 */
export type FlagKind = 'bool' | 'string' | 'int'

export interface FlagSpec {
  name: string
  kind: FlagKind
  /** Shown in help. */
  usage: string
  /** Placeholder for the value in help, e.g. "NAME". */
  valueName?: string
  /** Collect every occurrence (string flags only). */
  repeatable?: boolean
  /** Hidden from help (accepted spellings kept for compatibility). */
  hidden?: boolean
}

export type FlagValue = string | boolean | number | string[]

export interface ParsedFlags {
  /** Only flags given on the command line appear here. */
  values: Map<string, FlagValue>
  positionals: string[]
  /** -h, -help or --help was given. */
  help: boolean
}

export function flagError(message: string): AppError {
  return new AppError('INVALID_ARGUMENT', message, { hint: 'Run with --help to see the options.' })
}

/** Go's strconv.ParseBool. */
export function parseGoBool(text: string): boolean | null {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false
  return null
}

/** Go's strconv.ParseInt(text, 0, 64) for values that fit a safe JavaScript integer. */
export function parseGoInt(text: string): number | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]*|[1-9][0-9_]*)$/.exec(text)
  if (m === null) return null
  const sign = m[1] === '-' ? -1 : 1
  let body = (m[2] as string).replace(/_/g, '')
  let radix = 10
  if (/^0[xX]/.test(body)) [radix, body] = [16, body.slice(2)]
  else if (/^0[bB]/.test(body)) [radix, body] = [2, body.slice(2)]
  else if (/^0[oO]/.test(body)) [radix, body] = [8, body.slice(2)]
  else if (body.length > 1 && body.startsWith('0')) [radix, body] = [8, body.slice(1)]
  if (body === '') body = '0'
  const value = sign * parseInt(body, radix)
  return Number.isSafeInteger(value) ? value : null
}

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const byName = new Map(specs.map((spec) => [spec.name, spec]))
  const values = new Map<string, FlagValue>()
  const positionals: string[] = []
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (arg.length < 2 || !arg.startsWith('-')) {
      positionals.push(arg)
      continue
    }
    const body = arg.startsWith('--') ? arg.slice(2) : arg.slice(1)
    if (body.length === 0 || body.startsWith('-') || body.startsWith('='))
      throw flagError(`bad flag syntax: ${arg}`)
    const eq = body.indexOf('=')
    const name = eq < 0 ? body : body.slice(0, eq)
    const inline = eq < 0 ? null : body.slice(eq + 1)
    const spec = byName.get(name)
    if (!spec) {
      if (name === 'h' || name === 'help') {
        help = true
        continue
      }
      throw flagError(`flag provided but not defined: -${name}`)
    }
    if (spec.kind === 'bool') {
      const value = inline === null ? true : parseGoBool(inline)
      if (value === null) throw flagError(`invalid boolean value "${inline}" for -${name}: parse error`)
      values.set(name, value)
      continue
    }
    let text = inline
    if (text === null) {
      if (i + 1 >= argv.length) throw flagError(`flag needs an argument: -${name}`)
      text = argv[++i] as string
    }
    if (spec.kind === 'int') {
      const value = parseGoInt(text)
      if (value === null) throw flagError(`invalid value "${text}" for flag -${name}: parse error`)
      values.set(name, value)
    } else if (spec.repeatable) {
      const list = (values.get(name) as string[] | undefined) ?? []
      list.push(text)
      values.set(name, list)
    } else values.set(name, text)
  }
  return { values, positionals, help }
}

/** Help lines for the flags, Consul style: "  -name=<value>" then the indented usage. */
export function formatFlagHelp(specs: readonly FlagSpec[]): string {
  return specs
    .filter((spec) => !spec.hidden)
    .map((spec) => {
      const head =
        spec.kind === 'bool' ? `  -${spec.name}` : `  -${spec.name}=<${spec.valueName ?? spec.kind}>`
      return `${head}\n     ${spec.usage}`
    })
    .join('\n\n')
}

export function stringFlag(parsed: ParsedFlags, name: string): string | undefined {
  const value = parsed.values.get(name)
  return typeof value === 'string' ? value : undefined
}

export function boolFlag(parsed: ParsedFlags, name: string): boolean | undefined {
  const value = parsed.values.get(name)
  return typeof value === 'boolean' ? value : undefined
}

export function intFlag(parsed: ParsedFlags, name: string): number | undefined {
  const value = parsed.values.get(name)
  return typeof value === 'number' ? value : undefined
}
