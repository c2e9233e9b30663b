# Sourced by the find-*.sh scripts of the test servers built from Go modules (Consul, versitygw,
# fake-gcs-server): one way to find or build such a binary. The caller sets
#   tool_name, tool_version, tool_env (the override variable's name), tool_package (what
#   `go build` builds) and tool_dir (its Go module), optionally tool_on_path (a command name
#   whose copy on PATH is used when it answers), and defines is_whole BINARY (a cheap call that
#   only a complete binary answers),
# then calls find_or_build_tool, which prints the binary's absolute path.
# Order: $<tool_env>, the command on PATH (when tool_on_path is set), the per-user cache, and only
# then a build into that cache. Concurrent callers wait on a lock (and on a build of the cached
# binary started by hand, which does not take it), and the binary is written under a temporary
# name first: a killed build never leaves a broken binary where the next run would trust it.

log() { printf 'find-%s: %s\n' "$tool_name" "$*" >&2; }

find_or_build_tool() {
  local cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/snapshot-studio/${tool_name}-${tool_version}"
  local cached_bin="${cache_dir}/${tool_name}"
  local override="${!tool_env:-}"

  if [[ -n "$override" ]]; then
    if [[ ! -x "$override" ]]; then
      log "${tool_env}=${override} is not an executable file"
      return 1
    fi
    (cd "$(dirname "$override")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "$override")")
    return 0
  fi

  local on_path
  if [[ -n "${tool_on_path:-}" ]] && on_path="$(command -v "$tool_on_path" 2>/dev/null)" && is_whole "$on_path"; then
    log "using ${tool_on_path} on PATH: ${on_path}"
    printf '%s\n' "$on_path"
    return 0
  fi

  if [[ -x "$cached_bin" ]] && is_whole "$cached_bin"; then
    printf '%s\n' "$cached_bin"
    return 0
  fi

  mkdir -p "$cache_dir"
  exec 9>"${cache_dir}/.build.lock"
  if ! flock -n 9; then
    log "another find-${tool_name}.sh is building; waiting for ${cache_dir}/.build.lock"
    flock 9
  fi

  # Someone else may have finished the build while we waited for the lock.
  if [[ -x "$cached_bin" ]] && is_whole "$cached_bin"; then
    printf '%s\n' "$cached_bin"
    return 0
  fi

  # A build started by hand (`go build -o <cache>/<tool>`) does not take our lock; wait for it
  # rather than competing with it for the cores and the memory.
  while pgrep -f -- "go build -o ${cached_bin}" >/dev/null 2>&1; do
    log "another build of ${cached_bin} is running; waiting for it"
    sleep 5
  done
  if [[ -x "$cached_bin" ]] && is_whole "$cached_bin"; then
    printf '%s\n' "$cached_bin"
    return 0
  fi

  if ! command -v go >/dev/null 2>&1; then
    log "no ${tool_name} binary found and no Go toolchain to build one; set ${tool_env}"
    return 1
  fi

  tmp_bin="${cache_dir}/${tool_name}.tmp.$$"
  trap 'rm -f "$tmp_bin"' EXIT
  log "building ${tool_name} v${tool_version} from ${tool_dir} (a cold build takes minutes)"
  local start
  start=$(date +%s)
  (cd "$tool_dir" && CGO_ENABLED=0 go build -o "$tmp_bin" "$tool_package") >&2
  if ! is_whole "$tmp_bin"; then
    log "the freshly built binary does not answer as a whole ${tool_name}"
    return 1
  fi
  mv -f "$tmp_bin" "$cached_bin"
  log "built ${cached_bin} in $(($(date +%s) - start))s"
  printf '%s\n' "$cached_bin"
}
