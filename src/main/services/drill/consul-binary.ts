import { execFile } from 'node:child_process'
import { access, constants, stat } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import { AppError } from '../../../shared/app-error'

/** A consul binary the drill may start, and its version as `consul version` prints it. */
export interface ConsulBinary {
  path: string
  /** e.g. "1.14.8"; null when the output could not be read. */
  version: string | null
}

const run = promisify(execFile)

async function isExecutable(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false
    await access(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Finds the binary as the operator would expect: the one named explicitly, else CONSUL_BIN, else
 * `consul` on PATH. An explicit path that is not an executable file is an error, never a silent
 * fallback to another binary.
 */
export async function findConsulBinary(
  explicit: string | undefined,
  env: Record<string, string | undefined>,
): Promise<ConsulBinary> {
  const named = explicit ?? env['CONSUL_BIN']
  let path: string | null = null
  if (named !== undefined && named !== '') {
    if (!(await isExecutable(named)))
      throw new AppError('FILE_NOT_FOUND', `${named} is not an executable consul binary.`, {
        hint: 'Point -consul (or CONSUL_BIN) at the consul executable, e.g. /usr/local/bin/consul.',
      })
    path = named
  } else {
    const names = process.platform === 'win32' ? ['consul.exe'] : ['consul']
    for (const dir of (env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''))
      for (const name of names)
        if (path === null && (await isExecutable(join(dir, name)))) path = join(dir, name)
  }
  if (path === null)
    throw new AppError(
      'FILE_NOT_FOUND',
      'No consul binary was found for the drill (not on PATH, CONSUL_BIN unset).',
      {
        hint: 'Install Consul (https://developer.hashicorp.com/consul/install), or pass -consul /path/to/consul.',
      },
    )
  let version: string | null = null
  try {
    const { stdout } = await run(path, ['version'], { timeout: 15_000 })
    version = /Consul v(\d+\.\d+\.\d+)/.exec(stdout)?.[1] ?? null
  } catch (error) {
    throw new AppError('FILE_UNREADABLE', `${path} did not run as consul (\`consul version\` failed).`, {
      hint: 'Check that it is a consul binary for this machine.',
      cause: error,
    })
  }
  return { path, version }
}

/** True when `version` is at least major.minor (unknown versions count as new). */
export function versionAtLeast(version: string | null, major: number, minor: number): boolean {
  if (version === null) return true
  const [a = 0, b = 0] = version.split('.').map(Number)
  return a > major || (a === major && b >= minor)
}
