import { describe, expect, it } from 'vitest'
import { readConsulEnvironment } from '../../../src/main/services/consul/consul-environment'
import { goParseBool } from '../../../src/main/services/consul/go-parse-bool'

describe('goParseBool', () => {
  it('accepts exactly the spellings of Go strconv.ParseBool', () => {
    for (const yes of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(goParseBool(yes)).toBe(true)
    for (const no of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(goParseBool(no)).toBe(false)
    for (const bad of ['yes', 'on', 'tRUE', ' true', '']) expect(goParseBool(bad)).toBeUndefined()
  })
})

describe('readConsulEnvironment', () => {
  it('defaults to 127.0.0.1:8500 over http when nothing is set', () => {
    const read = readConsulEnvironment({})
    expect(read.settings).toEqual({
      address: '127.0.0.1:8500',
      useTls: false,
      tls: { insecureSkipVerify: false },
    })
    expect(read.usedVariables).toEqual([])
  })

  it('reads every Consul CLI variable into settings and secrets', () => {
    const read = readConsulEnvironment({
      CONSUL_HTTP_ADDR: 'consul.example:8501',
      CONSUL_HTTP_TOKEN: 'tok',
      CONSUL_HTTP_TOKEN_FILE: '/etc/consul/token',
      CONSUL_HTTP_AUTH: 'ops:pa:ss',
      CONSUL_HTTP_SSL: 'T',
      CONSUL_CACERT: '/ca.pem',
      CONSUL_CAPATH: '/cas',
      CONSUL_CLIENT_CERT: '/c.pem',
      CONSUL_CLIENT_KEY: '/k.pem',
      CONSUL_TLS_SERVER_NAME: 'server.dc1.consul:8501',
      CONSUL_HTTP_SSL_VERIFY: 'true',
    })
    expect(read.settings).toEqual({
      address: 'consul.example:8501',
      useTls: true,
      tokenFile: '/etc/consul/token',
      basicAuthUser: 'ops',
      tls: {
        caFile: '/ca.pem',
        caPath: '/cas',
        clientCertFile: '/c.pem',
        clientKeyFile: '/k.pem',
        serverName: 'server.dc1.consul:8501',
        insecureSkipVerify: false,
      },
    })
    expect(read.token).toBe('tok')
    // split at the first ':' only
    expect(read.basicAuthPassword).toBe('pa:ss')
    expect(read.usedVariables).toHaveLength(11)
  })

  it('treats empty variables as unset, as Consul does', () => {
    expect(readConsulEnvironment({ CONSUL_HTTP_ADDR: '', CONSUL_HTTP_TOKEN: '' }).usedVariables).toEqual([])
  })

  it('ignores an unparsable CONSUL_HTTP_SSL with a warning, like the Consul CLI', () => {
    const read = readConsulEnvironment({ CONSUL_HTTP_SSL: 'yes' })
    expect(read.settings.useTls).toBe(false)
    expect(read.warnings[0]).toMatch(/CONSUL_HTTP_SSL="yes"/)
  })

  it('warns loudly when verification is switched off', () => {
    const read = readConsulEnvironment({ CONSUL_HTTP_SSL_VERIFY: '0' })
    expect(read.settings.tls.insecureSkipVerify).toBe(true)
    expect(read.warnings.join(' ')).toMatch(/switches off TLS certificate verification/)
  })

  it('refuses an unparsable CONSUL_HTTP_SSL_VERIFY instead of silently skipping verification', () => {
    expect(() => readConsulEnvironment({ CONSUL_HTTP_SSL_VERIFY: 'no' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
  })

  it('takes a user without password from CONSUL_HTTP_AUTH', () => {
    const read = readConsulEnvironment({ CONSUL_HTTP_AUTH: 'ops' })
    expect(read.settings.basicAuthUser).toBe('ops')
    expect(read.basicAuthPassword).toBeUndefined()
  })
})
