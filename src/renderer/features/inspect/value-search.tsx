import { useEffect, useRef, useState, type ReactNode } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { ValueSearchResultWire } from '../../../shared/api-contract'
import type { ByteProgress } from '../../../shared/progress'
import { followOperation } from '../../api/follow-operation'
import { formatCount } from '../../components/format-bytes'
import { ProgressBar } from '../../components/progress-bar'
import { reportError } from '../../store/error-store'
import { useStudio } from '../../store/studio-context'
import { parentPrefix, useContentStore } from './content-store'

/** How many hits the window asks for; the host still counts every match past it. */
export const VALUE_SEARCH_LIMIT = 200

type ValueHit = ValueSearchResultWire['hits'][number]

const KIND_LABELS: Record<ValueHit['kind'], string> = {
  kv: 'Key/value',
  'service-meta': 'Service meta',
  'config-entry': 'Config entry',
}

interface Query {
  pattern: string
  regex: boolean
  caseSensitive: boolean
  prefix: string
}

/**
 * Searches inside the values of the open file (KV values, service metadata, config entries).
 * Unlike the key search this reads the whole file again on the host, so it runs only when asked,
 * shows its progress and can be cancelled.
 */
export function ValueSearch() {
  const { client } = useStudio()
  const source = useContentStore((s) => s.source)
  const { browse, selectKey, openRecord } = useContentStore(
    useShallow((s) => ({ browse: s.browse, selectKey: s.selectKey, openRecord: s.openRecord })),
  )
  const [query, setQuery] = useState<Query>({ pattern: '', regex: false, caseSensitive: false, prefix: '' })
  const [running, setRunning] = useState(false)
  const [progress, setProgress] = useState<ByteProgress | null>(null)
  const [result, setResult] = useState<{ query: Query; answer: ValueSearchResultWire } | null>(null)
  const current = useRef<AbortController | null>(null)
  /** A hit whose record the browser could not show (its list had no such id). */
  const [missing, setMissing] = useState<string | null>(null)

  // A search belongs to one file: another file (or leaving the screen) stops it and drops its hits.
  useEffect(() => {
    setResult(null)
    return () => {
      current.current?.abort()
      current.current = null
    }
  }, [source])

  const run = async () => {
    // Searching values reads a file on the host; a stored backup is not one (the browser hides it).
    if (source === null || source.kind === 'stored' || query.pattern === '') return
    current.current?.abort()
    const op = new AbortController()
    current.current = op
    const asked = query
    setRunning(true)
    setProgress({ bytes: 0, totalBytes: null })
    try {
      const answer = await followOperation(
        client.snapshot.searchValues({
          source,
          pattern: asked.pattern,
          regex: asked.regex,
          caseSensitive: asked.caseSensitive,
          ...(asked.prefix !== '' ? { prefix: asked.prefix } : {}),
          limit: VALUE_SEARCH_LIMIT,
        }),
        op.signal,
        (event) => {
          if (current.current === op && event.kind === 'inspect') setProgress(event.progress)
        },
      )
      if (current.current === op) setResult({ query: asked, answer })
    } catch (error) {
      if (current.current === op && !op.signal.aborted)
        reportError(`Searching values for “${asked.pattern}”`, error)
    } finally {
      if (current.current === op) {
        current.current = null
        setRunning(false)
        setProgress(null)
      }
    }
  }

  const cancel = () => {
    current.current?.abort()
    current.current = null
    setRunning(false)
    setProgress(null)
  }

  const openHit = async (hit: ValueHit) => {
    if (hit.kind === 'kv') {
      await browse(parentPrefix(hit.name))
      await selectKey(hit.name)
      return
    }
    // The search names a service `node/service-id` and a config entry `kind/name`, as the
    // catalogue's record ids do.
    const kind = hit.kind === 'service-meta' ? 'services' : 'config-entries'
    setMissing(null)
    if (!(await openRecord(kind, hit.name)))
      setMissing(
        `${KIND_LABELS[hit.kind]} ${hit.name} is not among the ${kind.replace('-', ' ')} this file lists.`,
      )
  }

  return (
    <section className="value-search" aria-label="Search inside values" data-testid="value-search">
      <form className="value-search-form" role="search" onSubmit={(e) => (e.preventDefault(), void run())}>
        <label>
          <span className="visually-hidden">Search values</span>
          <input
            type="search"
            placeholder="Search values"
            value={query.pattern}
            onChange={(e) => setQuery({ ...query, pattern: e.target.value })}
            autoComplete="off"
            spellCheck={false}
            maxLength={1024}
            data-testid="value-search-pattern"
          />
        </label>
        <label>
          <input
            type="checkbox"
            checked={query.regex}
            onChange={(e) => setQuery({ ...query, regex: e.target.checked })}
          />{' '}
          Regex
        </label>
        <label>
          <input
            type="checkbox"
            checked={query.caseSensitive}
            onChange={(e) => setQuery({ ...query, caseSensitive: e.target.checked })}
          />{' '}
          Match case
        </label>
        <label>
          <span className="visually-hidden">Only KV keys under</span>
          <input
            type="text"
            placeholder="KV prefix (optional)"
            value={query.prefix}
            onChange={(e) => setQuery({ ...query, prefix: e.target.value })}
            autoComplete="off"
            spellCheck={false}
            data-testid="value-search-prefix"
          />
        </label>
        <button type="submit" disabled={running || query.pattern === ''}>
          Search values
        </button>
      </form>
      {missing !== null && (
        <p className="notice warn" role="status">
          {missing}
        </p>
      )}
      {running && <ProgressBar label="Searching values" progress={progress} onCancel={cancel} />}
      {!running && result !== null && (
        <ValueSearchResults query={result.query} answer={result.answer} onOpen={openHit} />
      )}
    </section>
  )
}

