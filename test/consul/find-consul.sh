#!/usr/bin/env bash
# Prints the absolute path of a Consul binary our tests can drive (logs go to stderr).
#
# Order: $CONSUL_BIN, then `consul` on PATH (any version that answers `consul version`), then the
# per-user cache, and only then a build of test/consul (Consul v1.14.8) into that cache.
# A cold build takes minutes and ~1.7 GB of RAM, so concurrent callers serialise on a lock and
# the binary is written under a temporary name first: a killed build never leaves a broken
# binary where the next run would trust it.
set -euo pipefail

CONSUL_VERSION=1.14.8
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/snapshot-studio/consul-${CONSUL_VERSION}"
cached_bin="${cache_dir}/consul"

log() { printf 'find-consul: %s\n' "$*" >&2; }

answers_version() {
  local out
  out="$("$1" version 2>/dev/null)" || return 1
  [[ "$out" == Consul\ v* ]]
}

if [[ -n "${CONSUL_BIN:-}" ]]; then
  if [[ ! -x "$CONSUL_BIN" ]]; then
    log "CONSUL_BIN=$CONSUL_BIN is not an executable file"
    exit 1
  fi
  (cd "$(dirname "$CONSUL_BIN")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "$CONSUL_BIN")")
  exit 0
fi

if on_path="$(command -v consul 2>/dev/null)" && answers_version "$on_path"; then
  log "using consul on PATH: $on_path"
  printf '%s\n' "$on_path"
  exit 0
fi

if [[ -x "$cached_bin" ]] && answers_version "$cached_bin"; then
  printf '%s\n' "$cached_bin"
  exit 0
fi

mkdir -p "$cache_dir"
exec 9>"${cache_dir}/.build.lock"
if ! flock -n 9; then
  log "another find-consul.sh is building; waiting for ${cache_dir}/.build.lock"
  flock 9
fi

# Someone else may have finished the build while we waited for the lock.
if [[ -x "$cached_bin" ]] && answers_version "$cached_bin"; then
  printf '%s\n' "$cached_bin"
  exit 0
fi

# A build started by hand (`go build -o <cache>/consul`) does not take our lock; wait for it
# rather than competing with it for the two cores and the memory.
while pgrep -f -- "go build -o ${cached_bin}" >/dev/null 2>&1; do
  log "another build of ${cached_bin} is running; waiting for it"
  sleep 5
  if [[ -x "$cached_bin" ]] && answers_version "$cached_bin"; then
    printf '%s\n' "$cached_bin"
    exit 0
  fi
done
if [[ -x "$cached_bin" ]] && answers_version "$cached_bin"; then
  printf '%s\n' "$cached_bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "no consul binary found and no Go toolchain to build one; set CONSUL_BIN"
  exit 1
fi

tmp_bin="${cache_dir}/consul.tmp.$$"
trap 'rm -f "$tmp_bin"' EXIT
log "building Consul v${CONSUL_VERSION} from ${here} (cold builds take several minutes)"
start=$(date +%s)
(cd "$here" && CGO_ENABLED=0 go build -o "$tmp_bin" .) >&2
if ! answers_version "$tmp_bin"; then
  log "the freshly built binary does not answer 'consul version'"
  exit 1
fi
mv -f "$tmp_bin" "$cached_bin"
log "built ${cached_bin} in $(( $(date +%s) - start ))s"
printf '%s\n' "$cached_bin"
