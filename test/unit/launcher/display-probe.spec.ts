import { describe, expect, it } from 'vitest'
import { findDisplay } from '../../../src/main/launcher/display-probe'

describe('findDisplay', () => {
  it('finds an X11 or a Wayland display on Linux', () => {
    expect(findDisplay('linux', { DISPLAY: ':0' })).toEqual({ ok: true })
    expect(findDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toEqual({ ok: true })
  })

  it('says there is none on a headless Linux', () => {
    expect(findDisplay('linux', {})).toEqual({
      ok: false,
      reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)',
    })
  })

  it('takes macOS and Windows sessions to have one', () => {
    expect(findDisplay('darwin', {})).toEqual({ ok: true })
    expect(findDisplay('win32', {})).toEqual({ ok: true })
  })
})
