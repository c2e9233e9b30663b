import { readFile } from 'node:fs/promises'
import type { PlanCycleView, PlanRunView } from '../../../shared/backup-plan-types'
import type { PlanCycleContext } from '../backups/run-journal'
import type { CycleReport } from '../backups/snapshot-cycle'

/**
 * A plan's run history, read back from the engine's run journal (one JSON line per cycle, with
 * the plan's context): the cycles of one run (one per cluster) become one PlanRunView. Lines a
 * crash cut short are skipped; the rest of the history stays readable.
 */
export async function readPlanHistory(journalPath: string, limit: number): Promise<PlanRunView[]> {
  let text: string
  try {
    text = await readFile(journalPath, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const runs = new Map<string, PlanRunView>()
  for (const line of text.split('\n')) {
    const entry = parseCycleLine(line)
    if (entry === null) continue
    const { plan, report } = entry
    let run = runs.get(plan.runId)
    if (!run) {
      run = {
        id: plan.runId,
        planId: plan.planId,
        trigger: plan.trigger,
        startedAt: report.startedAt,
        endedAt: report.endedAt,
        ok: true,
        cycles: [],
      }
      runs.set(plan.runId, run)
    }
    run.cycles.push(cycleView(plan, report))
    run.endedAt = report.endedAt
    run.ok = run.ok && report.ok
  }
  return [...runs.values()].reverse().slice(0, limit)
}

export function cycleView(
  plan: Pick<PlanCycleContext, 'profileId' | 'profileName'>,
  report: CycleReport,
): PlanCycleView {
  return {
    profileId: plan.profileId,
    profileName: plan.profileName,
    ok: report.ok,
    name: report.name,
    size: report.size,
    index: report.index,
    durationMs: report.durationMs,
    locations: report.destinations.flatMap((d) => (d.ok && d.location ? [d.location] : [])),
    deleted: report.retention.flatMap((r) => r.deleted),
    error: report.error ?? report.retention.find((r) => r.error !== undefined)?.error ?? null,
  }
}

function parseCycleLine(line: string): { plan: PlanCycleContext; report: CycleReport } | null {
  if (line.trim() === '') return null
  try {
    const value = JSON.parse(line) as { event?: unknown; plan?: PlanCycleContext; report?: CycleReport }
    if (value.event !== 'cycle' || !value.plan || !value.report) return null
    return { plan: value.plan, report: value.report }
  } catch {
    return null
  }
}
