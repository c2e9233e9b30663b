// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SnapshotFilePicker } from '../../../../src/renderer/components/snapshot-file-picker'
import type { Platform } from '../../../../src/shared/api-client'
import { browserPlatform, createTestStudio, electronPlatform } from '../studio-harness'

// The one-file picker of Restore and of each side of Compare.
describe('the snapshot file picker', () => {
  afterEach(cleanup)

  function renderPicker(platform: Platform = browserPlatform) {
    const calls = { onDialog: vi.fn(), onFile: vi.fn(), onHostPath: vi.fn() }
    createTestStudio({}, platform).render(
      <SnapshotFilePicker
        fileInputLabel="Snapshot file to restore"
        fileInputTestId="file-input"
        hostPathId="host-path"
        {...calls}
      />,
    )
    return calls
  }

  it('in a browser, hands over a picked file, or a typed path on the host once one is typed', () => {
    const calls = renderPicker()
    const file = new File(['snapshot'], 'prod.snap')
    const use = screen.getByRole('button', { name: 'Use this file' })

    fireEvent.change(screen.getByLabelText('Snapshot file to restore'), { target: { files: [file] } })
    const disabledWhileEmpty = (use as HTMLButtonElement).disabled
    fireEvent.change(screen.getByLabelText('Or a file on the host'), {
      target: { value: '/backups/prod.snap' },
    })
    fireEvent.submit(use.closest('form') as HTMLFormElement)

    expect(calls.onFile).toHaveBeenCalledWith(file)
    expect(disabledWhileEmpty).toBe(true)
    expect(calls.onHostPath).toHaveBeenCalledWith('/backups/prod.snap')
    expect(calls.onDialog).not.toHaveBeenCalled()
  })

  it('in the desktop app, opens the OS picker and offers no host path field', () => {
    const calls = renderPicker(electronPlatform)

    fireEvent.click(screen.getByRole('button', { name: 'Choose snapshot…' }))

    expect(calls.onDialog).toHaveBeenCalledOnce()
    expect(screen.queryByLabelText('Or a file on the host')).toBeNull()
  })
})
