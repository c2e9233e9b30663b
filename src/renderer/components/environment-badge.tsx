import type { EnvironmentLabel } from '../../shared/profile-types'

/** Colours are named classes (styles/app.css), so no inline style is needed under the CSP. */
export function EnvironmentBadge({ environment }: { environment: EnvironmentLabel }) {
  return (
    <span className={`env-badge env-${environment.colour}`} data-environment={environment.label}>
      {environment.label}
    </span>
  )
}
