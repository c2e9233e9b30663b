import { useCallback, useEffect, useState, type KeyboardEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { ProgressBar } from '../../components/progress-bar'
import { formatCount } from '../../components/format-bytes'
import type { RecordKind, SearchHitWire } from '../../../shared/browse-wire-types'
import {
  kvRowAt,
  selectCatalogue,
  selectContentProgress,
  selectContentStatus,
  selectKv,
  selectRecords,
  selectSearch,
  selectSelectedKey,
  selectTab,
  selectValue,
  useContentStore,
  type BrowserTab,
} from './content-store'
import { KvChoiceBar, KvRestorePanel, type KvChoice } from './kv-restore-panel'
import { KvTree } from './kv-tree'
import { RecordList } from './record-list'
import { ValueSearch } from './value-search'
import { ValueViewer } from './value-viewer'

export const TABS: ReadonlyArray<{ id: BrowserTab; label: string }> = [
  { id: 'kv', label: 'Key/value' },
  { id: 'nodes', label: 'Nodes' },
  { id: 'services', label: 'Services' },
  { id: 'checks', label: 'Checks' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'prepared-queries', label: 'Prepared queries' },
  { id: 'acl-tokens', label: 'ACL tokens' },
  { id: 'acl-policies', label: 'ACL policies' },
  { id: 'acl-roles', label: 'ACL roles' },
  { id: 'acl-auth-methods', label: 'Auth methods' },
  { id: 'acl-binding-rules', label: 'Binding rules' },
  { id: 'config-entries', label: 'Config entries' },
  { id: 'intentions', label: 'Intentions' },
]

export function ContentBrowser() {
  const status = useContentStore(selectContentStatus)
  const progress = useContentStore(selectContentProgress)
  const catalogue = useContentStore(selectCatalogue)
  const tab = useContentStore(selectTab)
  const source = useContentStore((s) => s.source)
  const { setTab, cancel } = useContentStore(useShallow((s) => ({ setTab: s.setTab, cancel: s.cancel })))
  const [searchingValues, setSearchingValues] = useState(false)

  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return
    const index = TABS.findIndex((t) => t.id === tab)
    const next = TABS[(index + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!
    setTab(next.id)
    document.getElementById(`browser-tab-${next.id}`)?.focus()
  }

  return (
    <section
      className="card content-browser"
      aria-labelledby="browser-title"
      data-testid="content-browser"
      data-state={status}
      // Which file these contents are of: while a second file's summary is read, the first
      // file's contents stay on screen (and ready) until the second file's replace them.
      data-source={source === null ? undefined : source.kind === 'path' ? source.path : source.name}
    >
      <header className="card-header">
        <h2 id="browser-title">Contents</h2>
        {status === 'ready' && <SearchBox />}
        {status === 'ready' && source?.kind !== 'stored' && (
          <button
            type="button"
            className="button-quiet"
            aria-expanded={searchingValues}
            onClick={() => setSearchingValues((open) => !open)}
          >
            Search inside values
          </button>
        )}
      </header>
      {status === 'loading' && (
        <ProgressBar label="Cataloguing records" progress={progress} onCancel={cancel} />
      )}
      {status === 'error' && <p className="muted">The contents could not be read; see the message above.</p>}
      {status === 'ready' && catalogue !== null && (
        <>
          {searchingValues && <ValueSearch />}
          <SearchResults />
          <div className="tabs" role="tablist" aria-label="Record kinds" onKeyDown={onTabKey}>
            {TABS.map((t) => (
              <button
                key={t.id}
                id={`browser-tab-${t.id}`}
                type="button"
                role="tab"
                aria-selected={tab === t.id}
                aria-controls="browser-panel"
                tabIndex={tab === t.id ? 0 : -1}
                onClick={() => setTab(t.id)}
              >
                {t.label} <span className="count">{formatCount(catalogue.counts[t.id] ?? 0)}</span>
              </button>
            ))}
          </div>
          <div
            id="browser-panel"
            role="tabpanel"
            aria-labelledby={`browser-tab-${tab}`}
            className="browser-panel"
          >
            {tab === 'kv' ? <KvPane /> : <RecordsPane kind={tab} />}
          </div>
        </>
      )}
    </section>
  )
}

function KvPane() {
  const kv = useContentStore(selectKv)
  const selectedKey = useContentStore(selectSelectedKey)
  const value = useContentStore(useShallow(selectValue))
  const { browse, ensureRows, selectKey } = useContentStore(
    useShallow((s) => ({ browse: s.browse, ensureRows: s.ensureRows, selectKey: s.selectKey })),
  )
  const rowAt = useCallback((i: number) => kvRowAt(kv, i), [kv])
  const catalogue = useContentStore(selectCatalogue)
  const [choice, setChoice] = useState<KvChoice>({ prefixes: [], keys: [] })
  const [restoring, setRestoring] = useState(false)
  return (
    <>
      <KvChoiceBar
        prefix={kv.prefix}
        selectedKey={selectedKey}
        choice={choice}
        onChange={setChoice}
        onRestore={() => setRestoring(true)}
      />
      <div className="kv-pane">
        <KvTree
          prefix={kv.prefix}
          total={kv.total}
          version={kv.version}
          rowAt={rowAt}
          ensureRows={ensureRows}
          selectedKey={selectedKey}
          onOpenFolder={(p) => void browse(p)}
          onSelectKey={(k) => void selectKey(k)}
        />
        <ValueViewer value={value.value} status={value.status} />
      </div>
      {restoring && catalogue !== null && (
        <KvRestorePanel
          catalogueId={catalogue.catalogueId}
          choice={choice}
          onClose={() => setRestoring(false)}
        />
      )}
    </>
  )
}

function RecordsPane({ kind }: { kind: RecordKind }) {
  const listing = useContentStore(selectRecords)[kind]
  const { loadRecords, revealSecret } = useContentStore(
    useShallow((s) => ({ loadRecords: s.loadRecords, revealSecret: s.revealSecret })),
  )
  const load = useCallback((more: boolean) => void loadRecords(kind, more), [loadRecords, kind])
  const reveal = useCallback(
    (id: string, field: string) => revealSecret(kind, id, field),
    [revealSecret, kind],
  )
  const focused = useContentStore((s) => (s.focusedRecord?.kind === kind ? s.focusedRecord.id : null))
  const label = TABS.find((t) => t.id === kind)?.label ?? kind
  return (
    <RecordList kind={kind} label={label} listing={listing} load={load} reveal={reveal} focusedId={focused} />
  )
}

function SearchBox() {
  const { query } = useContentStore(useShallow(selectSearch))
  const search = useContentStore((s) => s.search)
  const [text, setText] = useState(query)
  // Search as the operator types, but only once they pause: each query walks the catalogue.
  useEffect(() => {
    if (text === query) return
    const timer = setTimeout(() => void search(text), 250)
    return () => clearTimeout(timer)
  }, [text, query, search])
  return (
    <form className="search" role="search" onSubmit={(e) => (e.preventDefault(), void search(text))}>
      <label htmlFor="content-search" className="visually-hidden">
        Search keys and names
      </label>
      <input
        id="content-search"
        type="search"
        placeholder="Search keys and names"
        value={text}
        onChange={(e) => setText(e.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
    </form>
  )
}

function SearchResults() {
  const { hits, searching, query } = useContentStore(useShallow(selectSearch))
  const openHit = useContentStore((s) => s.openHit)
  if (searching)
    return (
      <p className="muted search-results" aria-busy="true">
        Searching…
      </p>
    )
  if (hits === null) return null
  const labelOf = (hit: SearchHitWire) => TABS.find((t) => t.id === hit.kind)?.label ?? hit.kind
  return (
    <section
      className="search-results"
      aria-label={`Search results for ${query}`}
      data-testid="search-results"
    >
      {hits.length === 0 ? (
        <p className="muted">Nothing matches “{query}”.</p>
      ) : (
        <ul>
          {hits.map((hit) => (
            <li key={`${hit.kind}:${hit.id}`}>
              <button
                type="button"
                className="link"
                onClick={() => void openHit(hit)}
                data-hit-kind={hit.kind}
                data-hit-id={hit.id}
              >
                <span className="tag">{labelOf(hit)}</span> {hit.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
