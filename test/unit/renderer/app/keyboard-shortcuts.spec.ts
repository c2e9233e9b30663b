import { describe, expect, it } from 'vitest'
import { commandForKey } from '../../../../src/renderer/app/keyboard-shortcuts'

const key = (
  k: string,
  mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {},
) => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods })

describe('keyboard shortcuts', () => {
  it('mirror the menu: Ctrl+O open, Ctrl+N new profile, Ctrl+S save', () => {
    expect(commandForKey(key('o', { ctrlKey: true }), false)).toBe('open-snapshot')
    expect(commandForKey(key('N', { ctrlKey: true }), false)).toBe('new-profile')
    expect(commandForKey(key('s', { ctrlKey: true }), false)).toBe('save-snapshot')
  })

  it('use Cmd instead of Ctrl on macOS', () => {
    expect(commandForKey(key('o', { metaKey: true }), true)).toBe('open-snapshot')
    expect(commandForKey(key('o', { ctrlKey: true }), true)).toBeNull()
  })

  it('leave other combinations to the page', () => {
    expect(commandForKey(key('o'), false)).toBeNull()
    expect(commandForKey(key('s', { ctrlKey: true, shiftKey: true }), false)).toBeNull()
    expect(commandForKey(key('x', { ctrlKey: true }), false)).toBeNull()
  })
})
