#!/usr/bin/env bash
# Prints the absolute path of a Consul binary our tests can drive (logs go to stderr).
#
# Order: $CONSUL_BIN, then `consul` on PATH (any version that answers `consul version`), then the
# per-user cache, and only then a build of this directory's Go module (Consul v1.14.8, with the
# module excludes in go.mod) into that cache, through test/storage/go-tool-cache.sh like the other
# Go-built test servers. A cold build takes minutes and ~1.7 GB of RAM.
set -euo pipefail

tool_name=consul
tool_version=1.14.8
tool_env=CONSUL_BIN
tool_on_path=consul
tool_package=.
tool_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The version probe: only a whole Consul binary prints its version line.
is_whole() {
  local out
  out="$("$1" version 2>/dev/null)" || return 1
  [[ "$out" == Consul\ v* ]]
}

# shellcheck source=../storage/go-tool-cache.sh
source "${tool_dir}/../storage/go-tool-cache.sh"
find_or_build_tool
