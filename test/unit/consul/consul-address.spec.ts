import { describe, expect, it } from 'vitest'
import {
  describeEndpoint,
  parseConsulAddress,
  stripServerNamePort,
} from '../../../src/main/services/consul/consul-address'

describe('parseConsulAddress (the Consul CLI address rules)', () => {
  it('reads host:port as http unless TLS is requested', () => {
    expect(parseConsulAddress('127.0.0.1:8500', false)).toEqual({
      kind: 'tcp',
      scheme: 'http',
      host: '127.0.0.1',
      port: 8500,
      pathPrefix: '',
    })
    expect(parseConsulAddress('127.0.0.1:8501', true)).toMatchObject({ scheme: 'https', port: 8501 })
  })

  it('lets https:// force TLS and never reverts http:// to plain when TLS was requested', () => {
    expect(parseConsulAddress('https://consul.example:8501', false)).toMatchObject({
      scheme: 'https',
      host: 'consul.example',
    })
    expect(parseConsulAddress('http://consul.example:8501', true)).toMatchObject({ scheme: 'https' })
  })

  it('keeps a path after the host as a reverse-proxy prefix', () => {
    expect(parseConsulAddress('https://proxy.example/consul/', false)).toMatchObject({
      host: 'proxy.example',
      port: 443,
      pathPrefix: '/consul',
    })
  })

  it('reads unix:// as a socket path', () => {
    expect(parseConsulAddress('unix:///var/run/consul.sock', false)).toEqual({
      kind: 'unix',
      socketPath: '/var/run/consul.sock',
      pathPrefix: '',
    })
  })

  it('accepts bracketed IPv6 addresses', () => {
    expect(parseConsulAddress('[::1]:8500', false)).toMatchObject({ host: '::1', port: 8500 })
    expect(describeEndpoint(parseConsulAddress('[::1]:8500', false))).toBe('http://[::1]:8500')
  })

  it.each([
    ['ftp://host:21', /unknown protocol scheme "ftp"/],
    ['', /empty/],
    ['host:99999', /not a port/],
    ['::1:8500', /brackets/],
  ])('refuses %j with a typed error', (address, why) => {
    expect(() => parseConsulAddress(address, false)).toThrow(why)
    try {
      parseConsulAddress(address, false)
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' })
    }
  })
})

describe('stripServerNamePort', () => {
  it('drops a :port suffix as Go does, but leaves IPv6 and plain names alone', () => {
    expect(stripServerNamePort('server.dc1.consul:8501')).toBe('server.dc1.consul')
    expect(stripServerNamePort('server.dc1.consul')).toBe('server.dc1.consul')
    expect(stripServerNamePort('[::1]:8501')).toBe('::1')
    expect(stripServerNamePort('[::1]')).toBe('[::1]')
  })
})

describe('an address with credentials in it', () => {
  const secret = 's3cr3t-Pa55'

  it.each([
    ['with a scheme', `http://admin:${secret}@consul.example:8500`],
    ['without a scheme', `admin:${secret}@consul.example:8500`],
    ['with a password holding an @', `https://admin:${secret}@x@consul.example`],
    ['with an unknown scheme', `ftp://admin:${secret}@consul.example`],
    ['with a bad port', `http://admin:${secret}@consul.example:http`],
  ])('is refused %s, and the error never repeats the password', (_how, address) => {
    let error: unknown
    try {
      parseConsulAddress(address, false)
    } catch (caught) {
      error = caught
    }

    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(
      JSON.stringify({ message: (error as Error).message, hint: (error as { hint?: string }).hint }),
    ).not.toContain(secret)
  })

  it('is refused with a hint to use the basic-auth setting', () => {
    expect(() => parseConsulAddress(`http://admin:${secret}@consul.example:8500`, false)).toThrow(
      expect.objectContaining({
        message:
          'The Consul address "http://[redacted]@consul.example:8500" carries credentials (user:password@), which an address cannot hold.',
        hint: expect.stringContaining('basic-auth user and password'),
      }),
    )
  })
})
