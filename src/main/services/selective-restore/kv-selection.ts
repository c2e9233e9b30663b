import { AppError } from '../../../shared/app-error'

/** `old/` → `new/`: keys chosen under `from` land under `to`. */
export interface KvRewrite {
  from: string
  to: string
}

/** What to take from a snapshot: whole prefixes and single keys, optionally moved and mirrored. */
export interface KvSelection {
  /** Plain string prefixes, as Consul's `?recurse` reads them ('' is everything). */
  prefixes: string[]
  keys: string[]
  rewrite?: KvRewrite
  /** Delete live keys under the (rewritten) prefixes that the file lacks there. */
  deleteMissing: boolean
}

/** `-rewrite old=new`; both sides may be empty strings except that they may not both be. */
export function parseRewrite(text: string): KvRewrite {
  const at = text.indexOf('=')
  if (at < 0)
    throw new AppError('INVALID_ARGUMENT', `The rewrite "${text}" has no "=".`, {
      hint: 'Write it as old=new, for example -rewrite app/=app-restored/.',
    })
  const rewrite = { from: text.slice(0, at), to: text.slice(at + 1) }
  if (rewrite.from === rewrite.to)
    throw new AppError('INVALID_ARGUMENT', `The rewrite "${text}" moves nothing.`, {
      hint: 'Give two different prefixes, or leave -rewrite out.',
    })
  return rewrite
}

/** Where a key of the file lands in the cluster. */
export function liveKeyOf(key: string, rewrite: KvRewrite | undefined): string {
  return rewrite === undefined ? key : rewrite.to + key.slice(rewrite.from.length)
}

/** Refuses an empty selection and one that a rewrite cannot move, before anything is read. */
export function checkSelection(selection: KvSelection): void {
  if (selection.prefixes.length === 0 && selection.keys.length === 0)
    throw new AppError('INVALID_ARGUMENT', 'Nothing was chosen to restore.', {
      hint: 'Name at least one prefix (-prefix P) or key.',
    })
  const rewrite = selection.rewrite
  if (rewrite === undefined) return
  for (const chosen of [...selection.prefixes, ...selection.keys])
    if (!chosen.startsWith(rewrite.from))
      throw new AppError('INVALID_ARGUMENT', `"${chosen}" is not under the rewrite's "${rewrite.from}".`, {
        hint: 'Every chosen prefix and key must start with the old side of -rewrite old=new.',
      })
}
