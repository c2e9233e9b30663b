import { AppError } from '../../../shared/app-error'

export const DEFAULT_FILE_NAME_TEMPLATE = '{profile}-{dc}-{version}-{index}-{time}.snap'

export interface FileNameValues {
  profile: string
  dc: string | null
  version: string | null
  index: number
  term: number
  /** The UTC moment of the save. */
  time: Date
}

const PLACEHOLDERS = ['profile', 'dc', 'version', 'index', 'term', 'time', 'date'] as const
type Placeholder = (typeof PLACEHOLDERS)[number]

/** Rejects templates with unknown placeholders or path separators before any download starts. */
export function validateFileNameTemplate(template: string): void {
  if (template.trim() === '') throw invalid(template, 'it is empty')
  if (/[/\\]/.test(template))
    throw invalid(template, 'it contains a path separator; choose the folder separately')
  for (const match of template.matchAll(/\{([^}]*)\}/g)) {
    if (!PLACEHOLDERS.includes(match[1] as Placeholder))
      throw invalid(template, `{${match[1]}} is not a placeholder`)
  }
}

/**
 * Fills a template such as `{profile}-{dc}-{version}-{index}-{time}.snap`. Values are reduced to
 * safe file-name characters; `{time}` is UTC `YYYYMMDDTHHMMSSZ`, `{date}` is `YYYY-MM-DD`.
 * Unknown values become "unknown" so the name stays parseable.
 */
export function renderFileName(template: string, values: FileNameValues): string {
  validateFileNameTemplate(template)
  const iso = values.time.toISOString()
  const text: Record<Placeholder, string> = {
    profile: values.profile,
    dc: values.dc ?? 'unknown',
    version: values.version ?? 'unknown',
    index: String(values.index),
    term: String(values.term),
    time: iso.slice(0, 19).replace(/[-:]/g, '') + 'Z',
    date: iso.slice(0, 10),
  }
  const name = template.replace(/\{([^}]*)\}/g, (_whole, key: string) => safe(text[key as Placeholder]))
  if (name === '.' || name === '..' || name.startsWith('.'))
    throw invalid(template, 'the name would be hidden or a folder reference')
  return name
}

/** A value as a template writes it into a file name (retention reads names back with it). */
export function safe(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._+-]+/g, '_').replace(/^\.+/, '')
  return cleaned === '' ? 'unknown' : cleaned
}

/**
 * The Consul version in a file name written by our template or by
 * `consul snapshot save -append-filename version[,dc]` (`backup-1.19.1-dc1.snap`): the last
 * `-X.Y.Z[-pre][+meta]` group.
 */
export function versionFromFileName(fileName: string): string | null {
  const matches = [
    ...fileName.matchAll(/(?:^|[-_])v?(\d+\.\d+\.\d+(?:-[A-Za-z0-9.]+)?(?:\+[A-Za-z0-9.]+)?)(?=[-_.]|$)/g),
  ]
  const last = matches.at(-1)
  if (!last?.[1]) return null
  // "1.19.1-dc1" would swallow the datacenter as a pre-release; Consul pre-releases are rc/beta/dev.
  return last[1].replace(/-(?!rc|beta|alpha|dev)[A-Za-z0-9.]+/, '')
}

function invalid(template: string, why: string): AppError {
  return new AppError('INVALID_ARGUMENT', `The file name template "${template}" cannot be used: ${why}.`, {
    hint: 'Use placeholders {profile}, {dc}, {version}, {index}, {term}, {time}, {date}, e.g. {profile}-{dc}-{version}-{index}-{time}.snap.',
  })
}
