#!/usr/bin/env bash
# Installs code-server (VS Code for the browser) into .cache/code-server/ for the e2e tests and
# `npm start`, idempotently.
#
#   bash scripts/setup/code-server.sh            install if needed (a completed install: < 1 s)
#   bash scripts/setup/code-server.sh --verify   also start the installed code-server and check it
#   bash scripts/setup/code-server.sh --force    reinstall from scratch
#
# code-server 4.99.4 (= VS Code 1.99.3) is the newest release that runs on Node 20. Its plain
# `npm install` fails on these machines in three places (see /work/shared/TEST-ENVIRONMENT.md);
# this script installs it step by step instead:
#   1. kerberos is compiled from source: needs libkrb5-dev (krb5-config) and a C++ toolchain;
#   2. @vscode/ripgrep downloads rg from GitHub: we place the system rg into its bin/ and never
#      run its install script;
#   3. node-pty's postinstall ends with `npx node-gyp configure` (it only writes a
#      compile_commands.json for IDEs) which fails without network: we run node-pty's real build
#      step (`node-gyp rebuild`) ourselves and skip that postinstall.
# npm 11 gates dependency install scripts with package.json's `allowScripts` (checked with
# npm 11.19): `npm rebuild` runs an unreviewed package's scripts with a warning, fails on it
# under strict-allow-scripts=true, rejects --allow-scripts on the command line, and SKIPS a
# package denied with `false` silently, still printing "rebuilt dependencies successfully".
# So: each npm project here (.cache/code-server/ and lib/vscode/) gets an allowScripts that
# approves exactly the packages we rebuild and denies the rest, the rebuilds name those
# packages (which is what limits them on npm 10, which has no gating), and afterwards every
# native module is loaded for real and node-pty spawns a shell: a skipped build cannot pass.
#
# Environment: CODE_SERVER_DIR overrides the install directory (default <repo>/.cache/code-server).
set -euo pipefail

readonly VERSION=4.99.4
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${CODE_SERVER_DIR:-$ROOT/.cache/code-server}"
CS="$DIR/node_modules/code-server"
VSCODE="$CS/lib/vscode"
MARKER="$DIR/.install-complete"
LOG="$DIR/install.log"

VERIFY=0
FORCE=0
for arg in "$@"; do
  case "$arg" in
    --verify) VERIFY=1 ;;
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "code-server.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

