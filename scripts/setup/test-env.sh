#!/usr/bin/env bash
# The one entry point the test command calls: brings a fresh Debian machine (CI, a
# newcomer's VM) to the state the integration and e2e tiers need, and does next to nothing
# when it is already there. One line per step, with its time.
#   1. Debian packages (install-packages.sh)     3. the FROM image (base-image.sh)
#   2. a Docker Engine (dockerd.sh start)        4. the agent image, rebuilt only when
#   5. /run/sshd (sshd refuses to start without it)  docker/ changed (content-hash label)
# Env: TEST_ENV_IMAGE_ARGS: extra arguments for docker/build.sh (e.g. --no-ai-clis).
# Logs of the image build: .cache/image-build.log.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
setup="$root/scripts/setup"
cache="$root/.cache"
mkdir -p "$cache"
total_start="$EPOCHREALTIME"

elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1fs", b - a }'; }

# step NAME COMMAND...: run it, print "test-env: NAME ok (1.2s)"; on failure say which
# step failed (the command's own output says why) and stop.
step() {
  local name="$1" t="$EPOCHREALTIME"
  shift
  if ! "$@"; then
    echo "test-env: $name FAILED after $(elapsed "$t")" >&2
    exit 1
  fi
  echo "test-env: $name ok ($(elapsed "$t"))"
}

# The image build prints hundreds of lines: keep them in a log, show the tail on failure.
build_image() {
  local log="$cache/image-build.log" args=()
  read -r -a args <<<"${TEST_ENV_IMAGE_ARGS:-}"
  if ! "$root/docker/build.sh" --if-needed "${args[@]}" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    return 1
  fi
}

sshd_dir() {
  [[ -d /run/sshd ]] && return 0
  if ((EUID != 0)); then
    echo "test-env: /run/sshd is missing and creating it needs root: sudo mkdir -p /run/sshd" >&2
    return 1
  fi
  mkdir -p /run/sshd
}

step packages "$setup/install-packages.sh"
step dockerd "$setup/dockerd.sh" start
step base-image "$setup/base-image.sh"
step agent-image build_image
step sshd-dir sshd_dir
echo "test-env: ready ($(elapsed "$total_start"))"
