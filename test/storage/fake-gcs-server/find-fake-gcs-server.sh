#!/usr/bin/env bash
# Prints the absolute path of a fake-gcs-server binary (the GCS emulator our integration specs
# upload to); logs go to stderr.
#
# Order: $FAKE_GCS_BIN, then the per-user cache, and only then a build of this Go module
# (fake-gcs-server v1.56.1 as a `tool`) into that cache. Concurrent callers serialise on a lock
# and the binary is written under a temporary name first: a killed build never leaves a broken
# binary where the next run would trust it.
set -euo pipefail

FAKE_GCS_VERSION=1.56.1
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/snapshot-studio/fake-gcs-server-${FAKE_GCS_VERSION}"
cached_bin="${cache_dir}/fake-gcs-server"

log() { printf 'find-fake-gcs-server: %s\n' "$*" >&2; }

# The server has no version flag; `-help` printing its flags is the sign of a whole binary.
answers_help() {
  local out
  out="$("$1" -help 2>&1 || true)"
  [[ "$out" == *-external-url* ]]
}

if [[ -n "${FAKE_GCS_BIN:-}" ]]; then
  if [[ ! -x "$FAKE_GCS_BIN" ]]; then
    log "FAKE_GCS_BIN=$FAKE_GCS_BIN is not an executable file"
    exit 1
  fi
  (cd "$(dirname "$FAKE_GCS_BIN")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "$FAKE_GCS_BIN")")
  exit 0
fi

if [[ -x "$cached_bin" ]] && answers_help "$cached_bin"; then
  printf '%s\n' "$cached_bin"
  exit 0
fi

mkdir -p "$cache_dir"
exec 9>"${cache_dir}/.build.lock"
if ! flock -n 9; then
  log "another find-fake-gcs-server.sh is building; waiting for ${cache_dir}/.build.lock"
  flock 9
fi

# Someone else may have finished the build while we waited for the lock.
if [[ -x "$cached_bin" ]] && answers_help "$cached_bin"; then
  printf '%s\n' "$cached_bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "no fake-gcs-server binary found and no Go toolchain to build one; set FAKE_GCS_BIN"
  exit 1
fi

tmp_bin="${cache_dir}/fake-gcs-server.tmp.$$"
trap 'rm -f "$tmp_bin"' EXIT
log "building fake-gcs-server v${FAKE_GCS_VERSION} from ${here} (a cold build takes a few minutes)"
start=$(date +%s)
(cd "$here" && CGO_ENABLED=0 go build -o "$tmp_bin" github.com/fsouza/fake-gcs-server) >&2
if ! answers_help "$tmp_bin"; then
  log "the freshly built binary does not answer -help"
  exit 1
fi
mv -f "$tmp_bin" "$cached_bin"
log "built ${cached_bin} in $(( $(date +%s) - start ))s"
printf '%s\n' "$cached_bin"
