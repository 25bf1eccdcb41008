#!/usr/bin/env bash
# The whole test suite: installs and starts what the tests need (tmux, Docker Engine,
# sshd, code-server, Chromium), type-checks, lints, packages the .vsix, then runs the
# unit, integration and end-to-end tiers in one run of node's test runner.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
start=$(date +%s)
step() { echo "==> $* (+$(( $(date +%s) - start ))s)"; }

step "dependencies"
bash scripts/ensure-deps.sh
step "test environment"
bash scripts/setup/test-env.sh
bash scripts/setup/code-server.sh
step "typecheck"
npm run --silent typecheck
step "lint"
npm run --silent lint
step "package"
npm run --silent package >/dev/null
step "tests"
if [ "$#" -gt 0 ]; then node scripts/run-tests.mjs "$@"; else node scripts/run-tests.mjs unit integration e2e; fi
step "done"
