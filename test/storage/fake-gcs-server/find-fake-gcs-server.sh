#!/usr/bin/env bash
# Prints the absolute path of a fake-gcs-server binary (the GCS emulator our integration specs
# upload to); logs go to stderr. $FAKE_GCS_BIN, else the per-user cache, else a build of this Go
# module (fake-gcs-server v1.56.1 as a `tool`) into that cache (test/storage/go-tool-cache.sh).
set -euo pipefail

tool_name=fake-gcs-server
tool_version=1.56.1
tool_env=FAKE_GCS_BIN
tool_package=github.com/fsouza/fake-gcs-server
tool_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The server has no version flag; `-help` printing its flags is the sign of a whole binary.
is_whole() {
  local out
  out="$("$1" -help 2>&1 || true)"
  [[ "$out" == *-external-url* ]]
}

# shellcheck source=../go-tool-cache.sh
source "${tool_dir}/../go-tool-cache.sh"
find_or_build_tool
