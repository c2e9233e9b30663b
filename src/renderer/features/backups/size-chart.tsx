import { formatBytes } from '../../components/format-bytes'
import type { PlanRunView } from '../../../shared/backup-plan-types'

const WIDTH = 480
const HEIGHT = 120
const PAD = 28

/**
 * Backup sizes over time for one plan, oldest left: one dot per good backup (per cluster when a
 * plan has several), failed runs as red marks on the axis. Plain SVG: no chart library for a
 * line of dots.
 */
export function SizeChart({ runs }: { runs: PlanRunView[] }) {
  const points = [...runs]
    .reverse()
    .flatMap((run) =>
      run.cycles.map((c) => ({ at: Date.parse(run.startedAt), size: c.ok ? c.size : null, run })),
    )
  if (points.length === 0) return null
  const times = points.map((p) => p.at)
  const sizes = points.flatMap((p) => (p.size === null ? [] : [p.size]))
  const first = Math.min(...times)
  const last = Math.max(...times)
  const top = Math.max(1, ...sizes)
  const x = (at: number) =>
    PAD + (last === first ? (WIDTH - 2 * PAD) / 2 : ((at - first) / (last - first)) * (WIDTH - 2 * PAD))
  const y = (size: number) => HEIGHT - PAD - (size / top) * (HEIGHT - 2 * PAD)
  const good = points.filter((p): p is typeof p & { size: number } => p.size !== null)
  return (
    <figure className="size-chart" data-testid="plan-size-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Backup sizes, up to ${formatBytes(top)}`}
      >
        <line
          x1={PAD}
          y1={HEIGHT - PAD}
          x2={WIDTH - PAD}
          y2={HEIGHT - PAD}
          stroke="currentColor"
          strokeOpacity={0.3}
        />
        <text x={PAD} y={PAD - 10} fontSize={10} fill="currentColor">
          {formatBytes(top)}
        </text>
        {good.length > 1 && (
          <polyline
            fill="none"
            stroke="var(--accent, #3b82f6)"
            strokeWidth={1.5}
            points={good.map((p) => `${x(p.at)},${y(p.size)}`).join(' ')}
          />
        )}
        {good.map((p, i) => (
          <circle key={`ok-${i}`} cx={x(p.at)} cy={y(p.size)} r={3} fill="var(--accent, #3b82f6)">
            <title>{`${new Date(p.at).toLocaleString()}: ${formatBytes(p.size)}`}</title>
          </circle>
        ))}
        {points
          .filter((p) => p.size === null)
          .map((p, i) => (
            <rect key={`bad-${i}`} x={x(p.at) - 2} y={HEIGHT - PAD - 2} width={4} height={8} fill="#dc2626">
              <title>{`${new Date(p.at).toLocaleString()}: failed`}</title>
            </rect>
          ))}
      </svg>
      <figcaption className="hint">Size of each backup, oldest left; red marks are failed runs.</figcaption>
    </figure>
  )
}
