#!/usr/bin/env bash
# Makes sure the image that docker/Dockerfile's FROM names exists in the local Engine.
# Present: nothing to do. Else `docker pull` (a normal machine). Else, with no registry
# reachable (CI, these VMs), build the same Debian release with debootstrap from the apt
# mirror this machine already uses and `docker import` it under that name, so the real
# Dockerfile builds unchanged. The rootfs is kept in .cache/ and reused.
# Env: BASE_IMAGE_TAG (default debian:bookworm-slim), DEBIAN_SUITE (default bookworm),
#      DEBIAN_MIRROR (default: read from /etc/apt/sources.list.d/debian.sources or
#      /etc/apt/sources.list), PULL_TIMEOUT (s, default 180).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tag="${BASE_IMAGE_TAG:-debian:bookworm-slim}"
suite="${DEBIAN_SUITE:-bookworm}"
cache="$root/.cache"
rootfs="$cache/rootfs-$suite"
say() { echo "base-image: $*" >&2; }

have_image() { docker image inspect "$tag" >/dev/null 2>&1; }
have_image && exit 0

mkdir -p "$cache"
# Two callers at once would debootstrap into the same directory.
exec 9>>"$cache/base-image.lock"
flock 9
have_image && exit 0

if timeout "${PULL_TIMEOUT:-180}" docker pull -q "$tag" >/dev/null 2>&1; then
  say "pulled $tag"
  exit 0
fi
say "cannot pull $tag: building it locally with debootstrap"

# First URI of the given kind ("main" or "security") from apt's own configuration.
apt_uri() {
  local kind="$1" uri=""
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    uri="$(awk '/^URIs:/ {print $2}' /etc/apt/sources.list.d/debian.sources | grep_kind "$kind" | head -n 1)"
  fi
  if [[ -z "$uri" && -r /etc/apt/sources.list ]]; then
    # deb [options] URI SUITE COMPONENTS...
    uri="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' \
      /etc/apt/sources.list | grep_kind "$kind" | head -n 1)"
  fi
  echo "$uri"
}
grep_kind() { if [[ "$1" == security ]]; then grep -- '-security' || true; else grep -v -- '-security' || true; fi; }

mirror="${DEBIAN_MIRROR:-$(apt_uri main)}"
mirror="${mirror:-http://deb.debian.org/debian}"
security="$(apt_uri security)"
security="${security:-http://deb.debian.org/debian-security}"

# Trim the rootfs the way the official -slim images are trimmed (no docs, man pages or
# translations, no apt lists or .debs), and point apt at this machine's mirror.
slim_rootfs() {
  local dir="$1"
  cat >"$dir/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  cat >"$dir/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$dir/etc/apt/apt.conf.d/docker-no-languages"
  rm -f "$dir/etc/apt/sources.list"
  cat >"$dir/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  find "$dir/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$dir/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  rm -rf "$dir"/usr/share/{man,groff,info,lintian,linda}/* "$dir"/var/lib/apt/lists/* \
    "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb "$dir"/var/log/*.log
  # debootstrap copies the host's resolver config in; Docker supplies its own at run time.
  : >"$dir/etc/resolv.conf"
}

if [[ ! -d "$rootfs" ]]; then
  ((EUID == 0)) || { say "debootstrap needs root (or a reachable registry for docker pull)"; exit 1; }
  command -v debootstrap >/dev/null || { say "debootstrap missing: run scripts/setup/install-packages.sh"; exit 1; }
  # Build in a scratch dir and rename at the end: an existing $rootfs is always complete.
  tmp="$rootfs.partial"
  rm -rf "$tmp"
  say "debootstrap --variant=minbase $suite from $mirror (about a minute)"
  if ! debootstrap --variant=minbase "$suite" "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1; then
    say "debootstrap failed; last lines of $cache/debootstrap.log:"
    tail -n 20 "$cache/debootstrap.log" >&2
    exit 1
  fi
  slim_rootfs "$tmp"
  mv "$tmp" "$rootfs"
fi

tar --numeric-owner -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' \
  --change "LABEL org.opencontainers.image.description=\"Debian $suite minbase, imported by tmux-agents scripts/setup/base-image.sh\"" \
  - "$tag" >/dev/null
say "imported $tag from $rootfs"
