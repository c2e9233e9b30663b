import { setFlagsFromString } from 'node:v8'

/**
 * V8 settings for a daemon that waits for hours between short bursts of HTTP. Only this process:
 * cycle and check processes are new processes with V8's defaults for the snapshots they move.
 * Must run before the first request (V8 reads the WebAssembly flag when it compiles a module).
 *
 * - WebAssembly stays on the baseline compiler. The only WebAssembly here is undici's HTTP
 *   parser, reading a few small Consul answers a minute (session renewals, check updates,
 *   blocking reads of the lock). After the first requests V8 recompiles it with its optimizing
 *   compiler on a background thread: about 36 MiB of compiler memory at once, of which the C
 *   allocator keeps some 10 MiB resident for the daemon's whole life, plus that compile's CPU.
 * - The memory reducer, which shrinks the heap once the daemon goes idle, does it in one
 *   collection rather than several: the heap of an idle daemon is small and stays so, and the
 *   further collections were most of its idle CPU (0.55 % -> 0.30 % over 20 s, paired).
 */
export function tuneV8ForIdleDaemon(): void {
  for (const flag of ['--liftoff-only', '--memory-reducer-single-gc'])
    try {
      setFlagsFromString(flag)
    } catch {
      // A runtime that refuses V8 flags only idles with more memory and CPU.
    }
}