function ValueSearchResults({
  query,
  answer,
  onOpen,
}: {
  query: Query
  answer: ValueSearchResultWire
  onOpen: (hit: ValueHit) => Promise<void>
}) {
  return (
    <section
      className="search-results"
      aria-label={`Values matching ${query.pattern}`}
      data-testid="value-search-results"
    >
      <p className="muted" data-testid="value-search-summary">
        {answer.total === 0
          ? `Nothing matches “${query.pattern}”`
          : `${formatCount(answer.total)} ${answer.total === 1 ? 'match' : 'matches'}`}
        {answer.truncated ? ` (first ${formatCount(answer.hits.length)} shown)` : ''} in{' '}
        {formatCount(answer.valuesSearched)} values searched.
      </p>
      {answer.hits.length > 0 && (
        <ul>
          {answer.hits.map((hit, i) => (
            <li key={i} data-hit-kind={hit.kind}>
              <span className="tag">{KIND_LABELS[hit.kind]}</span>{' '}
              <button type="button" className="link" onClick={() => void onOpen(hit)}>
                {hit.name}
              </button>
              {hit.field !== '' && <span className="muted"> · {hit.field}</span>}
              {hit.binary && <span className="tag">binary (hex)</span>}
              <div className="value-search-excerpt">
                <code>{highlight(hit.excerpt, query)}</code>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/** Marks where the pattern matches in an excerpt, as the host matched it. */
function highlight(excerpt: string, query: Query): ReactNode {
  let found: { at: number; length: number } | null = null
  if (query.regex) {
    try {
      const match = new RegExp(query.pattern, query.caseSensitive ? '' : 'i').exec(excerpt)
      if (match !== null && match[0].length > 0) found = { at: match.index, length: match[0].length }
    } catch {
      // The host accepted the pattern; a flavour this engine reads differently just goes unmarked.
    }
  } else {
    const at = query.caseSensitive
      ? excerpt.indexOf(query.pattern)
      : excerpt.toLowerCase().indexOf(query.pattern.toLowerCase())
    if (at >= 0) found = { at, length: query.pattern.length }
  }
  if (found === null) return excerpt
  return (
    <>
      {excerpt.slice(0, found.at)}
      <mark>{excerpt.slice(found.at, found.at + found.length)}</mark>
      {excerpt.slice(found.at + found.length)}
    </>
  )
}
