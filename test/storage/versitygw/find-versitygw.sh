#!/usr/bin/env bash
# Prints the absolute path of a versitygw binary (an S3 server on a posix directory) that our
# storage tests drive; logs go to stderr.
#
# Order: $VERSITYGW_BIN, then the per-user cache, and only then a build of this directory's Go
# module (versitygw v1.8.0) into that cache. A cold build takes minutes on a loaded machine, so
# concurrent callers wait on a lock, and the binary is written under a temporary name first: a
# killed build never leaves a broken binary where the next run would trust it.
set -euo pipefail

VERSITYGW_VERSION=1.8.0
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/snapshot-studio/versitygw-${VERSITYGW_VERSION}"
cached_bin="${cache_dir}/versitygw"

log() { printf 'find-versitygw: %s\n' "$*" >&2; }

answers_version() {
  local out
  out="$("$1" --version 2>/dev/null)" || return 1
  [[ "$out" == *"Version"* || "$out" == *"version"* ]]
}

if [[ -n "${VERSITYGW_BIN:-}" ]]; then
  if [[ ! -x "$VERSITYGW_BIN" ]]; then
    log "VERSITYGW_BIN=$VERSITYGW_BIN is not an executable file"
    exit 1
  fi
  (cd "$(dirname "$VERSITYGW_BIN")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "$VERSITYGW_BIN")")
  exit 0
fi

if [[ -x "$cached_bin" ]] && answers_version "$cached_bin"; then
  printf '%s\n' "$cached_bin"
  exit 0
fi

mkdir -p "$cache_dir"
exec 9>"${cache_dir}/.build.lock"
if ! flock -n 9; then
  log "another find-versitygw.sh is building; waiting for ${cache_dir}/.build.lock"
  flock 9
fi

# Someone else may have finished the build while we waited for the lock.
if [[ -x "$cached_bin" ]] && answers_version "$cached_bin"; then
  printf '%s\n' "$cached_bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "no versitygw binary found and no Go toolchain to build one; set VERSITYGW_BIN"
  exit 1
fi

tmp_bin="${cache_dir}/versitygw.tmp.$$"
trap 'rm -f "$tmp_bin"' EXIT
log "building versitygw v${VERSITYGW_VERSION} from ${here} (cold builds take several minutes)"
start=$(date +%s)
(cd "$here" && CGO_ENABLED=0 go build -o "$tmp_bin" github.com/versity/versitygw/cmd/versitygw) >&2
if ! answers_version "$tmp_bin"; then
  log "the freshly built binary does not answer 'versitygw --version'"
  exit 1
fi
mv -f "$tmp_bin" "$cached_bin"
log "built ${cached_bin} in $(( $(date +%s) - start ))s"
printf '%s\n' "$cached_bin"
