import { basename, dirname } from 'node:path'

/**
 * The folder of the running bundle (out/main when built), where the worker entries sit. Code
 * split into a lazily loaded chunk (the CLI loads each command on first use) runs from
 * out/main/chunks, one level down. A module of its own: the Consul composition needs only this,
 * and a save loads it before its first request.
 */
export function bundleDir(): string {
  return basename(__dirname) === 'chunks' ? dirname(__dirname) : __dirname
}
