import { safe } from '../consul/snapshot-file-name'

/** What a backup's name says about it; fields the name does not carry are null. */
export interface NameFacts {
  takenAt: Date | null
  cluster: string | null
  datacenter: string | null
  index: string | null
  consulVersion: string | null
}

const ENTERPRISE = /^[A-Za-z0-9._+-]+?-(\d{19})\.snap(?:\.age)?$/
const TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/**
 * Reads a name back: our templates (`{profile}-{dc}-{version}-{index}-{time}.snap` or the plan's
 * own) and the Enterprise agent's `consul-<unix ns>.snap`, each with or without `.age`. The
 * profile names the plan backs up are tried first, so a profile with a dash in its name is not
 * split at it.
 */
export function nameFacts(
  name: string,
  template: string | null,
  profiles: readonly string[] = [],
): NameFacts {
  if (template !== null) {
    for (const profile of [...profiles, null]) {
      const facts = matchTemplate(name, template, profile)
      if (facts) return facts
    }
  }
  const enterprise = ENTERPRISE.exec(name)
  if (enterprise) {
    const ms = Number(BigInt(enterprise[1] as string) / 1_000_000n)
    return { ...nothing(), takenAt: new Date(ms) }
  }
  return nothing()
}

function nothing(): NameFacts {
  return { takenAt: null, cluster: null, datacenter: null, index: null, consulVersion: null }
}

function matchTemplate(name: string, template: string, profile: string | null): NameFacts | null {
  const keys: string[] = []
  let source = '^'
  let last = 0
  for (const placeholder of template.matchAll(/\{([^}]*)\}/g)) {
    source += escape(template.slice(last, placeholder.index))
    const key = placeholder[1] as string
    keys.push(key)
    if (key === 'time') source += '(\\d{8}T\\d{6}Z)'
    else if (key === 'index' || key === 'term') source += '(\\d+)'
    else if (key === 'date') source += '(\\d{4}-\\d{2}-\\d{2})'
    else if (key === 'version') source += '(unknown|\\d+\\.\\d+\\.\\d+[A-Za-z0-9.+_-]*?)'
    else if (key === 'profile' && profile !== null) source += `(${escape(safe(profile))})`
    else source += '([A-Za-z0-9._+-]+?)'
    last = (placeholder.index ?? 0) + placeholder[0].length
  }
  source += escape(template.slice(last)) + '(?:\\.age)?$'
  const match = new RegExp(source).exec(name)
  if (!match) return null
  const value = (key: string): string | null => {
    const at = keys.indexOf(key)
    const text = at < 0 ? undefined : match[at + 1]
    return text === undefined || text === 'unknown' ? null : text
  }
  const time = TIME.exec(value('time') ?? '')
  const takenAt = time
    ? new Date(Date.UTC(+time[1]!, +time[2]! - 1, +time[3]!, +time[4]!, +time[5]!, +time[6]!))
    : null
  return {
    takenAt,
    // The name holds the profile as the template wrote it; the plan's own spelling reads better.
    cluster: profile ?? value('profile'),
    datacenter: value('dc'),
    index: value('index'),
    consulVersion: value('version'),
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
