/**
 * What the app's "Export redacted copy" and "Run restore drill" answer. The host picks where the
 * copy goes and which consul binary runs (docs/threat-model.md), so neither appears in a request.
 */

/** The drill's steps, in order, as progress events name them. */
export const drillPhases = [
  'reading-file',
  'starting-agent',
  'restoring',
  'reading-back',
  'stopping-agent',
] as const
export type DrillPhaseWire = (typeof drillPhases)[number]

export interface RedactedCopyWire {
  /** Where the host wrote the copy: the default save folder, a name it chose, never overwritten. */
  path: string
  report: {
    /** Values replaced per kind (acl-token-secret, kv-value, ...); every kind listed, zeros included. */
    blanked: Record<string, number>
    records: number
  }
}

export interface DrillResultWire {
  passed: boolean
  failure: { code: string; message: string } | null
  differences: Array<{ kind: string; message: string }>
  counts: Array<{ kind: string; file: number; agent: number | null }>
  notes: string[]
  /** For a dev agent its binary; for a scratch cluster its address. */
  consul: { path: string; version: string | null }
  target?: { kind: 'dev-agent' } | { kind: 'scratch-cluster'; name: string }
  durationMs: number
}
