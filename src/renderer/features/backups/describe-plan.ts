import type { PlanDestination, PlanRetention, PlanSchedule } from '../../../shared/backup-plan-schema'

/** Plain words for a plan's parts, as the list shows them. */
export function describeSchedule(schedule: PlanSchedule): string {
  const jitter = schedule.jitterMs > 0 ? ` (± up to ${minutes(schedule.jitterMs)})` : ''
  if (schedule.kind === 'interval') return `every ${minutes(schedule.intervalMs)}${jitter}`
  return `cron ${schedule.expression} ${schedule.timeZone}${jitter}`
}

export function describeDestination(destination: PlanDestination): string {
  const under = (prefix: string) => {
    const trimmed = prefix.replace(/^\/+|\/+$/g, '')
    return trimmed === '' ? '' : `/${trimmed}`
  }
  switch (destination.kind) {
    case 'local':
      return destination.path
    case 's3':
      return `s3://${destination.bucket}${under(destination.prefix)}${destination.endpoint ? ` (${destination.endpoint})` : ''}`
    case 'azure-blob':
      return `az://${destination.auth === 'connection-string' ? '' : `${destination.accountName}/`}${destination.container}${under(destination.prefix)}`
    case 'gcs':
      return `gs://${destination.bucket}${under(destination.prefix)}`
  }
}

export function describeRetention(retention: PlanRetention): string {
  const parts: string[] = []
  if (retention.retain > 0) parts.push(`newest ${retention.retain}`)
  for (const tier of ['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const)
    if (retention[tier] > 0) parts.push(`${retention[tier]} ${tier}`)
  if (retention.maxAgeMs !== null)
    parts.push(`at most ${Math.round(retention.maxAgeMs / 86_400_000)} days old`)
  return parts.length === 0 ? 'keep all' : parts.join(', ')
}

function minutes(ms: number): string {
  const total = Math.round(ms / 60_000)
  if (total % 1440 === 0) return `${total / 1440} d`
  if (total % 60 === 0) return `${total / 60} h`
  return `${total} min`
}
