import { useState, type FormEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { selectKeyPrompt, useInspectStore } from './inspect-store'

/**
 * Asks for the key of an age-encrypted backup (`.snap.age`): the text of an identity file
 * (`AGE-SECRET-KEY-1…`, as age-keygen writes it) or the passphrase. The key lives in this form
 * and in the open file's requests only; nothing is saved, and the fields are cleared once sent.
 */
export function EncryptedFilePrompt() {
  const prompt = useInspectStore(selectKeyPrompt)
  const { unlock, dismiss } = useInspectStore(
    useShallow((s) => ({ unlock: s.unlock, dismiss: s.dismissKeyPrompt })),
  )
  const [identity, setIdentity] = useState('')
  const [passphrase, setPassphrase] = useState('')
  if (prompt === null) return null
  const wrong = prompt.error.code === 'ENCRYPTED_WRONG_KEY'
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const key = identity.trim() !== '' ? { identitySecret: identity } : { passphrase }
    setIdentity('')
    setPassphrase('')
    void unlock(key)
  }
  return (
    <form className="notice encrypted-prompt" data-testid="encrypted-prompt" onSubmit={submit}>
      <p>
        <strong>{prompt.source.name}</strong> is encrypted (age).{' '}
        {wrong ? prompt.error.message : 'Give the identity or the passphrase it was encrypted to.'}
      </p>
      <label>
        Identity (the contents of an age identity file)
        <textarea
          value={identity}
          onChange={(e) => setIdentity(e.target.value)}
          rows={3}
          spellCheck={false}
          autoComplete="off"
          placeholder="AGE-SECRET-KEY-1…"
        />
      </label>
      <label>
        or passphrase
        <input
          type="password"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
          autoComplete="off"
        />
      </label>
      <p className="muted">Used for this file only and never saved.</p>
      <button type="submit" className="button-primary" disabled={identity.trim() === '' && passphrase === ''}>
        Open
      </button>{' '}
      <button type="button" className="button-quiet" onClick={dismiss}>
        Cancel
      </button>
    </form>
  )
}