say() { echo "[code-server] $*"; }
die() { echo "[code-server] ERROR: $*" >&2; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Native modules are built for one Node ABI: a Node upgrade must trigger a rebuild.
node_abi="$(node -p 'process.versions.modules + " " + process.platform + "-" + process.arch')"
expected_marker="code-server@$VERSION node-abi=$node_abi"

started="$(now)"
mkdir -p "$(dirname "$DIR")"
exec 9>"$DIR.lock"
flock 9 # concurrent runs (npm start + tests) wait for one another instead of building twice
if [[ $FORCE -eq 0 && -f "$MARKER" && "$(cat "$MARKER")" == "$expected_marker" && -f "$CS/out/node/entry.js" ]]; then
  say "code-server $VERSION already installed in ${DIR#"$ROOT"/} ($(secs "$started") s)"
  [[ $VERIFY -eq 1 ]] || exit 0
else
  # ---- prerequisites: fail with the fix, not halfway through a build --------------------------
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  [[ "$node_major" == 20 ]] || die "code-server $VERSION needs Node 20, found $(node -v)"
  missing=()
  command -v krb5-config >/dev/null || missing+=("libkrb5-dev (kerberos headers)")
  command -v rg >/dev/null || missing+=("ripgrep")
  command -v make >/dev/null || missing+=("make")
  command -v g++ >/dev/null || missing+=("g++")
  command -v python3 >/dev/null || missing+=("python3 (node-gyp)")
  if [[ ${#missing[@]} -gt 0 ]]; then
    die "missing: ${missing[*]}. Run: bash scripts/setup/install-packages.sh (or apt-get install -y libkrb5-dev ripgrep build-essential python3)"
  fi
  npm_cli_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  node_gyp="$npm_cli_dir/node_modules/node-gyp/bin/node-gyp.js"
  [[ -f "$node_gyp" ]] || die "npm's bundled node-gyp not found at $node_gyp"
  # node-gyp downloads Node's headers from nodejs.org unless told where they are; Node installed
  # from a distribution package ships them under <prefix>/include/node.
  if [[ -z "${npm_config_nodedir:-}" ]]; then
    nodedir="$(npm config get nodedir 2>/dev/null || true)"
    if [[ -z "$nodedir" || "$nodedir" == undefined || "$nodedir" == null ]]; then
      prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
      [[ -f "$prefix/include/node/common.gypi" ]] && nodedir="$prefix" || nodedir=""
    fi
    [[ -n "$nodedir" ]] && export npm_config_nodedir="$nodedir"
  fi
  # A user-level ignore-scripts=true would silently skip every rebuild below.
  export npm_config_ignore_scripts=false npm_config_audit=false npm_config_fund=false \
    npm_config_update_notifier=false

  # ---- a half-finished or outdated install is redone from scratch ---------------------------
  if [[ -e "$DIR" ]]; then
    say "removing previous incomplete or outdated install in ${DIR#"$ROOT"/}"
    rm -rf "$DIR"
  fi
  mkdir -p "$DIR"
  : > "$LOG"

  in_dir() { (cd "$1" && shift && "$@"); } # in_dir DIR COMMAND...
  step() { # step TITLE COMMAND...: runs COMMAND with its output in install.log, prints the time
    local title="$1" t0
    shift
    t0="$(now)"
    printf '\n===== %s: %s\n' "$title" "$*" >> "$LOG"
    if ! "$@" >> "$LOG" 2>&1; then
      echo "[code-server] FAILED: $title ($(secs "$t0") s). Last lines of $LOG:" >&2
      tail -n 40 "$LOG" >&2
      exit 1
    fi
    say "$title ($(secs "$t0") s)"
  }

  say "installing code-server $VERSION into ${DIR#"$ROOT"/} (log: ${LOG#"$ROOT"/})"
  # The install directory is its own npm project; its allowScripts approves argon2's native
  # build and denies code-server's postinstall (this script does what that postinstall does).
  cat > "$DIR/package.json" <<EOF
{
  "name": "tmux-agents-code-server",
  "private": true,
  "description": "code-server for tmux-agents e2e tests and npm start; written by scripts/setup/code-server.sh",
  "dependencies": { "code-server": "$VERSION" },
  "allowScripts": { "argon2": true, "code-server": false }
}
EOF
  step "npm install code-server@$VERSION (no scripts)" \
    npm install --prefix "$DIR" --ignore-scripts --no-audit --no-fund
  # build-from-source: argon2's and kerberos's install scripts would first try to download
  # prebuilt binaries from GitHub, which is unreachable here.
  step "build argon2" in_dir "$DIR" env npm_config_build_from_source=true npm rebuild --foreground-scripts argon2

  # ---- VS Code's own dependencies (what code-server's postinstall does, step by step) --------
  step "npm install lib/vscode dependencies (no scripts)" \
    in_dir "$VSCODE" npm install --omit=dev --ignore-scripts --no-audit --no-fund
  mkdir -p "$VSCODE/node_modules/@vscode/ripgrep/bin"
  cp "$(command -v rg)" "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"
  say "placed $(command -v rg) ($(rg --version | head -1)) as @vscode/ripgrep's rg"
  # Approve exactly the packages rebuilt below; ripgrep (placed above), node-pty (built below)
  # and the Windows-only modules are denied. npm 10 ignores this field; naming the packages on
  # the `npm rebuild` command line is what limits the rebuild there.
  compiled=(kerberos @vscode/spdlog native-watchdog @vscode/deviceid)
  rebuilt=("${compiled[@]}" @parcel/watcher)
  node - "$VSCODE/package.json" "${rebuilt[@]}" <<'EOF'
const fs = require('node:fs');
const [file, ...approved] = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
pkg.allowScripts = Object.fromEntries([
  ...approved.map((name) => [name, true]),
  ...['node-pty', '@vscode/ripgrep', '@vscode/windows-process-tree', '@vscode/windows-registry',
    '@vscode/windows-ca-certs'].map((name) => [name, false]),
]);
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
EOF
  step "build native modules (${compiled[*]})" \
    in_dir "$VSCODE" env npm_config_build_from_source=true npm rebuild --foreground-scripts "${compiled[@]}"
  # @parcel/watcher's install script only compiles when asked to; its binary comes from the
  # registry package @parcel/watcher-linux-x64-glibc.
  step "install @parcel/watcher" \
    in_dir "$VSCODE" npm rebuild --foreground-scripts @parcel/watcher
  step "build node-pty (node-gyp rebuild)" \
    in_dir "$VSCODE/node_modules/node-pty" node "$node_gyp" rebuild ${npm_config_nodedir:+--nodedir="$npm_config_nodedir"}
  ln -sfn node_modules "$VSCODE/node_modules.asar"
  ln -sfn code-linux.sh "$VSCODE/bin/remote-cli/code-server"
  ln -sfn browser-linux.sh "$VSCODE/bin/helpers/browser.sh"
  # Built-in extensions share a trimmed TypeScript (TypeScript/JavaScript language features).
  step "npm install lib/vscode/extensions dependencies" \
    in_dir "$VSCODE/extensions" npm install --omit=dev --ignore-scripts --no-audit --no-fund
  step "trim built-in extensions' TypeScript (their postinstall.mjs)" in_dir "$VSCODE/extensions" node postinstall.mjs

  # ---- every native module really loads; node-pty really runs a shell ------------------------
  check_native() {
    node - "$CS" "$VSCODE" <<'EOF'
const { createRequire } = require('node:module');
const [cs, vscode] = process.argv.slice(2);
const fromCs = createRequire(cs + '/package.json');
const fromVscode = createRequire(vscode + '/package.json');
fromCs('argon2');
for (const name of ['kerberos', '@vscode/spdlog', 'native-watchdog', '@parcel/watcher']) fromVscode(name);
const pty = fromVscode('node-pty');
const p = pty.spawn('/bin/sh', ['-c', 'echo pty-$((40 + 2))'], { cols: 80, rows: 10 });
let out = '';
p.onData((d) => { out += d; });
const timer = setTimeout(() => { console.error('node-pty: no exit within 10 s; output: ' + JSON.stringify(out)); process.exit(1); }, 10000);
p.onExit(({ exitCode }) => {
  clearTimeout(timer);
  if (exitCode !== 0 || !out.includes('pty-42')) {
    console.error(`node-pty: exit ${exitCode}, output ${JSON.stringify(out)}`);
    process.exit(1);
  }
  console.log('native modules load; node-pty ran a shell: ' + JSON.stringify(out.trim()));
});
EOF
  }
  step "check native modules (argon2, kerberos, spdlog, watchdog, parcel watcher, node-pty)" check_native
  VERIFY=1
  install_done=1
fi

# ---- start the installed code-server and check that it serves the workbench ------------------
if [[ $VERIFY -eq 1 ]]; then
  t0="$(now)"
  tmp="$(mktemp -d /tmp/code-server-verify.XXXXXX)"
  mkdir -p "$tmp/workspace"
  pid=""
  cleanup() {
    if [[ -n "$pid" ]]; then
      kill -TERM -- "-$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
  }
  trap cleanup EXIT
  # Port 0: the kernel picks a free port and code-server logs it; no race with other runs.
  # setsid: code-server (a wrapper process and its server child) gets its own process group.
  # Without VSCODE_IPC_HOOK_CLI (set in VS Code's terminals) code-server would hand the folder
  # to the VS Code it runs in and exit; XDG_DATA_HOME keeps its heartbeat and logs out of ~.
  env -u VSCODE_IPC_HOOK_CLI XDG_DATA_HOME="$tmp/xdg-data" setsid node "$CS/out/node/entry.js" --auth none --bind-addr 127.0.0.1:0 \
    --disable-telemetry --disable-update-check --disable-workspace-trust \
    --config "$tmp/config.yaml" --user-data-dir "$tmp/user-data" \
    --extensions-dir "$tmp/extensions" "$tmp/workspace" > "$tmp/server.log" 2>&1 &
  pid=$!
  if ! node - "$tmp/server.log" "$tmp/workspace" "$pid" <<'EOF'
const fs = require('node:fs');
const [logFile, folder, pid] = process.argv.slice(2);
const deadline = Date.now() + 60000;
const tail = () => fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
const alive = () => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };
(async () => {
  let base, last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!alive()) throw new Error('code-server exited during startup');
    base ??= fs.readFileSync(logFile, 'utf8').match(/HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//)?.[1];
    if (base) {
      try {
        const res = await fetch(`${base}/?folder=${encodeURIComponent(folder)}`, { signal: AbortSignal.timeout(5000) });
        const html = await res.text();
        const js = html.match(/[^"]*\/workbench\/workbench\.js/)?.[0];
        if (res.status === 200 && js) {
          const script = await fetch(new URL(js, base + '/'), { signal: AbortSignal.timeout(10000) });
          const size = (await script.arrayBuffer()).byteLength;
          if (script.status !== 200 || size < 1e6) throw new Error(`workbench.js: HTTP ${script.status}, ${size} bytes`);
          console.log(`serves the workbench at ${base} (workbench.js ${(size / 1e6).toFixed(1)} MB)`);
          return;
        }
        last = `HTTP ${res.status}`;
      } catch (e) { last = String(e.message ?? e); }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no workbench within 60 s (last: ${last})`);
})().catch((e) => { console.error(`${e.message}\n--- server log:\n${tail()}`); process.exit(1); });
EOF
  then
    die "the installed code-server did not serve the workbench (see above)"
  fi
  say "started and served the workbench ($(secs "$t0") s)"
  cleanup
  pid=""
  trap - EXIT
fi

if [[ "${install_done:-0}" -eq 1 ]]; then
  echo "$expected_marker" > "$MARKER"
  say "done: code-server $VERSION installed ($(secs "$started") s total)"
fi
