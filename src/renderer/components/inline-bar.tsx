/**
 * Bars are drawn in SVG: widths are attributes, not inline styles, so the strict CSP
 * (style-src 'self') has nothing to block.
 */
/** One bar in a table cell: the share of the largest value. */
export function InlineBar({ value, max, title }: { value: number; max: number; title: string }) {
  const width = max > 0 ? Math.max(0.5, (value / max) * 100) : 0
  return (
    <svg
      className="inline-bar"
      viewBox="0 0 100 8"
      preserveAspectRatio="none"
      width="100%"
      height="8"
      aria-hidden="true"
    >
      <title>{title}</title>
      <rect className="inline-bar-track" x="0" y="0" width="100" height="8" />
      <rect className="inline-bar-fill" x="0" y="0" width={width} height="8" />
    </svg>
  )
}
