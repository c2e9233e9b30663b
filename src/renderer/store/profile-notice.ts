import type { ProfileStoreNotice } from '../../shared/profile-types'
import { reportError } from './error-store'

/**
 * The host hands out the "profile file was damaged and kept aside" notice once, with whichever
 * `profiles.list` answer comes first; every store that lists profiles passes it here, so it
 * reaches the error center whichever screen asked.
 */
export function reportProfileNotice(notice: ProfileStoreNotice | null): void {
  if (notice === null) return
  reportError('Loading connection profiles', {
    code: 'SETTINGS_CORRUPT',
    message: `The connection profiles file could not be read: ${notice.reason}. It was kept aside as ${notice.keptAsidePath} and the list starts empty.`,
    hint: 'Add the profiles again, or repair the kept file and copy it back over profiles.json while Snapshot Studio is closed.',
  })
}
