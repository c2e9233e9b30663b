import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error'
import type { LogSink } from '../../../src/main/logging/logger'
import { createLogger } from '../../../src/main/logging/pino-logger'

function collect(level: LogSink['level'], format: LogSink['format']) {
  const lines: string[] = []
  return { sink: { level, format, write: (line: string) => void lines.push(line) }, lines }
}

const token = '6a2b81c4-9f1e-4d0a-8c3b-2f7e5d1a9b40'
const password = 'hunter2-Pa55'

describe('the logger', () => {
  it('writes JSON lines with the scope of a child logger and its fields', () => {
    const file = collect('info', 'json')
    const log = createLogger({ sinks: [file.sink], home: '/home/op' })

    log.child('host').child('consul', { profileId: 'p1' }).info('Saved snapshot', { bytes: 1024 })

    const record = JSON.parse(file.lines[0] ?? '{}') as Record<string, unknown>
    expect(record).toMatchObject({
      level: 'info',
      scope: 'host.consul',
      profileId: 'p1',
      bytes: 1024,
      msg: 'Saved snapshot',
    })
    expect(typeof record.time).toBe('string')
  })

  it('gives each sink the levels it asked for, as JSON or as one text line', () => {
    const file = collect('debug', 'json')
    const terminal = collect('warn', 'text')
    const log = createLogger({ sinks: [file.sink, terminal.sink], home: '/home/op' })

    log.debug('probing leader')
    log.warn('no leader yet', { attempt: 2 })

    expect(file.lines).toHaveLength(2)
    expect(terminal.lines).toEqual([expect.stringMatching(/^\S+Z WARN {2}no leader yet attempt=2\n$/)])
  })

  it('writes nothing at all when every sink is silent', () => {
    const file = collect('silent', 'json')

    createLogger({ sinks: [file.sink] }).error('lost')

    expect(file.lines).toEqual([])
  })

  it('lets no token, password or URL credential reach any sink, whatever carries it', () => {
    const file = collect('trace', 'json')
    const terminal = collect('trace', 'text')
    const log = createLogger({ sinks: [file.sink, terminal.sink], home: '/home/op' }).child('cli', {
      token,
    })

    log.info(`connecting to http://admin:${password}@consul.example:8500/v1/status/leader?token=${token}`)
    log.debug('request', {
      headers: {
        'X-Consul-Token': token,
        Authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
      },
      profile: {
        name: 'prod',
        basicAuthPassword: password,
        connection: { address: `admin:${password}@consul.example` },
      },
      records: [{ AccessorID: 'a-1', SecretID: token }],
      note: `Authorization: Bearer ${token}`,
    })
    log.error('save failed', {
      err: new Error(
        `POST http://admin:${password}@consul.example failed; "token":"${token}" password=${password}`,
      ),
    })
    log.warn('refused', {
      error: new AppError('CONSUL_ACL_DENIED', 'denied', {
        details: { token, endpoint: 'http://consul.example' },
      }),
    })

    const everything = [...file.lines, ...terminal.lines].join('')
    expect(file.lines).toHaveLength(4)
    expect(everything).not.toContain(token)
    expect(everything).not.toContain(password)
    expect(everything).not.toContain(Buffer.from(`admin:${password}`).toString('base64'))
    expect(everything).toContain('consul.example')
    expect(everything).toContain('AccessorID')
  })

  it('writes the home folder as ~ (log files end up in bug reports)', () => {
    const file = collect('info', 'json')

    createLogger({ sinks: [file.sink], home: '/home/op' }).info('saved', {
      file: '/home/op/snapshots/prod.snap',
    })

    expect(file.lines[0]).toContain('"file":"~/snapshots/prod.snap"')
  })
})
