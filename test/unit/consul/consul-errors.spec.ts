import { describe, expect, it } from 'vitest'
import { mapTransportError } from '../../../src/main/services/consul/consul-errors'

describe('transport errors', () => {
  it('never pass on credentials quoted by the failing socket or proxy', () => {
    const socketError = Object.assign(
      new Error('proxy http://ops:Pr0xy-Pa55@proxy.internal:3128 reset the connection'),
      {
        code: 'ECONNRESET',
      },
    )

    const error = mapTransportError(socketError, 'http://consul.example:8500')

    expect(error).toMatchObject({ code: 'CONSUL_UNREACHABLE' })
    expect(error.message).toContain('http://[redacted]@proxy.internal:3128')
    expect(
      JSON.stringify({ message: error.message, hint: error.hint, details: error.details }),
    ).not.toContain('Pr0xy-Pa55')
  })

  it('keep the failing endpoint and the reason', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8500'), { code: 'ECONNREFUSED' })

    const error = mapTransportError(refused, 'http://127.0.0.1:8500')

    expect(error).toMatchObject({ code: 'CONSUL_REFUSED', details: { endpoint: 'http://127.0.0.1:8500' } })
  })
})
