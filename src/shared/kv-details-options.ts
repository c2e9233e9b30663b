/**
 * The KV breakdown's options, as `consul snapshot inspect -kvdetails -kvdepth N -kvfilter P`
 * takes them. The default depth is Consul's own, so the app, the CLI and the host agree on what
 * "no depth given" means.
 */
export const DEFAULT_KV_DEPTH = 2
export const MAX_KV_DEPTH = 64
