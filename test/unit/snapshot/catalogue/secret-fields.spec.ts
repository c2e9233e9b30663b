import { describe, expect, it } from 'vitest'
import type { JsonView } from '../../../../src/main/services/snapshot/catalogue/catalogue-types'
import {
  findMaskedPaths,
  MASK_TEXT,
  maskConfigEntry,
  maskRecord,
} from '../../../../src/main/services/snapshot/catalogue/secret-fields'

const MASKED = { masked: true, text: MASK_TEXT }
const SECRET = 'do-not-show-me'

// One record per secret listed in docs/snapshot-format.md §10, by state.bin message type.
const cases: Array<[string, number, JsonView, string[][]]> = [
  ['ACL token SecretID', 17, { AccessorID: 'a', SecretID: SECRET }, [['SecretID']]],
  ['prepared query Token', 7, { ID: 'q', Token: SECRET }, [['Token']]],
  ['server management token', 31, { Key: 'server-management-token', Value: SECRET }, [['Value']]],
  ['CA root SigningKey', 13, { ID: 'r', RootCert: 'public', SigningKey: SECRET }, [['SigningKey']]],
  ['CA provider PrivateKey', 14, { ID: 'p', PrivateKey: SECRET }, [['PrivateKey']]],
  [
    'CA config contents',
    15,
    { Provider: 'vault', Config: { Address: 'https://vault', Token: SECRET } },
    [
      ['Config', 'Address'],
      ['Config', 'Token'],
    ],
  ],
  [
    'auth method Config',
    27,
    { Name: 'k8s', Config: { ServiceAccountJWT: SECRET } },
    [['Config', 'ServiceAccountJWT']],
  ],
  [
    'health check headers',
    0,
    { Node: 'n', Check: { Definition: { Header: { Authorization: [SECRET] } } } },
    [['Check', 'Definition', 'Header', 'Authorization']],
  ],
  ['peering secrets', 40, { binary: SECRET }, [[]]],
]

describe('secret fields (docs/snapshot-format.md §10)', () => {
  it.each(cases)('masks the %s', (_name, type, record, paths) => {
    const masked = maskRecord(type, record, false)
    expect(JSON.stringify(masked)).not.toContain(SECRET)
    expect(findMaskedPaths(masked)).toEqual(paths)
  })

  it.each(cases)('shows the %s when revealed', (_name, type, record) => {
    expect(maskRecord(type, record, true)).toEqual(record)
  })

  it('masks an inline certificate private key but not its certificate', () => {
    const entry = { Kind: 'inline-certificate', Certificate: 'public', PrivateKey: SECRET }
    expect(maskConfigEntry('inline-certificate', entry, false)).toEqual({ ...entry, PrivateKey: MASKED })
  })

  it('leaves other system metadata and non-secret fields alone', () => {
    const record = { Key: 'intention-format', Value: 'config-entry' }
    expect(maskRecord(31, record, false)).toEqual(record)
    expect(maskRecord(17, { AccessorID: 'a', Description: 'd', SecretID: SECRET }, false)).toEqual({
      AccessorID: 'a',
      Description: 'd',
      SecretID: MASKED,
    })
  })

  it('shows an empty secret as empty: there is nothing to hide', () => {
    expect(maskRecord(7, { ID: 'q', Token: '' }, false)).toEqual({ ID: 'q', Token: '' })
    expect(maskRecord(0, { Node: 'n', Check: { Definition: { Header: null } } }, false)).toEqual({
      Node: 'n',
      Check: { Definition: { Header: null } },
    })
  })
})
