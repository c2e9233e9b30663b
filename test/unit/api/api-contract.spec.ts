import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createHandlers } from '../../../src/main/api/create-handlers'
import {
  apiMethods,
  methodNames,
  operationIdSchema,
  snapshotSourceSchema,
} from '../../../src/shared/api-contract'
import { createFakeHostServices } from './fake-host-services'

describe('the API contract', () => {
  it('has a handler for every method (cancellation is the dispatcher’s own)', () => {
    const handlers = createHandlers(createFakeHostServices())

    const missing = methodNames.filter((name) => name !== 'operations.cancel' && handlers[name] === undefined)

    expect(missing).toEqual([])
  })

  it('gives every long operation an operation id, and no plain call one', () => {
    for (const name of methodNames) {
      const schema = apiMethods[name].request as z.ZodType
      const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, unknown>) : {}
      expect([name, 'operationId' in shape && name !== 'operations.cancel']).toEqual([
        name,
        apiMethods[name].operation,
      ])
    }
  })

  it('names methods as namespace.verb in camelCase', () => {
    for (const name of methodNames) expect(name).toMatch(/^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)+$/)
  })

  it('accepts operation ids the client makes and refuses odd ones', () => {
    expect(operationIdSchema.safeParse('0123456789abcdef0123456789abcdef').success).toBe(true)
    for (const bad of ['short', 'has space in it', '../../etc/passwd', 'x'.repeat(65)])
      expect(operationIdSchema.safeParse(bad).success).toBe(false)
  })

  it('takes snapshot sources only as a host path or an upload id, dropping display names', () => {
    expect(snapshotSourceSchema.parse({ kind: 'path', path: '/a.snap', name: 'a.snap' })).toEqual({
      kind: 'path',
      path: '/a.snap',
    })
    expect(snapshotSourceSchema.safeParse({ kind: 'url', url: 'http://evil.example/a.snap' }).success).toBe(
      false,
    )
    expect(snapshotSourceSchema.safeParse({ kind: 'path', path: '/a.snap\0.txt' }).success).toBe(false)
    expect(snapshotSourceSchema.safeParse({ kind: 'upload', uploadId: '../secrets.json' }).success).toBe(
      false,
    )
  })

  it('keeps the native pickers to the desktop app', () => {
    const desktopOnly = methodNames.filter((name) => apiMethods[name].availability === 'electron')

    expect(desktopOnly).toEqual(['dialogs.openSnapshot', 'dialogs.chooseFolder'])
  })
})
