import { describe, expect, it } from 'vitest'
import { LaunchFiles, snapshotPathsFromArgv } from '../../../src/main/transport/launch-files'
import { createAppUrlCheck } from '../../../src/main/transport/app-url'

describe('files the app is opened with', () => {
  it('takes snapshot paths from the command line, skipping the executable and flags', () => {
    const paths = snapshotPathsFromArgv(
      [
        '/opt/Snapshot Studio/snapshot-studio',
        '--no-sandbox',
        'backups/prod.snap',
        '/tmp/other.SNAP',
        'notes.txt',
      ],
      '/home/op',
    )

    expect(paths).toEqual(['/home/op/backups/prod.snap', '/tmp/other.SNAP'])
  })

  it('holds files until the window asks, then delivers later ones at once', () => {
    const files = new LaunchFiles()
    const delivered: string[] = []
    files.add('/a.snap')
    files.add('/a.snap')

    const first = files.take((path) => delivered.push(path))
    files.add('/b.snap')

    expect(first).toEqual(['/a.snap'])
    expect(files.take()).toEqual([])
    expect(delivered).toEqual(['/b.snap'])
  })
})

describe('which URLs are the app', () => {
  it('accepts the built index.html and nothing else on disk', () => {
    const check = createAppUrlCheck('/app/out/renderer/index.html', null)

    expect(check.isAppUrl('file:///app/out/renderer/index.html')).toBe(true)
    expect(check.isAppUrl('file:///app/out/renderer/index.html?x=1#/restore')).toBe(true)
    expect(check.isAppUrl('file:///app/out/renderer/evil.html')).toBe(false)
    expect(check.isAppUrl('file://remote-host/app/out/renderer/index.html')).toBe(false)
    expect(check.isAppUrl('http://localhost:5173/')).toBe(false)
    expect(check.isAppUrl('not a url')).toBe(false)
  })

  it('accepts the dev server origin only when one is configured', () => {
    const check = createAppUrlCheck('/app/out/renderer/index.html', 'http://localhost:5173/')

    expect(check.isAppUrl('http://localhost:5173/src/main.tsx')).toBe(true)
    expect(check.isAppUrl('http://localhost:5174/')).toBe(false)
  })
})
