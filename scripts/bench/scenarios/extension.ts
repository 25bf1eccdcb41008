// The extension's activation time and bundle size. The production bundle is built first
// (`node esbuild.mjs --production`); each repetition loads dist/extension.js in a fresh
// Node.js process with a `vscode` stand-in (activationProbe.mjs) and times require() and
// activate() with a fake ExtensionContext. Not measured in VS Code itself: no extension
// host round trips, no real settings; see docs/benchmarks.md.
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { repeat } from '../measure';
import type { BenchOptions } from '../options';
import { makeRow, notMeasured, type Row } from '../results';
import { single } from '../stats';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const BUNDLE = join(ROOT, 'dist/extension.js');
const PROBE = join(import.meta.dirname, '../activationProbe.mjs');

export async function runExtension(o: BenchOptions): Promise<Row[]> {
  try {
    await run(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT, timeout: 120_000 });
  } catch (e) {
    return [notMeasured('extension', 'bundle size and activation', '-', `the production build failed: ${(e as { stderr?: string }).stderr?.trim().split('\n')[0] ?? (e as Error).message}`)];
  }
  const bytes = statSync(BUNDLE).size;
  let vendor = 0;
  let vendorFiles: string[] = [];
  try {
    vendorFiles = readdirSync(join(ROOT, 'dist/vendor')).filter((f) => f.endsWith('.js'));
    vendor = vendorFiles.reduce((s, f) => s + statSync(join(ROOT, 'dist/vendor', f)).size, 0);
  } catch {
    // a single-file bundle
  }
  const rows: Row[] = [
    makeRow({
      section: 'extension', scenario: 'bundle size: dist/extension.js (production)', runtime: '-', unit: 'KiB', ours: single(bytes / 1024),
      note: `${bytes} bytes${vendorFiles.length ? `; plus ${(vendor / 1024).toFixed(0)} KiB in dist/vendor/ (${vendorFiles.join(', ')}), loaded on a runtime's first use` : ''}`,
    }),
  ];
  const load: number[] = [];
  const total = o.warmup.activation + o.reps.activation;
  const act = await repeat(total, async (rep) => {
    load[rep] = NaN; // stays NaN if this repetition fails, so the warm-up count still lines up
    const { stdout } = await run(process.execPath, [PROBE, BUNDLE], { cwd: ROOT, timeout: 60_000 });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as { loadMs: number; activateMs: number };
    load[rep] = r.loadMs;
    return r.activateMs;
  });
  rows.push(makeRow({ section: 'extension', scenario: 'load dist/extension.js (require, fresh process)', runtime: '-', ours: { samples: load, failures: [] }, warmup: o.warmup.activation }));
  rows.push(makeRow({
    section: 'extension', scenario: 'activate() with a fake ExtensionContext', runtime: '-', ours: act, warmup: o.warmup.activation,
    note: 'require hook supplies a minimal `vscode` stub (scripts/bench/activationProbe.mjs); default settings, so only the local runtime is registered',
  }));
  return rows;
}
