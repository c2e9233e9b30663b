import { readFileSync } from 'node:fs'

/**
 * This process's peak resident set size in KiB. Linux's getrusage maximum survives fork and exec,
 * so a child of a big test worker would report the worker's peak; VmHWM belongs to this
 * process's own address space.
 */
export function peakRssKiB(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (match) return Number(match[1])
  } catch {
    // not Linux: the rusage figure is this process's own there
  }
  return process.resourceUsage().maxRSS
}
