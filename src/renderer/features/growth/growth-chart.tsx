import { formatBytes } from '../../components/format-bytes'

export interface ChartSeries {
  name: string
  /** One value per backup; null where unknown (the line breaks there). */
  values: Array<number | null>
}

const WIDTH = 640
const HEIGHT = 220
const PAD = { left: 64, right: 12, top: 12, bottom: 28 }
/** Distinguishable in light and dark themes, and without colour through the legend order. */
const COLOURS = ['#2f6fdf', '#d9480f', '#2b8a3e', '#9c36b5', '#c92a2a', '#0b7285']

/** A small line chart of bytes per backup: one line per series, labels in the legend. */
export function GrowthChart({ series, labels }: { series: ChartSeries[]; labels: string[] }) {
  const max = Math.max(1, ...series.flatMap((row) => row.values.filter((v): v is number => v !== null)))
  const count = Math.max(1, labels.length - 1)
  const x = (i: number) => PAD.left + ((WIDTH - PAD.left - PAD.right) * i) / count
  const y = (v: number) => PAD.top + (HEIGHT - PAD.top - PAD.bottom) * (1 - v / max)
  const summary = series
    .map((row) => {
      const known = row.values.filter((v): v is number => v !== null)
      return `${row.name}: ${formatBytes(known[0] ?? 0)} to ${formatBytes(known[known.length - 1] ?? 0)}`
    })
    .join('; ')
  return (
    <figure className="growth-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Size per backup, oldest to newest. ${summary}`}
        data-testid="growth-chart"
      >
        {[0, 0.5, 1].map((share) => (
          <g key={share}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(max * share)}
              y2={y(max * share)}
              className="growth-grid"
            />
            <text x={PAD.left - 6} y={y(max * share) + 4} textAnchor="end" className="growth-axis">
              {formatBytes(Math.round(max * share))}
            </text>
          </g>
        ))}
        <text x={PAD.left} y={HEIGHT - 8} className="growth-axis">
          {labels[0] ?? ''}
        </text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 8} textAnchor="end" className="growth-axis">
          {labels[labels.length - 1] ?? ''}
        </text>
        {series.map((row, index) =>
          segments(row.values).map((segment, part) => (
            <polyline
              key={`${row.name}-${part}`}
              data-series={row.name}
              fill="none"
              stroke={COLOURS[index % COLOURS.length]}
              strokeWidth={2}
              points={segment.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}
            />
          )),
        )}
      </svg>
      <figcaption>
        <ul className="growth-legend">
          {series.map((row, index) => (
            <li key={row.name}>
              {/* An SVG fill, not a style attribute: the page's CSP allows no inline styles. */}
              <svg className="growth-swatch" viewBox="0 0 10 10" aria-hidden="true">
                <rect width="10" height="10" rx="2" fill={COLOURS[index % COLOURS.length]} />
              </svg>
              {row.name}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  )
}

/** Runs of known values; a single point still draws (as a dot-length line). */
function segments(values: Array<number | null>): Array<Array<[number, number]>> {
  const runs: Array<Array<[number, number]>> = []
  let run: Array<[number, number]> = []
  values.forEach((value, i) => {
    if (value === null) {
      if (run.length > 0) runs.push(run)
      run = []
    } else run.push([i, value])
  })
  if (run.length > 0) runs.push(run)
  return runs.map((points) =>
    points.length === 1 ? [points[0] as [number, number], points[0] as [number, number]] : points,
  )
}
