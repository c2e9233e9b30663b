/**
 * Screen specs wait for what the page shows (`findBy…`, `waitFor`), never for a time. Testing
 * Library gives up after one second by default, which a busy 2-core CI machine overruns while the
 * page is still correctly on its way (a value-search spec failed so in CI and passed alone). A
 * longer budget changes nothing for a spec that should fail: it still fails, only later.
 */
if (typeof document !== 'undefined') {
  const { configure } = await import('@testing-library/react')
  configure({ asyncUtilTimeout: 15_000 })
}

export {}
