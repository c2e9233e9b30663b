import { describe, expect, it } from 'vitest'
import { createHandlers } from '../../../src/main/api/create-handlers'
import type { ApiHandlers } from '../../../src/main/api/dispatcher'
import { methodNames } from '../../../src/shared/api-contract'
import { createFakeHostServices } from './fake-host-services'

describe('the handler map', () => {
  it('answers every method of the contract; operations.cancel is the dispatcher’s own', () => {
    const handlers = createHandlers(createFakeHostServices())

    expect(Object.keys(handlers).sort()).toEqual(methodNames.filter((m) => m !== 'operations.cancel').sort())
  })

  it('is total by type: a host that leaves a method out does not compile', () => {
    const { 'sample.open': left, ...missingOne } = createHandlers(createFakeHostServices())

    // tsc checks this file (npm run typecheck): if ApiHandlers ever became partial again, this
    // directive would be unused and the build would fail.
    // @ts-expect-error -- 'sample.open' is missing
    const incomplete: ApiHandlers = missingOne

    expect(typeof left).toBe('function')
    expect('sample.open' in incomplete).toBe(false)
  })
})
