import { describe, expect, it } from 'vitest'
import { isSecretName, redactText, redactUrlCredentials, redactValue } from '../../../src/main/logging/redact'

describe('redaction', () => {
  it.each([
    ['http://admin:pw@consul.example:8500/v1/kv', 'http://[redacted]@consul.example:8500/v1/kv'],
    ['https://admin:p@ss@consul.example', 'https://[redacted]@consul.example'],
    ['dial admin:pw@10.0.0.1:8500 failed', 'dial [redacted]@10.0.0.1:8500 failed'],
    ['"admin:pw@[::1]:8500"', '"[redacted]@[::1]:8500"'],
  ])('masks the credentials of %s', (text, expected) => {
    expect(redactUrlCredentials(text)).toBe(expected)
  })

  it.each([
    'http://consul.example:8500/v1/kv/app@v2',
    'unix:///run/consul.sock',
    'snapshot 2026-12-01T12:30:00Z from 10.0.0.1:8500',
    'ops@example.com',
  ])('leaves %s alone', (text) => {
    expect(redactUrlCredentials(text)).toBe(text)
  })

  it('masks headers and secret-named pairs in free text, and keeps paths to token files', () => {
    expect(redactText('X-Consul-Token: abc123 and authorization=Bearer xyz')).toBe(
      'X-Consul-Token: [redacted] and authorization=[redacted]',
    )
    expect(redactText('{"SecretID":"abc","AccessorID":"def"} token=ghi password: jkl')).toBe(
      '{"SecretID":"[redacted]","AccessorID":"def"} token=[redacted] password: [redacted]',
    )
    expect(redactText('tokenFile=/etc/consul/token')).toBe('tokenFile=/etc/consul/token')
  })

  it('knows secret field names from this app and from Consul records', () => {
    const secret = [
      'token',
      'Token',
      'SecretID',
      'basicAuthPassword',
      'PrivateKey',
      'X-Consul-Token',
      'encrypt',
      'clientSecret',
    ]
    const plain = ['Key', 'AccessorID', 'tokenFile', 'name', 'address', 'datacenter', 'keyFile']

    expect(secret.filter((name) => !isSecretName(name))).toEqual([])
    expect(plain.filter((name) => isSecretName(name))).toEqual([])
  })

  it('copies values with secret fields masked at any depth, errors reduced, cycles cut', () => {
    const cyclic: Record<string, unknown> = { token: 't' }
    cyclic.self = cyclic

    const copy = redactValue({
      profile: { tls: { PrivateKey: '-----BEGIN' } },
      list: [{ SecretID: 's' }],
      empty: { token: null },
      body: Buffer.from('secret bytes'),
      cyclic,
    })

    expect(copy).toEqual({
      profile: { tls: { PrivateKey: '[redacted]' } },
      list: [{ SecretID: '[redacted]' }],
      empty: { token: null },
      body: '[12 bytes]',
      cyclic: { token: '[redacted]', self: '[circular]' },
    })
  })
})
