import { createInterface } from 'node:readline'
import type { CliIo } from './cli-io'

/** One line from stdin after a question on stderr; undefined when there is no stdin or it ends first. */
export function askLine(io: CliIo, question: string): Promise<string | undefined> {
  const input = io.stdin
  if (!input) return Promise.resolve(undefined)
  io.stderr.write(question)
  return new Promise((resolveAnswer) => {
    const rl = createInterface({ input, terminal: false })
    let answered = false
    rl.once('line', (text) => {
      answered = true
      rl.close()
      resolveAnswer(text)
    })
    rl.once('close', () => {
      if (!answered) resolveAnswer(undefined)
    })
  })
}
