import { describe, expect, it } from 'vitest'
import { clearTextDestination } from '../../../src/shared/clear-text-address'

describe('an address that would carry a token in clear text', () => {
  it.each([
    ['http://10.0.0.5:8500', false, '10.0.0.5'],
    ['consul.internal:8500', false, 'consul.internal'],
    ['http://user@consul.internal:8500/proxy', false, 'consul.internal'],
    ['http://[2001:db8::1]:8500', false, '2001:db8::1'],
  ])('%s (CONSUL_HTTP_SSL=%s) sends it to %s', (address, useTls, host) => {
    expect(clearTextDestination(address, useTls)).toBe(host)
  })

  it.each([
    ['https://consul.internal:8501', false],
    ['consul.internal:8501', true],
    ['http://consul.internal:8500', true], // Consul never reverts to http once TLS is asked for
    ['http://127.0.0.1:8500', false],
    ['localhost:8500', false],
    ['http://[::1]:8500', false],
    ['unix:///var/run/consul.sock', false],
    ['', false],
  ])('%s (CONSUL_HTTP_SSL=%s) keeps it private', (address, useTls) => {
    expect(clearTextDestination(address, useTls)).toBeNull()
  })
})
