#!/usr/bin/env bash
# Prints the absolute path of a versitygw binary (an S3 server on a posix directory) that our
# storage tests drive; logs go to stderr. $VERSITYGW_BIN, else the per-user cache, else a build of
# this directory's Go module (versitygw v1.8.0) into that cache (test/storage/go-tool-cache.sh).
set -euo pipefail

tool_name=versitygw
tool_version=1.8.0
tool_env=VERSITYGW_BIN
tool_package=github.com/versity/versitygw/cmd/versitygw
tool_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

is_whole() {
  local out
  out="$("$1" --version 2>/dev/null)" || return 1
  [[ "$out" == *"Version"* || "$out" == *"version"* ]]
}

# shellcheck source=../go-tool-cache.sh
source "${tool_dir}/../go-tool-cache.sh"
find_or_build_tool
