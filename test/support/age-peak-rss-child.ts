// Run as a child process (`node --import tsx age-peak-rss-child.ts encrypt|decrypt <in> <out> <key>`):
// encrypts a file to a recipient, or decrypts one with an identity into nowhere, the way the
// agent and the readers do, and prints the process's peak resident set size in KiB.
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { decryptFileStream, encryptFile } from '../../src/main/services/encryption/age-stream'
import { peakRssKiB } from './peak-rss'

const [mode, input, output, key] = process.argv.slice(2) as [string, string, string, string]

async function main(): Promise<string> {
  try {
    if (mode === 'encrypt') await encryptFile(input, output, { kind: 'recipients', recipients: [key] })
    else
      await pipeline(
        await decryptFileStream(input, { identities: [key], passphrases: [] }),
        new Writable({ write: (_chunk, _encoding, done) => done() }),
      )
    return 'ok'
  } catch (error) {
    return (error as { code?: string }).code ?? 'crash'
  }
}

void main().then((outcome) => {
  process.stdout.write(JSON.stringify({ outcome, peakRssKiB: peakRssKiB() }) + '\n')
})
