#!/usr/bin/env bash
# `npm start`: the extension, packaged, in a real VS Code (code-server) in your browser.
#
#   npm start                               opens the directory npm was run from
#   WORKSPACE=~/src/project npm start       opens another folder
#   PORT=9000 npm start                     serves on 127.0.0.1:9000 (default 8080)
#   VSIX=/path/to/other.vsix npm start      installs that .vsix instead of building dist/tmux-agents.vsix
#
# Steps: system packages (scripts/setup/install-packages.sh), code-server
# (scripts/setup/code-server.sh), `npm run package`, install the .vsix into a persistent VS Code
# profile in .cache/start/, then serve code-server in the foreground until Ctrl+C. Settings,
# open editors and terminals persist in .cache/start/ between runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PORT:-8080}"
# npm runs scripts from the package root; INIT_CWD is where `npm start` was typed.
WORKSPACE="$(cd "${WORKSPACE:-${INIT_CWD:-$PWD}}" && pwd)" || { echo "start: WORKSPACE is not a directory" >&2; exit 1; }
cd "$ROOT"
STATE="$ROOT/.cache/start"
ENTRY="$ROOT/.cache/code-server/node_modules/code-server/out/node/entry.js"

say() { echo "[start] $*"; }

if [[ -f scripts/setup/install-packages.sh ]]; then
  if ! bash scripts/setup/install-packages.sh; then
    say "WARNING: some system packages are missing (see above); the features that need them will not work"
  fi
fi

bash scripts/ensure-deps.sh
bash scripts/setup/code-server.sh

if [[ -n "${VSIX:-}" ]]; then
  vsix="$(cd "$(dirname "$VSIX")" && pwd)/$(basename "$VSIX")"
  [[ -f "$vsix" ]] || { echo "start: VSIX=$VSIX does not exist" >&2; exit 1; }
  say "using $vsix (VSIX)"
else
  say "npm run package"
  npm run --silent package
  vsix="$ROOT/dist/tmux-agents.vsix"
  [[ -f "$vsix" ]] || { echo "start: npm run package did not produce $vsix" >&2; exit 1; }
fi

mkdir -p "$STATE/user-data/User" "$STATE/extensions"
if [[ ! -f "$STATE/user-data/User/settings.json" ]]; then
  cat > "$STATE/user-data/User/settings.json" <<'EOF'
{
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false
}
EOF
fi

# Without VSCODE_IPC_HOOK_CLI (set in VS Code's own terminals) code-server would hand the
# folder to the VS Code this runs in, instead of starting.
args=(--config "$STATE/config.yaml" --user-data-dir "$STATE/user-data" --extensions-dir "$STATE/extensions")
say "installing $(basename "$vsix") into ${STATE#"$ROOT"/}/extensions"
env -u VSCODE_IPC_HOOK_CLI node "$ENTRY" "${args[@]}" --install-extension "$vsix" --force

url="http://127.0.0.1:$PORT/?folder=$(node -p 'encodeURIComponent(process.argv[1])' "$WORKSPACE")"
cat <<EOF

  ============================================================================
    VS Code with the extension:  $url
    Folder: $WORKSPACE
    Stop with Ctrl+C.
  ============================================================================

EOF
exec env -u VSCODE_IPC_HOOK_CLI node "$ENTRY" "${args[@]}" \
  --auth none --bind-addr "127.0.0.1:$PORT" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --ignore-last-opened \
  "$WORKSPACE"
