import { useEffect, useState } from 'react'
import type { AppInfo } from '../../shared/api-contract'
import { useStudio } from '../store/studio-context'

/**
 * The app's version and how it runs (desktop window or browser mode, and the platform), as the
 * host reports them: what an operator quotes in a bug report. Nothing is shown until the host
 * answers, and nothing when it cannot: a missing version line stops no work.
 */
export function AboutLine() {
  const { client } = useStudio()
  const [info, setInfo] = useState<AppInfo | null>(null)
  useEffect(() => {
    let current = true
    client.app.info({}).then(
      (answer) => {
        if (current) setInfo(answer)
      },
      () => undefined,
    )
    return () => {
      current = false
    }
  }, [client])
  if (info === null) return null
  const mode = info.capabilities.kind === 'electron' ? 'desktop' : 'browser mode'
  return (
    <p className="about-line" aria-label="About">
      {info.name} {info.version}
      <small>
        {mode} on {info.platform}
      </small>
    </p>
  )
}
