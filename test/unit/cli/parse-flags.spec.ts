import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import { parseFlags, parseGoBool, parseGoInt, type FlagSpec } from '../../../src/main/cli/parse-flags'

const SPECS: FlagSpec[] = [
  { name: 'format', kind: 'string', usage: '' },
  { name: 'kvdetails', kind: 'bool', usage: '' },
  { name: 'kvdepth', kind: 'int', usage: '' },
  { name: 'header', kind: 'string', usage: '', repeatable: true },
]

function parse(...argv: string[]): Record<string, unknown> & { _: string[]; help: boolean } {
  const parsed = parseFlags(argv, SPECS)
  return { ...Object.fromEntries(parsed.values), _: parsed.positionals, help: parsed.help }
}

function parseError(...argv: string[]): string {
  try {
    parseFlags(argv, SPECS)
  } catch (error) {
    if (error instanceof AppError) return error.message
  }
  throw new Error('expected a flag error')
}

describe('parseFlags', () => {
  it.each([
    [['-format=json', 'f'], 'json'],
    [['-format', 'json', 'f'], 'json'],
    [['--format=json', 'f'], 'json'],
    [['--format', 'json', 'f'], 'json'],
  ])('reads a string flag written %j', (argv, value) => {
    expect(parse(...argv)).toMatchObject({ format: value, _: ['f'] })
  })

  it.each([
    [['-kvdetails'], true],
    [['--kvdetails'], true],
    [['-kvdetails=true'], true],
    [['-kvdetails=false'], false],
    [['-kvdetails=1'], true],
    [['-kvdetails=F'], false],
  ])('reads a bool flag written %j', (argv, value) => {
    expect(parse(...argv).kvdetails).toBe(value)
  })

  it('does not let a bool flag swallow the next argument', () => {
    expect(parse('-kvdetails', 'file.snap')).toMatchObject({ kvdetails: true, _: ['file.snap'] })
  })

  it.each([
    [['-kvdepth=3'], 3],
    [['-kvdepth', '0x10'], 16],
    [['--kvdepth', '-1'], -1],
  ])('reads an int flag written %j', (argv, value) => {
    expect(parse(...argv).kvdepth).toBe(value)
  })

  it('accepts flags after positionals and stops at --', () => {
    expect(parse('a.snap', '-format', 'json', '--', '-kvdetails')).toMatchObject({
      format: 'json',
      _: ['a.snap', '-kvdetails'],
    })
  })

  it('treats a lone - as a positional', () => {
    expect(parse('-')._).toEqual(['-'])
  })

  it('keeps the last value of a flag given twice, or all values of a repeatable one', () => {
    expect(parse('-format=a', '-format=b').format).toBe('b')
    expect(parse('-header', 'x', '--header=y').header).toEqual(['x', 'y'])
  })

  it.each(['-h', '-help', '--help', '--h'])('recognises %s as a help request', (flag) => {
    expect(parse(flag).help).toBe(true)
  })

  it.each([
    [['-nope'], 'flag provided but not defined: -nope'],
    [['-format'], 'flag needs an argument: -format'],
    [['-kvdepth=x'], 'invalid value "x" for flag -kvdepth: parse error'],
    [['-kvdetails=maybe'], 'invalid boolean value "maybe" for -kvdetails: parse error'],
    [['---format=json'], 'bad flag syntax: ---format=json'],
    [['-=x'], 'bad flag syntax: -=x'],
  ])('rejects %j with Go flag wording', (argv, message) => {
    expect(parseError(...argv)).toBe(message)
  })
})

describe('Go value parsing', () => {
  it('parses booleans like strconv.ParseBool', () => {
    expect(['1', 't', 'T', 'TRUE', 'true', 'True'].map(parseGoBool)).toEqual(Array(6).fill(true))
    expect(['0', 'f', 'F', 'FALSE', 'false', 'False'].map(parseGoBool)).toEqual(Array(6).fill(false))
    expect(parseGoBool('yes')).toBeNull()
  })

  it('parses integers like strconv.ParseInt with base 0', () => {
    expect(['10', '-7', '0x1f', '0b101', '0o17', '017', '1_000', '0'].map(parseGoInt)).toEqual([
      10, -7, 31, 5, 15, 15, 1000, 0,
    ])
    expect(['', '1.5', 'ten', '08'].map(parseGoInt)).toEqual([null, null, null, null])
  })
})
