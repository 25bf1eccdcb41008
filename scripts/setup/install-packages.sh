#!/usr/bin/env bash
# Installs the Debian packages the test tiers need (tmux, Docker Engine, sshd, Chromium,
# debootstrap, code-server's build deps), installing only what is missing.
# Usage: install-packages.sh [PACKAGE...]   (no arguments: the project's list)
# As root on Debian it installs; otherwise it prints what is missing and the command to
# install it, and exits 1. Already-installed is the common case, so that path runs only
# dpkg and returns in well under a second.
set -euo pipefail

default_packages=(
  tmux            # the thing every runtime drives
  docker.io       # dockerd + containerd + runc + docker-init for the Docker runtime tests
  openssh-server  # a real sshd on loopback for the SSH runtime tests
  chromium        # the browser playwright-core drives for the e2e tests
  debootstrap     # builds the base image when no registry is reachable
  libkrb5-dev     # code-server's native `kerberos` module compiles against it
  ripgrep         # code-server's @vscode/ripgrep would download rg from GitHub otherwise
  git
  ca-certificates
  procps          # ps/pgrep, used by the scripts and the tests
)
if (($# > 0)); then packages=("$@"); else packages=("${default_packages[@]}"); fi

is_debian() { [[ -r /etc/debian_version ]] && command -v dpkg >/dev/null && command -v apt-get >/dev/null; }

# dpkg -s exits 0 for removed-but-not-purged packages too, so read the status itself (and
# not through `| grep -q`: under pipefail, grep quitting early makes dpkg die of SIGPIPE).
is_installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == 'install ok installed' ]]; }

missing=()
if is_debian; then
  for p in "${packages[@]}"; do is_installed "$p" || missing+=("$p"); done
else
  # No dpkg to ask: report every package, the user maps them to their distribution.
  missing=("${packages[@]}")
fi
((${#missing[@]} == 0)) && exit 0

if ! is_debian; then
  echo "install-packages: not a Debian system; install the equivalents of: ${missing[*]}" >&2
  exit 1
fi
if ((EUID != 0)); then
  echo "install-packages: missing packages: ${missing[*]}" >&2
  echo "install them with:" >&2
  echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# apt-get update is slow (~5-10 s): run it only when some package has no install
# candidate (no lists yet, or lists that predate it) or the lists are over a day old
# (stale lists point at .debs the mirror has already dropped).
needs_update() {
  local lists=/var/lib/apt/lists p
  compgen -G "$lists/*_Packages*" >/dev/null || return 0
  [[ -n "$(find "$lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 -print -quit)" ]] || return 0
  for p in "${missing[@]}"; do
    apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [^(]' || return 0
  done
  return 1
}

install() { apt-get install -y --no-install-recommends "${missing[@]}"; }

echo "install-packages: installing ${missing[*]}"
if needs_update; then apt-get update -q; fi
# A failed install most often means stale lists (404 on a superseded .deb): refresh once.
if ! install; then
  apt-get update -q
  install
fi
