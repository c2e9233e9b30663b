/**
 * Names Consul accepts, checked the same way wherever the operator types one: the profile form,
 * the save wizard's override, the contract and the profile service.
 */
import { z } from 'zod'

/** Consul's datacenter names: letters, digits, "-", "_" and "." (it lowercases them on its side). */
export const DATACENTER_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/

export const DATACENTER_RULE = 'A datacenter name has 1 to 64 letters, digits, "-", "_" or "." only.'

export function isDatacenterName(value: string): boolean {
  return DATACENTER_PATTERN.test(value)
}

export const datacenterSchema = z.string().trim().regex(DATACENTER_PATTERN, DATACENTER_RULE)
