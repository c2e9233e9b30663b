import type { ProtectionLevel } from '../../shared/profile-types'
import '../styles/protection.css'

/** What each level is called and allows, in the words the form, badges and dialogs share. */
export const PROTECTION_TEXT: Record<ProtectionLevel, { label: string; explanation: string }> = {
  'read-only': {
    label: 'Read-only',
    explanation: 'No restore of any kind, full or selective. Saves, inspection and comparisons still work.',
  },
  normal: {
    label: 'Normal',
    explanation: 'Restores ask for the typed name of the cluster.',
  },
  protected: {
    label: 'Protected',
    explanation:
      'Restores ask for the typed name and a second confirmation naming what will be lost; the safety snapshot cannot be turned off.',
  },
}

/** Shown beside a profile's name wherever a screen can act on its cluster. */
export function ProtectionBadge({ protection }: { protection: ProtectionLevel }) {
  return (
    <span
      className={`protection-badge protection-${protection}`}
      data-protection={protection}
      title={PROTECTION_TEXT[protection].explanation}
    >
      {PROTECTION_TEXT[protection].label}
    </span>
  )
}
