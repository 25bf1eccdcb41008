#!/usr/bin/env node
// Runs test files of one or more tiers with node's own test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs unit integration e2e   (or a file/dir path)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const targets = args.length ? args : ['unit'];

function collect(path, out) {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) collect(join(path, name), out);
  } else if (/\.test\.(ts|mts)$/.test(path)) {
    out.push(path);
  }
}

const files = [];
for (const t of targets) {
  const p = existsSync(join(root, 'test', t)) ? join(root, 'test', t) : resolve(t);
  if (!existsSync(p)) {
    console.error(`run-tests: no such test tier or path: ${t}`);
    process.exit(2);
  }
  collect(p, files);
}
if (files.length === 0) {
  console.error(`run-tests: no test files found in ${targets.join(', ')}`);
  process.exit(2);
}
// Integration and e2e tests share engines (dockerd, sshd, code-server): run files one at a time.
const concurrency = targets.every((t) => t === 'unit') ? [] : ['--test-concurrency=1'];
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...concurrency, ...files],
  // test/stubs holds a stand-in `vscode` module for the VS Code layer's unit tests.
  { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_PATH: join(root, 'test', 'stubs') } },
);
process.exit(r.status ?? 1);
