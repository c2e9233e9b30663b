import '../styles/protection.css'

export const SCRATCH_CLUSTER_TEXT = {
  label: 'Scratch',
  explanation:
    'A throw-away cluster: a restore drill may replace its whole state with a backup, without a safety snapshot or a typed confirmation.',
} as const

/** Beside a profile's name: drills may overwrite this cluster. */
export function ScratchClusterBadge() {
  return (
    <span
      className="protection-badge scratch-cluster-badge"
      data-scratch-cluster="true"
      title={SCRATCH_CLUSTER_TEXT.explanation}
    >
      {SCRATCH_CLUSTER_TEXT.label}
    </span>
  )
}
