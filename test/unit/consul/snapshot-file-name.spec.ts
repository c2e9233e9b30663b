import { describe, expect, it } from 'vitest'
import {
  DEFAULT_FILE_NAME_TEMPLATE,
  renderFileName,
  validateFileNameTemplate,
  versionFromFileName,
} from '../../../src/main/services/consul/snapshot-file-name'

const values = {
  profile: 'prod eu',
  dc: 'dc1',
  version: '1.14.8',
  index: 1234,
  term: 2,
  time: new Date('2026-11-26T01:02:03.456Z'),
}

describe('renderFileName', () => {
  it('fills the default template with safe characters and UTC time', () => {
    expect(renderFileName(DEFAULT_FILE_NAME_TEMPLATE, values)).toBe(
      'prod_eu-dc1-1.14.8-1234-20261126T010203Z.snap',
    )
  })

  it('writes "unknown" for values the agent did not tell', () => {
    expect(renderFileName('{dc}-{version}-{date}.snap', { ...values, dc: null, version: null })).toBe(
      'unknown-unknown-2026-11-26.snap',
    )
  })

  it('keeps path separators and dot-names out of the result', () => {
    expect(renderFileName('{profile}.snap', { ...values, profile: '../../etc/passwd' })).toBe(
      '_.._etc_passwd.snap',
    )
    expect(() => validateFileNameTemplate('backups/{profile}.snap')).toThrow(/path separator/)
    expect(() => renderFileName('.{profile}', values)).toThrow(/hidden/)
  })

  it('refuses unknown placeholders before anything is downloaded', () => {
    expect(() => validateFileNameTemplate('{cluster}.snap')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
  })
})

describe('versionFromFileName', () => {
  it.each([
    ['prod-dc1-1.14.8-1234-20261126T010203Z.snap', '1.14.8'],
    ['backup-1.19.1-dc1.snap', '1.19.1'],
    ['backup-1.19.1.snap', '1.19.1'],
    ['backup-1.16.0-rc1-dc1.snap', '1.16.0-rc1'],
    ['backup-1.15.2+ent-dc2.snap', '1.15.2+ent'],
    ['backup.snap', null],
    ['prod-dc1-unknown-1234-20261126T010203Z.snap', null],
  ])('reads %s as %s', (name, version) => {
    expect(versionFromFileName(name)).toBe(version)
  })
})
