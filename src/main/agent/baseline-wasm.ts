import { setFlagsFromString } from 'node:v8'

/**
 * Keeps WebAssembly on V8's baseline compiler in this process. The only WebAssembly in the
 * daemon is undici's HTTP parser, reading a few small Consul answers a minute (session renewals,
 * check updates, blocking reads of the lock). After its first requests V8 recompiles the parser
 * with its optimizing compiler on a background thread: about 36 MiB of compiler memory at once,
 * of which the C allocator keeps some 10 MiB resident for the daemon's whole life, plus the CPU
 * of that compile. The baseline code is fast enough for that traffic. Only this process: cycle and
 * check processes are new processes and keep the optimizing compiler for the snapshots they move.
 * Must run before the first request (V8 reads the flag when it compiles a module).
 */
export function keepWasmOnBaselineCompiler(): void {
  try {
    setFlagsFromString('--liftoff-only')
  } catch {
    // A runtime that refuses V8 flags only idles with more memory.
  }
}
